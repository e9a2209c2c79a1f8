import * as fc from 'fast-check';
import { analyze } from '../../src/check/analyze';
import { Severity } from '../../src/check/findings';
import { KubeObject } from '../../src/check/model';
import { SCHEMA_RULES } from '../../src/check/rules/schema';
import { SchemaIssue, celRuleStats, crdDirectory, escapeCelProperty, validateManifest } from '../../src/check/schema';
import { plainDnsName, plainLabelValue } from '../../src/check/schema/object-meta';
import { PruneNode, prepare } from '../../src/check/schema/prune';
import { loadManifests } from '../../src/check/yaml';
import { DNS_LABEL_MAX_LENGTH, DNS_SUBDOMAIN_MAX_LENGTH, isDns1035Label, isDns1123Label, isDns1123Subdomain } from '../../src/internal/dns-names';
import { fcParams } from '../util/property';

const fromYaml = (text: string): KubeObject => loadManifests(text, 't.yaml').objects[0];
const issues = (o: KubeObject, rule?: string): SchemaIssue[] => validateManifest(o).filter((i) => !rule || i.rule === rule);

const gateway = (servers: unknown, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'public', namespace: 'istio-system' },
  spec: { selector: { istio: 'ingressgateway' }, servers, ...extra },
});
const httpServer = { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] };

const cleanVs: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'shop', namespace: 'shop', labels: { app: 'shop' } },
  spec: { hosts: ['shop.example.com'], gateways: ['istio-system/public'], http: [{ route: [{ destination: { host: 'shop', port: { number: 8080 } } }], timeout: '10s' }] },
};

describe('CRD catalog', () => {
  test('the vendored crds/ directory is found from src/check', () => {
    expect(crdDirectory()).toMatch(/crds$/);
  });

  test('every CEL rule of the served versions is compiled, except the two under status', () => {
    const stats = celRuleStats();
    const served = stats.filter((s) => s.served);
    const total = served.reduce((n, s) => n + s.total, 0);
    const evaluated = served.reduce((n, s) => n + s.evaluated, 0);
    expect(total).toBe(617);
    expect(evaluated).toBe(615);
    const reasons = new Set(served.flatMap((s) => s.skipped.map((k) => k.reason)));
    expect([...reasons]).toEqual(['under status, which the apiserver ignores when the object is applied']);
    expect(stats.find((s) => s.kind === 'Gateway' && s.group === 'networking.istio.io' && s.version === 'v1alpha3')).toMatchObject({ total: 3, evaluated: 3 });
    expect(stats.filter((s) => !s.served).every((s) => s.evaluated === 0)).toBe(true);
  });

  test('CEL property escaping follows Kubernetes', () => {
    expect(escapeCelProperty('namespace')).toBe('__namespace__');
    expect(escapeCelProperty('a-b.c/d')).toBe('a__dash__b__dot__c__slash__d');
    expect(escapeCelProperty('x__y')).toBe('x__underscores__y');
    expect(escapeCelProperty('1abc')).toBeUndefined();
  });
});

describe('clean objects have no schema findings', () => {
  test.each([
    ['Gateway', gateway([httpServer])],
    ['VirtualService', cleanVs],
    ['DestinationRule v1beta1', { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: { name: 'shop' }, spec: { host: 'shop', trafficPolicy: { connectionPool: { tcp: { connectTimeout: '5s', maxConnections: 10 } } } } }],
    ['Gateway v1alpha3', { ...gateway([httpServer]), apiVersion: 'networking.istio.io/v1alpha3' }],
    ['HTTPRoute', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 's', port: 80 }] }] } }],
    ['Certificate', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'istio-system' }, spec: { secretName: 'c', dnsNames: ['a.example.com'], issuerRef: { name: 'le', kind: 'ClusterIssuer' } } }],
    ['Service (meta checks only)', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } }, spec: { ports: [{ port: 80 }] } }],
    ['unknown CRD kind (not ours to judge)', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'Anything_Goes' }, spec: { whatever: 1 } }],
  ])('%s', (_name, o) => {
    expect(issues(o as KubeObject)).toEqual([]);
  });
});

describe('SCH-META-001 apiVersion, kind, metadata.name', () => {
  test('violations', () => {
    expect(issues({ kind: 'Gateway', metadata: { name: 'a' } }, 'SCH-META-001').map((i) => i.path)).toEqual(['apiVersion']);
    expect(issues({ apiVersion: 'v1', metadata: { name: 'a' } }, 'SCH-META-001').map((i) => i.path)).toEqual(['kind']);
    expect(issues({ apiVersion: 'v1', kind: 'Service' }, 'SCH-META-001')[0]).toMatchObject({ path: 'metadata', message: 'metadata is missing, so the object has no name' });
    expect(issues({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'x' } }, 'SCH-META-001')[0].path).toBe('metadata.name');
  });

  test('an unquoted numeric name is a number, not a string', () => {
    const o = fromYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 0777\n');
    expect(issues(o, 'SCH-META-001')[0]).toMatchObject({ path: 'metadata.name', message: 'metadata.name is the number 511, not a string' });
  });

  test('clean: generateName instead of name', () => {
    expect(issues({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'p-' } }, 'SCH-META-001')).toEqual([]);
  });
});

describe('SCH-META-002 labels and annotations', () => {
  test('YAML 1.1 values that are not strings', () => {
    const o = fromYaml('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    version: 1.0\n    canary: yes\n  annotations:\n    sidecar.istio.io/inject: false\n');
    const found = issues(o, 'SCH-META-002');
    expect(found.map((i) => i.path)).toEqual(['metadata.labels.version', 'metadata.labels.canary', 'metadata.annotations["sidecar.istio.io/inject"]']);
    expect(found[1].message).toBe('metadata.labels.canary is the boolean true; labels values must be strings, so the apiserver rejects the object');
    expect(found[1].fix).toMatch(/quote the value: canary: "true"/);
  });

  test('invalid label keys and values', () => {
    const found = issues({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { 'bad key': 'x', 'ok': 'has spaces' } } }, 'SCH-META-002');
    expect(found.map((i) => i.path)).toEqual(['metadata.labels["bad key"]', 'metadata.labels.ok']);
  });

  test('clean', () => {
    expect(issues({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { 'istio.io/rev': 'stable-1', 'app': 'web' }, annotations: { note: 'any text at all: yes' } } }, 'SCH-META-002')).toEqual([]);
  });
});

describe('SCH-META-001 and IstioOperator (istioctl input)', () => {
  const iop = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { profile: 'demo' } };

  test('an IstioOperator without metadata.name, or without metadata, is valid istioctl input (issue 10)', () => {
    expect(issues(iop, 'SCH-META-001')).toEqual([]);
    expect(issues({ ...iop, metadata: { namespace: 'istio-system' } }, 'SCH-META-001')).toEqual([]);
  });

  test('its metadata is still checked when present', () => {
    expect(issues({ ...iop, metadata: { namespace: 'Istio_System' } }, 'SCH-NAME-001').map((i) => i.path)).toEqual(['metadata.namespace']);
    expect(issues({ ...iop, metadata: { labels: { 'bad key': 'x' } } }, 'SCH-META-002').map((i) => i.path)).toEqual(['metadata.labels["bad key"]']);
    expect(issues({ ...iop, metadata: 'x' }, 'SCH-META-001').map((i) => i.path)).toEqual(['metadata']);
  });

  test('other kinds still need a name', () => {
    expect(issues({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { namespace: 'shop' } }, 'SCH-META-001').map((i) => i.path)).toEqual(['metadata.name']);
  });
});

describe('SCH-NAME-001 names', () => {
  test('custom resources need a DNS-1123 subdomain', () => {
    const vs = { ...cleanVs, metadata: { name: 'Shop_VS', namespace: 'shop' } };
    expect(issues(vs, 'SCH-NAME-001')[0]).toMatchObject({ path: 'metadata.name', fix: 'rename it, e.g. shop-vs' });
  });

  test('Services need a DNS-1035 label, namespaces a DNS-1123 label', () => {
    expect(issues({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' } }, 'SCH-NAME-001')).toHaveLength(1);
    expect(issues({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'My.NS' } }, 'SCH-NAME-001')[0].path).toBe('metadata.namespace');
  });

  test('an Istio Gateway name is left to GW-NAME-001 (not reported twice)', () => {
    expect(issues({ ...gateway([httpServer]), metadata: { name: 'Bad_Name', namespace: 'istio-system' } }, 'SCH-NAME-001')).toEqual([]);
  });

  test('object names are DNS-1123 subdomains: 253 characters in total, no 63-character limit per part (issue 10)', () => {
    const long = `reviews-${'a'.repeat(58)}`; // 66 characters, no dot
    expect(long).toHaveLength(66);
    expect(issues({ ...cleanVs, metadata: { name: long, namespace: 'shop' } }, 'SCH-NAME-001')).toEqual([]);
    expect(issues({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${long}.${long}`, namespace: 'shop' } }, 'SCH-NAME-001')).toEqual([]);
    expect(issues({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a'.repeat(253), namespace: 'shop' } }, 'SCH-NAME-001')).toEqual([]);
    const tooLong = issues({ ...cleanVs, metadata: { name: 'a'.repeat(254), namespace: 'shop' } }, 'SCH-NAME-001');
    expect(tooLong.map((i) => i.message)).toEqual([
      `metadata.name "${'a'.repeat(78)}… is not a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending alphanumeric, at most 253 characters)`,
    ]);
  });

  test('label kinds keep the 63-character limit: Service (DNS-1035), Namespace (DNS-1123 label)', () => {
    const long = `reviews-${'a'.repeat(58)}`;
    expect(issues({ apiVersion: 'v1', kind: 'Service', metadata: { name: long, namespace: 'shop' } }, 'SCH-NAME-001').map((i) => i.message)).toEqual([
      `metadata.name "${long}" is not a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, at most 63 characters)`,
    ]);
    expect(issues({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: long } }, 'SCH-NAME-001').map((i) => i.message)).toEqual([
      `metadata.name "${long}" is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters)`,
    ]);
    expect(issues({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }, 'SCH-NAME-001')).toHaveLength(1);
  });

  test('clean: dotted subdomain names for custom resources, colons for RBAC', () => {
    expect(issues({ ...cleanVs, metadata: { name: 'shop.v2', namespace: 'shop' } }, 'SCH-NAME-001')).toEqual([]);
    expect(issues({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:gw' } }, 'SCH-NAME-001')).toEqual([]);
  });
});

describe('the character loops that accept plainly valid names before the grammar regexes', () => {
  // the alphabet around the grammars' edges: short strings of it hit every boundary (dots, dashes, case, length)
  const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'z', 'A', 'Z', '0', '9', '-', '.', '_', '/'), maxLength: max });
  const long = fc.oneof(text(12), fc.tuple(fc.constantFrom(62, 63, 64, 252, 253, 254), fc.constantFrom('a', '-', '.')).map(([n, c]) => `a${c.repeat(n - 2)}b`));

  test('plainDnsName accepts exactly the names each grammar regex accepts', () => {
    fc.assert(fc.property(long, (s) => {
      expect(plainDnsName(s, DNS_SUBDOMAIN_MAX_LENGTH, true, false)).toBe(isDns1123Subdomain(s));
      expect(plainDnsName(s, DNS_LABEL_MAX_LENGTH, false, false)).toBe(isDns1123Label(s));
      expect(plainDnsName(s, DNS_LABEL_MAX_LENGTH, false, true)).toBe(isDns1035Label(s));
    }), fcParams(500));
  });

  test('plainLabelValue accepts exactly the non-empty label values the label-value regex accepts', () => {
    const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
    fc.assert(fc.property(long, (s) => {
      expect(plainLabelValue(s)).toBe(s !== '' && s.length <= 63 && labelValue.test(s));
    }), fcParams(500));
  });
});

describe('SCH-API-001 apiVersion/kind', () => {
  test('unknown version of a known kind', () => {
    const o = { ...cleanVs, apiVersion: 'networking.istio.io/v2' };
    expect(issues(o, 'SCH-API-001')[0]).toMatchObject({ path: 'apiVersion', message: 'VirtualService has no version v2 in networking.istio.io; served versions are v1, v1alpha3, v1beta1', fix: 'use apiVersion: networking.istio.io/v1' });
  });

  test('a version the CRD no longer serves', () => {
    const o = { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TCPRoute', metadata: { name: 't' }, spec: {} };
    expect(issues(o, 'SCH-API-001')[0].message).toMatch(/no longer served for TCPRoute/);
  });

  test('misspelt kind, kind of another group, Istio kind in the core group', () => {
    expect(issues({ ...cleanVs, kind: 'Virtualservice' }, 'SCH-API-001')[0].fix).toBe('write kind: VirtualService (kinds are case-sensitive)');
    expect(issues({ apiVersion: 'networking.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a' } }, 'SCH-API-001')[0].fix).toMatch(/AuthorizationPolicy is in security\.istio\.io/);
    expect(issues({ ...cleanVs, apiVersion: 'v1' }, 'SCH-API-001')[0].fix).toBe('set apiVersion to networking.istio.io/v1');
  });

  test('clean: every served version', () => {
    for (const v of ['v1', 'v1beta1', 'v1alpha3']) expect(issues({ ...cleanVs, apiVersion: `networking.istio.io/${v}` }, 'SCH-API-001')).toEqual([]);
  });
});

describe('SCH-OAS-001 OpenAPI schema', () => {
  test('type errors point at the field and explain YAML quoting', () => {
    const found = issues(gateway([{ port: { number: '443', name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'c' } }]), 'SCH-OAS-001');
    expect(found).toEqual([{ rule: 'SCH-OAS-001', severity: Severity.ERROR, path: 'spec.servers[0].port.number', message: 'spec.servers[0].port.number is the string "443"; it must be an integer', fix: 'write 443 without quotes' }]);
  });

  test('required fields, enums and oneOf', () => {
    const found = issues(gateway([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'simple' } }]), 'SCH-OAS-001');
    expect(found.map((i) => [i.path, i.message])).toEqual([
      ['spec.servers[0].port.name', 'spec.servers[0].port.name is required but missing'],
      ['spec.servers[0].tls.mode', 'spec.servers[0].tls.mode is "simple"; it must be one of PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL, OPTIONAL_MUTUAL'],
    ]);
    expect(found[1].fix).toBe('write SIMPLE (values are case-sensitive)');
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'd' }, spec: { host: 'a', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN', consistentHash: { httpHeaderName: 'x' } } } } };
    expect(issues(dr, 'SCH-OAS-001')[0]).toMatchObject({ path: 'spec.trafficPolicy.loadBalancer', message: expect.stringMatching(/sets simple and consistentHash, but only one of simple, consistentHash/) });
  });

  test('maxItems (GW-TLS-008: at most 2 credentialNames)', () => {
    const found = issues(gateway([{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialNames: ['a', 'b', 'c'] } }]), 'SCH-OAS-001');
    expect(found[0]).toMatchObject({ path: 'spec.servers[0].tls.credentialNames', message: 'spec.servers[0].tls.credentialNames has 3 items; it must have at most 2' });
  });

  test('list-type map keys must be unique (Gateway API listeners)', () => {
    const gw = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'http', port: 81, protocol: 'HTTP' }] } };
    expect(issues(gw, 'SCH-OAS-001').map((i) => i.path)).toContain('spec.listeners[1]');
  });

  test('clean: int-or-string and preserve-unknown-fields accept their values', () => {
    const ef = { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'e', namespace: 'istio-system' }, spec: { configPatches: [{ applyTo: 'HTTP_FILTER', patch: { operation: 'MERGE', value: { anything: { goes: [1, 'x'] } } } }] } };
    expect(issues(ef)).toEqual([]);
  });
});

describe('SCH-PRUNE-001 unknown fields', () => {
  test('a misspelt field is reported with a suggestion', () => {
    const found = issues(gateway([{ port: { number: 80, name: 'http', protocol: 'HTTP' }, host: ['a.example.com'] }]), 'SCH-PRUNE-001');
    expect(found).toEqual([{ rule: 'SCH-PRUNE-001', severity: Severity.ERROR, path: 'spec.servers[0].host', message: "unknown field host: the apiserver drops it (or rejects the object with kubectl's strict validation), so it has no effect", fix: 'did you mean spec.servers[0].hosts? otherwise remove host' }]);
  });

  test('unknown top-level and metadata fields', () => {
    const o = { ...cleanVs, metadata: { name: 'shop', label: { a: 'b' } }, specs: {} };
    expect(issues(o, 'SCH-PRUNE-001').map((i) => [i.path, i.fix])).toEqual([
      ['metadata.label', 'did you mean metadata.labels?'],
      ['specs', 'did you mean spec? otherwise remove specs'],
    ]);
  });

  test('clean: status is ignored, not pruned', () => {
    expect(issues({ ...cleanVs, status: { conditions: [] } }, 'SCH-PRUNE-001')).toEqual([]);
  });

  test('values at scalar nodes and in (nested) lists of scalars are left as they are; lists of objects are pruned', () => {
    const node = new PruneNode({
      type: 'object',
      properties: {
        hosts: { type: 'array', items: { type: 'string' } },
        grid: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
        rules: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
      },
    });
    expect(['hosts', 'grid', 'rules'].map((k) => node.child(k)?.inert)).toEqual([true, true, false]);
    const v = { hosts: [{ x: 1 }], grid: [[{ y: null }]], rules: [{ a: 'x', b: 1 }] };
    const found: SchemaIssue[] = [];
    const out = prepare(v, node, [], found) as typeof v;
    expect(found.map((i) => [i.rule, i.path])).toEqual([['SCH-PRUNE-001', 'rules[0].b']]);
    expect(out).toEqual({ hosts: [{ x: 1 }], grid: [[{ y: null }]], rules: [{ a: 'x' }] });
    expect(out.hosts).toBe(v.hosts);
    expect(out.grid).toBe(v.grid);
  });
});

describe('SCH-NULL-001 null values', () => {
  test('an empty tls: line is null and dropped', () => {
    const o = fromYaml('apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: istio-system}\nspec:\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [a.example.com]\n    tls:\n');
    const found = issues(o, 'SCH-NULL-001');
    expect(found).toEqual([{ rule: 'SCH-NULL-001', severity: Severity.WARNING, path: 'spec.servers[0].tls', message: 'spec.servers[0].tls is null, which the apiserver drops as if the field were not set', fix: 'give tls a value or remove the line (an empty "tls:" in YAML is null)' }]);
  });

  test('clean', () => {
    expect(issues(gateway([httpServer]), 'SCH-NULL-001')).toEqual([]);
  });
});

describe('SCH-CEL-001 x-kubernetes-validations', () => {
  test('Istio Gateway: credentialName and credentialNames together', () => {
    const found = issues(gateway([{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] } }]), 'SCH-CEL-001');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'spec.servers[0].tls', message: 'tls: only one of credentialName or credentialNames can be set' });
  });

  test('durations below 1ms (VirtualService timeout, all served versions)', () => {
    for (const v of ['v1', 'v1beta1', 'v1alpha3']) {
      const vs = { ...cleanVs, apiVersion: `networking.istio.io/${v}`, spec: { ...(cleanVs.spec as object), http: [{ route: [{ destination: { host: 'shop' } }], timeout: '0.5ms' }] } };
      expect(issues(vs, 'SCH-CEL-001').map((i) => i.path)).toEqual(['spec.http[0].timeout']);
    }
  });

  test('rules that read defaulted fields (Gateway API backendRef kind defaults to Service)', () => {
    const r = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 's' }] }] } };
    expect(issues(r, 'SCH-CEL-001')[0]).toMatchObject({ path: 'spec.rules[0].backendRefs[0]', message: 'backendRefs[0]: must have port for Service reference' });
  });

  test('Kubernetes library functions: TLSRoute hostnames cannot be IPs (isIP)', () => {
    const r = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute', metadata: { name: 't' }, spec: { parentRefs: [{ name: 'gw' }], hostnames: ['10.0.0.1'], rules: [{ backendRefs: [{ name: 's', port: 443 }] }] } };
    expect(issues(r, 'SCH-CEL-001')[0].message).toBe('hostnames: hostnames cannot contain an IP');
  });

  test('escaped field names (namespace → __namespace__) in Gateway API parentRefs rules', () => {
    const r = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [{ name: 'gw', namespace: 'a' }, { name: 'gw', namespace: 'a' }], rules: [{ backendRefs: [{ name: 's', port: 80 }] }] } };
    expect(issues(r, 'SCH-CEL-001').map((i) => i.message)).toContain('parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent');
  });

  test('WasmPlugin url (url() and getScheme())', () => {
    const w = (url: string) => ({ apiVersion: 'extensions.istio.io/v1alpha1', kind: 'WasmPlugin', metadata: { name: 'w' }, spec: { url } });
    expect(issues(w('ftp://example.com/p.wasm'), 'SCH-CEL-001')).toHaveLength(1);
    expect(issues(w('oci://ghcr.io/org/p:1'), 'SCH-CEL-001')).toEqual([]);
  });

  test('a wrongly typed value is reported once (as SCH-OAS-001), not again as a CEL evaluation error', () => {
    const vs = { ...cleanVs, spec: { ...(cleanVs.spec as object), http: [{ route: [{ destination: { host: 'shop' } }], timeout: 5 }] } };
    expect(issues(vs).map((i) => i.rule)).toEqual(['SCH-OAS-001']);
  });

  test('clean', () => {
    expect(issues(gateway([{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a' } }]), 'SCH-CEL-001')).toEqual([]);
  });
});

describe('SCH rules through analyze()', () => {
  test('findings carry the rule ID, resource and path; context objects are not reported', () => {
    const bad = { ...cleanVs, spec: { ...(cleanVs.spec as object), hostz: [] } };
    const findings = analyze([bad], { rules: SCHEMA_RULES, context: [{ ...bad, metadata: { name: 'ctx', namespace: 'shop' } }] });
    expect(findings).toEqual([{
      rule: 'SCH-PRUNE-001',
      severity: Severity.ERROR,
      resource: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'shop', name: 'shop' },
      path: 'spec.hostz',
      message: "unknown field hostz: the apiserver drops it (or rejects the object with kubectl's strict validation), so it has no effect",
      fix: 'did you mean spec.hosts? otherwise remove hostz',
    }]);
  });

  test('every SCH rule has a unique ID and a summary', () => {
    const ids = SCHEMA_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['SCH-META-001', 'SCH-META-002', 'SCH-NAME-001', 'SCH-API-001', 'SCH-OAS-001', 'SCH-PRUNE-001', 'SCH-NULL-001', 'SCH-CEL-001']);
  });

  test('2,000 Gateways and VirtualServices all validate clean (validators compiled once per kind; speed lives in bench/)', () => {
    const objs: KubeObject[] = [];
    for (let i = 0; i < 1000; i++) {
      objs.push({ ...gateway([{ ...httpServer, hosts: [`h${i}.example.com`] }]), metadata: { name: `g${i}`, namespace: 'istio-system' } });
      objs.push({ ...cleanVs, metadata: { name: `v${i}`, namespace: 'shop' } });
    }
    expect(objs.flatMap((o) => validateManifest(o))).toEqual([]);
  });
});

describe('one mistake, one finding: SCH rules skip fields a semantic rule owns', () => {
  const run = (o: KubeObject) => analyze([o]).filter((f) => f.resource.kind === 'Gateway').map((f) => `${f.rule} ${f.path}`).filter((x) => !x.startsWith('GWX-VS-001')).sort();
  test('quoted port number → GW-PORT-001 only (its message names the string)', () => {
    const o = gateway([{ port: { number: '443', name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'c' } }]);
    expect(run(o)).toEqual(['GW-PORT-001 spec.servers[0].port.number']);
    expect(analyze([o]).find((f) => f.rule === 'GW-PORT-001')).toMatchObject({ message: expect.stringMatching(/is the string "443"/), fix: 'write it unquoted: number: 443' });
  });
  test('missing port name → GW-PORT-001 only', () => {
    expect(run(gateway([{ port: { number: 80, protocol: 'HTTP' }, hosts: ['a.example.com'] }]))).toEqual(['GW-PORT-001 spec.servers[0].port.name']);
  });
  test('credentialName + credentialNames → GW-TLS-006 only; three credentialNames → GW-TLS-008 only', () => {
    const tls = (t: Record<string, unknown>) => gateway([{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', ...t } }]);
    expect(run(tls({ credentialName: 'a', credentialNames: ['b'] }))).toEqual(['GW-TLS-006 spec.servers[0].tls']);
    expect(run(tls({ credentialNames: ['a', 'b', 'c'] }))).toEqual(['GW-TLS-008 spec.servers[0].tls.credentialNames']);
  });
  test('fields not owned by a semantic rule are still reported by SCH (a lower-case tls mode)', () => {
    expect(run(gateway([{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'simple', credentialName: 'c' } }]))).toContain('SCH-OAS-001 spec.servers[0].tls.mode');
  });
});
