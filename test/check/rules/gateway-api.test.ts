/** GAPI-*: each rule has a violating and a clean input. */
import { analyze } from '../../../src/check/analyze';
import { KubeObject } from '../../../src/check/model';
import { GATEWAY_API_RULES } from '../../../src/check/rules/gateway-api';

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
    bad: [gw([http('a', 'a.example.com')]), route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', namespace: 'shop', port: 80 }] }] })],
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
  ];
  const f = analyze(objs, { rules: GATEWAY_API_RULES }).filter((x) => x.rule === 'GAPI-ATT-001');
  expect(f.map((x) => [x.resource.name, x.message.replace(/;.*/, '')]).sort()).toEqual([
    ['kind', 'no listener of edge/gw it names admits a TCPRoute (protocol, TLS mode or allowedRoutes.kinds)'],
    ['missing', 'Gateway edge/nope is not in the input'],
    ['ns', 'the listeners of edge/gw do not admit routes from namespace "team" (allowedRoutes.namespaces)'],
    ['section', 'Gateway edge/gw has no listener named "b"'],
  ]);
});
