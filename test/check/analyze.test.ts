import * as fc from 'fast-check';
import { brief, check, gateway, only, server, vs } from './fixtures';
import { ENGINE_RULES, SUPPRESS_ANNOTATION, analyze, parseSuppressions } from '../../src/check/analyze';
import { Severity, compareFindings, formatJson } from '../../src/check/findings';
import { KubeObject } from '../../src/check/model';
import { defineRule } from '../../src/check/rule';
import { ALL_RULES } from '../../src/check/rules';
import { fcParams } from '../util/property';

const bad = () => gateway('gw', { servers: [server(7070, 'HTTP', ['*'])] });

describe('analyze', () => {
  test('runs every rule and sorts deterministically (errors first)', () => {
    const f = check([bad(), gateway('a.b', { servers: [] })]);
    expect([...f].sort(compareFindings)).toEqual(f);
    expect(f[0].severity).toBe(Severity.ERROR);
    expect(f).toEqual(check([gateway('a.b', { servers: [] }), bad()]));
    expect(only(f, 'GWX-PORT-001')).toHaveLength(1);
  });

  test('never reports on context objects', () => {
    expect(check([], { context: [bad()] })).toEqual([]);
  });

  test('sources give the construct path', () => {
    const [f] = only(check([bad()], { sources: [{ constructPath: 'app/chart/web' }] }), 'GWX-PORT-001');
    expect(f.constructPath).toBe('app/chart/web');
  });

  test('suppressions need a reason', () => {
    const annotated = (value: string) => gateway('gw', { servers: [server(7070, 'HTTP', ['*'])] }, { annotations: { [SUPPRESS_ANNOTATION]: value } });
    const ok = check([annotated('GWX-PORT-001: exposed by a NodePort outside this repo\nGW-SEC-001: demo')]);
    expect(only(ok, 'GWX-PORT-001')).toEqual([]);
    expect(only(ok, 'GW-SEC-001')).toEqual([]);
    const noReason = check([annotated('GWX-PORT-001')]);
    expect(only(noReason, 'GWX-PORT-001')).toHaveLength(1);
    expect(brief(only(noReason, 'CHK-SUP-001'))).toEqual([
      { rule: 'CHK-SUP-001', kind: 'Gateway', name: 'gw', path: `metadata.annotations["${SUPPRESS_ANNOTATION}"]` },
    ]);
  });

  test('parseSuppressions: one `RULE-ID: reason` per line, only newlines separate entries', () => {
    expect(parseSuppressions('A-1: x;B-2\n  C-3 : why  \r\nD-4')).toEqual({ ids: new Set(['A-1', 'C-3']), missingReason: ['D-4'] });
    // reasons with `;`, `:` and commas stay whole (no CHK-SUP-001 for the tail)
    expect(parseSuppressions('GWX-PORT-001: NodePort; managed by team-a: see ADR-12, ADR-13\nGW-SEC-001: demo, local only; ok'))
      .toEqual({ ids: new Set(['GWX-PORT-001', 'GW-SEC-001']), missingReason: [] });
  });

  test('a reason containing `;` `:` and commas suppresses and raises no CHK-SUP-001', () => {
    const g = gateway('gw', { servers: [server(7070, 'HTTP', ['*'])] }, {
      annotations: { [SUPPRESS_ANNOTATION]: 'GWX-PORT-001: NodePort; owned by infra: see ADR-7, ADR-9\nGW-SEC-001: demo; local' },
    });
    const f = check([g]);
    expect(only(f, 'GWX-PORT-001')).toEqual([]);
    expect(only(f, 'GW-SEC-001')).toEqual([]);
    expect(only(f, 'CHK-SUP-001')).toEqual([]);
  });

  test('a throwing rule becomes CHK-INT-001 and the others still run', () => {
    const boom = defineRule({ id: 'T-BOOM-001', severity: Severity.ERROR, summary: 'x', check() { throw new Error('kaput'); } });
    const f = check([bad()], { rules: [boom, ...ALL_RULES] });
    expect(only(f, 'CHK-INT-001').map((x) => x.message)).toEqual(['rule T-BOOM-001 failed on this input and did not run: kaput']);
    expect(only(f, 'GWX-PORT-001')).toHaveLength(1);
  });

  test('disabledRules', () => {
    expect(only(check([bad()], { disabledRules: ['GWX-PORT-001'] }), 'GWX-PORT-001')).toEqual([]);
  });

  test('unknown kinds are ignored', () => {
    expect(check([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { servers: [] } }])).toEqual([]);
  });

  test('engine rules are documented', () => {
    expect(ENGINE_RULES.map((r) => r.id)).toEqual(['CHK-INT-001', 'CHK-SUP-001', 'CHK-DUP-001']);
  });

  test('istioctl suppress annotation galley.istio.io/analyze-suppress silences those IST codes (or all with "*") on the object', () => {
    const gw = (a?: string) => gateway('gw', { selector: { istio: 'nothing' }, servers: [server(7070, 'HTTP', ['*'])] }, a ? { annotations: { 'galley.istio.io/analyze-suppress': a } } : {});
    const codes = (a?: string) => check([gw(a)]).map((f) => f.code).filter((c) => c).sort();
    expect(codes()).toEqual(['IST0101']);
    expect(codes('IST0132, IST0101')).toEqual([]);
    expect(codes('*')).toEqual([]);
    expect(codes('IST0162')).toEqual(['IST0101']);
  });

  test('JSON carries refType on IST0101 findings', () => {
    const f = check([gateway('gw', { selector: { istio: 'nothing' }, servers: [server(80, 'HTTP', ['*'])] })]);
    expect(JSON.parse(formatJson(f)).findings.find((x: { code?: string }) => x.code === 'IST0101')).toMatchObject({ rule: 'GWX-SEL-001', code: 'IST0101', refType: 'selector' });
  });

  test('CHK-DUP-001: an object given twice is replaced by the later copy (kubectl apply), one warning, never compared with itself', () => {
    const v1 = vs('reviews', ['reviews'], { http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
    const v2 = vs('reviews', ['reviews'], { http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] });
    const f = analyze([v1, v2], { sources: [{ file: 'virtual-service-all-v1.yaml', line: 3 }, { file: 'virtual-service-reviews-v2.yaml', line: 1 }] });
    expect(f.filter((x) => x.rule === 'CHK-DUP-001').map((x) => [x.severity, x.message])).toEqual([
      [Severity.WARNING, 'VirtualService default/reviews is given 2 times; this later copy replaces the one at virtual-service-all-v1.yaml:3, as kubectl apply would, and only it is checked'],
    ]);
    // no IST0109 between the two copies
    expect(f.filter((x) => x.code === 'IST0109')).toEqual([]);
    // another API group (Gateway API vs Istio Gateway) is another object
    const k8sGw = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'istio-system' }, spec: { gatewayClassName: 'istio', listeners: [] } };
    const istioGw = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'istio-system' }, spec: { selector: { istio: 'ingressgateway' }, servers: [] } };
    expect(analyze([k8sGw, istioGw]).filter((x) => x.rule === 'CHK-DUP-001')).toEqual([]);
    // unnamed objects are never merged
    const iop = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { namespace: 'istio-system' }, spec: {} };
    expect(analyze([iop, iop]).filter((x) => x.rule === 'CHK-DUP-001')).toEqual([]);
  });

  test('every registered rule has a unique spec-shaped ID and a summary', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ALL_RULES) {
      expect(r.id).toMatch(/^[A-Z]+X?-[A-Z]+-\d{3}$/);
      expect(r.summary.length).toBeGreaterThan(10);
      if (r.code) expect(r.code).toMatch(/^IST\d{4}$/);
    }
  });
});

describe('no rule throws on garbage', () => {
  const kinds = ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry', 'Service', 'Deployment', 'Pod', 'Secret', 'IstioOperator', 'Telemetry', 'ConfigMap', 'Namespace'];
  const apiVersions = ['networking.istio.io/v1', 'v1', 'apps/v1', 'install.istio.io/v1alpha1', 'telemetry.istio.io/v1', 'security.istio.io/v1'];
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer({ min: -5, max: 70000 }), fc.string({ maxLength: 12 }),
      fc.constantFrom('*', 'a.com', '*.a.com', 'HTTPS', 'TLS', 'SIMPLE', 'MUTUAL', 'PASSTHROUGH', 'AUTO_PASSTHROUGH', 'istio-system/gw', 'mesh', 'true'),
      fc.array(tie('any'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('port', 'hosts', 'tls', 'mode', 'number', 'protocol', 'name', 'servers', 'selector', 'istio', 'gateways', 'http', 'credentialName', 'httpsRedirect', 'bind', 'exportTo', 'ports', 'targetPort', 'containers', 'template', 'spec', 'metadata', 'labels', 'components', 'ingressGateways', 'enabled', 'env', 'value'), tie('any'), { maxKeys: 4 })),
  })).any;
  const object = fc.record({
    apiVersion: fc.constantFrom(...apiVersions),
    kind: fc.constantFrom(...kinds),
    metadata: fc.oneof(value, fc.record({ name: fc.constantFrom('a', 'b', 'gw'), namespace: fc.constantFrom('istio-system', 'default', 'x') })),
    spec: value,
  });

  test('random manifests produce no CHK-INT-001', () => {
    fc.assert(fc.property(fc.array(object, { maxLength: 8 }), (objs) => {
      const f = analyze(objs as KubeObject[]);
      expect(only(f, 'CHK-INT-001')).toEqual([]);
    }), fcParams(300));
  });

  test('structurally broken gateway servers and VirtualServices produce no CHK-INT-001', () => {
    const servers = fc.array(fc.record({
      port: fc.record({ number: value, protocol: fc.constantFrom('HTTP', 'HTTPS', 'TLS', 'TCP', 'x', ''), name: value }),
      hosts: fc.array(fc.constantFrom('*', 'a.com', '*.a.com', './b.com', 'ns/*', 'bad/x/y', ''), { maxLength: 3 }),
      tls: fc.oneof(fc.constant(undefined), fc.record({ mode: fc.constantFrom('SIMPLE', 'MUTUAL', 'PASSTHROUGH', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'x'), credentialName: fc.constantFrom('a', 'b'), httpsRedirect: fc.boolean() })),
      bind: fc.oneof(fc.constant(undefined), value),
    }), { maxLength: 4 });
    fc.assert(fc.property(fc.array(servers, { minLength: 1, maxLength: 4 }), (lists) => {
      const objs = lists.map((s, i) => gateway(`g${i}`, { servers: s }));
      objs.push(vs('v', ['a.com', '*'], { gateways: ['istio-system/g0', 'g1', 'mesh', 'x.y'] }));
      expect(only(analyze(objs), 'CHK-INT-001')).toEqual([]);
    }), fcParams(200));
  });
});
