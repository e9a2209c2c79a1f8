import * as fc from 'fast-check';
import { AnalyzeOptions } from '../../../src/check/analyze';
import { KubeObject } from '../../../src/check/model';
import { VIRTUAL_SERVICE_RULES } from '../../../src/check/rules/virtual-service';
import { VIRTUAL_SERVICE_CROSS_RULES } from '../../../src/check/rules/virtual-service-cross';
import { fcParams } from '../../util/property';
import { at, brief, check, destinationRule, gateway, injectedGateway, only, server, service, serviceEntry, vs } from '../fixtures';

interface Case {
  readonly rule: string;
  readonly title: string;
  readonly bad: KubeObject[];
  /** `Kind/namespace/name path` of every finding of the rule */
  readonly expect: string[];
  readonly good: KubeObject[];
  readonly codes?: string[];
  readonly message?: RegExp;
  readonly options?: AnalyzeOptions;
}

/** security.istio.io/v1 RequestAuthentication (not in fixtures.ts). */
function requestAuthentication(name: string, namespace: string, matchLabels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'RequestAuthentication',
    metadata: { name, namespace },
    spec: { ...(matchLabels ? { selector: { matchLabels } } : {}), jwtRules: [{ issuer: 'https://issuer.example.com' }] },
  };
}

const http80 = (hosts: string[], name = 'gw', o = {}) => gateway(name, { servers: [server(80, 'HTTP', hosts)] }, o);
const to = (host: string, extra: Record<string, unknown> = {}) => [{ destination: { host, ...extra } }];
const run = (objs: KubeObject[], options: AnalyzeOptions = {}) => check(objs, { rules: VIRTUAL_SERVICE_CROSS_RULES, ...options });
const where = (f: ReturnType<typeof check>) => f.map((x) => `${x.resource.kind}/${x.resource.namespace}/${x.resource.name} ${x.path}`);
const bookinfoSvcs = [
  service('productpage', { selector: { app: 'productpage' }, ports: [{ port: 9080 }] }, { namespace: 'bookinfo' }),
  service('reviews', { selector: { app: 'reviews' }, ports: [{ port: 9080 }] }, { namespace: 'bookinfo' }),
];
const passthrough = (hosts: string[]) => gateway('sni', { servers: [server(443, 'TLS', hosts, { tls: { mode: 'PASSTHROUGH' } })] });
const tlsRoute = (sni: string[]) => ({ http: [], tls: [{ match: [{ port: 443, sniHosts: sni }], route: to('backend', { port: { number: 443 } }) }] });

const cases: Case[] = [
  {
    rule: 'VSX-GW-001',
    title: 'short gateway name from another namespace',
    bad: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['gw'] }, { namespace: 'bookinfo' })],
    expect: ['VirtualService/bookinfo/v spec.gateways[0]'],
    message: /resolves to bookinfo\/gw, which is not in the input \(a Gateway "gw" exists in istio-system\)/,
    good: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['istio-system/gw', 'gw.istio-system'] }, { namespace: 'bookinfo' })],
  },
  {
    rule: 'VSX-GW-002',
    title: 'VS host not served by the gateway; ns/ scoping',
    bad: [
      http80(['b.example.com', 'other/c.example.com']),
      vs('v', ['a.example.com'], { gateways: ['istio-system/gw'] }),
      vs('w', ['c.example.com'], { gateways: ['istio-system/gw'] }),
    ],
    expect: ['VirtualService/default/v spec.hosts[0]', 'VirtualService/default/w spec.hosts[0]'],
    message: /matches no server host|only admits virtual services from other/,
    good: [
      http80(['b.example.com', 'default/c.example.com', './d.example.com']),
      vs('v', ['b.example.com', 'c.example.com'], { gateways: ['istio-system/gw'] }),
      vs('w', ['d.example.com'], { gateways: ['gw'] }, { namespace: 'istio-system' }),
    ],
  },
  {
    rule: 'VSX-GW-003',
    title: 'exportTo "." in the app namespace',
    bad: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['istio-system/gw'], exportTo: ['.'] }, { namespace: 'bookinfo' })],
    expect: ['VirtualService/bookinfo/v spec.exportTo'],
    message: /hides the virtual service from the gateway pods in istio-system/,
    good: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['istio-system/gw'], exportTo: ['.', 'istio-system'] }, { namespace: 'bookinfo' })],
  },
  {
    rule: 'VSX-GW-004',
    title: 'gateways omitted although a gateway serves the host',
    bad: [http80(['a.example.com']), vs('v', ['a.example.com'])],
    expect: ['VirtualService/default/v spec.gateways'],
    good: [http80(['a.example.com']), vs('v', ['a.example.com'], { gateways: ['istio-system/gw', 'mesh'] }), vs('m', ['reviews'])],
  },
  {
    rule: 'VSX-GW-005',
    title: 'match.gateways outside the top-level gateways',
    bad: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['mesh'], http: [{ match: [{ gateways: ['istio-system/gw'] }], route: to('b') }] })],
    expect: ['VirtualService/default/v spec.http[0].match[0].gateways[0]'],
    good: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['mesh', 'istio-system/gw'], http: [{ match: [{ gateways: ['istio-system/gw'] }], route: to('b') }] })],
  },
  {
    rule: 'VSX-PORT-001',
    title: 'match.port uses the target port 8080 instead of server port 80',
    bad: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['istio-system/gw'], http: [{ match: [{ port: 8080 }], route: to('b') }] })],
    expect: ['VirtualService/default/v spec.http[0].match[0].port'],
    message: /match.port 8080 is not the port of any http server of istio-system\/gw serving these hosts \(80\)/,
    good: [http80(['*']), vs('v', ['a.example.com'], { gateways: ['istio-system/gw'], http: [{ match: [{ port: 80 }], route: to('b') }] })],
  },
  {
    rule: 'VSX-KIND-001',
    title: 'http routes on a PASSTHROUGH server',
    bad: [passthrough(['a.example.com']), vs('v', ['a.example.com'], { gateways: ['istio-system/sni'] })],
    expect: ['VirtualService/default/v spec.http'],
    good: [passthrough(['a.example.com']), vs('v', ['a.example.com'], { gateways: ['istio-system/sni'], ...tlsRoute(['a.example.com']) })],
  },
  {
    rule: 'VSX-TCP-001',
    title: 'two VSs with tcp rules on 31400',
    bad: [
      gateway('tcp', { servers: [server(31400, 'TCP', ['*'])] }),
      vs('first', ['a.example.com'], { gateways: ['istio-system/tcp'], http: [], tcp: [{ match: [{ port: 31400 }], route: to('a') }] }, { creationTimestamp: at(1) }),
      vs('second', ['b.example.com'], { gateways: ['istio-system/tcp'], http: [], tcp: [{ route: to('b') }] }, { creationTimestamp: at(2) }),
    ],
    expect: ['VirtualService/default/second spec.tcp[0]'],
    message: /already serves it/,
    good: [
      gateway('tcp', { servers: [server(31400, 'TCP', ['*']), server(31401, 'TCP', ['*'])] }),
      vs('first', ['a.example.com'], { gateways: ['istio-system/tcp'], http: [], tcp: [{ match: [{ port: 31400 }], route: to('a') }] }, { creationTimestamp: at(1) }),
      vs('second', ['b.example.com'], { gateways: ['istio-system/tcp'], http: [], tcp: [{ match: [{ port: 31401 }], route: to('b') }] }, { creationTimestamp: at(2) }),
    ],
  },
  {
    rule: 'VSX-SNI-001',
    title: 'two VSs route sniHost a.example.com on one port',
    bad: [
      passthrough(['*.example.com']),
      vs('first', ['a.example.com'], { gateways: ['istio-system/sni'], ...tlsRoute(['a.example.com']) }, { creationTimestamp: at(1) }),
      vs('second', ['*.example.com'], { gateways: ['istio-system/sni'], ...tlsRoute(['a.example.com']) }, { creationTimestamp: at(2) }),
    ],
    expect: ['VirtualService/default/second spec.tls[0].match[0].sniHosts[0]'],
    good: [
      passthrough(['*.example.com']),
      vs('first', ['a.example.com'], { gateways: ['istio-system/sni'], ...tlsRoute(['a.example.com']) }),
      vs('second', ['b.example.com'], { gateways: ['istio-system/sni'], ...tlsRoute(['b.example.com']) }),
    ],
  },
  {
    rule: 'VSX-DEST-001',
    title: 'short destination resolves in istio-system; unknown external host',
    bad: [
      ...bookinfoSvcs, http80(['*']), serviceEntry('ext', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      vs('v', ['bookinfo.example.com'], { gateways: ['gw'], http: [{ route: to('productpage') }, { route: to('other.example.com') }] }, { namespace: 'istio-system' }),
    ],
    expect: ['VirtualService/istio-system/v spec.http[0].route[0].destination.host', 'VirtualService/istio-system/v spec.http[1].route[0].destination.host'],
    message: /resolves to "productpage.istio-system.svc.cluster.local".*the Service "productpage" is in bookinfo|matches no Service or ServiceEntry/,
    good: [
      ...bookinfoSvcs, http80(['*']), serviceEntry('ext', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      vs('v', ['bookinfo.example.com'], { gateways: ['gw'], http: [{ route: to('productpage.bookinfo.svc.cluster.local') }, { route: to('api.example.com') }] }, { namespace: 'istio-system' }),
      // unknown registry: no Service in `shop`, no Service named cart anywhere → not reported
      vs('w', ['cart'], { http: [{ route: to('cart') }] }, { namespace: 'shop' }),
    ],
  },
  {
    rule: 'VSX-DEST-002',
    title: 'multi-port SE without destination port; missing port',
    bad: [
      serviceEntry('cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      vs('v', ['edition.cnn.com'], { http: [{ route: to('edition.cnn.com') }], tcp: [{ route: to('edition.cnn.com', { port: { number: 8443 } }) }] }),
    ],
    expect: ['VirtualService/default/v spec.http[0].route[0].destination', 'VirtualService/default/v spec.tcp[0].route[0].destination.port.number'],
    codes: ['IST0112', 'IST0101'],
    good: [
      serviceEntry('cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      vs('v', ['edition.cnn.com'], { http: [{ route: to('edition.cnn.com', { port: { number: 80 } }) }] }),
    ],
  },
  {
    rule: 'VSX-SUB-001',
    title: 'subset without DR; DR not exported to the gateway namespace',
    bad: [
      ...bookinfoSvcs, http80(['*']),
      destinationRule('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }], exportTo: ['.'] }, { namespace: 'bookinfo' }),
      vs('v', ['bookinfo.example.com'], { gateways: ['istio-system/gw'], http: [{ route: to('reviews', { subset: 'v1' }) }, { route: to('productpage', { subset: 'v1' }) }] }, { namespace: 'bookinfo' }),
    ],
    expect: ['VirtualService/bookinfo/v spec.http[0].route[0].destination.subset', 'VirtualService/bookinfo/v spec.http[1].route[0].destination.subset'],
    message: /not exported to istio-system \(gateway istio-system\/gw\)|no DestinationRule for "productpage.bookinfo.svc.cluster.local"/,
    good: [
      ...bookinfoSvcs, http80(['*']),
      destinationRule('reviews', { host: 'reviews.bookinfo.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }, { namespace: 'bookinfo' }),
      vs('v', ['bookinfo.example.com'], { gateways: ['istio-system/gw'], http: [{ route: to('reviews', { subset: 'v1' }) }] }, { namespace: 'bookinfo' }),
    ],
  },
  {
    rule: 'VSX-DUP-001',
    title: 'two mesh VSs for reviews',
    bad: [vs('a', ['reviews'], {}, { namespace: 'bookinfo' }), vs('b', ['reviews.bookinfo.svc.cluster.local'], {}, { namespace: 'bookinfo' })],
    expect: ['VirtualService/bookinfo/a spec.hosts[0]', 'VirtualService/bookinfo/b spec.hosts[0]'],
    good: [
      http80(['*']),
      vs('a', ['reviews'], {}, { namespace: 'bookinfo' }),
      vs('b', ['reviews.bookinfo.svc.cluster.local'], { gateways: ['istio-system/gw'] }, { namespace: 'bookinfo' }),
      vs('c', ['reviews'], { exportTo: ['.'] }, { namespace: 'other' }),
    ],
  },
  {
    rule: 'VSX-DUP-002',
    title: 'two VSs bind a.example.com on one gateway',
    bad: [http80(['*']), vs('a', ['a.example.com'], { gateways: ['istio-system/gw'] }), vs('b', ['a.example.com'], { gateways: ['istio-system/gw'] }, { namespace: 'other' })],
    expect: ['VirtualService/default/a spec.hosts[0]', 'VirtualService/other/b spec.hosts[0]'],
    good: [http80(['*']), vs('a', ['a.example.com'], { gateways: ['istio-system/gw'] }), vs('b', ['b.example.com'], { gateways: ['istio-system/gw'] })],
  },
  {
    rule: 'VSX-ING-001',
    title: 'ingress VS to reviews while the mesh VS splits subsets',
    bad: [
      http80(['*']),
      vs('reviews', ['reviews'], { http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 10 }] }] }, { namespace: 'bookinfo' }),
      vs('ingress', ['bookinfo.example.com'], { gateways: ['istio-system/gw'], http: [{ route: to('reviews') }] }, { namespace: 'bookinfo' }),
    ],
    expect: ['VirtualService/bookinfo/ingress spec.http[0].route[0].destination.host'],
    good: [
      http80(['*']),
      vs('reviews', ['reviews'], { http: [{ route: to('reviews') }] }, { namespace: 'bookinfo' }),
      vs('ingress', ['bookinfo.example.com'], { gateways: ['istio-system/gw'], http: [{ route: to('reviews') }] }, { namespace: 'bookinfo' }),
    ],
  },
  {
    rule: 'VSX-JWT-001',
    title: 'claim routing without RequestAuthentication on the gateway pods',
    bad: [
      http80(['*']),
      requestAuthentication('app-jwt', 'bookinfo', { app: 'productpage' }),
      vs('v', ['a.example.com'], { gateways: ['istio-system/gw'], http: [{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'admin' } } }], route: to('b') }, { route: to('c') }] }),
    ],
    expect: ['VirtualService/default/v spec.http[0].match[0].headers["@request.auth.claims.groups"]'],
    good: [
      http80(['*']),
      requestAuthentication('gw-jwt', 'istio-system', { istio: 'ingressgateway' }),
      vs('v', ['a.example.com'], { gateways: ['istio-system/gw'], http: [{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'admin' } } }], route: to('b') }, { route: to('c') }] }),
    ],
  },
];

describe('VSX-* rules', () => {
  test('every rule has a case', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(VIRTUAL_SERVICE_CROSS_RULES.map((r) => r.id)));
  });

  describe.each(cases)('$rule: $title', (c) => {
    const rule = VIRTUAL_SERVICE_CROSS_RULES.find((r) => r.id === c.rule)!;
    test('violation', () => {
      const found = only(run(c.bad, c.options), c.rule);
      expect(where(found).sort()).toEqual([...c.expect].sort());
      for (const f of found) {
        if (!c.codes) expect(f.code).toBe(rule.code);
        expect(f.message).toMatch(/^[a-z"@0-9*.(]/);
        if (c.message) expect(f.message).toMatch(c.message);
      }
      if (c.codes) {
        expect(found.map((f) => `${f.path}=${f.code}`).sort()).toEqual(c.expect.map((e, i) => `${e.split(' ')[1]}=${c.codes![i]}`).sort());
      }
    });
    test('clean', () => {
      expect(brief(only(run(c.good, c.options), c.rule))).toEqual([]);
    });
  });

  test('VSX-GW-002: a second gateway that serves none of the hosts is reported on spec.gateways', () => {
    const f = only(run([
      http80(['a.example.com'], 'gw-a'), http80(['b.example.com'], 'gw-b'), http80(['c.example.com'], 'gw-c'),
      vs('v', ['a.example.com', 'b.example.com'], { gateways: ['istio-system/gw-a', 'istio-system/gw-b', 'istio-system/gw-c'] }),
    ]), 'VSX-GW-002');
    expect(where(f)).toEqual(['VirtualService/default/v spec.gateways[2]']);
  });

  test('VSX-DEST-001: a gateway\'s own Service does not make the namespace\'s app Services "known"', () => {
    const f = only(run([
      ...injectedGateway('team-gw', 'shop', { istio: 'team-gw' }),
      gateway('gw', { selector: { istio: 'team-gw' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] }, { namespace: 'shop' }),
      vs('v', ['shop.example.com'], { gateways: ['gw'], http: [{ route: to('webapp') }] }, { namespace: 'shop' }),
    ]), 'VSX-DEST-001');
    expect(f).toEqual([]);
  });

  test('VSX-ING-001: the egress pattern split into two VSs is not IST0140 (the subset belongs to the egress gateway Service)', () => {
    const egress = 'istio-egressgateway.istio-system.svc.cluster.local';
    const objs = [
      serviceEntry('cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      gateway('istio-egressgateway', { selector: { istio: 'egressgateway' }, servers: [server(443, 'TLS', ['edition.cnn.com'], { tls: { mode: 'PASSTHROUGH' } })] }, { namespace: 'default' }),
      destinationRule('egressgateway-for-cnn', { host: egress, subsets: [{ name: 'cnn' }] }),
      vs('cnn-mesh', ['edition.cnn.com'], { gateways: ['mesh'], http: undefined, tls: [{ match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: egress, subset: 'cnn', port: { number: 443 } } }] }] }),
      vs('cnn-egress', ['edition.cnn.com'], { gateways: ['istio-egressgateway'], http: undefined, tls: [{ match: [{ gateways: ['istio-egressgateway'], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }] }] }),
    ];
    expect(only(run(objs), 'VSX-ING-001')).toEqual([]);
    // an ingress VS to a mesh host whose mesh VS splits that host's own subsets is still reported
    const ingress = [
      http80(['*']),
      vs('ext', ['edition.cnn.com'], { http: [{ route: [{ destination: { host: 'edition.cnn.com', subset: 'a' } }] }] }),
      vs('in', ['in.example.com'], { gateways: ['istio-system/gw'], http: [{ route: to('edition.cnn.com') }] }),
    ];
    expect(where(only(run(ingress), 'VSX-ING-001'))).toEqual(['VirtualService/default/in spec.http[0].route[0].destination.host']);
  });

  test('VSX-GW-001: legacy gateway names name.ns.svc.cluster.local and ./name resolve like istiod', () => {
    const f = only(run([
      http80(['a.example.com']),
      vs('legacy', ['a.example.com'], { gateways: ['gw.istio-system.svc.cluster.local'] }),
      vs('dot', ['a.example.com'], { gateways: ['./gw'] }, { namespace: 'istio-system' }),
    ]), 'VSX-GW-001');
    expect(f).toEqual([]);
  });

  test('VSX-DEST-001: a Service that is not exported to the VS namespace', () => {
    const f = only(run([
      serviceEntry('ext', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], exportTo: ['.'] }, { namespace: 'egress' }),
      vs('v', ['x.example.com'], { http: [{ route: to('api.example.com') }] }, { namespace: 'app' }),
    ]), 'VSX-DEST-001');
    expect(f.map((x) => x.message)).toEqual(['destination host "api.example.com" is a ServiceEntry host in egress that is not exported to app']);
  });
});

describe('garbage input', () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const hostish = fc.oneof(fc.constantFrom('a.example.com', '*', 'mesh', 'reviews', 'istio-system/gw', 'gw', '.', '*.example.com', 'gw.istio-system'), fc.string({ maxLength: 8 }));
  const dest = fc.record({ host: fc.oneof(hostish, anyJson), subset: fc.oneof(fc.constant('v1'), anyJson), port: fc.oneof(fc.record({ number: fc.integer() }), anyJson) }, { requiredKeys: [] });
  const rule = fc.record({
    match: fc.oneof(anyJson, fc.array(fc.record({ port: fc.oneof(fc.integer({ min: 0, max: 70000 }), anyJson), gateways: fc.oneof(fc.array(hostish), anyJson), sniHosts: fc.oneof(fc.array(hostish), anyJson), headers: anyJson }, { requiredKeys: [] }))),
    route: fc.oneof(anyJson, fc.array(fc.record({ destination: fc.oneof(dest, anyJson), weight: anyJson }, { requiredKeys: [] }))),
    mirror: fc.oneof(dest, anyJson),
  }, { requiredKeys: [] });
  const spec = fc.record({
    hosts: fc.oneof(fc.array(hostish), anyJson),
    gateways: fc.oneof(fc.array(hostish), anyJson),
    exportTo: fc.oneof(fc.array(hostish), anyJson),
    http: fc.oneof(fc.array(rule), anyJson),
    tcp: fc.oneof(fc.array(rule), anyJson),
    tls: fc.oneof(fc.array(rule), anyJson),
  }, { requiredKeys: [] });
  const other = fc.record({
    kind: fc.constantFrom('Gateway', 'DestinationRule', 'ServiceEntry', 'Service', 'RequestAuthentication'),
    spec: fc.oneof(anyJson, fc.record({ servers: anyJson, host: hostish, hosts: fc.array(hostish), subsets: anyJson, ports: anyJson, selector: anyJson, exportTo: anyJson }, { requiredKeys: [] })),
  });
  test('no VSX rule throws', () => {
    fc.assert(fc.property(fc.array(spec, { maxLength: 4 }), fc.array(other, { maxLength: 3 }), (specs, others) => {
      const objs: KubeObject[] = [
        http80(['*']), passthrough(['*']),
        ...specs.map((s, i) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `v${i}`, namespace: i % 2 ? 'istio-system' : 'default' }, spec: s })),
        ...others.map((o, i) => ({
          apiVersion: o.kind === 'Service' ? 'v1' : o.kind === 'RequestAuthentication' ? 'security.istio.io/v1' : 'networking.istio.io/v1',
          kind: o.kind,
          metadata: { name: `o${i}`, namespace: 'default' },
          spec: o.spec,
        })),
      ];
      const f = run(objs);
      expect(f.filter((x) => x.rule === 'CHK-INT-001')).toEqual([]);
    }), fcParams(150));
  });
});

const allVsRules = [...VIRTUAL_SERVICE_RULES, ...VIRTUAL_SERVICE_CROSS_RULES];
const runAll = (objs: KubeObject[]) => check(objs, { rules: allVsRules }).map((f) => `${f.rule} ${f.resource.namespace}/${f.resource.name} ${f.path}: ${f.message}`);

describe('seed scenarios: no false positives from VS/VSX rules', () => {
  test('bookinfo ingress', () => {
    const objs = [
      gateway('bookinfo-gateway', { selector: { istio: 'ingressgateway' }, servers: [server(8080, 'HTTP', ['*'])] }, { namespace: 'bookinfo' }),
      ...['productpage', 'reviews', 'ratings', 'details'].map((n) => service(n, { selector: { app: n }, ports: [{ port: 9080, name: 'http' }] }, { namespace: 'bookinfo' })),
      vs('bookinfo', ['*'], {
        gateways: ['bookinfo-gateway'],
        http: [{
          match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } }, { uri: { exact: '/logout' } }, { uri: { prefix: '/api/v1/products' } }],
          route: [{ destination: { host: 'productpage', port: { number: 9080 } } }],
        }],
      }, { namespace: 'bookinfo' }),
      vs('reviews', ['reviews'], { http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 50 }] }] }, { namespace: 'bookinfo' }),
      destinationRule('reviews', { host: 'reviews', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) }, { namespace: 'bookinfo' }),
    ];
    expect(runAll(objs)).toEqual([]);
  });

  test('egress edition.cnn.com through the egress gateway (TLS passthrough)', () => {
    const objs = [
      serviceEntry('cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 80, name: 'http-port', protocol: 'HTTP' }, { number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      gateway('istio-egressgateway', { selector: { istio: 'egressgateway' }, servers: [server(443, 'TLS', ['edition.cnn.com'], { tls: { mode: 'PASSTHROUGH' } })] }, { namespace: 'default' }),
      destinationRule('egressgateway-for-cnn', { host: 'istio-egressgateway.istio-system.svc.cluster.local', subsets: [{ name: 'cnn' }] }),
      vs('direct-cnn-through-egress-gateway', ['edition.cnn.com'], {
        gateways: ['mesh', 'istio-egressgateway'],
        http: undefined,
        tls: [
          { match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 443 } } }] },
          { match: [{ gateways: ['istio-egressgateway'], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } }, weight: 100 }] },
        ],
      }),
    ];
    expect(runAll(objs)).toEqual([]);
  });

  test('HTTPS SIMPLE + httpsRedirect host-specific gateway', () => {
    const objs = [
      gateway('web', {
        servers: [
          server(80, 'HTTP', ['app.example.com'], { tls: { httpsRedirect: true } }),
          server(443, 'HTTPS', ['app.example.com'], { tls: { mode: 'SIMPLE', credentialName: 'app-cert' } }),
        ],
      }),
      service('app', { selector: { app: 'app' }, ports: [{ port: 8080 }] }, { namespace: 'web' }),
      vs('app', ['app.example.com'], {
        gateways: ['istio-system/web'],
        http: [
          { match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'app' } }], timeout: '10s', retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' } },
          { route: [{ destination: { host: 'app.web.svc.cluster.local', port: { number: 8080 } } }] },
        ],
      }, { namespace: 'web' }),
    ];
    expect(runAll(objs)).toEqual([]);
  });
});
