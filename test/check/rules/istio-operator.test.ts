import * as fc from 'fast-check';
import { AnalyzeOptions } from '../../../src/check/analyze';
import { KubeObject } from '../../../src/check/model';
import { ISTIO_OPERATOR_RULES } from '../../../src/check/rules/istio-operator';
import { fcParams } from '../../util/property';
import { brief, check, deployment, gateway, istioOperator, namespace, only, server } from '../fixtures';

const run = (objs: KubeObject[], opts: AnalyzeOptions = {}) => check(objs, { rules: ISTIO_OPERATOR_RULES, ...opts });

const ING = 'spec.components.ingressGateways';
const gwIop = (gateways: unknown[], extra: Record<string, unknown> = {}, name = 'ingress-gateways', ns?: string) =>
  istioOperator(name, { profile: 'empty', components: { ingressGateways: gateways }, ...extra }, ns ? { namespace: ns } : {});
const myGw = (extra: Record<string, unknown> = {}) => ({ name: 'my-gw', enabled: true, label: { istio: 'my-gw' }, ...extra });
const injected = (name: string, labels: Record<string, string>, ns = 'istio-ingress', image = 'auto') =>
  deployment(name, { labels, image, podAnnotations: { 'inject.istio.io/templates': 'gateway' } }, { namespace: ns });
const sidecar = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace: 'bookinfo' }, spec });
const meshCm = (mesh: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh } });

interface Case {
  readonly rule: string;
  readonly bad: KubeObject[];
  readonly expected: { kind?: string; name: string; path: string }[];
  readonly good: KubeObject[];
  readonly opts?: AnalyzeOptions;
  readonly goodOpts?: AnalyzeOptions;
  readonly message?: RegExp;
}

const tcpGateway = gateway('tcp', { selector: { istio: 'my-gw' }, servers: [server(31400, 'TCP', ['*.example.com']), server(443, 'TLS', ['db.example.com'], { tls: { mode: 'PASSTHROUGH' } })] });

const cases: Case[] = [
  {
    rule: 'IOP-CTRL-001',
    bad: [gwIop([myGw()]), tcpGateway],
    opts: { sources: [{ file: 'istio.yaml' }, { file: 'istio.yaml' }] },
    expected: [{ kind: 'IstioOperator', name: 'ingress-gateways', path: '' }],
    message: /is in file istio.yaml together with 1 other resource\(s\) \(Gateway\)/,
    good: [gwIop([myGw()]), tcpGateway],
    goodOpts: { sources: [{ file: 'istio/operator.yaml' }, { file: 'apps/gateway.yaml' }] },
  },
  {
    rule: 'IOP-NAME-001',
    bad: [
      istioOperator('control-plane', { profile: 'default' }),
      gwIop([{ name: 'istio-ingressgateway', enabled: true, label: { istio: 'second' } }, { name: 'Bad_Name', enabled: true, label: { istio: 'bad' } }]),
    ],
    expected: [{ name: 'ingress-gateways', path: `${ING}[0].name` }, { name: 'ingress-gateways', path: `${ING}[1].name` }],
    message: /gateway "istio-ingressgateway" in namespace "istio-system" is already declared by IstioOperator control-plane \(profile default\)/,
    good: [istioOperator('control-plane', { profile: 'default' }), gwIop([myGw(), myGw({ name: 'my-gw', namespace: 'istio-ingress' })])],
  },
  {
    rule: 'IOP-LBL-001',
    bad: [gwIop([
      { name: 'a-gw', enabled: true },
      { name: 'b-gw', enabled: true, label: { istio: 'ingressgateway', app: 'b' } },
      { name: 'c-gw', enabled: true, label: { istio: 'shared' } },
      { name: 'd-gw', enabled: true, label: { istio: 'shared' } },
    ])],
    expected: [
      { name: 'ingress-gateways', path: `${ING}[0].label` }, { name: 'ingress-gateways', path: `${ING}[1].label.istio` },
      { name: 'ingress-gateways', path: `${ING}[2].label.istio` }, { name: 'ingress-gateways', path: `${ING}[3].label.istio` },
    ],
    good: [istioOperator('control-plane', { profile: 'default' }), gwIop([myGw(), { name: 'other-gw', enabled: true, label: { istio: 'other-gw' } }, { name: 'off-gw', enabled: false }])],
  },
  {
    rule: 'IOP-OWN-001',
    bad: [
      istioOperator('', { profile: 'default' }),
      istioOperator('', { profile: 'empty' }, { namespace: 'istio-ingress' }),
      gwIop([myGw()], {}, 'gateways'),
      gwIop([myGw({ name: 'x-gw', label: { istio: 'x-gw' } })], {}, 'gateways', 'istio-egress'),
    ],
    expected: [{ name: '', path: 'metadata.name' }, { name: 'gateways', path: 'metadata.name' }],
    good: [istioOperator('control-plane', { profile: 'default' }), gwIop([myGw()], {}, 'gateways'), gwIop([myGw({ name: 'canary' })], { revision: 'canary' }, 'gateways')],
  },
  {
    rule: 'IOP-PORT-001',
    bad: [gwIop([myGw({ k8s: { service: { ports: [{ name: 'tcp', port: 31400, targetPort: 31400 }] } } })]), tcpGateway],
    expected: [{ name: 'ingress-gateways', path: `${ING}[0].k8s.service.ports` }, { name: 'ingress-gateways', path: `${ING}[0].k8s.service.ports` }],
    message: /does not include port 443 used by Gateway istio-system\/tcp spec.servers\[1\]/,
    good: [
      gwIop([myGw({ k8s: { service: { ports: [{ name: 'status-port', port: 15021, targetPort: 15021 }, { name: 'tcp', port: 31400, targetPort: 31400 }, { name: 'tls', port: 443, targetPort: 8443 }] } } })]),
      tcpGateway,
    ],
  },
  {
    rule: 'IOP-PORT-002',
    bad: [gwIop([myGw({ k8s: { service: { ports: [{ name: 'http', port: 80, targetPort: 80 }, { name: 'https', port: 443 }, { name: 'status-port', port: 15021 }] } } })])],
    expected: [{ name: 'ingress-gateways', path: `${ING}[0].k8s.service.ports[0].targetPort` }, { name: 'ingress-gateways', path: `${ING}[0].k8s.service.ports[1].port` }],
    good: [
      gwIop([myGw({ k8s: { service: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] } } })]),
      gwIop([myGw({ name: 'root-gw', label: { istio: 'root-gw' }, k8s: { service: { ports: [{ name: 'http', port: 80, targetPort: 80 }] } } })], { values: { gateways: { 'istio-ingressgateway': { runAsRoot: true } } } }, 'root'),
    ],
  },
  {
    rule: 'IOP-REPL-001',
    bad: [gwIop([myGw({ k8s: { replicaCount: 3 } })], { components: { ingressGateways: [myGw({ k8s: { replicaCount: 3 } })], pilot: { enabled: true, k8s: { replicaCount: 2 } } } })],
    expected: [{ name: 'ingress-gateways', path: `${ING}[0].k8s.replicaCount` }, { name: 'ingress-gateways', path: 'spec.components.pilot.k8s.replicaCount' }],
    good: [
      gwIop([myGw({ k8s: { replicaCount: 3 } })], { values: { gateways: { 'istio-ingressgateway': { autoscaleEnabled: false } } } }),
      gwIop([myGw({ name: 'hpa', label: { istio: 'hpa' }, k8s: { hpaSpec: { minReplicas: 2 } } })], {}, 'hpa'),
    ],
  },
  {
    rule: 'IOP-MESH-001',
    bad: [gwIop([myGw()], { meshConfig: { accessLogFile: '/dev/stdout' }, values: { pilot: { env: { PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'true' } } } })],
    expected: [{ name: 'ingress-gateways', path: 'spec.meshConfig' }, { name: 'ingress-gateways', path: 'spec.values.pilot.env' }],
    message: /does not install istiod \(profile empty\), so spec.meshConfig \(accessLogFile\) is ignored/,
    good: [istioOperator('control-plane', { profile: 'default', meshConfig: { accessLogFile: '/dev/stdout' } }), gwIop([myGw()])],
  },
  {
    rule: 'IOP-INJ-001',
    bad: [
      namespace('legacy', { 'istio-injection': 'disabled' }),
      namespace('istio-ingress'),
      namespace('apps'),
      injected('disabled-ns', { 'istio': 'a', 'sidecar.istio.io/inject': 'true' }, 'legacy'),
      injected('no-label', { istio: 'b' }),
      injected('pinned', { 'istio': 'c', 'sidecar.istio.io/inject': 'true' }, 'istio-ingress', 'docker.io/istio/proxyv2:1.24.0'),
      deployment('app', { labels: { app: 'app' }, image: 'auto' }, { namespace: 'apps' }),
    ],
    expected: [
      { name: 'app', path: 'spec.template.metadata.annotations' }, { name: 'app', path: 'spec.template.metadata.labels' },
      { name: 'disabled-ns', path: 'metadata.namespace' },
      { name: 'no-label', path: 'spec.template.metadata.labels' },
      { name: 'pinned', path: 'spec.template.spec.containers[0].image' },
    ],
    message: /labelled istio-injection=disabled/,
    good: [
      namespace('istio-ingress', { 'istio-injection': 'enabled' }),
      injected('ns-enabled', { istio: 'a' }),
      injected('labelled', { 'istio': 'b', 'sidecar.istio.io/inject': 'true' }, 'edge'),
      injected('rev', { 'istio': 'c', 'istio.io/rev': 'canary' }, 'edge'),
      deployment('istio-ingressgateway', { labels: { istio: 'ingressgateway' }, image: 'docker.io/istio/proxyv2:1.24.0' }, { namespace: 'istio-system' }),
    ],
  },
  {
    rule: 'IOP-NS-001',
    bad: [namespace('istio-system'), gwIop([myGw({ namespace: 'istio-ingress' })])],
    expected: [{ name: 'ingress-gateways', path: `${ING}[0].namespace` }],
    good: [namespace('istio-system'), namespace('istio-ingress'), gwIop([myGw({ namespace: 'istio-ingress' })])],
  },
  {
    rule: 'MESH-OTP-001',
    bad: [
      istioOperator('control-plane', { meshConfig: { outboundTrafficPolicy: { mode: 'DENY' } } }),
      meshCm('outboundTrafficPolicy:\n  mode: registry_only\n'),
      sidecar({ outboundTrafficPolicy: {} }),
    ],
    expected: [
      { kind: 'ConfigMap', name: 'istio', path: 'data.mesh' },
      { kind: 'IstioOperator', name: 'control-plane', path: 'spec.meshConfig.outboundTrafficPolicy.mode' },
      { kind: 'Sidecar', name: 'default', path: 'spec.outboundTrafficPolicy.mode' },
    ],
    good: [
      istioOperator('control-plane', { meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }),
      meshCm('outboundTrafficPolicy:\n  mode: ALLOW_ANY\n'),
      sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }),
    ],
  },
  {
    rule: 'MESH-FILT-001',
    bad: [istioOperator('control-plane', { values: { pilot: { env: { PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'true' } } } })],
    expected: [{ name: 'control-plane', path: 'spec.values.pilot.env.PILOT_FILTER_GATEWAY_CLUSTER_CONFIG' }],
    message: /503 NC/,
    good: [istioOperator('control-plane', { values: { pilot: { env: { PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'false' } } } })],
  },
];

describe('IOP-*/MESH-* rules', () => {
  test('every rule has a case', () => {
    expect(cases.map((c) => c.rule).sort()).toEqual(ISTIO_OPERATOR_RULES.map((r) => r.id).sort());
  });

  const key = (a: { name: string; path: string; kind?: string }) => `${a.kind ?? ''} ${a.name} ${a.path}`;
  for (const c of cases) {
    test(`${c.rule} flags the violation`, () => {
      const f = only(run(c.bad, c.opts), c.rule);
      const rule = ISTIO_OPERATOR_RULES.find((r) => r.id === c.rule)!;
      const got = brief(f).map((b) => ({ ...b, kind: c.expected.some((e) => e.kind) ? b.kind : undefined }));
      expect(got.map(key).sort()).toEqual(c.expected.map(key).sort());
      for (const x of f) {
        if (c.rule !== 'IOP-INJ-001') expect(x.code).toBe(rule.code);
        expect(x.message).toMatch(/^[a-z0-9"]/);
      }
      if (c.message) expect(f.some((x) => c.message!.test(x.message))).toBe(true);
    });
    test(`${c.rule} accepts the clean fixture`, () => {
      expect(brief(only(run(c.good, c.goodOpts ?? c.opts), c.rule))).toEqual([]);
    });
  }

  test('IOP-INJ-001: IST0146 for a Deployment with image auto not selected for injection, IST0147 for such a Pod, no code otherwise', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raw-gw', namespace: 'edge', labels: { istio: 'raw' }, annotations: { 'inject.istio.io/templates': 'gateway' } },
      spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
    };
    const f = only(run([
      namespace('istio-ingress'),
      namespace('edge'),
      injected('no-label', { istio: 'b' }),
      injected('pinned', { 'istio': 'c', 'sidecar.istio.io/inject': 'true' }, 'istio-ingress', 'docker.io/istio/proxyv2:1.24.0'),
      pod,
    ]), 'IOP-INJ-001');
    expect(brief(f).map((b) => [b.name, b.path, b.code]).sort()).toEqual([
      ['no-label', 'spec.template.metadata.labels', 'IST0146'],
      ['pinned', 'spec.template.spec.containers[0].image', undefined],
      ['raw-gw', 'metadata.labels', 'IST0147'],
    ]);
    expect(ISTIO_OPERATOR_RULES.find((r) => r.id === 'IOP-INJ-001')!.code).toBeUndefined();
  });

  test('IOP-OWN-001: a single IstioOperator needs no metadata.name (istioctl install profiles, most docs)', () => {
    expect(only(run([istioOperator('', { profile: 'default' })]), 'IOP-OWN-001')).toEqual([]);
    expect(only(run([istioOperator('', { profile: 'default' }), istioOperator('', { profile: 'default', revision: 'canary' })]), 'IOP-OWN-001')).toEqual([]);
    const two = only(run([istioOperator('', { profile: 'default' }), istioOperator('', { profile: 'empty' }, { namespace: 'istio-ingress' })]), 'IOP-OWN-001');
    expect(two.map((f) => f.message)).toEqual([expect.stringMatching(/no metadata.name, nor has another IstioOperator of the input.*prune each other/)]);
  });

  test('IOP-INJ-001: a Namespace absent from the input is unknown in the open world, not labelled in the closed world', () => {
    const objs = [injected('no-label', { istio: 'b' }, 'edge')];
    expect(only(run(objs), 'IOP-INJ-001')).toEqual([]);
    expect(brief(only(run(objs, { closedWorld: true }), 'IOP-INJ-001'))).toEqual([
      { rule: 'IOP-INJ-001', code: 'IST0146', kind: 'Deployment', name: 'no-label', path: 'spec.template.metadata.labels' },
    ]);
  });

  test('IOP-LBL-001 is judged against the gateways the input installs', () => {
    // the only ingress gateway: keeps istio=ingressgateway but nothing else has it (profile empty)
    expect(only(run([gwIop([{ name: 'custom-ingress', enabled: true, label: { app: 'custom' } }])]), 'IOP-LBL-001')).toEqual([]);
    expect(only(run([gwIop([{ name: 'custom-ingress', enabled: true, label: { app: 'custom' } }])], { assumeInstall: 'none' }), 'IOP-LBL-001')).toEqual([]);
    // a listed additional gateway without enabled: true is not installed
    expect(only(run([istioOperator('cp', { profile: 'default', components: { ingressGateways: [{ name: 'later', label: { istio: 'ingressgateway' } }] } })]), 'IOP-LBL-001')).toEqual([]);
    // with the profile's default gateway installed too, the shared label is reported
    expect(brief(only(run([istioOperator('cp', { profile: 'default', components: { ingressGateways: [{ name: 'second', enabled: true }] } })]), 'IOP-LBL-001'))).toEqual([
      { rule: 'IOP-LBL-001', kind: 'IstioOperator', name: 'cp', path: `${ING}[0].label` },
    ]);
  });

  test('IOP-LBL-001 and IOP-PORT-001 apply k8s.overlays (pod labels, Service ports) first', () => {
    const relabel = { k8s: { overlays: [{ kind: 'Deployment', name: 'second', patches: [{ path: 'spec.template.metadata.labels.istio', value: 'second' }] }] } };
    expect(only(run([istioOperator('cp', { profile: 'default', components: { ingressGateways: [{ name: 'second', enabled: true, ...relabel }] } })]), 'IOP-LBL-001')).toEqual([]);
    const ports = [{ name: 'status-port', port: 15021, targetPort: 15021 }, { name: 'tcp', port: 31400, targetPort: 31400 }];
    const addTls = { kind: 'Service', name: 'my-gw', patches: [{ path: 'spec.ports.[name:tcp].port', value: 443 }] };
    const gw = gateway('tls', { selector: { istio: 'my-gw' }, servers: [server(443, 'TLS', ['db.example.com'], { tls: { mode: 'PASSTHROUGH' } })] });
    expect(brief(only(run([gwIop([myGw({ k8s: { service: { ports } } })]), gw]), 'IOP-PORT-001'))).toHaveLength(1);
    expect(only(run([gwIop([myGw({ k8s: { service: { ports }, overlays: [addTls] } })]), gw]), 'IOP-PORT-001')).toEqual([]);
  });

  test('IOP-CTRL-001 at synth time: chart = first construct path segment after the app', () => {
    const objs = [gwIop([myGw()]), tcpGateway];
    const same = { sources: [{ constructPath: 'app/istio/Operator' }, { constructPath: 'app/istio/Gateway' }] };
    const apart = { sources: [{ constructPath: 'app/istio-install/Operator' }, { constructPath: 'app/edge/web/Gateway' }] };
    expect(brief(only(run(objs, same), 'IOP-CTRL-001'))).toEqual([{ rule: 'IOP-CTRL-001', kind: 'IstioOperator', name: 'ingress-gateways', path: '' }]);
    expect(only(run(objs, same), 'IOP-CTRL-001')[0].message).toMatch(/chart istio/);
    expect(only(run(objs, apart), 'IOP-CTRL-001')).toEqual([]);
  });

  test('IOP-CTRL-001: a file of IstioOperators only is istioctl input; context objects do not count', () => {
    expect(only(run([gwIop([myGw()]), istioOperator('control-plane', { profile: 'default' })]), 'IOP-CTRL-001')).toEqual([]);
    expect(only(run([gwIop([myGw()])], { context: [tcpGateway] }), 'IOP-CTRL-001')).toEqual([]);
  });

  test('IOP-NS-001 is silent when the input declares no Namespace', () => {
    expect(only(run([gwIop([myGw({ namespace: 'istio-ingress' })])]), 'IOP-NS-001')).toEqual([]);
  });

  test('MESH-FILT-001 reads istiod Deployment env too', () => {
    const istiod = deployment('istiod', { labels: { app: 'istiod' }, image: 'docker.io/istio/pilot:1.24.0', env: { PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'true' } }, { namespace: 'istio-system' });
    expect(brief(only(run([istiod]), 'MESH-FILT-001'))).toEqual([
      { rule: 'MESH-FILT-001', kind: 'Deployment', name: 'istiod', path: 'spec.template.spec.containers[0].env[0].value' },
    ]);
  });

  test('the separate user-gateway IOP of istio.io is clean in a file of its own', () => {
    const iop = gwIop([{
      name: 'ilb-gateway',
      namespace: 'user-ingressgateway-ns',
      enabled: true,
      label: { istio: 'ilb-gateway' },
      k8s: { service: { ports: [{ port: 15021, targetPort: 15021, name: 'status-port' }, { port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }] } },
    }], {}, 'ilb-gateway');
    expect(brief(run([iop, namespace('user-ingressgateway-ns')], { sources: [{ file: 'iop.yaml' }, { file: 'ns.yaml' }] }))).toEqual([]);
  });

  test('no rule throws on garbage', () => {
    const comp = fc.oneof(fc.anything(), fc.record({
      name: fc.oneof(fc.constantFrom('istio-ingressgateway', 'my-gw'), fc.anything()),
      enabled: fc.anything(),
      namespace: fc.anything(),
      label: fc.oneof(fc.constant({ istio: 'my-gw' }), fc.anything()),
      k8s: fc.oneof(fc.record({ service: fc.record({ ports: fc.oneof(fc.array(fc.record({ port: fc.anything(), targetPort: fc.anything() })), fc.anything()) }), replicaCount: fc.anything() }), fc.anything()),
    }));
    const iop = fc.record({
      apiVersion: fc.constant('install.istio.io/v1alpha1'),
      kind: fc.constant('IstioOperator'),
      metadata: fc.oneof(fc.record({ name: fc.constantFrom('', 'a'), namespace: fc.constantFrom('istio-system', 'x') }), fc.anything()),
      spec: fc.oneof(fc.anything(), fc.record({
        profile: fc.oneof(fc.constantFrom('empty', 'default', 'demo'), fc.anything()),
        components: fc.oneof(fc.record({ ingressGateways: fc.oneof(fc.array(comp), fc.anything()), egressGateways: fc.anything(), pilot: fc.anything() }), fc.anything()),
        meshConfig: fc.anything(),
        values: fc.anything(),
      })),
    });
    const dep = fc.record({
      apiVersion: fc.constant('apps/v1'),
      kind: fc.constant('Deployment'),
      metadata: fc.record({ name: fc.constantFrom('istiod', 'gw'), namespace: fc.constant('x') }),
      spec: fc.oneof(fc.anything(), fc.record({ template: fc.record({ metadata: fc.record({ labels: fc.anything(), annotations: fc.oneof(fc.constant({ 'inject.istio.io/templates': 'gateway' }), fc.anything()) }), spec: fc.record({ containers: fc.anything() }) }) })),
    });
    const arb = fc.array(fc.oneof(fc.anything(), iop, dep, fc.record({ apiVersion: fc.constant('networking.istio.io/v1'), kind: fc.constant('Sidecar'), metadata: fc.anything(), spec: fc.anything() })), { maxLength: 6 });
    fc.assert(fc.property(arb, (objs) => {
      const f = run(objs as KubeObject[]);
      expect(f.filter((x) => x.rule === 'CHK-INT-001')).toStrictEqual([]);
    }), fcParams(300));
  });
});
