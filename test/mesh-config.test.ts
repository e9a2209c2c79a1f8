import { Chart, Testing } from 'cdk8s';
import { Checks, Destination, GatewayWorkload, HttpRoute, IngressGateway, MeshConfig, OutboundTrafficPolicyMode } from '../src';
import { configureChecks } from '../src/check/synth-hook';

describe('MeshConfig (typed mesh configuration for the checks)', () => {
  test('renders the MeshConfig keys and the istiod env the rule engine reads', () => {
    expect(new MeshConfig({
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
      rootNamespace: 'mesh-root',
      accessLogFile: '/dev/stdout',
      defaultServiceExportTo: ['.'],
      defaultVirtualServiceExportTo: ['.'],
      defaultDestinationRuleExportTo: ['.', 'istio-system'],
      scopeGatewayToNamespace: true,
      filterGatewayClusterConfig: false,
    })._toCheckSettings()).toStrictEqual({
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      rootNamespace: 'mesh-root',
      accessLogFile: '/dev/stdout',
      defaultServiceExportTo: ['.'],
      defaultVirtualServiceExportTo: ['.'],
      defaultDestinationRuleExportTo: ['.', 'istio-system'],
      pilotEnv: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true', PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'false' },
    });
    expect(new MeshConfig()._toCheckSettings()).toStrictEqual({});
  });

  test('scopeGatewayToNamespace reaches the checks: a Gateway outside the gateway pods\' namespace is an error', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'), name: 'web' });
    gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('web', 80)])] });
    expect(Checks.findings(app).filter((f) => f.rule === 'GWX-SEL-003')).toStrictEqual([]);
    configureChecks(app, { meshConfig: new MeshConfig({ scopeGatewayToNamespace: true })._toCheckSettings() });
    expect(Checks.findings(app).filter((f) => f.rule === 'GWX-SEL-003').map((f) => `${f.resource.namespace}/${f.resource.name}`)).toStrictEqual(['apps/web']);
  });
});
