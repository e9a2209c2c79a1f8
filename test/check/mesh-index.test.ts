import * as fc from 'fast-check';
import {
  at, deployment, gateway, injectedGateway, istioOperator, istioctlIngress, namespace, server, service, serviceEntry, vs,
} from './fixtures';
import { hostsIntersect, serverHostAdmitsNamespace } from '../../src/check/hosts';
import { HostIndex, MeshIndex, routeKindOf } from '../../src/check/mesh-index';
import { fcParams } from '../util/property';

describe('MeshIndex objects', () => {
  test('identity, defaults and oldest-first order', () => {
    const ix = new MeshIndex([
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'new' }, spec: {} },
      gateway('old', {}, { creationTimestamp: at(1) }),
      namespace('bookinfo'),
    ], { defaultNamespace: 'apps' });
    const [old, neu] = ix.ofKind('Gateway');
    expect(old.name).toBe('old');
    expect(neu).toMatchObject({ name: 'new', namespace: 'apps', group: 'networking.istio.io', version: 'v1', isContext: false });
    expect(old.order).toBeLessThan(neu.order);
    expect(ix.get('Namespace', undefined, 'bookinfo')?.namespace).toBeUndefined();
    expect(ix.get('Gateway', 'apps', 'new')).toBe(neu);
    expect(ix.namespaces()).toEqual(['apps', 'bookinfo', 'istio-system']);
  });

  test('Gateway API Gateways are keyed apart from Istio Gateways', () => {
    const ix = new MeshIndex([
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'k', namespace: 'a' }, spec: {} },
      gateway('i', {}),
    ]);
    expect(ix.ofKind('Gateway').map((g) => g.name)).toEqual(['i']);
    expect(ix.ofKind('Gateway.gateway.networking.k8s.io').map((g) => g.name)).toEqual(['k']);
  });

  test('context objects are marked and lose to a manifest of the same identity', () => {
    const ctx = gateway('g', { servers: [] });
    const ix = new MeshIndex([gateway('g', { servers: [server(80, 'HTTP', ['a.com'])] })], { context: [ctx, gateway('c', {})] });
    expect(ix.ofKind('Gateway').map((g) => [g.name, g.isContext])).toEqual([['c', true], ['g', false]]);
  });

  test('garbage does not throw', () => {
    const garbage: unknown[] = [null, 1, 'x', [], { kind: 5 }, { kind: 'Gateway', metadata: 'x', spec: { servers: 'no' } },
      { apiVersion: 'v1', kind: 'Service', spec: { ports: [null, { port: 'x' }, { port: 80, targetPort: {} }] } },
      { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { metadata: { labels: { istio: 7 } }, spec: { containers: [null, { env: 'x' }] } } } },
      { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { components: { ingressGateways: [null, { name: 3, enabled: true, k8s: { service: { ports: [{}, null] } } }] } } }];
    expect(() => new MeshIndex(garbage as never[]).listenerBuckets()).not.toThrow();
  });
});

describe('gateway workloads', () => {
  test('assumed install: demo has ingress + egress, default only ingress, none nothing', () => {
    const demo = new MeshIndex([]);
    expect(demo.assumedInstall).toBe(true);
    expect(demo.gatewayWorkloads().map((w) => [w.labels.istio, w.namespace, w.unprivileged, w.role])).toEqual([
      ['ingressgateway', 'istio-system', true, 'ingress'], ['egressgateway', 'istio-system', true, 'egress'],
    ]);
    expect(new MeshIndex([], { assumeInstall: 'default' }).gatewayWorkloads()).toHaveLength(1);
    expect(new MeshIndex([], { assumeInstall: 'none' }).gatewayWorkloads()).toHaveLength(0);
  });

  test('a declared workload disables the assumption', () => {
    const ix = new MeshIndex([], { context: injectedGateway('gw', 'edge', { istio: 'edge' }) });
    expect(ix.assumedInstall).toBe(false);
    expect(ix.gatewayWorkloads().map((w) => w.id)).toEqual(['Deployment/edge/gw']);
    expect(ix.gatewayWorkloads()[0].unprivileged).toBe(false);
  });

  test('Deployments are gateways only when injected, proxyv2, or labelled istio', () => {
    const ix = new MeshIndex([
      deployment('app', { labels: { app: 'web' } }),
      deployment('inj', { labels: { app: 'x' }, podAnnotations: { 'inject.istio.io/templates': 'gateway' } }),
      deployment('img', { labels: { app: 'y' }, image: 'istio/proxyv2:1.24' }),
      deployment('lbl', { labels: { istio: 'z' } }),
    ]);
    expect(ix.gatewayWorkloads().map((w) => w.name)).toEqual(['inj', 'img', 'lbl']);
  });

  test('pods owned by a present ReplicaSet/Deployment are not counted twice', () => {
    const ix = new MeshIndex([
      deployment('gw', { labels: { istio: 'gw' } }),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-1', namespace: 'default', labels: { istio: 'gw' }, ownerReferences: [{ kind: 'Deployment', name: 'gw' }] }, spec: {} },
    ]);
    expect(ix.gatewayWorkloads().map((w) => w.id)).toEqual(['Deployment/default/gw']);
  });

  test('IstioOperator gateways: defaults, labels, k8s.service.ports, runAsRoot', () => {
    const ix = new MeshIndex([istioOperator('iop', {
      profile: 'demo',
      values: { gateways: { 'istio-ingressgateway': { runAsRoot: true } } },
      components: { ingressGateways: [{ name: 'my-gw', enabled: true, namespace: 'edge', label: { istio: 'my' }, k8s: { service: { ports: [{ port: 31400, targetPort: 31400, name: 'tcp' }] } } }] },
    })]);
    const ws = ix.gatewayWorkloads();
    expect(ws.map((w) => [w.name, w.namespace, w.labels.istio, w.unprivileged])).toEqual([
      ['istio-ingressgateway', 'istio-system', 'ingressgateway', false],
      ['my-gw', 'edge', 'my', false],
      ['istio-egressgateway', 'istio-system', 'egressgateway', true],
    ]);
    expect(ix.servicesFor(ws[1]).flatMap((s) => s.ports.map((p) => p.port))).toEqual([31400]);
    expect(ix.servicesFor(ws[0])[0].type).toBe('LoadBalancer');
    expect(ix.servicesFor(ws[2])[0].type).toBe('ClusterIP');
    expect(ws[1].labels.app).toBe('istio-ingressgateway');
  });

  test('profile empty installs no default gateway', () => {
    const ix = new MeshIndex([istioOperator('iop', { profile: 'empty', components: { ingressGateways: [{ name: 'gw', enabled: true, label: { istio: 'gw' } }] } })]);
    expect(ix.gatewayWorkloads().map((w) => w.name)).toEqual(['gw']);
  });
});

describe('services and port translation', () => {
  const ix = new MeshIndex([
    ...istioctlIngress(),
    service('extra', { selector: { istio: 'ingressgateway' }, ports: [{ port: 9000, targetPort: 'metrics' }, { port: 53, protocol: 'UDP' }] }, { namespace: 'istio-system' }),
    service('other-ns', { selector: { istio: 'ingressgateway' }, ports: [{ port: 7070 }] }, { namespace: 'apps' }),
  ]);
  const w = ix.gatewayWorkloads()[0];

  test('servicesFor = same-namespace Services with a matching non-empty selector', () => {
    expect(ix.servicesFor(w).map((s) => s.name)).toEqual(['istio-ingressgateway', 'extra']);
  });

  test.each([
    [80, 8080, true], [443, 8443, true], [8080, 8080, true], [15021, 15021, true], [7070, 7070, false], [53, 53, false],
  ])('server port %i listens on %i (exposed %s)', (port, listen, exposed) => {
    expect(ix.resolveServerPort(w, port)).toMatchObject({ listenPort: listen, exposed });
  });

  test('a named targetPort without a matching container port is unknown', () => {
    expect(ix.resolveServerPort(w, 9000)).toMatchObject({ listenPort: 9000, exposed: true, unresolvedTarget: true });
  });

  test('a named targetPort resolves through container ports', () => {
    const ix2 = new MeshIndex([
      deployment('gw', { labels: { istio: 'gw' }, containerPorts: [{ name: 'https', containerPort: 8443 }] }),
      service('gw', { selector: { istio: 'gw' }, ports: [{ port: 443, targetPort: 'https' }] }),
    ]);
    expect(ix2.resolveServerPort(ix2.gatewayWorkloads()[0], 443)).toMatchObject({ listenPort: 8443, exposed: true });
  });
});

describe('gateway selection and servers', () => {
  test('selector matches in all namespaces unless scoped; empty selector = all', () => {
    const objs = [...injectedGateway('a', 'ns-a', { istio: 'x' }), ...injectedGateway('b', 'ns-b', { istio: 'x' })];
    const g = gateway('g', { selector: { istio: 'x' } }, { namespace: 'ns-a' });
    const all = gateway('all', { selector: {} });
    const ix = new MeshIndex([...objs, g, all]);
    expect(ix.workloadsFor(ix.get('Gateway', 'ns-a', 'g')!).map((w) => w.name)).toEqual(['a', 'b']);
    expect(ix.workloadsFor(ix.get('Gateway', 'istio-system', 'all')!)).toHaveLength(2);
    expect(ix.gatewaysFor(ix.gatewayWorkloads()[1]).map((x) => x.name)).toEqual(['g', 'all']);
    const scoped = new MeshIndex([...objs, g], { meshConfig: { pilotEnv: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } } });
    expect(scoped.meshConfig.scopeGatewayToNamespace).toBe(true);
    expect(scoped.workloadsFor(scoped.get('Gateway', 'ns-a', 'g')!).map((w) => w.name)).toEqual(['a']);
  });

  test('servers are flattened with route kinds', () => {
    const ix = new MeshIndex([gateway('g', {
      servers: [
        server(80, 'http', ['a.com']),
        server(443, 'HTTPS', ['ns/b.com'], { tls: { mode: 'SIMPLE', credentialName: 'b' } }),
        server(443, 'TLS', ['c.com'], { tls: {} }),
        server(15443, 'TLS', ['*.local'], { tls: { mode: 'AUTO_PASSTHROUGH' } }),
        server(31400, 'TCP', ['*']),
        'garbage',
      ],
    })]);
    const servers = ix.serversOf(ix.ofKind('Gateway')[0]);
    expect(servers.map((s) => [s.path, s.port.protocol, s.kind, s.tlsMode])).toEqual([
      ['spec.servers[0]', 'HTTP', 'http', undefined],
      ['spec.servers[1]', 'HTTPS', 'http', 'SIMPLE'],
      ['spec.servers[2]', 'TLS', 'tls', 'PASSTHROUGH'],
      ['spec.servers[3]', 'TLS', 'none', 'AUTO_PASSTHROUGH'],
      ['spec.servers[4]', 'TCP', 'tcp', undefined],
    ]);
    expect(servers[1].hosts).toEqual([{ namespace: 'ns', host: 'b.com', raw: 'ns/b.com', index: 0 }]);
    expect(routeKindOf('TLS', 'SIMPLE')).toBe('tcp');
  });

  test('listener buckets group by workload, resolved port and bind', () => {
    const ix = new MeshIndex([
      gateway('a', { servers: [server(80, 'HTTP', ['a.com']), server(8080, 'HTTP', ['b.com']), server(443, 'HTTPS', ['c.com'], { tls: { mode: 'SIMPLE' } })] }),
    ], { assumeInstall: 'default' });
    expect(ix.listenerBuckets().map((b) => [b.listenPort, b.bind, b.servers.map((s) => s.server.index)])).toEqual([
      [8080, '', [0, 1]], [8443, '', [2]],
    ]);
  });

  test('serversAdmitting honours host intersection and ns/ scoping', () => {
    const ix = new MeshIndex([gateway('g', {
      servers: [
        server(80, 'HTTP', ['bookinfo/*.example.com']),
        server(81, 'HTTP', ['./a.example.com']),
        server(82, 'HTTP', ['exact.example.com']),
      ],
    })]);
    const g = ix.ofKind('Gateway')[0];
    const idx = (h: string, ns: string) => ix.serversAdmitting(g, h, ns).map((x) => x.server.index);
    expect(idx('a.example.com', 'bookinfo')).toEqual([0]);
    expect(idx('a.example.com', 'istio-system')).toEqual([1]);
    expect(idx('*.example.com', 'other')).toEqual([2]);
    expect(idx('*', 'bookinfo')).toEqual([0, 2]);
    expect(idx('nope.org', 'bookinfo')).toEqual([]);
  });

  test('serversAdmitting: each admitting server once, by index, with its first admitting host (a linear scan agrees)', () => {
    const label = fc.constantFrom('a', 'b', 'x');
    const host = fc.oneof(
      fc.constant('*'),
      fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.')),
      fc.array(label, { minLength: 1, maxLength: 2 }).map((l) => `*.${l.join('.')}`),
    );
    const scoped = fc.tuple(fc.constantFrom('', '*/', './', 'ns1/', 'ns2/'), host).map(([p, h]) => p + h);
    const servers = fc.array(fc.array(scoped, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(servers, host, fc.constantFrom('ns1', 'ns2', 'istio-system'), (hostLists, vsHost, vsNs) => {
      const iy = new MeshIndex([gateway('g', { servers: hostLists.map((hosts, i) => server(80 + i, 'HTTP', hosts)) })]);
      const g = iy.ofKind('Gateway')[0];
      const want = iy.serversOf(g).flatMap((srv) => {
        const first = srv.hosts.find((h) => serverHostAdmitsNamespace(h, 'istio-system', vsNs) && hostsIntersect(h.host, vsHost));
        return first ? [{ server: srv.index, host: first.index }] : [];
      });
      expect(iy.serversAdmitting(g, vsHost, vsNs).map((x) => ({ server: x.server.index, host: x.host.index }))).toEqual(want);
    }), fcParams(200));
  });
});

describe('name resolution, visibility, registry, mesh config', () => {
  const ix = new MeshIndex([
    service('reviews', { selector: { app: 'reviews' }, ports: [{ port: 9080 }] }, { namespace: 'bookinfo' }),
    serviceEntry('cnn', { hosts: ['*.cnn.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], exportTo: ['.'] }, { namespace: 'egress' }),
    vs('v', ['a.com'], { gateways: ['gw', 'istio-system/gw', 'gw.other', 'mesh'] }, { namespace: 'bookinfo' }),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\naccessLogFile: /dev/stdout\n' } },
  ]);

  test('gateway refs', () => {
    expect(ix.virtualServiceGateways(ix.ofKind('VirtualService')[0])).toEqual([
      { namespace: 'bookinfo', name: 'gw' }, { namespace: 'istio-system', name: 'gw' }, { namespace: 'other', name: 'gw' }, { mesh: true },
    ]);
    expect(ix.resolveHost('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
  });

  test('exportTo', () => {
    const se = ix.ofKind('ServiceEntry')[0];
    expect(ix.isExportedTo(se, 'egress')).toBe(true);
    expect(ix.isExportedTo(se, 'istio-system')).toBe(false);
    expect(ix.isExportedTo(ix.ofKind('VirtualService')[0], 'anywhere')).toBe(true);
  });

  test('resolveGatewayRef follows istiod resolveGatewayName: ./name and name.ns.svc.cluster.local', () => {
    expect(ix.resolveGatewayRef('./gw', 'bookinfo')).toEqual({ namespace: 'bookinfo', name: 'gw' });
    expect(ix.resolveGatewayRef('gw.istio-system.svc.cluster.local', 'bookinfo')).toEqual({ namespace: 'istio-system', name: 'gw' });
    expect(ix.resolveGatewayRef('gw.istio-system', 'bookinfo')).toEqual({ namespace: 'istio-system', name: 'gw' });
    expect(ix.resolveGatewayRef('gw', 'bookinfo')).toEqual({ namespace: 'bookinfo', name: 'gw' });
    expect(ix.resolveGatewayRef('mesh', 'bookinfo')).toEqual({ mesh: true });
  });

  test('exportTo: Service annotation networking.istio.io/exportTo and meshConfig defaults; own namespace not implied', () => {
    const iy = new MeshIndex([
      service('hidden', { selector: { app: 'h' }, ports: [{ port: 80 }] }, { namespace: 'a', annotations: { 'networking.istio.io/exportTo': '., b' } }),
      service('open', { selector: { app: 'o' }, ports: [{ port: 80 }] }, { namespace: 'a' }),
      vs('v', ['x.example.com'], {}, { namespace: 'a' }),
      vs('elsewhere', ['y.example.com'], { exportTo: ['b'] }, { namespace: 'a' }),
      serviceEntry('se', { hosts: ['ext.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }, { namespace: 'a' }),
    ], { meshConfig: { defaultVirtualServiceExportTo: ['.'], defaultServiceExportTo: ['a', 'c'] } });
    const [hidden, open] = iy.ofKind('Service');
    expect(iy.exportNamespaces(hidden)).toEqual(['a', 'b']);
    expect(iy.lookupHost('hidden.a.svc.cluster.local', 'c')).toEqual([]);
    expect(iy.lookupHost('hidden.a.svc.cluster.local', 'b')).toHaveLength(1);
    expect(iy.isExportedTo(open, 'c')).toBe(true);
    expect(iy.isExportedTo(open, 'd')).toBe(false);
    const [v, elsewhere] = iy.ofKind('VirtualService');
    expect(iy.isExportedTo(v, 'a')).toBe(true);
    expect(iy.isExportedTo(v, 'b')).toBe(false);
    expect(iy.isExportedTo(elsewhere, 'a')).toBe(false);
    expect(iy.meshClientNamespaces(elsewhere)).toEqual(['b']);
    expect(iy.lookupHost('ext.example.com', 'd')).toEqual([]);
    expect(iy.lookupHost('ext.example.com', 'c')).toHaveLength(1);
  });

  test('an IstioOperator component and a Deployment of the same name+namespace are one workload', () => {
    const iy = new MeshIndex([
      istioOperator('iop', { profile: 'empty', components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }] } }),
      deployment('istio-ingressgateway', { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } }, { namespace: 'istio-system' }),
    ]);
    expect(iy.gatewayWorkloads().map((w) => w.origin)).toEqual(['controller']);
    expect(iy.resolveServerPort(iy.gatewayWorkloads()[0], 443).listenPort).toBe(8443);
  });

  test('lookupHost: Services, wildcard ServiceEntries, visibility', () => {
    expect(ix.lookupHost('reviews.bookinfo.svc.cluster.local', 'istio-system').map((e) => e.origin)).toEqual(['service']);
    expect(ix.lookupHost('edition.cnn.com', 'egress').map((e) => e.host)).toEqual(['*.cnn.com']);
    expect(ix.lookupHost('edition.cnn.com', 'istio-system')).toEqual([]);
  });

  test('lookupServiceEntryHost and serviceEntryEntries: the ServiceEntry entries of lookupHost and registryEntries, in order', () => {
    const iy = new MeshIndex([
      service('api', { selector: { app: 'api' }, ports: [{ port: 80 }] }, { namespace: 'shop' }),
      serviceEntry('alias', { hosts: ['api.shop.svc.cluster.local'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }, { namespace: 'shop' }),
      serviceEntry('wild', { hosts: ['*.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], exportTo: ['.'] }, { namespace: 'egress' }),
      serviceEntry('exact', { hosts: ['a.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }, { namespace: 'egress' }),
    ]);
    const seOnly = (list: readonly { origin: string }[]) => list.filter((e) => e.origin === 'service-entry');
    for (const [host, from] of [['api.shop.svc.cluster.local', 'shop'], ['a.example.com', 'egress'], ['a.example.com', 'other'], ['*.example.com', 'egress'], ['b.example.com', 'other']]) {
      expect(iy.lookupServiceEntryHost(host, from)).toEqual(seOnly(iy.lookupHost(host, from)));
      expect(iy.serviceEntryEntries(host)).toEqual(seOnly(iy.registryEntries(host)));
    }
    expect(iy.lookupServiceEntryHost('a.example.com', 'egress').map((e) => e.object?.name)).toEqual(['exact', 'wild']);
    expect(iy.lookupServiceEntryHost('a.example.com', 'other').map((e) => e.object?.name)).toEqual(['exact']);
    expect(iy.serviceEntryEntries('api.shop.svc.cluster.local').map((e) => e.object?.name)).toEqual(['alias']);
    expect(iy.registryEntries('api.shop.svc.cluster.local').map((e) => e.origin)).toEqual(['service', 'service-entry']);
  });

  test('podsIn: the pods (and, open world, pod templates) of one namespace, in input order', () => {
    const iy = new MeshIndex([
      deployment('a', { labels: { app: 'a' } }, { namespace: 'one' }),
      deployment('b', { labels: { app: 'b' } }, { namespace: 'two' }),
      deployment('c', { labels: { app: 'c' } }, { namespace: 'one' }),
    ]);
    expect(iy.podsIn('one').map((p) => p.labels.app)).toEqual(['a', 'c']);
    expect(iy.podsIn('none')).toEqual([]);
    expect(iy.podsIn('one')).toEqual(iy.podsMatching({}, 'one'));
  });

  test('mesh config from the istio ConfigMap, overridden by options', () => {
    expect(ix.meshConfig).toMatchObject({ outboundTrafficPolicyMode: 'REGISTRY_ONLY', accessLogFile: '/dev/stdout', rootNamespace: 'istio-system' });
    const o = new MeshIndex([istioOperator('cp', { meshConfig: { accessLogFile: '/dev/stderr' }, values: { pilot: { env: { PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: true } } } })],
      { meshConfig: { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } } });
    expect(o.meshConfig).toMatchObject({ outboundTrafficPolicyMode: 'ALLOW_ANY', accessLogFile: '/dev/stderr', filterGatewayClusterConfig: true });
  });
});

describe('HostIndex', () => {
  test('answers intersection queries like hostsIntersect', () => {
    const idx = new HostIndex<string>();
    for (const h of ['a.example.com', '*.example.com', '*.b.example.com', 'x.b.example.com', 'other.org', '*']) idx.add(h, h);
    expect(idx.query('a.example.com')).toEqual(['a.example.com', '*.example.com', '*']);
    expect(idx.query('*.b.example.com')).toEqual(['*.example.com', '*.b.example.com', 'x.b.example.com', '*']);
    expect(idx.query('*.org')).toEqual(['other.org', '*']);
    expect(idx.query('*')).toHaveLength(6);
    expect(idx.query('zzz.net')).toEqual(['*']);
  });

  test('exact-only index: the bucket in insertion order, case-insensitively; a later add changes the answer', () => {
    const idx = new HostIndex<number>();
    idx.add('A.example.com', 1);
    idx.add('b.example.com', 2);
    idx.add('a.example.com', 3);
    expect(idx.query('a.EXAMPLE.com')).toEqual([1, 3]);
    expect(idx.query('c.example.com')).toEqual([]);
    expect(idx.query('*.example.com')).toEqual([1, 2, 3]);
    idx.add('*.example.com', 4);
    expect(idx.query('c.example.com')).toEqual([4]);
    expect(idx.query('a.example.com')).toEqual([1, 3, 4]);
    expect(idx.query('*.example.com')).toEqual([1, 2, 3, 4]);
  });

  test('itemsAt: the items added under exactly that host, case-insensitively, in insertion order', () => {
    const idx = new HostIndex<number>();
    for (const [h, n] of [['A.example.com', 1], ['*.example.com', 2], ['a.example.com', 3], ['*', 4], ['*.Example.com', 5], ['*', 6]] as const) idx.add(h, n);
    expect(idx.itemsAt('a.EXAMPLE.com')).toEqual([1, 3]);
    expect(idx.itemsAt('*.example.com')).toEqual([2, 5]);
    expect(idx.itemsAt('*')).toEqual([4, 6]);
    expect(idx.itemsAt('b.example.com')).toEqual([]);
    expect(idx.itemsAt('*.b.example.com')).toEqual([]);
  });

  test('add: true when items were already added under that host, case-insensitively', () => {
    const idx = new HostIndex<number>();
    expect([idx.add('A.example.com', 1), idx.add('a.example.com', 2), idx.add('b.example.com', 3)]).toEqual([false, true, false]);
    expect([idx.add('*.Example.com', 4), idx.add('*.b.example.com', 5), idx.add('*.example.com', 6)]).toEqual([false, false, true]);
    expect([idx.add('*', 7), idx.add('*', 8)]).toEqual([false, true]);
  });

  test('every answer equals a linear scan with hostsIntersect, whatever the order of adds and queries', () => {
    const label = fc.constantFrom('a', 'b', 'B', 'x');
    const host = fc.oneof(
      fc.constant('*'),
      fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.')),
      fc.array(label, { minLength: 1, maxLength: 2 }).map((l) => `*.${l.join('.')}`),
    );
    const step = fc.record({ add: fc.boolean(), host });
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      const idx = new HostIndex<number>();
      const added: { host: string; n: number }[] = [];
      for (const s of steps) {
        if (s.add) {
          // add says whether items were already added under that host (as itemsAt tells)
          const had = idx.itemsAt(s.host).length > 0;
          expect(idx.add(s.host, added.length)).toBe(had);
          added.push({ host: s.host, n: added.length });
          continue;
        }
        const want = added.filter((a) => hostsIntersect(a.host.toLowerCase(), s.host.toLowerCase())).map((a) => a.n);
        expect(idx.query(s.host)).toEqual(want);
      }
    }), fcParams(200));
  });
});

describe('lookupScoped (istioctl scoped registry, ISTIOCTL-PARITY §0)', () => {
  const se = (ns: string, name: string, hosts: string[], exportTo?: string[]) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name, namespace: ns },
    spec: { hosts, ...(exportTo ? { exportTo } : {}), ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] },
  });
  const found = (index: MeshIndex, ns: string, exportTo: string[], host: string) => index.lookupScoped(ns, exportTo, host)?.object?.name;

  test('wildcard hosts answer in the namespaces they are exported to', () => {
    const index = new MeshIndex([se('n1', 'wild', ['*.example.com'], ['n1']), se('n2', 'all', ['*.example.org'])]);
    expect(found(index, 'n1', [], 'a.example.com')).toBe('wild');
    expect(found(index, 'n2', [], 'a.example.com')).toBeUndefined();
    expect(found(index, 'n2', [], 'a.b.example.org')).toBe('all');
    expect(index.lookupScoped('n1', [], 'a.example.com')?.ports).toEqual([443]);
  });

  test('a `/` in a scope or host: the flat `scope/host` keys decide, the later entry put wins', () => {
    // `a/b` + `c.com` and `a` + `b/c.com` are one key, `a/b/c.com`: the Service entry put later answers for both
    const index = new MeshIndex([se('n1', 'first', ['c.com'], ['a/b']), se('n2', 'second', ['b/c.com'], ['a'])]);
    expect(found(index, 'z', ['a/b'], 'c.com')).toBe('second');
    expect(found(index, 'z', ['a'], 'b/c.com')).toBe('second');
    expect(found(index, 'z', ['a'], 'c.com')).toBeUndefined();
    // without the collision each answers for itself
    const apart = new MeshIndex([se('n1', 'first', ['c.com'], ['a/b']), se('n2', 'second', ['d.com'], ['a'])]);
    expect(found(apart, 'z', ['a/b'], 'c.com')).toBe('first');
    expect(found(apart, 'z', ['a'], 'd.com')).toBe('second');
  });
});
