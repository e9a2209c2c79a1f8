import { Chart, Testing } from 'cdk8s';
import { EgressGateway, EgressProtocol, GatewayWorkload, IngressGateway } from '../src';

function setup(namespace = 'default') {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace });
  const egress = GatewayWorkload.istioEgressGateway(chart, 'egress');
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  return { app, chart, egress, ingress };
}
const byKind = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('EgressGateway', () => {
  test('selects the egress workload and owns one DestinationRule with every route subset, sorted', () => {
    const { chart, egress } = setup();
    const gw = new EgressGateway(chart, 'gw', { workload: egress, name: 'istio-egressgateway' });
    gw.addRoute('cnn', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, subsetName: 'cnn' });
    gw.addRoute('httpbin', { host: 'httpbin.org', port: 80, protocol: EgressProtocol.HTTP, subsetName: 'httpbin' });
    const out = Testing.synth(chart);
    const [g] = byKind(out, 'Gateway');
    expect(g.metadata).toStrictEqual({ name: 'istio-egressgateway', namespace: 'default' });
    expect(g.spec.selector).toStrictEqual({ istio: 'egressgateway' });
    expect(g.spec.servers).toStrictEqual([
      { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['httpbin.org'] },
      { port: { number: 443, name: 'tls-edition-cnn-com', protocol: 'TLS' }, hosts: ['edition.cnn.com'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    const drs = byKind(out, 'DestinationRule').filter((d) => d.spec.host === 'istio-egressgateway.istio-system.svc.cluster.local');
    expect(drs).toHaveLength(1);
    expect(drs[0].spec).toStrictEqual({ host: 'istio-egressgateway.istio-system.svc.cluster.local', subsets: [{ name: 'cnn' }, { name: 'httpbin' }] });
    expect(gw.destinationRule).toBeDefined();
  });

  test('no DestinationRule before a route is added', () => {
    const { chart, egress } = setup();
    const gw = new EgressGateway(chart, 'gw', { workload: egress });
    expect(gw.destinationRule).toBeUndefined();
  });

  test('the DestinationRule is exported to the union of client namespaces', () => {
    const { chart, egress } = setup('team-a');
    const gw = new EgressGateway(chart, 'gw', { workload: egress });
    gw.addRoute('a', { host: 'a.example.com', port: 443, protocol: EgressProtocol.TLS, clientNamespaces: ['team-a'] });
    gw.addRoute('b', { host: 'b.example.com', port: 443, protocol: EgressProtocol.TLS, clientNamespaces: ['team-a', 'team-b'] });
    const dr = byKind(Testing.synth(chart), 'DestinationRule')[0];
    expect(dr.spec.exportTo).toStrictEqual(['team-a', 'team-b']);
  });

  test('binding an egress gateway to an ingress workload throws', () => {
    const { chart, ingress } = setup();
    expect(() => new EgressGateway(chart, 'gw', { workload: ingress })).toThrow(/workload: chart\/ingress is an ingress gateway workload and cannot serve egress traffic; use an egress workload such as GatewayWorkload.istioEgressGateway\(\)/);
  });

  test('binding an ingress gateway to an egress workload throws', () => {
    const { chart, egress } = setup();
    expect(() => new IngressGateway(chart, 'gw', { workload: egress })).toThrow(/workload: chart\/egress is an egress gateway workload and cannot serve ingress traffic; use an ingress workload/);
  });

  test('two routes with the same subset name throw', () => {
    const { chart, egress } = setup();
    const gw = new EgressGateway(chart, 'gw', { workload: egress });
    gw.addRoute('a', { host: 'a.example.com', port: 443, protocol: EgressProtocol.TLS, subsetName: 'ext' });
    expect(() => gw.addRoute('b', { host: 'b.example.com', port: 443, protocol: EgressProtocol.TLS, subsetName: 'ext' }))
      .toThrow(/subsetName: "ext" is already a subset of the egress gateway's DestinationRule; give each EgressRoute its own subsetName/);
  });

  test('a gateway without routes fails validation', () => {
    const { chart, egress } = setup();
    new EgressGateway(chart, 'gw', { workload: egress });
    expect(() => Testing.synth(chart)).toThrow(/the Gateway has no servers/);
  });

  test('snapshot', () => {
    const { chart, egress } = setup();
    const gw = new EgressGateway(chart, 'gw', { workload: egress, name: 'istio-egressgateway' });
    gw.addRoute('cnn', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });
});
