/** Gateway API rendering (`api: GatewayApi.KUBERNETES`): the fields that carry meaning, and one test per refusal. */
import { Chart, Duration } from 'cdk8s';
import { chartManifests, withApp } from './util';
import {
  AccessLogging, AutomatedGatewayWorkload, ClientCa, Credential, Destination, EgressProtocol, GatewayApi, GatewayServiceType, GatewayWorkload, HttpMatch, HttpMethod, HttpRoute, StringMatch, IngressGateway, ServerTls, EgressGateway, TlsVersion,
} from '../../src';
import { canonicalRoutes, effectiveRoutes } from '../../src/check/routes';
import { one, ofKind } from '../util/manifests';

function gateway(chart: any, name = 'edge'): IngressGateway {
  return new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'), name, api: GatewayApi.KUBERNETES });
}

test('Gateway: class istio, bound to the workload Service by spec.addresses, one listener per host, allowedRoutes Same', () => {
  const ms = chartManifests((c) => {
    gateway(c).addHttpHost('web', { hosts: ['b.example.com', 'a.example.com'], routes: [HttpRoute.to([Destination.service('web', 80)])] });
  });
  const gw = one(ms, 'Gateway');
  expect(gw.apiVersion).toBe('gateway.networking.k8s.io/v1');
  expect(gw.spec.gatewayClassName).toBe('istio');
  expect(gw.spec.addresses).toEqual([{ type: 'Hostname', value: 'istio-ingressgateway.istio-system.svc.cluster.local' }]);
  expect(gw.spec.listeners.map((l: any) => [l.name, l.port, l.protocol, l.hostname])).toEqual([
    ['http-80-a-example-com', 80, 'HTTP', 'a.example.com'],
    ['http-80-b-example-com', 80, 'HTTP', 'b.example.com'],
  ]);
  expect(gw.spec.listeners[0].allowedRoutes).toEqual({ kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], namespaces: { from: 'Same' } });
  const route = one(ms, 'HTTPRoute');
  expect(route.spec.hostnames).toEqual(['a.example.com', 'b.example.com']);
  expect(route.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(['http-80-a-example-com', 'http-80-b-example-com']);
  expect(route.spec.rules).toEqual([{ backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }] }]);
});

test('allowedRoutes admits exactly the namespaces whose routes attach; cross-namespace backendRefs get a ReferenceGrant', () => {
  const ms = chartManifests((c) => {
    gateway(c).addHttpHost('web', { hosts: ['a.example.com'], namespace: 'team', routes: [HttpRoute.to([Destination.service('web', 80, { namespace: 'backend' })])] });
  }, 'edge');
  const l = one(ms, 'Gateway').spec.listeners[0];
  expect(l.allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team'] }] } });
  const route = one(ms, 'HTTPRoute');
  expect(route.metadata.namespace).toBe('team');
  expect(route.spec.parentRefs[0].namespace).toBe('edge');
  expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'web', namespace: 'backend', port: 80 }]);
  const grant = one(ms, 'ReferenceGrant');
  expect(grant.metadata.namespace).toBe('backend');
  expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'team' }], to: [{ group: '', kind: 'Service', name: 'web' }] });
});

test('SecureHost: HTTPS Terminate with the Secret in the gateway pods\' namespace (granted), HTTP→HTTPS 301 redirect route', () => {
  const ms = chartManifests((c) => {
    gateway(c).addSecureHost('web', { hosts: ['a.example.com'], tls: ServerTls.simple(Credential.fromSecretName('a-cert')), routes: [HttpRoute.to([Destination.service('web', 80)])] });
  });
  const [http, https] = one(ms, 'Gateway').spec.listeners;
  expect(http).toMatchObject({ name: 'http-80-redirect', port: 80, protocol: 'HTTP', hostname: 'a.example.com' });
  expect(https.tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'a-cert', namespace: 'istio-system' }] });
  const redirect = one(ms, 'HTTPRoute', 'edge-https-redirect-80');
  expect(redirect.spec.parentRefs[0].sectionName).toBe('http-80-redirect');
  expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  const grant = one(ms, 'ReferenceGrant');
  expect(grant.metadata.namespace).toBe('istio-system');
  expect(grant.spec.to).toEqual([{ group: '', kind: 'Secret', name: 'a-cert' }]);
});

test('MUTUAL: client validation per port through spec.tls.frontend.perPort caCertificateRefs', () => {
  const ms = chartManifests((c) => {
    gateway(c).addSecureHost('web', { hosts: ['a.example.com'], tls: ServerTls.mutual(Credential.fromSecretName('a-cert', { hasCa: true }), ClientCa.fromServerCredential()), routes: [HttpRoute.to([Destination.service('web', 80)])] });
  });
  expect(one(ms, 'Gateway').spec.tls).toEqual({
    frontend: { default: {}, perPort: [{ port: 443, tls: { validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: 'a-cert', namespace: 'istio-system' }] } } }] },
  });
});

test('HTTPRoute rules: exact and prefix paths (prefix as an exact RE2), headers, method, weights, redirect, rewrite, timeout', () => {
  const ms = chartManifests((c) => {
    gateway(c).addHttpHost('web', {
      hosts: ['a.example.com'],
      routes: [
        HttpRoute.redirect({ authority: 'b.example.com', uri: '/new', code: 302 }, { matches: [HttpMatch.exact('/old')] }),
        HttpRoute.to([Destination.service('web', 80)], { matches: [HttpMatch.exact('/a')], rewrite: { uri: '/b', authority: 'web.internal' }, timeout: Duration.seconds(5) }),
        HttpRoute.to([Destination.service('v1', 80, { weight: 90 }), Destination.service('v2', 80, { weight: 10 })], {
          matches: [HttpMatch.prefix('/api.v1', { method: HttpMethod.GET, headers: { 'x-user': StringMatch.exact('u') } })],
        }),
      ],
    });
  });
  const rules = one(ms, 'HTTPRoute').spec.rules;
  expect(rules[0]).toEqual({ matches: [{ path: { type: 'Exact', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'b.example.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, statusCode: 302 } }] });
  expect(rules[1].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { hostname: 'web.internal', path: { type: 'ReplaceFullPath', replaceFullPath: '/b' } } }]);
  expect(rules[1].timeouts).toEqual({ request: '5s' });
  expect(rules[2].matches).toEqual([{ path: { type: 'RegularExpression', value: '/api\\.v1.*' }, method: 'GET', headers: [{ name: 'x-user', type: 'Exact', value: 'u' }] }]);
  expect(rules[2].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['v1', 90], ['v2', 10]]);
});

test('TCPRoute and TLSRoute: TCP listener without hostname, TLS Passthrough listener per SNI host', () => {
  const ms = chartManifests((c) => {
    // the istioctl demo profile's ingress gateway (exposes 31400 and 15443)
    const workload = GatewayWorkload.fromInstalled(c, 'ingress', {
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      namespace: 'istio-system',
      serviceName: 'istio-ingressgateway',
      ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }, { port: 31400 }, { port: 15443 }],
    });
    const gw = new IngressGateway(c, 'gw', { workload, name: 'edge', api: GatewayApi.KUBERNETES });
    gw.addTcpRoute('echo', { port: 31400, destination: Destination.service('echo', 2701) });
    gw.addSniPassthrough('sni', { port: 15443, sniHosts: ['s.example.com'], destination: Destination.service('tls', 443) });
  });
  const ls = one(ms, 'Gateway').spec.listeners;
  expect(ls.map((l: any) => [l.port, l.protocol, l.hostname, l.tls?.mode, l.allowedRoutes.kinds[0].kind])).toEqual([
    [15443, 'TLS', 's.example.com', 'Passthrough', 'TLSRoute'],
    [31400, 'TCP', undefined, undefined, 'TCPRoute'],
  ]);
  expect(one(ms, 'TCPRoute').spec.rules).toEqual([{ backendRefs: [{ group: '', kind: 'Service', name: 'echo', port: 2701 }] }]);
  const tls = one(ms, 'TLSRoute');
  expect(tls.spec.hostnames).toEqual(['s.example.com']);
  expect(tls.spec.rules).toEqual([{ backendRefs: [{ group: '', kind: 'Service', name: 'tls', port: 443 }] }]);
  expect(ofKind(ms, 'VirtualService')).toEqual([]);
});

describe('options without a Gateway API equivalent throw at construction, naming the construct and the option', () => {
  const web = [Destination.service('web', 80)];
  const cases: [string, (c: any) => void, RegExp][] = [
    ['directResponse', (c) => gateway(c).addHttpHost('h', { hosts: ['a.example.com'], routes: [HttpRoute.directResponse(404)] }), /gw\/h.*routes\[0\]: HttpRoute.directResponse has no Gateway API equivalent/],
    ['retries', (c) => gateway(c).addHttpHost('h', { hosts: ['a.example.com'], routes: [HttpRoute.to(web, { retries: { attempts: 3 } })] }), /routes\[0\]\.retries: HTTPRoute retries are not in the vendored/],
    ['ignoreUriCase', (c) => gateway(c).addHttpHost('h', { hosts: ['a.example.com'], routes: [HttpRoute.to(web, { matches: [HttpMatch.exact('/a', { ignoreUriCase: true })] })] }), /matches\[0\]\.ignoreUriCase: the Gateway API has no case-insensitive/],
    ['prefix rewrite', (c) => gateway(c).addHttpHost('h', { hosts: ['a.example.com'], routes: [HttpRoute.to(web, { matches: [HttpMatch.prefix('/a')], rewrite: { uri: '/b' } })] }), /rewrite\.uri: Istio replaces the matched prefix/],
    ['subset', (c) => gateway(c).addHttpHost('h', { hosts: ['a.example.com'], routes: [HttpRoute.to([Destination.service('web', 80, { subset: 'v1', subsetLabels: { version: 'v1' } })])] }), /destinations\[0\]: subset "v1" of web has no Gateway API equivalent/],
    ['includeMesh', (c) => gateway(c).addHttpHost('h', { hosts: ['a.example.com'], includeMesh: true }), /includeMesh: a Gateway API HTTPRoute attached to a Gateway does not apply to sidecars/],
    ['TLS versions', (c) => gateway(c).addSecureHost('h', { hosts: ['a.example.com'], tls: ServerTls.simple(Credential.fromSecretName('x'), { minProtocolVersion: TlsVersion.TLSV1_3 }) }), /tls: minProtocolVersion TLSV1_3.*no portable TLS version/],
    ['subjectAltNames', (c) => gateway(c).addSecureHost('h', { hosts: ['a.example.com'], tls: ServerTls.mutual(Credential.fromSecretName('x', { hasCa: true }), ClientCa.fromServerCredential(), { subjectAltNames: ['spiffe://a'] }) }), /tls\.subjectAltNames: the Gateway API frontend validation has no client SAN/],
    ['MUTUAL beside SIMPLE on one port', (c) => {
      const gw = gateway(c);
      gw.addSecureHost('a', { hosts: ['a.example.com'], tls: ServerTls.simple(Credential.fromSecretName('a')) });
      gw.addSecureHost('b', { hosts: ['b.example.com'], tls: ServerTls.mutual(Credential.fromSecretName('b', { hasCa: true }), ClientCa.fromServerCredential()), redirect: false });
    }, /port 443 already has the SIMPLE server .*per port/],
    ['egress routes with different policies on one gateway port', (c) => {
      const eg = new EgressGateway(c, 'eg', { workload: GatewayWorkload.istioEgressGateway(c, 'egress'), api: GatewayApi.KUBERNETES });
      eg.addRoute('a', { host: 'a.example.com', port: 443, protocol: EgressProtocol.TLS, maxConnections: 1 });
      eg.addRoute('b', { host: 'b.example.com', port: 443, protocol: EgressProtocol.TLS, maxConnections: 2 });
    }, /eg\/b.*gatewayPort: 443 already carries the egress route .*eg\/a with another traffic policy/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(() => chartManifests(fn)).toThrow(message);
  });
});

test('the default stays the Istio API', () => {
  const ms = chartManifests((c) => {
    new IngressGateway(c, 'gw', { workload: GatewayWorkload.istioIngressGateway(c, 'ingress'), name: 'edge' })
      .addHttpHost('web', { hosts: ['a.example.com'], routes: [HttpRoute.to([Destination.service('web', 80)])] });
  });
  expect(one(ms, 'Gateway').apiVersion).toBe('networking.istio.io/v1');
  expect(ofKind(ms, 'HTTPRoute')).toEqual([]);
});

test('egress as Istio documents it: mesh route with the ServiceEntry as parent, gateway route to a Hostname backend, ISTIO_MUTUAL listener option', () => {
  const ms = chartManifests((c) => {
    const eg = new EgressGateway(c, 'eg', { workload: GatewayWorkload.istioEgressGateway(c, 'egress'), name: 'egress', api: GatewayApi.KUBERNETES });
    eg.addRoute('cnn', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, name: 'cnn' });
    eg.addRoute('httpbin', { host: 'httpbin.org', port: 80, protocol: EgressProtocol.TLS_ORIGINATION, mutualTlsToGateway: true, name: 'httpbin' });
  }, 'default');
  const ls = one(ms, 'Gateway').spec.listeners;
  expect(ls.map((l: any) => [l.name, l.port, l.protocol, l.hostname, l.tls])).toEqual([
    ['https-httpbin-org', 80, 'HTTPS', 'httpbin.org', { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } }],
    ['tls-edition-cnn-com', 443, 'TLS', 'edition.cnn.com', { mode: 'Passthrough' }],
  ]);
  const mesh = one(ms, 'TLSRoute', 'cnn-mesh');
  expect(mesh.spec.parentRefs).toEqual([{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'cnn', port: 443 }]);
  expect(mesh.spec.rules).toEqual([{ backendRefs: [{ group: '', kind: 'Service', name: 'istio-egressgateway', namespace: 'istio-system', port: 443 }] }]);
  const leg = one(ms, 'TLSRoute', 'cnn-egress-gateway');
  expect(leg.spec.parentRefs[0].sectionName).toBe('tls-edition-cnn-com');
  expect(leg.spec.rules).toEqual([{ backendRefs: [{ group: 'networking.istio.io', kind: 'Hostname', name: 'edition.cnn.com', port: 443 }] }]);
  expect(one(ms, 'HTTPRoute', 'httpbin-egress-gateway').spec.rules[0].backendRefs).toEqual([{ group: 'networking.istio.io', kind: 'Hostname', name: 'httpbin.org', port: 443 }]);
  expect(one(ms, 'DestinationRule', 'egress').spec).toEqual({
    host: 'istio-egressgateway.istio-system.svc.cluster.local',
    trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'httpbin.org' } }] },
  });
  expect(ofKind(ms, 'ReferenceGrant').map((g) => [g.metadata.namespace, g.spec.from[0].kind, g.spec.to]).sort()).toEqual([
    ['istio-system', 'HTTPRoute', [{ group: '', kind: 'Service', name: 'istio-egressgateway' }]],
    ['istio-system', 'TLSRoute', [{ group: '', kind: 'Service', name: 'istio-egressgateway' }]],
  ]);
  expect(ofKind(ms, 'VirtualService')).toEqual([]);
});

describe('rule order: Istio applies rules in order, the Gateway API by precedence', () => {
  const a = [Destination.service('a', 80)];
  const b = [Destination.service('b', 80)];
  const host = (c: any, routes: HttpRoute[]) => gateway(c).addHttpHost('web', { hosts: ['x.example.com'], routes });

  test('a prefix before a catch-all: the catch-all becomes the RE2 "/.*" so the longer prefix keeps precedence, and both forms route alike', () => {
    const ms = chartManifests((c) => host(c, [HttpRoute.to(a, { matches: [HttpMatch.prefix('/api')] }), HttpRoute.to(b)]));
    expect(one(ms, 'HTTPRoute').spec.rules.map((r: any) => r.matches)).toEqual([
      [{ path: { type: 'RegularExpression', value: '/api.*' } }],
      [{ path: { type: 'RegularExpression', value: '/.*' } }],
    ]);
    const istio = withApp((app) => {
      const c = new Chart(app, 'chart', { namespace: 'shop' });
      new IngressGateway(c, 'gw', { workload: GatewayWorkload.istioIngressGateway(c, 'ingress'), name: 'edge' })
        .addHttpHost('web', { hosts: ['x.example.com'], routes: [HttpRoute.to(a, { matches: [HttpMatch.prefix('/api')] }), HttpRoute.to(b)] });
      return c.toJson();
    });
    expect(canonicalRoutes(effectiveRoutes(ms))).toEqual(canonicalRoutes(effectiveRoutes(istio)));
  });

  test('only exact paths and a catch-all: the catch-all stays PathPrefix "/"', () => {
    const ms = chartManifests((c) => host(c, [HttpRoute.to(a, { matches: [HttpMatch.exact('/a')] }), HttpRoute.to(b)]));
    expect(one(ms, 'HTTPRoute').spec.rules.map((r: any) => r.matches)).toEqual([[{ path: { type: 'Exact', value: '/a' } }], undefined]);
  });

  test('an overlapping later rule that precedence would move first throws, naming both rules', () => {
    expect(() => chartManifests((c) => host(c, [HttpRoute.to(a, { matches: [HttpMatch.prefix('/a')] }), HttpRoute.to(b, { matches: [HttpMatch.exact('/a/b')] })])))
      .toThrow(/gw\/web.*routes\[1\]\.matches\[0\]: this match overlaps routes\[0\]\.matches\[0\] and acts differently; the Gateway API applies matches by precedence/);
  });

  test('overlapping rules with the same action may swap', () => {
    expect(() => chartManifests((c) => host(c, [HttpRoute.to(a, { matches: [HttpMatch.prefix('/a')] }), HttpRoute.to(a, { matches: [HttpMatch.exact('/a/b')] })]))).not.toThrow();
  });
});

describe('automated deployment (the Gateway is the workload)', () => {
  test('no spec.addresses, the service-type annotation, certificates in the Gateway namespace without a grant; routes see <name>-istio', () => {
    const ms = chartManifests((c) => {
      const workload = new AutomatedGatewayWorkload(c, 'workload', { gatewayName: 'edge', namespace: 'shop', serviceType: GatewayServiceType.CLUSTER_IP });
      new IngressGateway(c, 'gw', { workload, api: GatewayApi.KUBERNETES })
        .addSecureHost('web', { hosts: ['a.example.com'], tls: ServerTls.simple(Credential.fromSecretName('a-cert')), routes: [HttpRoute.to([Destination.service('web', 80)])] });
    });
    const gw = one(ms, 'Gateway');
    expect(gw.metadata).toEqual({ name: 'edge', namespace: 'shop', annotations: { 'networking.istio.io/service-type': 'ClusterIP' } });
    expect(gw.spec.addresses).toBeUndefined();
    expect(gw.spec.listeners[1].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'a-cert' }]);
    expect(ofKind(ms, 'ReferenceGrant')).toEqual([]);
    expect(ofKind(ms, 'Deployment')).toEqual([]);
    const rows = effectiveRoutes(ms).rows.map((r) => [r.workload, r.port, r.protocol, r.host]);
    expect(rows).toEqual([['Deployment/shop/edge-istio', 80, 'HTTP', 'a.example.com'], ['Deployment/shop/edge-istio', 443, 'HTTPS', 'a.example.com']]);
  });

  test('a gateway name other than gatewayName throws', () => {
    expect(() => chartManifests((c) => {
      const workload = new AutomatedGatewayWorkload(c, 'workload', { gatewayName: 'edge', namespace: 'shop' });
      new IngressGateway(c, 'gw', { workload, name: 'other', api: GatewayApi.KUBERNETES });
    })).toThrow(/gw.*name: "other" differs from the gatewayName "edge" of the automated workload/);
  });

  test('an automated workload that no Gateway API gateway binds fails synth', () => {
    expect(() => chartManifests((c) => {
      const workload = new AutomatedGatewayWorkload(c, 'workload', { gatewayName: 'edge', namespace: 'shop' });
      new IngressGateway(c, 'gw', { workload, name: 'edge' }).addHttpHost('web', { hosts: ['a.example.com'], routes: [HttpRoute.to([Destination.service('web', 80)])] });
    })).toThrow(/no gateway with api: GatewayApi.KUBERNETES and name "edge" binds this workload/);
  });
});

test('AccessLogging for an automated Gateway API workload: a Telemetry with targetRefs to the Gateway, no selector', () => {
  const ms = chartManifests((c) => {
    const workload = new AutomatedGatewayWorkload(c, 'workload', { gatewayName: 'edge', namespace: 'shop' });
    new IngressGateway(c, 'gw', { workload, api: GatewayApi.KUBERNETES })
      .addHttpHost('web', { hosts: ['a.example.com'], routes: [HttpRoute.to([Destination.service('web', 80)])] });
    new AccessLogging(c, 'logs', { workload, filter: 'response.code >= 400' });
  });
  const t = one(ms, 'Telemetry');
  expect(t.metadata.namespace).toBe('shop');
  expect(t.spec).toEqual({
    targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }],
    accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }],
  });
});
