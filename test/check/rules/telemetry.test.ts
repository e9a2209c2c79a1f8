import * as fc from 'fast-check';
import { AnalyzeOptions } from '../../../src/check/analyze';
import { KubeObject } from '../../../src/check/model';
import { TELEMETRY_RULES } from '../../../src/check/rules/telemetry';
import { fcParams } from '../../util/property';
import { brief, check, injectedGateway, istioctlIngress, only, telemetry } from '../fixtures';

const run = (objs: KubeObject[], opts: AnalyzeOptions = {}) => check(objs, { rules: TELEMETRY_RULES, ...opts });

const ingressSel = { matchLabels: { istio: 'ingressgateway' } };
const envoyLogs = { accessLogging: [{ providers: [{ name: 'envoy' }] }] };

interface Case {
  readonly rule: string;
  readonly code?: string;
  readonly bad: KubeObject[];
  readonly expected: { name: string; path: string; code?: string }[];
  readonly good: KubeObject[];
  readonly opts?: AnalyzeOptions;
  readonly message?: RegExp;
}

const cases: Case[] = [
  {
    rule: 'TEL-SEL-001',
    bad: [
      telemetry('both', { selector: ingressSel, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' }] }),
      telemetry('star', { selector: { matchLabels: { istio: '*' } } }),
      telemetry('xns', { targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw', namespace: 'other' } }),
      telemetry('tags', {
        metrics: [{ providers: [{ name: 'prometheus' }], overrides: [{ tagOverrides: { 'request_host': { operation: 'UPSERT' }, 'source.x': { operation: 'REMOVE', value: 'a' } } }] }],
      }, { namespace: 'bookinfo' }),
    ],
    expected: [
      { name: 'both', path: 'spec.targetRefs' },
      { name: 'star', path: 'spec.selector.matchLabels.istio' },
      { name: 'tags', path: 'spec.metrics[0].overrides[0].tagOverrides.request_host.value' },
      { name: 'tags', path: 'spec.metrics[0].overrides[0].tagOverrides["source.x"].value' },
      { name: 'xns', path: 'spec.targetRef.namespace' },
    ],
    good: [
      telemetry('gw-logs', { selector: ingressSel, ...envoyLogs }),
      telemetry('tags', { metrics: [{ overrides: [{ tagOverrides: { request_host: { value: 'request.host' }, x: { operation: 'REMOVE' } } }] }] }, { namespace: 'bookinfo' }),
      telemetry('ref', { targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw', namespace: 'istio-system' } }),
    ],
  },
  {
    rule: 'TEL-SEL-002',
    code: 'IST0101',
    bad: [...istioctlIngress(), telemetry('gw-logs', { selector: ingressSel, ...envoyLogs }, { namespace: 'bookinfo' })],
    expected: [{ name: 'gw-logs', path: 'spec.selector.matchLabels' }],
    message: /only matches pods in its own namespace "bookinfo"/,
    good: [...istioctlIngress(), telemetry('gw-logs', { selector: ingressSel, ...envoyLogs }), telemetry('app', { selector: { matchLabels: { app: 'reviews' } } }, { namespace: 'bookinfo' })],
  },
  {
    rule: 'TEL-DUP-001',
    code: 'IST0159',
    bad: [
      ...istioctlIngress(),
      telemetry('logs-a', { selector: ingressSel, ...envoyLogs }),
      telemetry('logs-b', { selector: { matchLabels: { app: 'istio-ingressgateway' } }, ...envoyLogs }),
      telemetry('ns-a', envoyLogs, { namespace: 'bookinfo' }),
      telemetry('ns-b', { tracing: [{ randomSamplingPercentage: 1 }] }, { namespace: 'bookinfo' }),
    ],
    expected: [{ name: 'logs-b', path: 'spec.selector' }, { name: 'ns-b', path: 'spec', code: 'IST0160' }],
    good: [
      ...istioctlIngress(),
      telemetry('logs-a', { selector: ingressSel, ...envoyLogs }),
      telemetry('mesh-default', envoyLogs),
      telemetry('ns-a', envoyLogs, { namespace: 'bookinfo' }),
    ],
  },
  {
    rule: 'TEL-PROV-001',
    code: 'IST0157',
    bad: [telemetry('logs', { selector: ingressSel, accessLogging: [{}, { providers: [] }] })],
    expected: [{ name: 'logs', path: 'spec.accessLogging[0].providers' }, { name: 'logs', path: 'spec.accessLogging[1].providers' }],
    good: [telemetry('logs', { selector: ingressSel, ...envoyLogs }), telemetry('off', { accessLogging: [{ disabled: true }] }, { namespace: 'x' })],
  },
  {
    rule: 'TEL-MESH-001',
    opts: { meshConfig: { accessLogFile: '/dev/stdout' } },
    bad: [...istioctlIngress(), telemetry('gw-logs', { selector: ingressSel, accessLogging: [{ providers: [{ name: 'otel' }] }] })],
    expected: [{ name: 'gw-logs', path: 'spec.accessLogging[0]' }],
    message: /meshConfig.accessLogFile is "\/dev\/stdout", but this Telemetry's accessLogging replaces it for istio=ingressgateway in istio-system/,
    good: [...istioctlIngress(), telemetry('gw-metrics', { selector: ingressSel, metrics: [{ providers: [{ name: 'prometheus' }] }] })],
  },
];

describe('TEL-* rules', () => {
  test('every rule has a case', () => {
    expect(cases.map((c) => c.rule).sort()).toEqual(TELEMETRY_RULES.map((r) => r.id).sort());
  });

  const key = (a: { name: string; path: string }) => `${a.name} ${a.path}`;
  for (const c of cases) {
    test(`${c.rule} flags the violation`, () => {
      const f = only(run(c.bad, c.opts), c.rule);
      expect(brief(f).sort((a, b) => key(a).localeCompare(key(b))))
        .toEqual(c.expected.map((e) => ({ rule: c.rule, ...((e.code ?? c.code) ? { code: e.code ?? c.code } : {}), kind: 'Telemetry', name: e.name, path: e.path })).sort((a, b) => key(a).localeCompare(key(b))));
      for (const x of f) expect(x.message).toMatch(/^[a-z0-9"]/);
      if (c.message) expect(f.some((x) => c.message!.test(x.message))).toBe(true);
    });
    test(`${c.rule} accepts the clean fixture`, () => {
      expect(brief(only(run(c.good, c.opts), c.rule))).toEqual([]);
    });
  }

  test('TEL-PROV-001 is silent with a mesh default provider', () => {
    const objs = [telemetry('logs', { selector: ingressSel, accessLogging: [{}] })];
    expect(only(run(objs, { meshConfig: { defaultProviders: { accessLogging: ['envoy'] } } }), 'TEL-PROV-001')).toEqual([]);
  });

  test('TEL-MESH-001 is silent without meshConfig.accessLogFile', () => {
    expect(only(run([...istioctlIngress(), telemetry('gw-logs', { selector: ingressSel, ...envoyLogs })]), 'TEL-MESH-001')).toEqual([]);
  });

  test('TEL-SEL-002 names the gateway namespace of an injected gateway', () => {
    const objs = [...injectedGateway('edge', 'istio-ingress', { istio: 'edge' }), telemetry('edge-logs', { selector: { matchLabels: { istio: 'edge' } }, ...envoyLogs })];
    const f = only(run(objs), 'TEL-SEL-002');
    expect(f.map((x) => x.fix)).toEqual(['move the Telemetry to namespace "istio-ingress"']);
  });

  test('no rule throws on garbage', () => {
    const tel = fc.record({
      apiVersion: fc.constant('telemetry.istio.io/v1'),
      kind: fc.constant('Telemetry'),
      metadata: fc.record({ name: fc.constantFrom('a', 'b'), namespace: fc.constantFrom('istio-system', 'x') }),
      spec: fc.oneof(fc.anything(), fc.record({
        selector: fc.oneof(fc.constant(ingressSel), fc.record({ matchLabels: fc.anything() }), fc.anything()),
        targetRef: fc.anything(),
        targetRefs: fc.anything(),
        accessLogging: fc.oneof(fc.array(fc.record({ providers: fc.anything(), disabled: fc.anything() })), fc.anything()),
        metrics: fc.oneof(fc.array(fc.record({ overrides: fc.array(fc.record({ tagOverrides: fc.dictionary(fc.string(), fc.anything()) })) })), fc.anything()),
      })),
    });
    const arb = fc.array(fc.oneof(fc.anything(), tel), { maxLength: 6 });
    fc.assert(fc.property(arb, (objs) => {
      const f = run(objs as KubeObject[], { meshConfig: { accessLogFile: '/dev/stdout' } });
      expect(f.filter((x) => x.rule === 'CHK-INT-001')).toStrictEqual([]);
    }), fcParams(300));
  });
});
