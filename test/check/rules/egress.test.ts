import * as fc from 'fast-check';
import { AnalyzeOptions } from '../../../src/check/analyze';
import { KubeObject } from '../../../src/check/model';
import { EGRESS_RULES } from '../../../src/check/rules/egress';
import { fcParams } from '../../util/property';
import { brief, check, destinationRule, gateway, injectedGateway, only, server, serviceEntry, vs } from '../fixtures';

const run = (objs: KubeObject[], opts: AnalyzeOptions = {}) => check(objs, { rules: EGRESS_RULES, ...opts });

/** The istio.io "Egress gateway for TLS passthrough" task, verbatim (assumed demo install provides the egress gateway). */
const EGRESS_FQDN = 'istio-egressgateway.istio-system.svc.cluster.local';
const se = () => serviceEntry('cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' });
const egressGw = (tls: Record<string, unknown> = { mode: 'PASSTHROUGH' }, protocol = 'TLS', hosts = ['edition.cnn.com']) =>
  gateway('istio-egressgateway', { selector: { istio: 'egressgateway' }, servers: [server(443, protocol, hosts, { tls })] }, { namespace: 'default' });
const egressDr = (spec: Record<string, unknown> = {}, name = 'egressgateway-for-cnn', ns = 'default') =>
  destinationRule(name, { host: EGRESS_FQDN, subsets: [{ name: 'cnn' }], ...spec }, { namespace: ns });
const meshRule = (dest: Record<string, unknown> = { host: EGRESS_FQDN, subset: 'cnn', port: { number: 443 } }, match: Record<string, unknown> = { gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }) =>
  ({ match: [match], route: [{ destination: dest }] });
const gwRule = (match: Record<string, unknown> = { gateways: ['istio-egressgateway'], port: 443, sniHosts: ['edition.cnn.com'] }, dest: Record<string, unknown> = { host: 'edition.cnn.com', port: { number: 443 } }) =>
  ({ match: [match], route: [{ destination: dest, weight: 100 }] });
const combinedVs = (tls: unknown[], gateways = ['mesh', 'istio-egressgateway']) =>
  vs('direct-cnn-through-egress-gateway', ['edition.cnn.com'], { gateways, http: undefined, tls });
const canonical = (): KubeObject[] => [se(), egressGw(), egressDr(), combinedVs([meshRule(), gwRule()])];

interface Case {
  readonly rule: string;
  readonly bad: KubeObject[];
  readonly expected: { kind: string; name: string; path: string }[];
  readonly good: KubeObject[];
  readonly message?: RegExp;
}

const VSN = 'direct-cnn-through-egress-gateway';

const cases: Case[] = [
  {
    rule: 'EGR-GW-001',
    bad: [egressGw({ mode: 'SIMPLE', credentialName: 'cnn' }, 'HTTPS', ['edition.cnn.com', 'api.unknown.com']), se()],
    expected: [
      { kind: 'Gateway', name: 'istio-egressgateway', path: 'spec.servers[0].hosts[1]' },
      { kind: 'Gateway', name: 'istio-egressgateway', path: 'spec.servers[0].tls.mode' },
    ],
    message: /uses tls.mode SIMPLE; the application's TLS/,
    good: canonical(),
  },
  {
    rule: 'EGR-VS-001',
    bad: [
      se(), egressGw(), egressDr(),
      combinedVs([meshRule({ host: EGRESS_FQDN, subset: 'cnn' }, { port: 443, sniHosts: ['edition.cnn.com'] }), gwRule()]),
      vs('short', ['api.cnn.com'], { http: undefined, tls: [meshRule({ host: 'istio-egressgateway', port: { number: 443 } })] }),
    ],
    expected: [
      { kind: 'VirtualService', name: VSN, path: 'spec.tls[0].match[0].gateways' },
      { kind: 'VirtualService', name: VSN, path: 'spec.tls[0].route[0].destination.port' },
      { kind: 'VirtualService', name: 'short', path: 'spec.tls[0].route[0].destination.host' },
    ],
    message: /"istio-egressgateway" resolves to istio-egressgateway.default.svc.cluster.local/,
    good: canonical(),
  },
  {
    rule: 'EGR-VS-002',
    bad: [
      se(), egressGw(), egressDr(),
      combinedVs([meshRule(), gwRule({ port: 443, sniHosts: ['edition.cnn.com'] })]),
      vs('loop', ['api.cnn.com'], { gateways: ['istio-egressgateway'], http: undefined, tls: [gwRule(undefined, { host: EGRESS_FQDN, port: { number: 443 } })] }),
    ],
    expected: [
      { kind: 'VirtualService', name: VSN, path: 'spec.tls[1].match[0].gateways' },
      { kind: 'VirtualService', name: 'loop', path: 'spec.tls[0].route[0].destination.host' },
    ],
    good: canonical(),
  },
  {
    rule: 'EGR-VS-003',
    bad: [
      se(), egressGw(), egressDr(),
      vs('cnn-mesh', ['edition.cnn.com'], { gateways: ['mesh'], http: undefined, tls: [meshRule()] }),
      vs('cnn-egress', ['edition.cnn.com'], { gateways: ['mesh', 'istio-egressgateway'], http: undefined, tls: [gwRule()] }),
    ],
    expected: [{ kind: 'VirtualService', name: 'cnn-egress', path: 'spec.gateways[0]' }],
    good: [
      se(), egressGw(), egressDr(),
      vs('cnn-mesh', ['edition.cnn.com'], { gateways: ['mesh'], http: undefined, tls: [meshRule()] }),
      vs('cnn-egress', ['edition.cnn.com'], { gateways: ['istio-egressgateway'], http: undefined, tls: [gwRule()] }),
    ],
  },
  {
    rule: 'EGR-DR-001',
    bad: [
      se(), egressGw(),
      destinationRule('short-host', { host: 'istio-egressgateway', subsets: [{ name: 'cnn' }] }),
      egressDr({ exportTo: ['.'] }, 'hidden', 'istio-system'),
      combinedVs([meshRule(), gwRule()]),
      vs('other-subset', ['api.cnn.com'], { http: undefined, tls: [meshRule({ host: EGRESS_FQDN, subset: 'v9', port: { number: 443 } })] }, { namespace: 'istio-system' }),
    ],
    expected: [
      { kind: 'DestinationRule', name: 'hidden', path: 'spec.exportTo' },
      { kind: 'DestinationRule', name: 'short-host', path: 'spec.host' },
      { kind: 'VirtualService', name: 'other-subset', path: 'spec.tls[0].route[0].destination.subset' },
    ],
    message: /not visible in namespace "default"/,
    good: canonical(),
  },
  {
    rule: 'EGR-MTLS-001',
    bad: [
      se(), egressGw({ mode: 'ISTIO_MUTUAL' }, 'HTTPS'), egressDr({ trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'ISTIO_MUTUAL' } }] } }),
      combinedVs([meshRule(), gwRule()]),
    ],
    expected: [{ kind: 'DestinationRule', name: 'egressgateway-for-cnn', path: 'spec.trafficPolicy.portLevelSettings[0].tls.sni' }],
    good: [
      se(), egressGw({ mode: 'ISTIO_MUTUAL' }, 'HTTPS'),
      egressDr({ subsets: [{ name: 'cnn', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } }] } }] }),
      combinedVs([meshRule(), gwRule()]),
    ],
  },
];

describe('EGR-* rules', () => {
  test('every rule has a case', () => {
    expect(cases.map((c) => c.rule).sort()).toEqual(EGRESS_RULES.map((r) => r.id).sort());
  });

  test('the istio.io egress TLS passthrough task is clean', () => {
    expect(brief(run(canonical()))).toEqual([]);
  });

  const sortKey = (a: { name: string; path: string }) => `${a.name} ${a.path}`;
  for (const c of cases) {
    test(`${c.rule} flags the violation`, () => {
      const f = only(run(c.bad), c.rule);
      const rule = EGRESS_RULES.find((r) => r.id === c.rule)!;
      expect(brief(f).sort((a, b) => sortKey(a).localeCompare(sortKey(b))))
        .toEqual(c.expected.map((e) => ({ rule: c.rule, ...(rule.code ? { code: rule.code } : {}), ...e })).sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
      for (const x of f) expect(x.message).toMatch(/^[a-z0-9"]/);
      if (c.message) expect(f.some((x) => c.message!.test(x.message))).toBe(true);
    });
    test(`${c.rule} accepts the clean fixture`, () => {
      expect(brief(only(run(c.good), c.rule))).toEqual([]);
    });
  }

  test('EGR-VS-003 carries no IST code (VSX-DUP-001 is the IST0109 finding, once per VirtualService)', () => {
    expect(EGRESS_RULES.find((r) => r.id === 'EGR-VS-003')!.code).toBeUndefined();
  });

  test('EGR-MTLS-001 flags a one-sided ISTIO_MUTUAL either way', () => {
    const serverOnly = [se(), egressGw({ mode: 'ISTIO_MUTUAL' }, 'HTTPS'), egressDr(), combinedVs([meshRule(), gwRule()])];
    expect(brief(only(run(serverOnly), 'EGR-MTLS-001'))).toEqual([
      { rule: 'EGR-MTLS-001', kind: 'Gateway', name: 'istio-egressgateway', path: 'spec.servers[0].tls.mode' },
    ]);
    const drOnly = [se(), egressGw(), egressDr({ trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } } }), combinedVs([meshRule(), gwRule()])];
    expect(brief(only(run(drOnly), 'EGR-MTLS-001'))).toEqual([
      { rule: 'EGR-MTLS-001', kind: 'DestinationRule', name: 'egressgateway-for-cnn', path: 'spec.trafficPolicy.tls.mode' },
    ]);
  });

  test('an injected egress gateway in its own namespace is recognised', () => {
    const objs = [
      ...injectedGateway('egress', 'istio-egress', { istio: 'egressgateway', app: 'istio-egressgateway' }, [{ port: 443, name: 'tls' }], 'ClusterIP'),
      se(), egressGw(),
      vs('short', ['edition.cnn.com'], { http: undefined, tls: [meshRule({ host: 'egress', port: { number: 443 } })] }),
    ];
    expect(brief(only(run(objs), 'EGR-VS-001'))).toEqual([
      { rule: 'EGR-VS-001', kind: 'VirtualService', name: 'short', path: 'spec.tls[0].route[0].destination.host' },
    ]);
  });

  test('EGR-DR-001: a mesh leg exported only to its clients\' namespace needs the DR there, not in its own namespace', () => {
    const meshLeg = vs('cnn-mesh', ['edition.cnn.com'], { gateways: ['mesh'], exportTo: ['apps'], http: undefined, tls: [meshRule()] });
    const gwLeg = vs('cnn-egress', ['edition.cnn.com'], { gateways: ['istio-egressgateway'], http: undefined, tls: [gwRule()] });
    const visibleToApps = egressDr({ exportTo: ['apps'] }, 'egress-dr', 'default');
    expect(only(run([se(), egressGw(), visibleToApps, meshLeg, gwLeg]), 'EGR-DR-001')).toStrictEqual([]);
    const onlyOwn = egressDr({ exportTo: ['.'] }, 'egress-dr', 'default');
    const f = only(run([se(), egressGw(), onlyOwn, meshLeg, gwLeg]), 'EGR-DR-001');
    expect(brief(f)).toStrictEqual([{ rule: 'EGR-DR-001', kind: 'DestinationRule', name: 'egress-dr', path: 'spec.exportTo' }]);
    expect(f[0].message).toMatch(/not visible in namespace "apps"/);
  });

  test('no egress pattern, no findings', () => {
    expect(run([se(), vs('plain', ['edition.cnn.com'], { http: [{ route: [{ destination: { host: 'edition.cnn.com' } }] }] })], { assumeInstall: 'none' })).toEqual([]);
  });

  test('no rule throws on garbage', () => {
    const anyVs = fc.record({
      apiVersion: fc.constant('networking.istio.io/v1'),
      kind: fc.constant('VirtualService'),
      metadata: fc.record({ name: fc.constantFrom('a', 'b'), namespace: fc.constantFrom('default', 'istio-system') }),
      spec: fc.oneof(fc.anything(), fc.record({
        hosts: fc.oneof(fc.constant(['edition.cnn.com']), fc.anything()),
        gateways: fc.oneof(fc.constant(['mesh', 'istio-egressgateway']), fc.anything()),
        tls: fc.oneof(fc.array(fc.record({
          match: fc.oneof(fc.array(fc.record({ gateways: fc.anything(), sniHosts: fc.anything(), port: fc.anything() })), fc.anything()),
          route: fc.oneof(fc.array(fc.record({ destination: fc.record({ host: fc.oneof(fc.constantFrom(EGRESS_FQDN, 'istio-egressgateway'), fc.anything()), subset: fc.anything(), port: fc.anything() }) })), fc.anything()),
        })), fc.anything()),
        http: fc.anything(),
      })),
    });
    const anyDr = fc.record({
      apiVersion: fc.constant('networking.istio.io/v1'),
      kind: fc.constant('DestinationRule'),
      metadata: fc.record({ name: fc.constant('d'), namespace: fc.constant('default') }),
      spec: fc.record({ host: fc.oneof(fc.constantFrom(EGRESS_FQDN, 'istio-egressgateway'), fc.anything()), trafficPolicy: fc.anything(), subsets: fc.anything(), exportTo: fc.anything() }),
    });
    const anyGw = fc.record({
      apiVersion: fc.constant('networking.istio.io/v1'),
      kind: fc.constant('Gateway'),
      metadata: fc.record({ name: fc.constant('istio-egressgateway'), namespace: fc.constant('default') }),
      spec: fc.record({ selector: fc.oneof(fc.constant({ istio: 'egressgateway' }), fc.anything()), servers: fc.anything() }),
    });
    const arb = fc.array(fc.oneof(fc.anything(), anyVs, anyDr, anyGw), { maxLength: 6 });
    fc.assert(fc.property(arb, (objs) => {
      const f = run(objs as KubeObject[]);
      expect(f.filter((x) => x.rule === 'CHK-INT-001')).toStrictEqual([]);
    }), fcParams(300));
  });
});
