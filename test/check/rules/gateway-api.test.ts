/** GAPI-*: each rule has a violating and a clean input. */
import { analyze } from '../../../src/check/analyze';
import { KubeObject } from '../../../src/check/model';
import { GATEWAY_API_RULES } from '../../../src/check/rules/gateway-api';
import { SERVICE_ENTRY_RULES } from '../../../src/check/rules/service-entry';
import { b64, NOW, testCerts } from '../certs';

const G = 'gateway.networking.k8s.io/v1';
const gw = (listeners: object[], extra: object = {}, ns = 'edge'): KubeObject => ({
  apiVersion: G,
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: ns },
  spec: { gatewayClassName: 'istio', addresses: [{ type: 'Hostname', value: 'istio-ingressgateway.istio-system.svc.cluster.local' }], listeners, ...extra },
});
const http = (name: string, hostname?: string, extra: object = {}) => ({ name, port: 80, protocol: 'HTTP', hostname, ...extra });
const route = (spec: object, ns = 'edge', name = 'r', kind = 'HTTPRoute'): KubeObject => ({ apiVersion: G, kind, metadata: { name, namespace: ns }, spec });
const grant = (ns: string, from: object, to: object): KubeObject => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ReferenceGrant', metadata: { name: 'g', namespace: ns }, spec: { from: [from], to: [to] } });
const cert = { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'a.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'a-cert' }] } };

interface Case { readonly rule: string; readonly bad: KubeObject[]; readonly path: string; readonly message: RegExp; readonly good: KubeObject[] }

const cases: Case[] = [
  { rule: 'GAPI-LST-001', bad: [gw([http('web', 'a.example.com'), http('web', 'b.example.com')])], path: 'spec.listeners[1].name', message: /listener name "web" is used twice/, good: [gw([http('a', 'a.example.com'), http('b', 'b.example.com')])] },
  { rule: 'GAPI-LST-002', bad: [gw([http('a', 'a.example.com'), http('b', 'a.example.com')])], path: 'spec.listeners[1]', message: /listener "b" has the port 80, protocol HTTP and hostname "a.example.com" of listener "a"/, good: [gw([http('a', 'a.example.com'), http('b', 'b.example.com')])] },
  { rule: 'GAPI-TLS-001', bad: [gw([{ ...cert, tls: { mode: 'Terminate' } }])], path: 'spec.listeners[0].tls', message: /terminates TLS without certificateRefs/, good: [gw([cert])] },
  {
    rule: 'GAPI-ATT-001',
    bad: [gw([http('a', 'a.example.com')]), route({ parentRefs: [{ name: 'gw' }], hostnames: ['b.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] })],
    path: 'spec.hostnames',
    message: /hostnames \["b.example.com"\] intersect no listener hostname of edge\/gw \(a.example.com\); the route is silently not attached/,
    good: [gw([http('a', 'a.example.com')]), route({ parentRefs: [{ name: 'gw' }], hostnames: ['a.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] })],
  },
  {
    rule: 'GAPI-REF-001',
    bad: [gw([http('a', 'a.example.com')]), route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', namespace: 'shop', port: 80 }] }] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } }],
    path: 'spec.rules[0].backendRefs[0]',
    message: /Service shop\/web is in another namespace and no ReferenceGrant in shop allows HTTPRoutes from edge/,
    good: [gw([http('a', 'a.example.com')]), route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', namespace: 'shop', port: 80 }] }] }),
      grant('shop', { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }, { group: '', kind: 'Service', name: 'web' })],
  },
];

describe.each(cases)('$rule', (c) => {
  const findings = (objs: KubeObject[]) => analyze(objs, { rules: GATEWAY_API_RULES }).filter((f) => f.rule === c.rule);
  test('violating input is reported at the field, naming the value', () => {
    const f = findings(c.bad);
    expect(f.map((x) => x.path)).toEqual([c.path]);
    expect(f[0].message).toMatch(c.message);
  });
  test('clean input is not reported', () => {
    expect(findings(c.good)).toEqual([]);
  });
});

test('GAPI-ATT-001 also reports a missing Gateway, a missing sectionName, a wrong kind and a namespace not admitted', () => {
  const objs = [
    gw([http('a', 'a.example.com')]),
    route({ parentRefs: [{ name: 'nope' }] }, 'edge', 'missing'),
    route({ parentRefs: [{ name: 'gw', sectionName: 'b' }] }, 'edge', 'section'),
    route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'echo', port: 1 }] }] }, 'edge', 'kind', 'TCPRoute'),
    route({ parentRefs: [{ name: 'gw', namespace: 'edge' }] }, 'team', 'ns'),
    route({ parentRefs: [{ name: 'gw2' }], rules: [{ backendRefs: [{ name: 'echo', port: 1 }] }] }, 'edge', 'listed', 'TCPRoute'),
    { ...gw([http('a', 'a.example.com', { allowedRoutes: { kinds: [{ kind: 'TCPRoute' }] } })]), metadata: { name: 'gw2', namespace: 'edge' } },
  ];
  const f = analyze(objs, { rules: GATEWAY_API_RULES }).filter((x) => x.rule === 'GAPI-ATT-001');
  expect(f.map((x) => [x.resource.name, x.message.replace(/;.*/, '')]).sort()).toEqual([
    ['kind', 'no listener of edge/gw it names admits a TCPRoute (protocol, TLS mode or allowedRoutes.kinds)'],
    ['listed', 'no listener of edge/gw2 it names admits a TCPRoute (protocol, TLS mode or allowedRoutes.kinds)'],
    ['missing', 'Gateway edge/nope is not in the input'],
    ['ns', 'the listeners of edge/gw do not admit routes from namespace "team" (allowedRoutes.namespaces)'],
    ['section', 'Gateway edge/gw has no listener named "b"'],
  ]);
});

describe('GAPI-TLS-002', () => {
  const listener = { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'app.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'app-cert' }] } };
  const secret = (name: string, pair: { cert: string; key: string }): KubeObject => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'edge' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key) },
  });
  const findings = (objs: KubeObject[]) => analyze(objs, { rules: GATEWAY_API_RULES, now: NOW }).filter((f) => f.rule === 'GAPI-TLS-002');
  test('violating: missing Secret, wrong SAN, mismatched key — each at the certificateRef, naming the value', async () => {
    const c = await testCerts();
    expect(findings([gw([listener]), secret('other', c.leaf)]).map((f) => f.message)).toEqual(['Secret edge/app-cert is not among the Secrets declared in edge; the listener has no certificate (InvalidCertificateRef)']);
    const san = findings([gw([listener]), secret('app-cert', c.wrongSan)]);
    expect(san.map((f) => f.path)).toEqual(['spec.listeners[0].tls.certificateRefs[0]']);
    expect(san[0].message).toMatch(/hostname "app.example.com" is not covered by the certificate in Secret edge\/app-cert, which names other.example.com/);
    expect(findings([gw([listener]), secret('app-cert', c.mismatchedKey)])[0].message).toMatch(/tls.key does not match the certificate/);
  });
  test('clean: a matching pair that covers the hostname; or no Secrets declared in the namespace', async () => {
    const c = await testCerts();
    expect(findings([gw([listener]), secret('app-cert', c.leaf)])).toEqual([]);
    expect(findings([gw([listener])])).toEqual([]);
  });
});

describe('GAPI-BE-001', () => {
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'edge' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  const r = (name: string, port: number) => route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name, port }] }] });
  const findings = (objs: KubeObject[]) => analyze(objs, { rules: GATEWAY_API_RULES }).filter((f) => f.rule === 'GAPI-BE-001');
  test('violating: unknown Service, unknown port', () => {
    expect(findings([gw([http('a')]), svc, r('api', 80)]).map((f) => [f.path, f.message])).toEqual([
      ['spec.rules[0].backendRefs[0]', 'Service edge/api is not in the input; the backend is unresolved and its share of requests gets 500'],
    ]);
    expect(findings([gw([http('a')]), svc, r('web', 8080)]).map((f) => [f.path, f.message])).toEqual([
      ['spec.rules[0].backendRefs[0].port', 'Service edge/web has no port 8080 (ports 80)'],
    ]);
  });
  test('clean: the Service and port exist; or the input does not describe the namespace', () => {
    expect(findings([gw([http('a')]), svc, r('web', 80)])).toEqual([]);
    expect(findings([gw([http('a')]), r('api', 80)])).toEqual([]);
  });
});

describe('GAPI-POL-001', () => {
  const tel = (spec: object): KubeObject => ({ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 't', namespace: 'edge' }, spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }], ...spec } });
  const findings = (objs: KubeObject[]) => analyze(objs, { rules: GATEWAY_API_RULES }).filter((f) => f.rule === 'GAPI-POL-001');
  test('violating: a selector on the gateway-name label of Istio-deployed gateway pods', () => {
    const f = findings([tel({ selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } } })]);
    expect(f.map((x) => x.path)).toEqual(['spec.selector.matchLabels["gateway.networking.k8s.io/gateway-name"]']);
    expect(f[0].fix).toBe('replace selector with targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: gw }]');
  });
  test('clean: targetRefs, or a selector on an installed gateway\'s labels', () => {
    expect(findings([tel({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }] })])).toEqual([]);
    expect(findings([tel({ selector: { matchLabels: { istio: 'ingressgateway' } } })])).toEqual([]);
  });
});

test('GAPI-REF-001 also covers frontend caCertificateRefs, and skips namespaces the input says nothing about', () => {
  const ca = { group: '', kind: 'Secret', name: 'ca', namespace: 'istio-system' };
  const mtls = gw([cert], { tls: { frontend: { default: {}, perPort: [{ port: 443, tls: { validation: { caCertificateRefs: [ca] } } }] } } });
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ca', namespace: 'istio-system' }, data: {} };
  const f = (objs: KubeObject[]) => analyze(objs, { rules: GATEWAY_API_RULES }).filter((x) => x.rule === 'GAPI-REF-001').map((x) => x.path);
  expect(f([mtls, secret])).toEqual(['spec.tls.frontend.perPort[0].tls.validation.caCertificateRefs[0]']);
  expect(f([mtls])).toEqual([]);
  expect(f([mtls, secret, grant('istio-system', { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }, { group: '', kind: 'Secret', name: 'ca' })])).toEqual([]);
});

describe('GAPI-ADDR-001', () => {
  const f = (objs: KubeObject[]) => analyze(objs, { rules: GATEWAY_API_RULES }).filter((x) => x.rule === 'GAPI-ADDR-001').map((x) => [x.path, x.message]);
  test('violating: a listener port the addressed Service does not expose (the assumed istioctl demo ingress: 15021, 80, 443, 31400, 15443)', () => {
    expect(f([gw([{ name: 'tcp', port: 9000, protocol: 'TCP' }])])).toEqual([
      ['spec.listeners[0].port', 'listener "tcp" port 9000 is not a port of Service istio-system/istio-ingressgateway (80, 443, 15021, 15443, 31400); clients cannot reach it'],
    ]);
  });
  test('violating: an address naming no Service in a namespace the input describes', () => {
    expect(f([gw([http('a')], { addresses: [{ type: 'Hostname', value: 'nope.istio-system.svc.cluster.local' }] })])).toEqual([
      ['spec.addresses[0].value', '"nope.istio-system.svc.cluster.local" names no Service in istio-system; the Gateway binds to no gateway pods'],
    ]);
  });
  test('clean: listener ports of the Service', () => {
    expect(f([gw([http('a'), cert])])).toEqual([]);
  });
});

test('GAPI-TLS-001 also reports allowedRoutes.kinds the protocol cannot serve', () => {
  const f = analyze([gw([http('a', 'a.example.com', { allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }, { kind: 'TLSRoute' }] } })])], { rules: GATEWAY_API_RULES }).filter((x) => x.rule === 'GAPI-TLS-001');
  expect(f.map((x) => [x.path, x.message])).toEqual([['spec.listeners[0].allowedRoutes.kinds[1]', 'listener "a" (HTTP) cannot serve TLSRoutes (InvalidRouteKinds); it serves HTTPRoute, GRPCRoute']]);
});

test('SEX-SECURE-001 counts a Gateway API egress (a route with a ServiceEntry parent) as an egress gateway', () => {
  const mesh: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n' } };
  const egress = route({ parentRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'cnn' }], rules: [{ backendRefs: [{ name: 'istio-egressgateway', namespace: 'istio-system', port: 443 }] }] }, 'default', 'cnn', 'TLSRoute');
  const f = (objs: KubeObject[]) => analyze(objs, { rules: SERVICE_ENTRY_RULES }).filter((x) => x.rule === 'SEX-SECURE-001');
  expect(f([mesh])).toHaveLength(1);
  expect(f([mesh, egress])).toEqual([]);
});
