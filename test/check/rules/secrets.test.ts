import * as fc from 'fast-check';
import { analyze } from '../../../src/check/analyze';
import { Finding, Severity } from '../../../src/check/findings';
import { KubeObject } from '../../../src/check/model';
import { SECRET_RULES } from '../../../src/check/rules/secrets';
import { fcParams } from '../../util/property';
import { NOW, TestCerts, TestPair, testCerts } from '../certs';
import { Obj, brief, gateway, injectedGateway, only, secret, server } from '../fixtures';

let certs: TestCerts;
beforeAll(async () => {
  certs = await testCerts();
});

const run = (objs: KubeObject[], o: { context?: KubeObject[] } = {}): Finding[] => analyze(objs, { now: NOW, rules: SECRET_RULES, ...o });
const https = (tls: Obj, hosts = ['app.example.com']) => server(443, 'HTTPS', hosts, { tls });
const simpleGw = (cred = 'app-cert', hosts?: string[], o: Obj = {}) => gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialName: cred }, hosts)], ...o });
const mutualGw = (tls: Obj = {}) => gateway('gw', { servers: [https({ mode: 'MUTUAL', credentialName: 'app-cert', ...tls })] });
const tlsSecret = (p: TestPair, name = 'app-cert', namespace = 'istio-system', extra: Record<string, string> = {}) =>
  secret(name, { 'tls.crt': p.cert, 'tls.key': p.key, ...extra }, { namespace, type: 'kubernetes.io/tls' });

/** cert-manager Certificate (extra builder; fixtures.ts has none). */
function certificate(name: string, namespace: string, secretName: string, dnsNames: string[]): KubeObject {
  return { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace }, spec: { secretName, dnsNames, issuerRef: { name: 'le', kind: 'ClusterIssuer' } } };
}

/** Role + RoleBinding granting `verbs` on secrets to serviceaccount `sa` in `ns`. */
function secretReader(ns: string, sa: string, verbs = ['get', 'watch', 'list']): KubeObject[] {
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'gw-secrets', namespace: ns }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'gw-secrets', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gw-secrets' },
      subjects: [{ kind: 'ServiceAccount', name: sa }],
    },
  ];
}

describe('SEC-NS-001', () => {
  test('secret in the Gateway/app namespace instead of the gateway pod namespace', () => {
    const f = only(run([simpleGw(), tlsSecret(certs.leaf, 'app-cert', 'bookinfo')]), 'SEC-NS-001');
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-NS-001', code: 'IST0101', kind: 'Gateway', name: 'gw', path: 'spec.servers[0].tls.credentialName' }]);
    expect(f[0].severity).toBe(Severity.ERROR);
    expect(f[0].message).toMatch(/secret "app-cert" is in namespace bookinfo but the gateway pods run in istio-system/);
    expect(f[0].fix).toMatch(/create the secret in istio-system/);
  });

  test('pods namespace, not the Gateway namespace: injected gateway in istio-ingress', () => {
    const objs = [
      ...injectedGateway('gw', 'istio-ingress', { istio: 'gw' }),
      ...secretReader('istio-ingress', 'default'),
      gateway('gw', { selector: { istio: 'gw' }, servers: [https({ mode: 'SIMPLE', credentialName: 'app-cert' })] }),
      tlsSecret(certs.leaf, 'app-cert', 'istio-system'),
    ];
    expect(brief(only(run(objs), 'SEC-NS-001'))).toStrictEqual([
      { rule: 'SEC-NS-001', code: 'IST0101', kind: 'Gateway', name: 'gw', path: 'spec.servers[0].tls.credentialName' },
    ]);
    const fixed = [...objs.slice(0, -1), tlsSecret(certs.leaf, 'app-cert', 'istio-ingress')];
    expect(only(run(fixed), 'SEC-NS-001')).toStrictEqual([]);
  });

  test('clean: only the <name>-cacert companion is in the input (the key pair is created out of band, istio.io task)', () => {
    const f = run([gateway('gw', { servers: [https({ mode: 'MUTUAL', credentialName: 'app-cert' })] }), secret('app-cert-cacert', { 'ca.crt': certs.ca.cert })]);
    expect(only(f, 'SEC-NS-001')).toStrictEqual([]);
    expect(only(f, 'SEC-CA-001')).toStrictEqual([]);
  });

  test('secret missing while the pod namespace declares other secrets', () => {
    const f = only(run([simpleGw('app-crt'), tlsSecret(certs.leaf)]), 'SEC-NS-001');
    expect(f.map((x) => x.message)).toStrictEqual(['secret "app-crt" is not among the secrets declared in istio-system, the gateway pods\' namespace']);
  });

  test('clean: present, absent from the input (managed out of band), or a cert-manager Certificate', () => {
    expect(only(run([simpleGw(), tlsSecret(certs.leaf)]), 'SEC-NS-001')).toStrictEqual([]);
    expect(only(run([simpleGw()]), 'SEC-NS-001')).toStrictEqual([]);
    expect(only(run([simpleGw(), certificate('app', 'istio-system', 'app-cert', ['app.example.com'])]), 'SEC-NS-001')).toStrictEqual([]);
    expect(only(run([simpleGw(), certificate('app', 'bookinfo', 'app-cert', ['app.example.com'])]), 'SEC-NS-001')).toHaveLength(1);
  });

  test('caCertCredentialName in the wrong namespace', () => {
    const f = only(run([mutualGw({ caCertCredentialName: 'client-ca' }), tlsSecret(certs.leaf), secret('client-ca', { 'ca.crt': certs.ca.cert }, { namespace: 'bookinfo' })]), 'SEC-NS-001');
    expect(f.map((x) => x.path)).toStrictEqual(['spec.servers[0].tls.caCertCredentialName']);
  });
});

describe('SEC-RBAC-001', () => {
  const gwObjs = () => [
    ...injectedGateway('my-gw', 'istio-ingress', { istio: 'my-gw' }),
    gateway('gw', { selector: { istio: 'my-gw' }, servers: [https({ mode: 'SIMPLE', credentialName: 'app-cert' })] }),
  ];

  test('hand-made gateway without a Role: error when it serves a credentialName', () => {
    const f = only(run(gwObjs()), 'SEC-RBAC-001');
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-RBAC-001', kind: 'Deployment', name: 'my-gw', path: 'spec.template.spec' }]);
    expect(f[0].severity).toBe(Severity.ERROR);
    expect(f[0].message).toMatch(/service account istio-ingress\/default of gateway deployment my-gw cannot get\/watch\/list secrets in istio-ingress/);
  });

  test('partial grant names the missing verbs; plain HTTP gateway only warns', () => {
    const f = only(run([...gwObjs(), ...secretReader('istio-ingress', 'default', ['get'])]), 'SEC-RBAC-001');
    expect(f[0].message).toMatch(/cannot watch\/list secrets/);
    const http = [...injectedGateway('my-gw', 'istio-ingress', { istio: 'my-gw' }), gateway('gw', { selector: { istio: 'my-gw' }, servers: [server(80, 'HTTP', ['a.example.com'])] })];
    expect(only(run(http), 'SEC-RBAC-001').map((x) => x.severity)).toStrictEqual([Severity.WARNING]);
  });

  test('clean: Role + RoleBinding, ClusterRole "*", unknown role, or gateways not deployed in the input', () => {
    expect(only(run([...gwObjs(), ...secretReader('istio-ingress', 'default')]), 'SEC-RBAC-001')).toStrictEqual([]);
    const crb: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'x' },
      roleRef: { kind: 'ClusterRole', name: 'not-in-input' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'istio-ingress' }],
    };
    expect(only(run([...gwObjs(), crb]), 'SEC-RBAC-001')).toStrictEqual([]);
    expect(only(run([simpleGw()]), 'SEC-RBAC-001')).toStrictEqual([]);
  });
});

describe('SEC-KEY-001', () => {
  const key = (objs: KubeObject[]) => only(run(objs), 'SEC-KEY-001');

  test('mixed key pair (cert + tls.key)', () => {
    const f = key([simpleGw(), secret('app-cert', { 'cert': certs.leaf.cert, 'tls.key': certs.leaf.key })]);
    // IST0161 on the Gateway, per server (istioctl)
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-KEY-001', code: 'IST0161', kind: 'Gateway', name: 'gw', path: 'spec.servers[0].tls.credentialName' }]);
    expect(f[0].message).toMatch(/has no complete key pair \(found keys cert, tls.key\); cert\/key and tls.crt\/tls.key pairs cannot be mixed/);
  });

  test('expired, not yet valid, mismatched key, garbage, empty', () => {
    const cred = 'spec.servers[0].tls.credentialName';
    expect(brief(key([simpleGw(), tlsSecret(certs.expired)])).map((x) => [x.kind, x.path, x.code])).toStrictEqual([['Gateway', cred, 'IST0161']]);
    expect(key([simpleGw(), tlsSecret(certs.expired)])[0].message).toMatch(/^credential "app-cert" of this server is invalid: certificate CN=app.example.com in data.tls.crt of secret istio-system\/app-cert expired on 2030-05-22$/);
    expect(key([simpleGw(), tlsSecret(certs.notYetValid)])[0].message).toMatch(/is not valid before 2030-06-11/);
    // a key that does not match is beyond istioctl: uncoded, on the Secret
    const mm = key([simpleGw(), tlsSecret(certs.mismatchedKey)]);
    expect(brief(mm).map((x) => [x.kind, x.path, x.code])).toStrictEqual([['Secret', 'data.tls.key', undefined]]);
    expect(mm[0].message).toMatch(/does not match the certificate/);
    const garbage = key([simpleGw(), secret('app-cert', { 'tls.crt': 'hello', 'tls.key': certs.leaf.key })]);
    expect(garbage.map((x) => [x.path, x.message])).toStrictEqual([[cred, 'credential "app-cert" of this server is invalid: data.tls.crt of secret istio-system/app-cert is not PEM (no "-----BEGIN CERTIFICATE-----" block)']]);
    const empty = key([simpleGw(), secret('app-cert', { 'tls.crt': '', 'tls.key': certs.leaf.key })]);
    expect(empty.map((x) => x.path)).toStrictEqual([cred]);
  });

  test('clean: tls.crt/tls.key, cert/key, stringData; unreferenced secrets are not inspected', () => {
    expect(key([simpleGw(), tlsSecret(certs.leaf)])).toStrictEqual([]);
    expect(key([simpleGw(), secret('app-cert', { cert: certs.leaf.cert, key: certs.leaf.key })])).toStrictEqual([]);
    const sd: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-cert', namespace: 'istio-system' }, stringData: { 'tls.crt': certs.leaf.cert, 'tls.key': certs.leaf.key } };
    expect(key([simpleGw(), sd])).toStrictEqual([]);
    expect(key([tlsSecret(certs.expired)])).toStrictEqual([]);
    // ISTIO_MUTUAL / PASSTHROUGH ignore credentials
    expect(key([gateway('gw', { servers: [https({ mode: 'PASSTHROUGH', credentialName: 'app-cert' })] }), tlsSecret(certs.expired)])).toStrictEqual([]);
  });
});

describe('SEC-TYPE-001', () => {
  test('kubernetes.io/tls with cert/key', () => {
    const f = only(run([secret('x', { cert: 'a', key: 'b' }, { type: 'kubernetes.io/tls' })]), 'SEC-TYPE-001');
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-TYPE-001', kind: 'Secret', name: 'x', path: 'data' }]);
    expect(f[0].message).toBe('secret of type kubernetes.io/tls lacks tls.crt and tls.key; the api server rejects it');
    expect(f[0].fix).toMatch(/rename cert → tls.crt/);
  });

  test('clean: Opaque with cert/key, tls type with tls.crt/tls.key', () => {
    expect(only(run([secret('x', { cert: 'a', key: 'b' })]), 'SEC-TYPE-001')).toStrictEqual([]);
    expect(only(run([secret('x', { 'tls.crt': 'a', 'tls.key': 'b' }, { type: 'kubernetes.io/tls' })]), 'SEC-TYPE-001')).toStrictEqual([]);
  });
});

describe('SEC-CA-001', () => {
  const ca = (objs: KubeObject[]) => only(run(objs), 'SEC-CA-001');

  test('MUTUAL with only tls.crt/tls.key', () => {
    const f = ca([mutualGw(), tlsSecret(certs.leaf)]);
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-CA-001', kind: 'Gateway', name: 'gw', path: 'spec.servers[0].tls.credentialName' }]);
    expect(f[0].message).toMatch(/tls.mode MUTUAL needs a CA to verify clients, but secret istio-system\/app-cert has no ca.crt\/cacert key/);
  });

  test('ca.crt holding a leaf (CA:false)', () => {
    const f = ca([mutualGw(), tlsSecret(certs.leaf, 'app-cert', 'istio-system', { 'ca.crt': certs.selfSigned.cert })]);
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-CA-001', kind: 'Secret', name: 'app-cert', path: 'data.ca.crt' }]);
    expect(f[0].message).toMatch(/holds no CA certificate \(basicConstraints CA:false/);
  });

  test('lookup order: caCertCredentialName > <name>-cacert > ca.crt in the same secret', () => {
    const good = tlsSecret(certs.leaf, 'app-cert', 'istio-system', { 'ca.crt': certs.ca.cert });
    // caCertCredentialName wins over a good ca.crt in the same secret
    const viaName = ca([mutualGw({ caCertCredentialName: 'client-ca' }), good, secret('client-ca', { cacert: certs.selfSigned.cert })]);
    expect(brief(viaName)).toStrictEqual([{ rule: 'SEC-CA-001', kind: 'Secret', name: 'client-ca', path: 'data.cacert' }]);
    // <name>-cacert wins over ca.crt in the same secret
    const viaSuffix = ca([mutualGw(), good, secret('app-cert-cacert', { 'ca.crt': certs.selfSigned.cert })]);
    expect(brief(viaSuffix).map((x) => x.name)).toStrictEqual(['app-cert-cacert']);
    // each layout clean
    expect(ca([mutualGw(), good])).toStrictEqual([]);
    expect(ca([mutualGw(), tlsSecret(certs.leaf), secret('app-cert-cacert', { cacert: certs.ca.cert })])).toStrictEqual([]);
    expect(ca([mutualGw({ caCertCredentialName: 'client-ca' }), tlsSecret(certs.leaf), secret('client-ca', { 'ca.crt': certs.ca.cert })])).toStrictEqual([]);
    expect(ca([gateway('gw', { servers: [https({ mode: 'OPTIONAL_MUTUAL', credentialName: 'app-cert' })] }), secret('app-cert', { cert: certs.leaf.cert, key: certs.leaf.key, cacert: certs.ca.cert })])).toStrictEqual([]);
  });

  test('clean: SIMPLE needs no CA; secret not in the input says nothing', () => {
    expect(ca([simpleGw(), tlsSecret(certs.leaf)])).toStrictEqual([]);
    expect(ca([mutualGw()])).toStrictEqual([]);
  });
});

describe('SEC-SAN-001', () => {
  const san = (objs: KubeObject[]) => only(run(objs), 'SEC-SAN-001');

  test('certificate for other.example.com on app.example.com', () => {
    const f = san([simpleGw('app-cert', ['app.example.com', 'other.example.com']), tlsSecret(certs.wrongSan)]);
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-SAN-001', kind: 'Gateway', name: 'gw', path: 'spec.servers[0].hosts[0]' }]);
    expect(f[0].message).toBe('host "app.example.com" is not covered by the certificate in data.tls.crt of secret istio-system/app-cert, which names other.example.com; clients will reject the certificate');
  });

  test('wildcard covers one label only; IP SANs; ns/ host prefix', () => {
    const f = san([simpleGw('app-cert', ['a.example.com', 'bookinfo/b.example.com', 'a.b.example.com', '10.0.0.1', '10.0.0.2', '*']), tlsSecret(certs.wildcard)]);
    expect(f.map((x) => x.path)).toStrictEqual(['spec.servers[0].hosts[2]', 'spec.servers[0].hosts[4]']);
  });

  test('cert-manager Certificate dnsNames stand in for the secret', () => {
    const f = san([simpleGw('app-cert', ['app.example.com', 'www.example.com']), certificate('app', 'istio-system', 'app-cert', ['app.example.com'])]);
    expect(f.map((x) => [x.path, x.message])).toStrictEqual([[
      'spec.servers[0].hosts[1]',
      'host "www.example.com" is not covered by cert-manager Certificate istio-system/app (dnsNames), which names app.example.com; clients will reject the certificate',
    ]]);
  });

  test('CN is used only without SAN', () => {
    expect(san([simpleGw('app-cert', ['legacy.example.com']), tlsSecret(certs.cnOnly)])).toStrictEqual([]);
    expect(san([simpleGw('app-cert', ['app.example.com']), tlsSecret(certs.cnOnly)])[0].message).toMatch(/\(CN only, no SAN\)/);
  });

  test('clean', () => {
    expect(san([simpleGw(), tlsSecret(certs.leaf)])).toStrictEqual([]);
  });
});

describe('SEC-EXP-001', () => {
  test('expiring in 10 days warns on data.tls.crt', () => {
    const f = only(run([simpleGw(), tlsSecret(certs.expiringSoon)]), 'SEC-EXP-001');
    expect(brief(f)).toStrictEqual([{ rule: 'SEC-EXP-001', kind: 'Secret', name: 'app-cert', path: 'data.tls.crt' }]);
    expect(f[0].severity).toBe(Severity.WARNING);
    expect(f[0].message).toMatch(/expires on 2030-06-11 \(in 10 days\)/);
  });

  test('clean: a year left; expired is SEC-KEY-001, not this', () => {
    expect(only(run([simpleGw(), tlsSecret(certs.leaf)]), 'SEC-EXP-001')).toStrictEqual([]);
    expect(only(run([simpleGw(), tlsSecret(certs.expired)]), 'SEC-EXP-001')).toStrictEqual([]);
  });
});

describe('SEC-GIT-001', () => {
  test('a private key in data or stringData (tls.key, key, any PEM PRIVATE KEY) warns once per Secret', () => {
    const f = run([
      tlsSecret(certs.leaf, 'in-data', 'istio-system'),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'in-string-data', namespace: 'apps' }, stringData: { key: certs.leaf.key, cert: certs.leaf.cert } },
      secret('odd-name', { 'signing.pem': certs.leaf.key }, { namespace: 'apps' }),
    ]);
    expect(brief(only(f, 'SEC-GIT-001')).map((x) => `${x.name} ${x.path}`).sort()).toStrictEqual([
      'in-data data.tls.key', 'in-string-data stringData.key', 'odd-name data.signing.pem',
    ]);
    expect(only(f, 'SEC-GIT-001').every((x) => x.severity === Severity.WARNING && /cert-manager/.test(x.fix))).toBe(true);
  });

  test('clean: certificate-only or CA secrets, context Secrets, externally managed placeholders', () => {
    const placeholder = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'app-cert', namespace: 'istio-system', annotations: { 'cdk8s-istio-gateways.io/external-secret': 'true' } },
      stringData: { 'tls.crt': '(managed outside this app)', 'tls.key': '(managed outside this app)' },
    };
    expect(only(run([secret('ca-only', { 'ca.crt': certs.ca.cert }), placeholder]), 'SEC-GIT-001')).toStrictEqual([]);
    expect(only(run([], { context: [tlsSecret(certs.leaf)] }), 'SEC-GIT-001')).toStrictEqual([]);
  });
});

describe('Credential.fromSecretName placeholders: keys present, contents unknown', () => {
  const placeholder = (ca: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: 'app-cert', namespace: 'istio-system', annotations: { 'cdk8s-istio-gateways.io/external-secret': 'true' } },
    stringData: { 'tls.crt': '(managed outside this app)', 'tls.key': '(managed outside this app)', ...(ca ? { 'ca.crt': '(managed outside this app)' } : {}) },
  });
  test('no certificate rule parses them, as context or as a manifest', () => {
    expect(run([simpleGw(), placeholder(false)])).toStrictEqual([]);
    expect(run([mutualGw(), placeholder(true)])).toStrictEqual([]);
    expect(run([mutualGw()], { context: [placeholder(true)] })).toStrictEqual([]);
  });
  test('a MUTUAL server still needs the CA key to be declared', () => {
    expect(brief(run([mutualGw()], { context: [placeholder(false)] })).map((x) => x.rule)).toStrictEqual(['SEC-CA-001']);
  });
});

describe('robustness', () => {
  test('a valid mutual setup is clean across all SEC rules', () => {
    const objs = [
      ...injectedGateway('my-gw', 'istio-ingress', { istio: 'my-gw' }), ...secretReader('istio-ingress', 'default'),
      gateway('gw', { selector: { istio: 'my-gw' }, servers: [https({ mode: 'MUTUAL', credentialName: 'app-cert' })] }),
      tlsSecret(certs.leaf, 'app-cert', 'istio-ingress', { 'ca.crt': certs.ca.cert }),
    ];
    // …except that the key sits in the manifests (SEC-GIT-001), which is the point of that warning
    expect(brief(run(objs))).toStrictEqual([{ rule: 'SEC-GIT-001', kind: 'Secret', name: 'app-cert', path: 'data.tls.key' }]);
    expect(run(objs.slice(0, -1), { context: [objs[objs.length - 1]] })).toStrictEqual([]);
  });

  test('no rule throws on garbage', () => {
    const anyTls = fc.record({
      mode: fc.constantFrom('SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL', 'PASSTHROUGH', 7),
      credentialName: fc.oneof(fc.constant('app-cert'), fc.anything()),
      credentialNames: fc.anything(),
      caCertCredentialName: fc.oneof(fc.constant('ca'), fc.anything()),
    });
    const arb = fc.array(fc.oneof(
      fc.anything(),
      fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Secret'), metadata: fc.record({ name: fc.constantFrom('app-cert', 'app-cert-cacert', 'ca'), namespace: fc.constant('istio-system') }), type: fc.oneof(fc.constant('kubernetes.io/tls'), fc.anything()), data: fc.oneof(fc.dictionary(fc.constantFrom('tls.crt', 'tls.key', 'cert', 'key', 'ca.crt', 'cacert'), fc.oneof(fc.base64String(), fc.anything())), fc.anything()), stringData: fc.anything() }),
      fc.record({ apiVersion: fc.constant('networking.istio.io/v1'), kind: fc.constant('Gateway'), metadata: fc.record({ name: fc.constant('gw'), namespace: fc.constant('istio-system') }), spec: fc.oneof(fc.record({ selector: fc.anything(), servers: fc.array(fc.record({ port: fc.anything(), hosts: fc.anything(), tls: fc.oneof(anyTls, fc.anything()) })) }), fc.anything()) }),
      fc.record({ apiVersion: fc.constant('rbac.authorization.k8s.io/v1'), kind: fc.constantFrom('Role', 'RoleBinding', 'ClusterRoleBinding'), metadata: fc.record({ name: fc.string(), namespace: fc.constant('istio-system') }), rules: fc.anything(), subjects: fc.anything(), roleRef: fc.anything() }),
    ), { maxLength: 6 });
    fc.assert(fc.property(arb, (objs) => {
      const f = run(objs as KubeObject[]);
      expect(f.filter((x) => x.rule === 'CHK-INT-001')).toStrictEqual([]);
    }), fcParams(300));
  });
});
