import * as fc from 'fast-check';
import { Destination, GatewayWorkload, HttpHost, HttpMatch, HttpRoute, IngressGateway } from '../src';
import { IstioGatewaysError } from '../src/errors';
import { ofKind, one, synth, testChart } from './util/manifests';
import { fcParams } from './util/property';

function setup(namespace: string | null = 'apps') {
  const chart = testChart(namespace ?? undefined);
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gw', { workload: ingress, name: 'edge' });
  return { chart, gateway };
}

const toWeb = HttpRoute.to([Destination.service('web', 80)]);

describe('HttpHost', () => {
  test('adds the hosts to the port-80 server and binds a VirtualService to the gateway', () => {
    const { chart, gateway } = setup();
    const host = new HttpHost(chart, 'web', { gateway, hosts: ['web.example.com'], virtualServiceName: 'web', routes: [toWeb] });
    const m = synth(chart);
    expect(one(m, 'Gateway').spec.servers).toStrictEqual([
      { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['web.example.com'] },
    ]);
    expect(one(m, 'VirtualService', 'web')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web', namespace: 'apps' },
      spec: {
        gateways: ['apps/edge'],
        hosts: ['web.example.com'],
        http: [{ route: [{ destination: { host: 'web.apps.svc.cluster.local', port: { number: 80 } } }] }],
      },
    });
    expect(host.server).toStrictEqual({ port: 80, protocol: 'HTTP', portName: 'http-80', hosts: ['web.example.com'] });
    expect(host.namespace).toBe('apps');
    expect(ofKind(m, 'DestinationRule')).toStrictEqual([]);
  });

  test('a server ref is a plain struct: its hosts (as of the call, sorted) are an own enumerable property', () => {
    const { chart, gateway } = setup();
    const first = new HttpHost(chart, 'b', { gateway, hosts: ['b.example.com'], virtualServiceName: 'b', routes: [toWeb] });
    const second = new HttpHost(chart, 'a', { gateway, hosts: ['a.example.com'], virtualServiceName: 'a', routes: [toWeb] });
    expect(Object.keys(second.server)).toStrictEqual(['port', 'protocol', 'portName', 'hosts']);
    expect(JSON.parse(JSON.stringify(second.server))).toStrictEqual({ port: 80, protocol: 'HTTP', portName: 'http-80', hosts: ['a.example.com', 'b.example.com'] });
    expect({ ...second.server }).toStrictEqual({ port: 80, protocol: 'HTTP', portName: 'http-80', hosts: ['a.example.com', 'b.example.com'] });
    // the earlier ref keeps the hosts the server had when it was made
    expect(first.server.hosts).toStrictEqual(['b.example.com']);
  });

  test('two hosts share the port-80 server, each with its own VirtualService (addHttpHost sugar)', () => {
    const { chart, gateway } = setup();
    const a = gateway.addHttpHost('bookinfo', { hosts: ['mybookinfo.com'], virtualServiceName: 'bookinfo', routes: [HttpRoute.to([Destination.service('productpage', 9080)])] });
    gateway.addHttpHost('hello', { hosts: ['myhelloworld.com'], virtualServiceName: 'hello', routes: [HttpRoute.to([Destination.service('helloworld', 5000)], { matches: [HttpMatch.exact('/hello')] })] });
    const m = synth(chart);
    expect(a).toBeInstanceOf(HttpHost);
    expect(a.node.path).toBe('chart/gw/bookinfo');
    expect(one(m, 'Gateway').spec.servers).toStrictEqual([
      { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['mybookinfo.com', 'myhelloworld.com'] },
    ]);
    expect(one(m, 'VirtualService', 'bookinfo').spec.hosts).toStrictEqual(['mybookinfo.com']);
    expect(one(m, 'VirtualService', 'hello').spec.http).toStrictEqual([
      { match: [{ uri: { exact: '/hello' } }], route: [{ destination: { host: 'helloworld.apps.svc.cluster.local', port: { number: 5000 } } }] },
    ]);
  });

  test('port, port name, any host, mesh and namespace options (two namespaces: hosts are namespace-scoped)', () => {
    const { chart, gateway } = setup(null);
    gateway.addHttpHost('any', { hosts: ['*'], allowAnyHost: true, port: 8080, virtualServiceName: 'any', routes: [HttpRoute.to([Destination.service('web', 80, { namespace: 'apps' })])] });
    gateway.addHttpHost('mesh', { hosts: ['api.example.com'], portName: 'http-api', includeMesh: true, namespace: 'team', virtualServiceName: 'api', routes: [toWeb] });
    const m = synth(chart);
    expect(one(m, 'Gateway').metadata.namespace).toBe('istio-system');
    expect(one(m, 'Gateway').spec.servers).toStrictEqual([
      { port: { number: 80, name: 'http-api', protocol: 'HTTP' }, hosts: ['team/api.example.com'] },
      { port: { number: 8080, name: 'http-8080', protocol: 'HTTP' }, hosts: ['istio-system/*'] },
    ]);
    expect(one(m, 'VirtualService', 'any').metadata.namespace).toBe('istio-system');
    expect(one(m, 'VirtualService', 'api').metadata.namespace).toBe('team');
    expect(one(m, 'VirtualService', 'api').spec.gateways).toStrictEqual(['istio-system/edge', 'mesh']);
    expect(one(m, 'VirtualService', 'api').spec.http[0].route[0].destination.host).toBe('web.team.svc.cluster.local');
  });

  test('addRoute appends after the constructor routes', () => {
    const { chart, gateway } = setup();
    const host = gateway.addHttpHost('web', { hosts: ['web.example.com'], virtualServiceName: 'web', routes: [HttpRoute.to([Destination.service('api', 80)], { matches: [HttpMatch.prefix('/api')] })] });
    expect(host.addRoute(toWeb)).toBe(host);
    expect(one(synth(chart), 'VirtualService', 'web').spec.http.map((r: { route: Array<{ destination: { host: string } }> }) => r.route[0].destination.host))
      .toStrictEqual(['api.apps.svc.cluster.local', 'web.apps.svc.cluster.local']);
  });

  test('subsets with labels produce a DestinationRule per host, subsets sorted and deduplicated', () => {
    const { chart, gateway } = setup();
    const v = (subset: string, weight: number) => Destination.service('reviews', 9080, { subset, subsetLabels: { version: subset }, weight });
    gateway.addHttpHost('reviews', {
      hosts: ['reviews.example.com'],
      routes: [
        HttpRoute.to([v('v2', 50), v('v1', 50)], { matches: [HttpMatch.prefix('/beta')] }),
        HttpRoute.to([v('v1', 100)]),
      ],
    });
    const drs = ofKind(synth(chart), 'DestinationRule');
    expect(drs.map((d) => [d.metadata.namespace, d.spec])).toStrictEqual([
      ['apps', { host: 'reviews.apps.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }],
    ]);
  });

  test('snapshot', () => {
    const { chart, gateway } = setup();
    gateway.addHttpHost('web', { hosts: ['web.example.com', '*.web.example.com'], routes: [toWeb] });
    expect(synth(chart)).toMatchSnapshot();
  });
});

describe('eager errors', () => {
  test('mesh with "*"', () => {
    const { gateway } = setup();
    expect(() => gateway.addHttpHost('x', { hosts: ['*'], allowAnyHost: true, includeMesh: true })).toThrow(/hosts: "\*" cannot be bound to mesh/);
  });
  test('"*" without allowAnyHost', () => {
    const { gateway } = setup();
    expect(() => gateway.addHttpHost('x', { hosts: ['*'] })).toThrow(/"\*" would let any VirtualService in any namespace bind/);
  });
  test('short name', () => {
    const { gateway } = setup();
    expect(() => gateway.addHttpHost('x', { hosts: ['webapp'] })).toThrow(/"webapp" is a short name/);
  });
  test('port out of range', () => {
    const { gateway } = setup();
    expect(() => gateway.addHttpHost('x', { hosts: ['a.example.com'], port: 0 })).toThrow(/port: port 0 is out of range/);
  });
  test('duplicate host on one port', () => {
    const { gateway } = setup();
    gateway.addHttpHost('a', { hosts: ['a.example.com'], portName: 'http-a', routes: [toWeb] });
    expect(() => gateway.addHttpHost('b', { hosts: ['a.example.com'], routes: [toWeb] })).toThrow(/host "a.example.com" is already served by "http-a"/);
  });
  test('bad VirtualService name', () => {
    const { gateway } = setup();
    expect(() => gateway.addHttpHost('x', { hosts: ['a.example.com'], virtualServiceName: 'Web' })).toThrow(/virtualServiceName: "Web" is not a DNS-1123 label/);
  });
  test('a subset with two label sets', () => {
    const { gateway } = setup();
    expect(() => gateway.addHttpHost('x', {
      hosts: ['a.example.com'],
      routes: [
        HttpRoute.to([Destination.service('r', 80, { subset: 'v1', subsetLabels: { version: 'v1' } })]),
        HttpRoute.to([Destination.service('r', 80, { subset: 'v1', subsetLabels: { version: 'one' } })]),
      ],
    })).toThrow(/subset "v1" of r.apps.svc.cluster.local was defined with labels/);
  });
  test('empty subset labels', () => {
    const { gateway } = setup();
    expect(() => gateway.addHttpHost('x', { hosts: ['a.example.com'], routes: [HttpRoute.to([Destination.service('r', 80, { subset: 'v1', subsetLabels: {} })])] }))
      .toThrow(/subsetLabels of subset "v1" is empty/);
  });
  test('no routes fails synth validation', () => {
    const { chart, gateway } = setup();
    gateway.addHttpHost('x', { hosts: ['a.example.com'] });
    expect(() => synth(chart)).toThrow(/the host has no routes, so the gateway answers 404/);
  });
  test('missing gateway', () => {
    const chart = testChart();
    expect(() => new HttpHost(chart, 'x', { gateway: undefined as never, hosts: ['a.example.com'] })).toThrow(/gateway: an HttpHost needs the Gateway/);
  });
});

describe('properties', () => {
  const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
  const fqdn = fc.tuple(label, label, fc.constantFrom('com', 'io', 'dev')).map(([a, b, c]) => `${a}.${b}.${c}`);

  test('any set of distinct FQDNs on any valid port synthesizes into one server', () => {
    fc.assert(fc.property(fc.uniqueArray(fqdn, { minLength: 1, maxLength: 5, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }), fc.integer({ min: 1, max: 65535 }), (hosts, port) => {
      const chart = testChart('apps');
      const workload = GatewayWorkload.fromInstalled(chart, 'ingress', { selector: { istio: 'edge' }, namespace: 'edge', ports: [{ port }] });
      const gateway = new IngressGateway(chart, 'gw', { workload, name: 'edge' });
      hosts.forEach((h, i) => gateway.addHttpHost(`h${i}`, { hosts: [h], port, routes: [toWeb] }));
      const servers = one(synth(chart), 'Gateway').spec.servers;
      expect(servers).toStrictEqual([{ port: { number: port, name: `http-${port}`, protocol: 'HTTP' }, hosts: [...hosts].sort() }]);
    }), fcParams(30));
  });

  test('any partial wildcard throws', () => {
    fc.assert(fc.property(label, label, fc.integer({ min: 0, max: 3 }), (a, b, where) => {
      const partial = [`${a}*.${b}.com`, `*${a}.${b}.com`, `${a}.*.${b}.com`, `${a}.${b}.*`][where];
      const { gateway } = setup();
      expect(() => gateway.addHttpHost('x', { hosts: [partial] })).toThrow(IstioGatewaysError);
    }), fcParams(40));
  });

  test('any port outside 1..65535 throws', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1.1, max: 65534.9, noInteger: true })), (port) => {
      const { gateway } = setup();
      expect(() => gateway.addHttpHost('x', { hosts: ['a.example.com'], port })).toThrow(/is out of range/);
    }), fcParams(40));
  });
});
