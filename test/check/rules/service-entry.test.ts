import * as fc from 'fast-check';
import { AnalyzeOptions } from '../../../src/check/analyze';
import { KubeObject } from '../../../src/check/model';
import { SERVICE_ENTRY_RULES } from '../../../src/check/rules/service-entry';
import { fcParams } from '../../util/property';
import { brief, check, destinationRule, gateway, istioOperator, only, server, serviceEntry, vs } from '../fixtures';

const run = (objs: KubeObject[], opts: AnalyzeOptions = {}) => check(objs, { rules: SERVICE_ENTRY_RULES, ...opts });

const tlsPort = { number: 443, name: 'tls', protocol: 'TLS' };
const cnn = (extra: Record<string, unknown> = {}, name = 'cnn', ns?: string) =>
  serviceEntry(name, { hosts: ['edition.cnn.com'], ports: [tlsPort], resolution: 'DNS', location: 'MESH_EXTERNAL', ...extra }, ns ? { namespace: ns } : {});
const registryOnly: AnalyzeOptions = { meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } };

interface Case {
  readonly rule: string;
  readonly code?: string;
  readonly bad: KubeObject[];
  readonly expected: { kind?: string; name: string; path: string }[];
  readonly good: KubeObject[];
  readonly opts?: AnalyzeOptions;
  readonly goodOpts?: AnalyzeOptions;
  readonly message?: RegExp;
}

const cases: Case[] = [
  {
    rule: 'SE-HOST-001',
    bad: [serviceEntry('se', { hosts: ['*', 'a..com'], ports: [tlsPort], resolution: 'NONE' }), serviceEntry('empty', { hosts: [], ports: [tlsPort] })],
    expected: [{ name: 'empty', path: 'spec.hosts' }, { name: 'se', path: 'spec.hosts[0]' }, { name: 'se', path: 'spec.hosts[1]' }],
    good: [cnn(), serviceEntry('w', { hosts: ['*.wikipedia.org'], ports: [tlsPort], resolution: 'NONE' })],
  },
  {
    rule: 'SE-SEL-001',
    bad: [serviceEntry('se', { hosts: ['a.example.com'], ports: [tlsPort], resolution: 'STATIC', workloadSelector: { labels: { app: 'vm' } }, endpoints: [{ address: '10.0.0.1' }] })],
    expected: [{ name: 'se', path: 'spec.workloadSelector' }],
    good: [serviceEntry('se', { hosts: ['a.example.com'], ports: [tlsPort], resolution: 'STATIC', workloadSelector: { labels: { app: 'vm' } } })],
  },
  {
    rule: 'SE-ADDR-001',
    bad: [cnn({ addresses: ['10.0.0.0/24', 'not-an-ip'] })],
    expected: [{ name: 'cnn', path: 'spec.addresses[0]' }, { name: 'cnn', path: 'spec.addresses[1]' }],
    message: /address "10.0.0.0\/24" is a CIDR range with resolution DNS|is not an IP address or CIDR/,
    good: [cnn({ addresses: ['240.240.0.1'] }), serviceEntry('r', { hosts: ['db.internal'], ports: [tlsPort], resolution: 'NONE', addresses: ['10.0.0.0/24'] })],
  },
  {
    rule: 'SE-PORT-001',
    bad: [serviceEntry('se', { hosts: ['a.example.com'], resolution: 'DNS', ports: [tlsPort, { number: 443, name: 'tls', protocol: 'QUIC' }, { number: 70000, name: 'Bad_Name', protocol: 'TCP' }] })],
    expected: [
      { name: 'se', path: 'spec.ports[1].name' }, { name: 'se', path: 'spec.ports[1].number' }, { name: 'se', path: 'spec.ports[1].protocol' },
      { name: 'se', path: 'spec.ports[2].name' }, { name: 'se', path: 'spec.ports[2].number' },
    ],
    good: [cnn({ ports: [tlsPort, { number: 80, name: 'http', protocol: 'HTTP' }] })],
  },
  {
    rule: 'SE-RES-001',
    bad: [
      serviceEntry('wild', { hosts: ['*.cnn.com'], ports: [tlsPort], resolution: 'DNS' }),
      serviceEntry('none', { hosts: ['a.example.com'], ports: [tlsPort], resolution: 'NONE', endpoints: [{ address: '1.1.1.1' }] }),
      serviceEntry('static', { hosts: ['b.example.com'], ports: [tlsPort], resolution: 'STATIC', endpoints: [{ address: 'b.example.com', ports: { https: 443 } }] }),
    ],
    expected: [
      { name: 'none', path: 'spec.endpoints' },
      { name: 'static', path: 'spec.endpoints[0].address' }, { name: 'static', path: 'spec.endpoints[0].ports.https' },
      { name: 'wild', path: 'spec.hosts[0]' },
    ],
    good: [cnn(), serviceEntry('static', { hosts: ['b.example.com'], ports: [tlsPort], resolution: 'STATIC', endpoints: [{ address: '10.1.1.1', ports: { tls: 8443 } }] })],
  },
  {
    rule: 'SE-RES-002',
    bad: [serviceEntry('dyn', { hosts: ['api.example.com'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DYNAMIC_DNS', addresses: ['240.0.0.1'] })],
    expected: [{ name: 'dyn', path: 'spec.addresses' }, { name: 'dyn', path: 'spec.hosts[0]' }, { name: 'dyn', path: 'spec.ports[0].protocol' }],
    good: [serviceEntry('dyn', { hosts: ['*.example.com'], ports: [tlsPort], resolution: 'DYNAMIC_DNS' })],
  },
  {
    rule: 'SE-MULTI-001',
    bad: [serviceEntry('db', { hosts: ['a.db.com', 'b.db.com'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }], resolution: 'DNS', addresses: ['240.0.0.1'] })],
    expected: [{ name: 'db', path: 'spec.ports[0].protocol' }],
    good: [serviceEntry('web', { hosts: ['a.web.com', 'b.web.com'], ports: [tlsPort], resolution: 'DNS' })],
  },
  {
    rule: 'SE-ADDR-002',
    code: 'IST0134',
    bad: [serviceEntry('db', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }, { number: 6379, name: 'redis' }], resolution: 'DNS' })],
    expected: [{ name: 'db', path: 'spec.ports[0].protocol' }, { name: 'db', path: 'spec.ports[1]' }],
    good: [
      serviceEntry('db', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }], resolution: 'DNS', addresses: ['240.0.0.2'] }),
      serviceEntry('allocated', { hosts: ['q.example.com'], ports: [{ number: 5672, name: 'amqp', protocol: 'TCP' }], resolution: 'DNS' }),
      cnn(),
    ],
    goodOpts: { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } } },
  },
  {
    rule: 'SE-EXP-001',
    bad: [cnn({ exportTo: ['.', '~'] })],
    expected: [{ name: 'cnn', path: 'spec.exportTo[1]' }],
    good: [cnn({ exportTo: ['~'] })],
  },
  {
    rule: 'SEX-DUP-001',
    code: 'IST0177',
    bad: [
      cnn({}, 'cnn-a'),
      cnn({ ports: [{ number: 443, name: 'https', protocol: 'HTTP' }] }, 'cnn-b', 'other'),
      cnn({}, 'cnn-c', 'third'),
    ],
    // IST0177 on every SE of the conflicting key, once each (istioctl); same-protocol duplicates are uncoded elsewhere
    expected: [{ name: 'cnn-a', path: 'spec.ports[0].protocol' }, { name: 'cnn-b', path: 'spec.ports[0].protocol' }, { name: 'cnn-c', path: 'spec.ports[0].protocol' }],
    good: [cnn({}, 'cnn-a'), cnn({ hosts: ['api.cnn.com'] }, 'cnn-b')],
  },
  {
    rule: 'SEX-REG-001',
    opts: registryOnly,
    bad: [
      vs('cnn', ['edition.cnn.com'], { http: undefined, tls: [{ match: [{ port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }] }] }),
      cnn({ exportTo: ['.'] }, 'cnn', 'egress-only'),
    ],
    // one finding per object and host (at its first use), not one per sniHost/destination repeating it
    expected: [{ name: 'cnn', path: 'spec.hosts[0]' }],
    message: /"edition.cnn.com" has no ServiceEntry visible in namespace "default" \(ServiceEntry egress-only\/cnn exists but is not exported to "default"\); with outboundTrafficPolicy REGISTRY_ONLY/,
    good: [
      vs('cnn', ['edition.cnn.com'], { http: undefined, tls: [{ match: [{ port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }] }] }),
      cnn({}, 'cnn', 'egress-only'),
    ],
  },
  {
    rule: 'SEX-PROTO-001',
    bad: [cnn({ ports: [{ number: 443, name: 'https', protocol: 'HTTP' }, { number: 80, name: 'http', protocol: 'TLS' }] })],
    expected: [{ name: 'cnn', path: 'spec.ports[0].protocol' }, { name: 'cnn', path: 'spec.ports[1].protocol' }],
    good: [
      cnn({ ports: [{ number: 443, name: 'http-origination', protocol: 'HTTP' }] }),
      destinationRule('cnn', { host: 'edition.cnn.com', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }] } }),
      serviceEntry('api', { hosts: ['api.example.com'], ports: [tlsPort, { number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' }),
    ],
  },
  {
    rule: 'SEX-SECURE-001',
    bad: [istioOperator('control-plane', { meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }), cnn()],
    expected: [{ kind: 'IstioOperator', name: 'control-plane', path: 'spec.meshConfig.outboundTrafficPolicy.mode' }],
    good: [
      istioOperator('control-plane', { meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }),
      gateway('egress', { selector: { istio: 'egressgateway' }, servers: [server(443, 'TLS', ['edition.cnn.com'], { tls: { mode: 'PASSTHROUGH' } })] }),
      cnn(),
    ],
  },
];

describe('SE-*/SEX-* rules (istioctl parity)', () => {
  test('SE-ADDR-002: IST0134 needs DNS capture and auto-allocation in the mesh config, honours status.addresses; the SE label is uncoded info', () => {
    const tcp = (o: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({ ...serviceEntry('db', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }], resolution: 'DNS' }, meta), ...o });
    const codes = (objs: KubeObject[], opts: AnalyzeOptions = {}) => only(run(objs, opts), 'SE-ADDR-002').map((f) => `${f.code ?? ''} ${f.severity}`);
    expect(codes([tcp()])).toEqual(['IST0134 warning']);
    expect(codes([tcp({ status: { addresses: [{ value: '240.240.0.1' }] } })])).toEqual([]);
    expect(codes([tcp()], { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } } })).toEqual(['IST0134 warning']);
    expect(codes([tcp()], { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', PILOT_ENABLE_IP_AUTOALLOCATE: 'true' } } } })).toEqual([]);
    expect(codes([tcp({}, { labels: { 'networking.istio.io/enable-autoallocate-ip': 'true' } })])).toEqual([' info']);
  });

  test('SEX-DUP-001: IST0177 honours exportTo scopes and `*` absorption; an empty protocol is its own value', () => {
    const se = (name: string, ns: string, protocol: string | undefined, exportTo?: string[]) => serviceEntry(name, { hosts: ['api.example.com'], ports: [{ number: 443, name: 'p', ...(protocol ? { protocol } : {}) }], resolution: 'DNS', ...(exportTo ? { exportTo } : {}) }, { namespace: ns });
    const names = (objs: KubeObject[]) => only(run(objs), 'SEX-DUP-001').filter((f) => f.code === 'IST0177').map((f) => f.resource.name).sort();
    expect(names([se('a', 'x', 'TLS', ['.']), se('b', 'y', 'HTTPS', ['.'])])).toEqual([]);
    expect(names([se('a', 'x', 'TLS', ['.']), se('b', 'y', 'HTTPS')])).toEqual(['a', 'b']);
    expect(names([se('a', 'x', undefined), se('b', 'y', 'TCP')])).toEqual(['a', 'b']);
    expect(names([se('a', 'x', 'tls'), se('b', 'y', 'TLS')])).toEqual([]);
  });
});

describe('SE-*/SEX-* rules', () => {
  test('every rule has a case', () => {
    expect(cases.map((c) => c.rule).sort()).toEqual(SERVICE_ENTRY_RULES.map((r) => r.id).sort());
  });

  for (const c of cases) {
    test(`${c.rule} flags the violation`, () => {
      const f = only(run(c.bad, c.opts), c.rule);
      expect(brief(f).map(({ name, path, kind }) => ({ name, path, kind })).sort((a, b) => (a.name + a.path < b.name + b.path ? -1 : 1)))
        .toEqual(c.expected.map((e) => ({ kind: e.kind ?? expect.any(String), name: e.name, path: e.path })).sort((a, b) => (a.name + a.path < b.name + b.path ? -1 : 1)));
      for (const x of f) {
        expect(x.code).toBe(SERVICE_ENTRY_RULES.find((r) => r.id === c.rule)!.code);
        if (c.code) expect(x.code).toBe(c.code);
        expect(x.message).toMatch(/^[a-z0-9"*]/);
        expect(x.fix.length).toBeGreaterThan(5);
      }
      if (c.message) expect(f.some((x) => c.message!.test(x.message))).toBe(true);
    });
    test(`${c.rule} accepts the clean fixture`, () => {
      expect(brief(only(run(c.good, c.goodOpts ?? c.opts), c.rule))).toEqual([]);
    });
  }

  test('SE-HOST-001 warns on a partial wildcard, not with DYNAMIC_DNS', () => {
    const f = only(run([serviceEntry('se', { hosts: ['*foo.example.com'], ports: [tlsPort], resolution: 'NONE' })]), 'SE-HOST-001');
    expect(f.map((x) => [x.severity, x.path])).toEqual([['warning', 'spec.hosts[0]']]);
    expect(only(run([serviceEntry('se', { hosts: ['*foo.example.com'], ports: [tlsPort], resolution: 'DYNAMIC_DNS' })]), 'SE-HOST-001')).toEqual([]);
  });

  test('SEX-REG-001 is silent with ALLOW_ANY', () => {
    const objs = [vs('cnn', ['edition.cnn.com'], { http: [{ route: [{ destination: { host: 'edition.cnn.com' } }] }] })];
    expect(only(run(objs), 'SEX-REG-001')).toEqual([]);
    expect(only(run(objs, registryOnly), 'SEX-REG-001').length).toBe(1);
  });

  test('SEX-REG-001: one finding per object and host, naming every namespace that misses the ServiceEntry', () => {
    const objs = [
      gateway('istio-egressgateway', { selector: { istio: 'egressgateway' }, servers: [server(443, 'TLS', ['edition.cnn.com'], { tls: { mode: 'PASSTHROUGH' } })] }, { namespace: 'default' }),
      vs('cnn', ['edition.cnn.com'], {
        gateways: ['mesh', 'istio-egressgateway'],
        http: undefined,
        tls: [
          { match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 443 } } }] },
          { match: [{ gateways: ['istio-egressgateway'], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }] },
        ],
      }),
    ];
    const f = only(run(objs, registryOnly), 'SEX-REG-001');
    expect(brief(f).map((x) => `${x.kind}/${x.name} ${x.path}`).sort()).toEqual(['Gateway/istio-egressgateway spec.servers[0].hosts[0]', 'VirtualService/cnn spec.hosts[0]']);
    expect(f.find((x) => x.resource.kind === 'VirtualService')!.message).toMatch(/visible in namespace "default", "istio-system"/);
  });

  test('SEX-REG-001 ignores ingress-bound hosts and cluster-local destinations', () => {
    const objs = [
      gateway('web', { servers: [server(80, 'HTTP', ['shop.example.com'])] }),
      vs('web', ['shop.example.com'], { gateways: ['istio-system/web'] }),
      vs('internal', ['reviews'], { http: [{ route: [{ destination: { host: 'reviews.default.svc.cluster.local' } }] }] }),
    ];
    expect(only(run(objs, registryOnly), 'SEX-REG-001')).toEqual([]);
  });

  test('SEX-REG-001 needs the ServiceEntry visible in the egress gateway namespace too', () => {
    const objs = [
      cnn({ exportTo: ['.'] }),
      gateway('egress', { selector: { istio: 'egressgateway' }, servers: [server(443, 'TLS', ['edition.cnn.com'], { tls: { mode: 'PASSTHROUGH' } })] }),
    ];
    const f = only(run(objs, registryOnly), 'SEX-REG-001');
    expect(brief(f)).toEqual([{ rule: 'SEX-REG-001', kind: 'Gateway', name: 'egress', path: 'spec.servers[0].hosts[0]' }]);
    expect(f[0].message).toMatch(/namespace "istio-system"/);
  });

  test('SEX-SECURE-001 reads REGISTRY_ONLY from the istio ConfigMap, once', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n' } };
    expect(brief(only(run([cm, cnn(), cnn({}, 'b', 'x')]), 'SEX-SECURE-001'))).toEqual([{ rule: 'SEX-SECURE-001', kind: 'ConfigMap', name: 'istio', path: 'data.mesh' }]);
  });

  test('no rule throws on garbage', () => {
    const se = fc.record({
      apiVersion: fc.constant('networking.istio.io/v1'),
      kind: fc.constant('ServiceEntry'),
      metadata: fc.record({ name: fc.constantFrom('a', 'b'), namespace: fc.constantFrom('default', 'x'), labels: fc.anything() }),
      spec: fc.oneof(fc.anything(), fc.record({
        hosts: fc.oneof(fc.array(fc.oneof(fc.constantFrom('edition.cnn.com', '*', '*.x.com', '*foo.com'), fc.anything())), fc.anything()),
        ports: fc.oneof(fc.array(fc.oneof(fc.record({ number: fc.oneof(fc.integer(), fc.anything()), name: fc.anything(), protocol: fc.anything() }), fc.anything())), fc.anything()),
        resolution: fc.oneof(fc.constantFrom('DNS', 'STATIC', 'NONE', 'DYNAMIC_DNS', 'DNS_ROUND_ROBIN'), fc.anything()),
        addresses: fc.anything(),
        endpoints: fc.anything(),
        exportTo: fc.anything(),
        workloadSelector: fc.anything(),
      })),
    });
    const vsArb = fc.record({
      apiVersion: fc.constant('networking.istio.io/v1'),
      kind: fc.constant('VirtualService'),
      metadata: fc.record({ name: fc.constant('v'), namespace: fc.constant('default') }),
      spec: fc.oneof(fc.anything(), fc.record({ hosts: fc.anything(), gateways: fc.anything(), http: fc.anything(), tls: fc.array(fc.record({ match: fc.anything(), route: fc.anything() })) })),
    });
    const arb = fc.array(fc.oneof(fc.anything(), se, vsArb, fc.record({ apiVersion: fc.constant('install.istio.io/v1alpha1'), kind: fc.constant('IstioOperator'), metadata: fc.anything(), spec: fc.anything() })), { maxLength: 6 });
    fc.assert(fc.property(arb, fc.boolean(), (objs, reg) => {
      const f = run(objs as KubeObject[], reg ? registryOnly : {});
      expect(f.filter((x) => x.rule === 'CHK-INT-001')).toStrictEqual([]);
    }), fcParams(300));
  });
});
