import { App, Chart, Duration } from 'cdk8s';
import { Checks, ClientCa, CertManagerIssuerKind, Credential, Destination, GatewayWorkload, HttpRoute, IngressGateway, SecureHost, ServerTls } from '../src';
import { ConstructCerts, constructCerts } from './util/certs';
import { ofKind, one, synth, testChart } from './util/manifests';

let certs: ConstructCerts;
beforeAll(async () => {
  certs = await constructCerts();
});

function setup() {
  const chart = testChart('istioinaction');
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gw', { workload: ingress, name: 'coolstore' });
  return { chart, gateway };
}
const toWeb = HttpRoute.to([Destination.service('webapp', 80)]);

describe('Credential.fromPem', () => {
  test('a kubernetes.io/tls Secret in the workload namespace (not the chart\'s), with ca.crt', () => {
    const { chart, gateway } = setup();
    const cred = Credential.fromPem({ cert: certs.valid.cert, key: certs.valid.key, ca: certs.ca.cert, secretName: 'webapp-credential', allowPrivateKeyInManifest: true });
    expect(cred.hasCa).toBe(true);
    gateway.addSecureHost('webapp', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(cred, ClientCa.fromServerCredential()), routes: [toWeb] });
    const secret = one(synth(chart), 'Secret');
    expect(secret.metadata).toStrictEqual({ name: 'webapp-credential', namespace: 'istio-system' });
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.stringData).toStrictEqual({ 'tls.crt': certs.valid.cert, 'tls.key': certs.valid.key, 'ca.crt': certs.ca.cert });
  });

  test('a CA-signed chain binds', () => {
    const { chart, gateway } = setup();
    const cred = Credential.fromPem({ cert: certs.caSigned.cert, key: certs.caSigned.key, secretName: 'webapp-credential', allowPrivateKeyInManifest: true });
    expect(cred.hasCa).toBe(false);
    gateway.addSecureHost('a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(cred), routes: [toWeb] });
    expect(one(synth(chart), 'Secret').stringData['tls.crt']).toBe(certs.caSigned.cert);
  });

  test('bound by two servers → one Secret', () => {
    const { chart, gateway } = setup();
    const cred = Credential.fromPem({ cert: certs.valid.cert, key: certs.valid.key, secretName: 'coolstore-credential', allowPrivateKeyInManifest: true });
    gateway.addSecureHost('a', { hosts: ['webapp.istioinaction.io'], portName: 'https-webapp', tls: ServerTls.simple(cred), routes: [toWeb] });
    gateway.addSecureHost('b', { hosts: ['catalog.istioinaction.io'], portName: 'https-catalog', tls: ServerTls.simple(cred), routes: [toWeb] });
    const secrets = ofKind(synth(chart), 'Secret');
    expect(secrets).toHaveLength(1);
    expect(Object.keys(secrets[0].stringData).sort()).toStrictEqual(['tls.crt', 'tls.key']);
  });

  test('without the opt-in, binding throws and recommends cert-manager or an existing secret', () => {
    const { gateway } = setup();
    const cred = Credential.fromPem({ cert: certs.valid.cert, key: certs.valid.key, secretName: 'webapp-credential' });
    expect(() => gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(cred) }))
      .toThrow(/would write the private key into the synthesized YAML .*Credential.fromCertManager.*Credential.fromSecretName\("webapp-credential"\).*allowPrivateKeyInManifest: true/);
  });

  test.each([
    ['cert that does not parse', () => ({ cert: 'not a pem', key: certs.valid.key }), /cert: the PEM does not parse as an X.509 certificate/],
    ['corrupt certificate body', () => ({ cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', key: certs.valid.key }), /cert: the PEM does not parse/],
    ['key that does not parse', () => ({ cert: certs.valid.cert, key: 'nope' }), /key: the PEM does not parse as a private key/],
    ['key that does not match', () => ({ cert: certs.mismatchedKey.cert, key: certs.mismatchedKey.key }), /key: the private key does not match the certificate/],
    ['CA that does not parse', () => ({ cert: certs.valid.cert, key: certs.valid.key, ca: 'garbage' }), /ca: the PEM does not parse as X.509 certificates/],
  ])('%s throws', (_n, pem, message) => {
    const { gateway } = setup();
    const cred = Credential.fromPem({ ...pem(), secretName: 'webapp-credential', allowPrivateKeyInManifest: true });
    expect(() => gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(cred) })).toThrow(message);
  });

  test('expired and wrong-SAN certificates bind (the checker reports them, not an eager throw)', () => {
    for (const pair of [certs.expired, certs.wrongSan]) {
      const { gateway } = setup();
      const cred = Credential.fromPem({ ...pair, secretName: 'webapp-credential', allowPrivateKeyInManifest: true });
      expect(() => gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(cred), routes: [toWeb] })).not.toThrow();
    }
  });

  test('invalid secret name', () => {
    const { gateway } = setup();
    expect(() => gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromSecretName('Webapp_Cred')) }))
      .toThrow(/secretName: "Webapp_Cred" is not a valid Secret name/);
  });
});

describe('Credential.fromSecretName', () => {
  test('synthesizes nothing; hasCa follows the option', () => {
    const { chart, gateway } = setup();
    const cred = Credential.fromSecretName('webapp-credential-mtls', { hasCa: true });
    expect([cred.secretName, cred.hasCa, Credential.fromSecretName('x').hasCa]).toStrictEqual(['webapp-credential-mtls', true, false]);
    gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(cred, ClientCa.fromServerCredential()), routes: [toWeb] });
    const m = synth(chart);
    expect(ofKind(m, 'Secret')).toStrictEqual([]);
    expect(one(m, 'Gateway').spec.servers[1].tls.credentialName).toBe('webapp-credential-mtls');
  });
});

describe('Credential.fromCertManager', () => {
  test('a Certificate in the workload namespace whose dnsNames are the hosts of every server that binds it', () => {
    const { chart, gateway } = setup();
    const cred = Credential.fromCertManager({
      issuer: { name: 'letsencrypt', kind: CertManagerIssuerKind.CLUSTER_ISSUER },
      secretName: 'coolstore-credential',
      duration: Duration.days(90),
      renewBefore: Duration.minutes(90),
      extraDnsNames: ['www.istioinaction.io'],
    });
    gateway.addSecureHost('webapp', { hosts: ['webapp.istioinaction.io'], portName: 'https-webapp', tls: ServerTls.simple(cred), routes: [toWeb] });
    gateway.addSecureHost('catalog', { hosts: ['catalog.istioinaction.io'], portName: 'https-catalog', tls: ServerTls.simple(cred), routes: [toWeb] });
    const certsOut = ofKind(synth(chart), 'Certificate');
    expect(certsOut).toHaveLength(1);
    expect(certsOut[0].metadata).toStrictEqual({ name: 'coolstore-credential', namespace: 'istio-system' });
    expect(certsOut[0].spec).toStrictEqual({
      secretName: 'coolstore-credential',
      dnsNames: ['catalog.istioinaction.io', 'webapp.istioinaction.io', 'www.istioinaction.io'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      duration: '2160h',
      renewBefore: '90m',
    });
  });

  test('defaults: Issuer kind, certificate name = secret name, hasCa from ca', () => {
    const { chart, gateway } = setup();
    const cred = Credential.fromCertManager({ issuer: { name: 'ca-issuer' }, secretName: 'mtls', certificateName: 'mtls-cert', ca: true, renewBefore: Duration.seconds(90) });
    expect(cred.hasCa).toBe(true);
    gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(cred, ClientCa.fromServerCredential()), routes: [toWeb] });
    const c = one(synth(chart), 'Certificate');
    expect([c.metadata.name, c.spec.issuerRef, c.spec.renewBefore]).toStrictEqual(['mtls-cert', { name: 'ca-issuer', kind: 'Issuer', group: 'cert-manager.io' }, '90s']);
  });

  test('errors', () => {
    const { gateway } = setup();
    expect(() => gateway.addSecureHost('a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromCertManager({ issuer: { name: '' }, secretName: 's' })) }))
      .toThrow(/issuer: an issuer name is required/);
    expect(() => gateway.addSecureHost('b', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromCertManager({ issuer: { name: 'i' }, secretName: 's', certificateName: 'Bad' })) }))
      .toThrow(/certificateName: "Bad" is not a DNS-1123 label/);
    const fresh = setup();
    fresh.gateway.addSecureHost('c', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromCertManager({ issuer: { name: 'i' }, secretName: 'dup' })), routes: [toWeb] });
    expect(() => fresh.gateway.addSecureHost('d', { hosts: ['catalog.istioinaction.io'], tls: ServerTls.simple(Credential.fromCertManager({ issuer: { name: 'i' }, secretName: 'dup' })) }))
      .toThrow('[chart/gw/d] credential "dup": another credential (first used by chart/gw/c) already writes secret istio-system/dup with a cert-manager Certificate; reuse that credential object for every server, or give this one its own secretName');
  });

  test('a certificate cannot cover "*"', () => {
    const chart = testChart('x');
    const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress') });
    const cred = Credential.fromCertManager({ issuer: { name: 'i' }, secretName: 's' });
    expect(() => gw.addServer({ port: 443, protocol: 'HTTPS' as never, hosts: ['*'], allowAnyHost: true, tls: ServerTls.simple(cred) }))
      .toThrow(/a certificate cannot be issued for the host "\*"/);
  });
});

describe('one Secret, one writer (per App)', () => {
  /** The shared gateway in the platform chart and a team chart in the same App. */
  function twoCharts() {
    const { chart, gateway } = setup();
    const team = new Chart(chart.node.root as App, 'team-b', { namespace: 'team-b' });
    return { chart, gateway, team };
  }

  test('two fromPem with one secret name and different certificates throw, naming the construct that wrote the first', () => {
    const { gateway, team } = twoCharts();
    const a = Credential.fromPem({ ...certs.valid, secretName: 'shop-credential', allowPrivateKeyInManifest: true });
    const b = Credential.fromPem({ ...certs.caSigned, secretName: 'shop-credential', allowPrivateKeyInManifest: true });
    gateway.addSecureHost('team-a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(a), routes: [toWeb] });
    expect(() => new SecureHost(team, 'shop', { gateway, hosts: ['catalog.istioinaction.io'], tls: ServerTls.simple(b), routes: [toWeb] }))
      .toThrow('[team-b/shop] credential "shop-credential": secret istio-system/shop-credential is already written by chart/gw/team-a with a different certificate, key or CA; one Secret holds one certificate: give this credential its own secretName, or reuse the first credential object');
  });

  test('two fromPem with one secret name and the same PEM share one Secret', () => {
    const { chart, gateway, team } = twoCharts();
    const pem = { ...certs.valid, secretName: 'shop-credential', allowPrivateKeyInManifest: true };
    gateway.addSecureHost('team-a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem(pem)), routes: [toWeb] });
    new SecureHost(team, 'shop', { gateway, hosts: ['catalog.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem(pem)), routes: [toWeb] });
    expect([...synth(chart), ...synth(team)].filter((m) => m.kind === 'Secret').map((m) => `${m.metadata.namespace}/${m.metadata.name}`))
      .toStrictEqual(['istio-system/shop-credential']);
  });

  test('one fromCertManager credential used from two charts yields one Certificate for the hosts of both', () => {
    const { chart, gateway, team } = twoCharts();
    const cred = Credential.fromCertManager({ issuer: { name: 'letsencrypt', kind: CertManagerIssuerKind.CLUSTER_ISSUER }, secretName: 'shop-credential' });
    gateway.addSecureHost('team-a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(cred), routes: [toWeb] });
    new SecureHost(team, 'shop', { gateway, hosts: ['catalog.istioinaction.io'], tls: ServerTls.simple(cred), routes: [toWeb] });
    const all = [...synth(chart), ...synth(team)].filter((m) => m.kind === 'Certificate');
    expect(all.map((c) => [c.metadata.namespace, c.metadata.name, c.spec.dnsNames])).toStrictEqual([
      ['istio-system', 'shop-credential', ['catalog.istioinaction.io', 'webapp.istioinaction.io']],
    ]);
  });

  test('a fromPem and a fromCertManager credential for one secret throw', () => {
    const { gateway, team } = twoCharts();
    gateway.addSecureHost('team-a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromCertManager({ issuer: { name: 'i' }, secretName: 'shop' })), routes: [toWeb] });
    expect(() => new SecureHost(team, 'shop', { gateway, hosts: ['catalog.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem({ ...certs.valid, secretName: 'shop', allowPrivateKeyInManifest: true })), routes: [toWeb] }))
      .toThrow('[team-b/shop] credential "shop": secret istio-system/shop is already written by chart/gw/team-a with a cert-manager Certificate; one Secret holds one certificate: give this credential its own secretName, or reuse the first credential object');
  });
});

describe('ClientCa: MUTUAL with a client CA that is not the server certificate\'s issuer', () => {
  test('fromSecretName: caCertCredentialName on the server; the CA secret is declared to the checks, nothing synthesized', () => {
    const { chart, gateway } = setup();
    gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(Credential.fromSecretName('webapp-credential'), ClientCa.fromSecretName('partners-ca')), routes: [toWeb] });
    const m = synth(chart);
    expect(one(m, 'Gateway').spec.servers[1].tls).toStrictEqual({ mode: 'MUTUAL', credentialName: 'webapp-credential', caCertCredentialName: 'partners-ca', minProtocolVersion: 'TLSV1_2' });
    expect(ofKind(m, 'Secret')).toStrictEqual([]);
    expect(Checks.findings(chart).filter((f) => f.severity === 'error')).toStrictEqual([]);
  });

  test('cacertSecret: Istio\'s <credentialName>-cacert convention, nothing written in the Gateway', () => {
    const { chart, gateway } = setup();
    gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(Credential.fromSecretName('webapp-credential'), ClientCa.cacertSecret()), routes: [toWeb] });
    expect(one(synth(chart), 'Gateway').spec.servers[1].tls).toStrictEqual({ mode: 'MUTUAL', credentialName: 'webapp-credential', minProtocolVersion: 'TLSV1_2' });
    expect(Checks.findings(chart).filter((f) => f.severity === 'error')).toStrictEqual([]);
  });

  test('fromPem: a CA-only Secret named <credentialName>-cacert in the workload namespace', () => {
    const { chart, gateway } = setup();
    gateway.addSecureHost('x', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(Credential.fromSecretName('webapp-credential'), ClientCa.fromPem(certs.ca.cert)), routes: [toWeb] });
    const m = synth(chart);
    expect(one(m, 'Gateway').spec.servers[1].tls.caCertCredentialName).toBe('webapp-credential-cacert');
    const secret = one(m, 'Secret');
    expect([secret.metadata.namespace, secret.metadata.name, Object.keys(secret.stringData)]).toStrictEqual(['istio-system', 'webapp-credential-cacert', ['ca.crt']]);
    expect(Checks.findings(chart).filter((f) => f.severity === 'error')).toStrictEqual([]);
  });

  test('fromPem errors: not a certificate, a private key in the bundle', () => {
    const { gateway } = setup();
    expect(() => gateway.addSecureHost('a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(Credential.fromSecretName('c'), ClientCa.fromPem('nope')) }))
      .toThrow(/\[chart\/gw\/a\] clientCa: the PEM of CA secret "c-cacert" does not parse as X.509 certificates \(no CERTIFICATE block\)/);
    expect(() => gateway.addSecureHost('b', { hosts: ['catalog.istioinaction.io'], tls: ServerTls.mutual(Credential.fromSecretName('d'), ClientCa.fromPem(certs.ca.cert + certs.ca.key)) }))
      .toThrow(/\[chart\/gw\/b\] clientCa: the PEM of CA secret "d-cacert" contains a private key/);
  });

  test('fromServerCredential on a credential without a CA throws', () => {
    const { gateway } = setup();
    expect(() => gateway.addSecureHost('a', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.mutual(Credential.fromSecretName('c'), ClientCa.fromServerCredential()) }))
      .toThrow(/\[chart\/gw\/a\] tls: MUTUAL credential "c" has no CA to verify client certificates; .*ClientCa.fromSecretName/);
  });
});
