import * as fc from 'fast-check';
import { analyze } from '../../../src/check/analyze';
import { Finding, Severity } from '../../../src/check/findings';
import { KubeObject } from '../../../src/check/model';
import { DESTINATION_RULE_RULES, durationMs } from '../../../src/check/rules/destination-rule';
import { fcParams } from '../../util/property';
import { Obj, brief, check, deployment, destinationRule, gateway, injectedGateway, only, server, service, serviceEntry, vs } from '../fixtures';

const run = (objs: KubeObject[]): Finding[] => analyze(objs, { rules: DESTINATION_RULE_RULES });
const dr = (spec: Obj, o: Obj = {}) => destinationRule('dr', { host: 'reviews', ...spec }, o);
const reviews = () => service('reviews', { selector: { app: 'reviews' }, ports: [{ port: 9080 }] });
const tp = (policy: Obj) => dr({ trafficPolicy: policy });

interface Case {
  readonly rule: string;
  readonly code?: string;
  readonly bad: KubeObject[];
  readonly paths: string[];
  readonly message?: RegExp;
  readonly good: KubeObject[];
  readonly severity?: Severity;
}

const cases: Case[] = [
  {
    rule: 'DR-HOST-001',
    bad: [dr({}, { namespace: 'istio-system' }), reviews()],
    paths: ['spec.host'],
    message: /short host "reviews" resolves to reviews.istio-system.svc.cluster.local \(the DestinationRule's namespace\), but service reviews is in default/,
    good: [dr({}), reviews(), dr({ host: '*.example.com' }, { namespace: 'other' })],
  },
  {
    rule: 'DR-TP-001',
    bad: [dr({ trafficPolicy: {}, subsets: [{ name: 'v1', trafficPolicy: { portLevelSettings: [{ port: { number: 0 } }] } }] })],
    paths: ['spec.subsets[0].trafficPolicy.portLevelSettings[0]', 'spec.subsets[0].trafficPolicy.portLevelSettings[0].port', 'spec.trafficPolicy'],
    message: /is empty|sets no policy|is not a port/,
    good: [tp({ portLevelSettings: [{ port: { number: 9080 }, loadBalancer: { simple: 'RANDOM' } }] })],
  },
  {
    rule: 'DR-TP-001',
    bad: [tp({ tunnel: { targetHost: 'a.example.com', targetPort: 443 }, proxyProtocol: {} })],
    paths: ['spec.trafficPolicy.tunnel'],
    message: /tunnel and proxyProtocol are both set/,
    good: [tp({ tunnel: { targetHost: 'a.example.com', targetPort: 443 } })],
  },
  {
    rule: 'DR-POOL-001',
    bad: [tp({ connectionPool: { tcp: { maxConnections: -1, connectTimeout: '0.5ms' }, http: { http2KeepAlive: { interval: '10s' } } } })],
    paths: ['spec.trafficPolicy.connectionPool.http.http2KeepAlive', 'spec.trafficPolicy.connectionPool.tcp.connectTimeout', 'spec.trafficPolicy.connectionPool.tcp.maxConnections'],
    message: /maxConnections -1 is not a count ≥ 0|"0.5ms" is shorter than 1ms|http2KeepAlive has no timeout/,
    good: [tp({ connectionPool: { tcp: { maxConnections: 100, connectTimeout: '1.5s', tcpKeepalive: { time: '2h', interval: '75s' } }, http: { http2MaxRequests: 1000, idleTimeout: '1m30s' } } })],
  },
  {
    rule: 'DR-POOL-001',
    bad: [tp({ connectionPool: {} })],
    paths: ['spec.trafficPolicy.connectionPool'],
    message: /sets neither tcp nor http/,
    good: [tp({ connectionPool: { http: { maxRetries: 3 } } })],
  },
  {
    rule: 'DR-POL-001',
    bad: [tp({
      outlierDetection: { consecutiveLocalOriginFailures: 5, maxEjectionPercent: 150, interval: 'soon' },
      loadBalancer: { consistentHash: { httpCookie: { name: 'session' }, maglev: { tableSize: 100 } }, localityLbSetting: { enabled: true }, zoneAwareLbSetting: { enabled: true } },
    })],
    paths: [
      'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl', 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize',
      'spec.trafficPolicy.loadBalancer.zoneAwareLbSetting', 'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures',
      'spec.trafficPolicy.outlierDetection.interval', 'spec.trafficPolicy.outlierDetection.maxEjectionPercent',
    ],
    good: [tp({
      outlierDetection: { consecutiveLocalOriginFailures: 5, splitExternalLocalOriginErrors: true, maxEjectionPercent: 100, interval: '10s', baseEjectionTime: '30s' },
      loadBalancer: { consistentHash: { httpCookie: { name: 'session', ttl: '0s' }, maglev: { tableSize: 65537 } }, localityLbSetting: { enabled: true } },
    })],
  },
  {
    rule: 'DR-SUB-001',
    bad: [dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }, { name: 'V_2', labels: { 'bad key!': 'x' } }] })],
    paths: ['spec.subsets[1].name', 'spec.subsets[2].labels', 'spec.subsets[2].name'],
    good: [dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { 'app.kubernetes.io/version': 'v2' } }] })],
  },
  {
    rule: 'DR-TLS-001',
    bad: [
      tp({ tls: { mode: 'SIMPLE', credentialName: 'c', caCertificates: '/etc/ca.pem' } }),
      destinationRule('b', { host: 'a.example.com', trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true, subjectAltNames: ['a.example.com'] } } }),
      destinationRule('c', { host: 'b.example.com', trafficPolicy: { tls: { mode: 'MUTUAL', clientCertificate: '/c.pem' } } }),
    ],
    paths: ['spec.trafficPolicy.tls.credentialName', 'spec.trafficPolicy.tls.insecureSkipVerify', 'spec.trafficPolicy.tls'],
    good: [tp({ tls: { mode: 'MUTUAL', credentialName: 'client' } }), destinationRule('c', { host: 'b.example.com', trafficPolicy: { tls: { mode: 'MUTUAL', clientCertificate: '/c.pem', privateKey: '/k.pem' } } })],
  },
  {
    rule: 'DR-SEL-001',
    bad: [dr({ workloadSelector: { matchLabels: { app: 'ratings' } }, exportTo: ['*'] })],
    paths: ['spec.exportTo[0]'],
    message: /exportTo "\*" is not allowed with workloadSelector/,
    good: [dr({ workloadSelector: { matchLabels: { app: 'ratings' } }, exportTo: ['.'] }), destinationRule('b', { host: 'a.example.com', exportTo: ['*'] })],
  },
  {
    rule: 'DRX-HOST-001',
    code: 'IST0174',
    bad: [dr({ host: 'reveiws' }), reviews()],
    paths: ['spec.host'],
    message: /host "reveiws" \(reveiws.default.svc.cluster.local\) matches no service in default \(services there: reviews\)/,
    good: [dr({}), reviews(), destinationRule('ext', { host: 'api.example.com' }), serviceEntry('ext', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] })],
  },
  {
    rule: 'DRX-HOST-001',
    code: 'IST0174',
    severity: Severity.WARNING,
    bad: [destinationRule('dr', { host: 'api.example.com' })],
    paths: ['spec.host'],
    message: /add a ServiceEntry|applies to nothing/,
    // a namespace the input does not describe: out of band, say nothing
    good: [destinationRule('dr', { host: 'reviews.bookinfo.svc.cluster.local' })],
  },
  {
    rule: 'DRX-SUB-001',
    code: 'IST0173',
    bad: [dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v9', labels: { version: 'v9' } }] }), reviews(), deployment('reviews-v1', { labels: { app: 'reviews', version: 'v1' } })],
    paths: ['spec.subsets[1].labels'],
    message: /subset "v9" labels version=v9 select none of the 1 pod\(s\) or pod template\(s\) of service default\/reviews \(they carry version=v1\)/,
    // no pods for the service in the input: say nothing
    good: [dr({ subsets: [{ name: 'v9', labels: { version: 'v9' } }] }), reviews()],
  },
  {
    rule: 'DRX-DUP-001',
    bad: [
      destinationRule('a', { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }] }, { creationTimestamp: '2025-01-01T00:00:00Z' }),
      destinationRule('dr', { host: 'reviews.default.svc.cluster.local', trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }, { creationTimestamp: '2025-01-02T00:00:00Z' }),
    ],
    paths: ['spec.subsets[0].name', 'spec.trafficPolicy'],
    message: /destinationrule a for reviews.default.svc.cluster.local (already defines it|is older)/,
    good: [
      destinationRule('a', { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } }),
      destinationRule('dr', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      destinationRule('c', { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } }, { namespace: 'other' }),
    ],
  },
  {
    rule: 'DRX-VIS-001',
    bad: [
      gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] }),
      vs('web', ['a.example.com'], { gateways: ['istio-system/gw'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }),
      dr({ exportTo: ['.'], subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
    ],
    paths: ['spec.exportTo'],
    message: /destinationrule for reviews.default.svc.cluster.local is not exported to namespace istio-system, where gateway istio-system\/gw pods call it/,
    good: [
      gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] }),
      vs('web', ['a.example.com'], { gateways: ['istio-system/gw'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }),
      dr({ exportTo: ['.', 'istio-system'], subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
    ],
  },
  {
    rule: 'DRX-TLS-001',
    code: 'IST0128',
    bad: [destinationRule('dr', { host: 'api.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' } } })],
    paths: ['spec.trafficPolicy.tls'],
    message: /tls.mode SIMPLE has no caCertificates.*sni and subjectAltNames are not set/,
    good: [destinationRule('dr', { host: 'api.example.com', workloadSelector: { matchLabels: { app: 'client' } }, trafficPolicy: { tls: { mode: 'SIMPLE', caCertificates: '/etc/ssl/ca.pem', sni: 'api.example.com' }, portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'SIMPLE', credentialName: 'api-client' } }] } })],
  },
  {
    rule: 'DRX-TLS-001',
    code: 'IST0129',
    bad: [destinationRule('dr', { host: 'api.example.com', trafficPolicy: { portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'SIMPLE', sni: 'api.example.com' } }] } })],
    paths: ['spec.trafficPolicy.portLevelSettings[0].tls'],
    message: /tls.mode SIMPLE at port level has no caCertificates.*subjectAltNames is not set/,
    good: [destinationRule('dr', { host: 'api.example.com', trafficPolicy: { portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'SIMPLE', caCertificates: '/etc/ssl/ca.pem' } }] } })],
  },
  {
    rule: 'DRX-POOL-001',
    bad: [destinationRule('dr', { host: 'istio-egressgateway.istio-system.svc.cluster.local', subsets: [{ name: 'cnn', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http2MaxRequests: 1 } } } }] }, { namespace: 'istio-system' })],
    paths: ['spec.subsets[0].trafficPolicy.connectionPool.tcp.maxConnections'],
    message: /tcp.maxConnections 1 is a limit per calling envoy/,
    good: [tp({ connectionPool: { tcp: { maxConnections: 100 }, http: { http2MaxRequests: 0 } } })],
  },
];

describe.each(cases.map((c, i) => [`${c.rule} #${i}`, c] as const))('%s', (_name, c) => {
  test('violation', () => {
    const f = only(run(c.bad), c.rule).filter((x) => x.resource.kind === 'DestinationRule');
    const ofDr = f.filter((x) => c.rule !== 'DR-HOST-001' || x.resource.name === 'dr');
    expect(ofDr.map((x) => x.path).sort()).toStrictEqual([...c.paths].sort());
    for (const x of f) {
      expect(x.code).toBe(c.code);
      if (c.severity) expect(x.severity).toBe(c.severity);
    }
    if (c.message) for (const x of ofDr) expect(x.message).toMatch(c.message);
    for (const x of f) {
      expect(x.message).toMatch(/^[a-z]/);
      expect(x.fix.length).toBeGreaterThan(0);
    }
  });
  test('clean', () => {
    expect(brief(only(run(c.good), c.rule))).toStrictEqual([]);
  });
});

describe('specific behaviour', () => {
  test('DR-HOST-001 also rejects partial wildcards', () => {
    const f = only(run([destinationRule('x', { host: 'foo*.com' })]), 'DR-HOST-001');
    expect(f.map((x) => [x.resource.name, x.path])).toStrictEqual([['x', 'spec.host']]);
    expect(f[0].message).toMatch(/partial wildcard/);
  });

  test('DRX-HOST-001: partially qualified host hints the FQDN (error)', () => {
    const f = only(run([destinationRule('x', { host: 'reviews.default' }), reviews()]), 'DRX-HOST-001');
    expect(f.map((x) => x.severity)).toStrictEqual([Severity.ERROR]);
    expect(f[0].message).toMatch(/did you mean reviews.default.svc.cluster.local\?/);
  });

  test('DRX-SUB-001 severity: error when a route or mirror sends traffic to the empty subset, else warning', () => {
    const base = [dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }), reviews(), deployment('reviews-v1', { labels: { app: 'reviews', version: 'v1' } })];
    const sev = (objs: KubeObject[]) => only(check(objs), 'DRX-SUB-001').map((f) => [f.path, f.severity]);
    expect(sev(base)).toEqual([['spec.subsets[1].labels', Severity.WARNING]]);
    const route = vs('reviews', ['reviews'], { http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] });
    expect(sev([...base, route])).toEqual([['spec.subsets[1].labels', Severity.ERROR]]);
    const mirror = vs('reviews', ['reviews'], { http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }], mirror: { host: 'reviews.default.svc.cluster.local', subset: 'v2' } }] });
    expect(sev([...base, mirror])).toEqual([['spec.subsets[1].labels', Severity.ERROR]]);
  });

  test('DRX-SUB-001 closed world: every Pod of the input counts (not templates), Node topology labels are added, no Pods means every subset', () => {
    const zoned = dr({ subsets: [{ name: 'east', labels: { 'topology.kubernetes.io/zone': 'east-1a' } }, { name: 'v1', labels: { version: 'v1' } }] });
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'r1', namespace: 'other', labels: { version: 'v1' } }, spec: { nodeName: 'n1' } };
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'east-1a' } } };
    const paths = (objs: KubeObject[]) => only(check(objs, { closedWorld: true }), 'DRX-SUB-001').map((f) => f.path);
    expect(paths([zoned, reviews(), pod, node])).toEqual([]);
    expect(paths([zoned, reviews(), pod])).toEqual(['spec.subsets[0]']);
    expect(paths([zoned, reviews(), deployment('reviews-v1', { labels: { app: 'reviews', version: 'v1' } })])).toEqual(['spec.subsets[0]', 'spec.subsets[1]']);
    // host not in the registry: IST0174 instead
    expect(paths([zoned])).toEqual([]);
  });

  test('DRX-SUB-001: label-less subset warns for app services, not for the egress gateway', () => {
    const app = only(run([dr({ subsets: [{ name: 'all' }] }), reviews(), deployment('reviews-v1', { labels: { app: 'reviews', version: 'v1' } })]), 'DRX-SUB-001');
    expect(app.map((x) => [x.path, x.severity])).toStrictEqual([['spec.subsets[0]', Severity.WARNING]]);
    const egress = [
      ...injectedGateway('istio-egressgateway', 'istio-system', { istio: 'egressgateway' }, [{ port: 443, name: 'tls' }], 'ClusterIP'),
      destinationRule('egress', { host: 'istio-egressgateway.istio-system.svc.cluster.local', subsets: [{ name: 'cnn' }] }, { namespace: 'istio-system' }),
    ];
    expect(only(run(egress), 'DRX-SUB-001')).toStrictEqual([]);
  });

  test('DRX-VIS-001: egress DR exported only to istio-system is invisible to the mesh leg in default', () => {
    const objs = [
      vs('direct-cnn', ['edition.cnn.com'], { gateways: ['mesh'], tls: [{ match: [{ port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'cnn', port: { number: 443 } } }] }] }),
      destinationRule('egress', { host: 'istio-egressgateway.istio-system.svc.cluster.local', exportTo: ['.'], subsets: [{ name: 'cnn' }] }, { namespace: 'istio-system' }),
    ];
    expect(brief(only(run(objs), 'DRX-VIS-001'))).toStrictEqual([{ rule: 'DRX-VIS-001', kind: 'DestinationRule', name: 'egress', path: 'spec.exportTo' }]);
  });

  test('DRX-TLS-001: as istioctl, sni and subjectAltNames do not exempt (warnings); subset level is uncoded and exempt when pinned; per-level codes', () => {
    const pub = destinationRule('pub', { host: 'edition.cnn.com', trafficPolicy: { tls: { mode: 'SIMPLE', sni: 'edition.cnn.com', subjectAltNames: ['edition.cnn.com'] }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'MUTUAL', sni: 'edition.cnn.com', subjectAltNames: ['edition.cnn.com'], clientCertificate: '/c.pem', privateKey: '/k.pem' } }] } });
    expect(only(run([pub]), 'DRX-TLS-001').map((f) => [f.code, f.severity])).toStrictEqual([['IST0129', Severity.WARNING], ['IST0128', Severity.WARNING]]);
    const subsets = destinationRule('sub', { host: 'edition.cnn.com', subsets: [{ name: 'a', trafficPolicy: { tls: { mode: 'SIMPLE' } } }, { name: 'b', trafficPolicy: { tls: { mode: 'SIMPLE', sni: 'x', subjectAltNames: ['x'] } } }] });
    expect(only(run([subsets]), 'DRX-TLS-001').map((f) => [f.path, f.code])).toStrictEqual([['spec.subsets[0].trafficPolicy.tls', undefined]]);
    const mixed = destinationRule('mixed', { host: 'a.example.com', trafficPolicy: { tls: { mode: 'SIMPLE', sni: 'a.example.com' }, portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'SIMPLE' } }] } });
    expect(brief(only(run([mixed]), 'DRX-TLS-001'))).toStrictEqual([
      { rule: 'DRX-TLS-001', code: 'IST0129', kind: 'DestinationRule', name: 'mixed', path: 'spec.trafficPolicy.portLevelSettings[0].tls' },
      { rule: 'DRX-TLS-001', code: 'IST0128', kind: 'DestinationRule', name: 'mixed', path: 'spec.trafficPolicy.tls' },
    ]);
  });

  test('DRX-VIS-001: a mesh VS exported only to other namespaces does not make its own namespace a client', () => {
    const objs = [
      vs('reviews', ['reviews'], { exportTo: ['frontend'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }),
      dr({ exportTo: ['frontend'], subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
    ];
    expect(only(run(objs), 'DRX-VIS-001')).toStrictEqual([]);
    // …but the namespaces it is exported to are clients
    const hidden = [objs[0], dr({ exportTo: ['.'], subsets: [{ name: 'v1', labels: { version: 'v1' } }] })];
    const f = only(run(hidden), 'DRX-VIS-001');
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/not exported to namespace frontend/)]);
  });

  test('DRX-VIS-001: a restricted wildcard DestinationRule covers the host; one visible everywhere for the host hides nothing', () => {
    const route = vs('web', ['a.example.com'], { gateways: ['istio-system/gw'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
    const gw = gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] });
    const wildcard = destinationRule('wild', { host: '*.default.svc.cluster.local', exportTo: ['.'] });
    expect(brief(only(run([gw, route, wildcard]), 'DRX-VIS-001'))).toStrictEqual([{ rule: 'DRX-VIS-001', kind: 'DestinationRule', name: 'wild', path: 'spec.exportTo' }]);
    expect(only(run([gw, route, wildcard, dr({ subsets: [{ name: 'v1', labels: { version: 'v1' } }] })]), 'DRX-VIS-001')).toStrictEqual([]);
  });

  test('DRX-DUP-001: exportTo [*] is the same scope as no exportTo, and "." is the own namespace', () => {
    const everywhere = [
      destinationRule('a', { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } }, { creationTimestamp: '2025-01-01T00:00:00Z' }),
      destinationRule('b', { host: 'reviews', exportTo: ['*'], trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } }, { creationTimestamp: '2025-01-02T00:00:00Z' }),
    ];
    expect(brief(only(run(everywhere), 'DRX-DUP-001'))).toStrictEqual([{ rule: 'DRX-DUP-001', kind: 'DestinationRule', name: 'b', path: 'spec.trafficPolicy' }]);
    const own = [
      destinationRule('a', { host: 'reviews', exportTo: ['.'], trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } }, { creationTimestamp: '2025-01-01T00:00:00Z' }),
      destinationRule('b', { host: 'reviews', exportTo: ['default'], trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } }, { creationTimestamp: '2025-01-02T00:00:00Z' }),
      destinationRule('c', { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } }, { creationTimestamp: '2025-01-03T00:00:00Z' }),
    ];
    expect(brief(only(run(own), 'DRX-DUP-001'))).toStrictEqual([{ rule: 'DRX-DUP-001', kind: 'DestinationRule', name: 'b', path: 'spec.trafficPolicy' }]);
  });

  test('durationMs', () => {
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('1.5s')).toBe(1500);
    expect(durationMs('100us')).toBe(0.1);
    expect(durationMs('10')).toBeUndefined();
    expect(durationMs('-1s')).toBeUndefined();
    expect(durationMs(5)).toBeUndefined();
  });

  test('no rule throws on garbage', () => {
    const anyPolicy = fc.oneof(fc.anything(), fc.record({
      connectionPool: fc.anything(),
      outlierDetection: fc.anything(),
      loadBalancer: fc.anything(),
      tls: fc.anything(),
      portLevelSettings: fc.array(fc.anything()),
      tunnel: fc.anything(),
    }, { requiredKeys: [] }));
    const anySubset = fc.record({ name: fc.anything(), labels: fc.anything(), trafficPolicy: anyPolicy }, { requiredKeys: [] });
    const anyDr = fc.record({
      apiVersion: fc.constant('networking.istio.io/v1'),
      kind: fc.constant('DestinationRule'),
      metadata: fc.record({ name: fc.constantFrom('a', 'b'), namespace: fc.constantFrom('default', 'istio-system') }),
      spec: fc.oneof(fc.anything(), fc.record({
        host: fc.oneof(fc.constantFrom('reviews', '*.example.com', 'api.example.com', 'x.default'), fc.anything()),
        trafficPolicy: anyPolicy,
        subsets: fc.oneof(fc.anything(), fc.array(anySubset)),
        exportTo: fc.anything(),
        workloadSelector: fc.anything(),
      }, { requiredKeys: [] })),
    });
    const arb = fc.array(fc.oneof(anyDr, fc.anything(), fc.constant(reviews()), fc.constant(deployment('r', { labels: { app: 'reviews' } })),
      fc.record({ apiVersion: fc.constant('networking.istio.io/v1'), kind: fc.constant('VirtualService'), metadata: fc.record({ name: fc.constant('v') }), spec: fc.anything() })), { maxLength: 6 });
    fc.assert(fc.property(arb, (objs) => {
      expect(run(objs as KubeObject[]).filter((x) => x.rule === 'CHK-INT-001')).toStrictEqual([]);
    }), fcParams(300));
  });
});
