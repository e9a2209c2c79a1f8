import { Testing } from 'cdk8s';
import { build } from '../../examples/05-tcp-echo/main';

describe('example 05-tcp-echo', () => {
  const app = Testing.app();
  build(app);
  const charts = Object.fromEntries(app.charts.map((c) => [c.node.id, c.toJson()]));

  test('the IstioOperator is alone in its chart and adds 31400 (keeping 15021) to the default ingress Service', () => {
    expect(charts['istio-install']).toHaveLength(1);
    const [iop] = charts['istio-install'];
    expect(iop.kind).toBe('IstioOperator');
    expect(iop.spec.components.ingressGateways[0].k8s.service.ports.map((p: any) => [p.name, p.port, p.targetPort])).toStrictEqual([
      ['http2', 80, 8080], ['https', 443, 8443], ['status-port', 15021, 15021], ['tcp', 31400, 31400],
    ]);
  });

  test('TCP server 31400 on the default ingress and a tcp route to tcp-echo-service:2701', () => {
    const gw = charts['tcp-echo'].find((o: any) => o.kind === 'Gateway');
    expect(gw.spec).toStrictEqual({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 31400, name: 'tcp-31400', protocol: 'TCP' }, hosts: ['*'] }] });
    const vs = charts['tcp-echo'].find((o: any) => o.kind === 'VirtualService');
    expect(vs.spec).toStrictEqual({
      hosts: ['*'],
      gateways: ['istioinaction/echo-tcp-gateway'],
      tcp: [{ match: [{ port: 31400 }], route: [{ destination: { host: 'tcp-echo-service.istioinaction.svc.cluster.local', port: { number: 2701 } } }] }],
    });
  });

  test('the deployed my-user-gateway Service maps 30007 to 31400 and the route matches 30007', () => {
    const objs = charts['tcp-echo-user-gateway'];
    const svc = objs.find((o: any) => o.kind === 'Service');
    expect(svc.spec.ports).toContainEqual(expect.objectContaining({ port: 30007, targetPort: 31400 }));
    const gw = objs.find((o: any) => o.kind === 'Gateway');
    expect(gw.spec.selector).toStrictEqual({ istio: 'my-user-gateway' });
    expect(gw.spec.servers).toStrictEqual([{ port: { number: 30007, name: 'tcp-30007', protocol: 'TCP' }, hosts: ['*'] }]);
    const vs = objs.find((o: any) => o.kind === 'VirtualService');
    expect(vs.spec.tcp[0].match).toStrictEqual([{ port: 30007 }]);
  });

  test('synthesizes without findings', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
