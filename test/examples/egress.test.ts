import { Testing } from 'cdk8s';
import { build } from '../../examples/07-egress/main';

const EGRESS_FQDN = 'istio-egressgateway.istio-system.svc.cluster.local';

describe('example 07-egress', () => {
  const app = Testing.app();
  build(app);
  const charts = Object.fromEntries(app.charts.map((c) => [c.node.id, c.toJson()]));
  const egress = charts.egress;
  const find = (kind: string, name: string) => egress.find((o: any) => o.kind === kind && o.metadata.name === name);

  test('IstioOperator: REGISTRY_ONLY, access log, egress gateway; alone in its chart', () => {
    expect(charts['istio-install']).toHaveLength(1);
    expect(charts['istio-install'][0].spec).toStrictEqual({
      profile: 'default',
      meshConfig: { accessLogFile: '/dev/stdout', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
      components: { egressGateways: [{ name: 'istio-egressgateway', enabled: true }] },
    });
  });

  test('edition.cnn.com:443 passes through the egress gateway by SNI', () => {
    expect(find('ServiceEntry', 'cnn').spec).toStrictEqual({
      exportTo: ['default', 'istio-system'],
      hosts: ['edition.cnn.com'],
      location: 'MESH_EXTERNAL',
      ports: [{ name: 'tls', number: 443, protocol: 'TLS' }],
      resolution: 'DNS',
    });
    expect(find('Gateway', 'istio-egressgateway').spec.servers).toContainEqual(
      { port: { number: 443, name: 'tls-edition-cnn-com', protocol: 'TLS' }, hosts: ['edition.cnn.com'], tls: { mode: 'PASSTHROUGH' } });
    expect(find('VirtualService', 'cnn-mesh').spec.tls).toStrictEqual([{
      match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }],
      route: [{ destination: { host: EGRESS_FQDN, port: { number: 443 }, subset: 'cnn' } }],
    }]);
    expect(find('VirtualService', 'cnn-egress-gateway').spec.gateways).toStrictEqual(['default/istio-egressgateway']);
    expect(find('VirtualService', 'cnn-egress-gateway').spec.tls[0].route).toStrictEqual([{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }]);
  });

  test('one DestinationRule for the egress gateway: cnn subset with maxConnections 1, httpbin subset with ISTIO_MUTUAL', () => {
    expect(find('DestinationRule', 'istio-egressgateway').spec).toStrictEqual({
      exportTo: ['default'],
      host: EGRESS_FQDN,
      subsets: [
        { name: 'cnn', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } } },
        { name: 'httpbin', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'httpbin.org' } }] } },
      ],
    });
  });

  test('httpbin.org: plain HTTP from the app, TLS originated by the egress gateway', () => {
    expect(find('Gateway', 'istio-egressgateway').spec.servers).toContainEqual(
      { port: { number: 80, name: 'https-httpbin-org', protocol: 'HTTPS' }, hosts: ['httpbin.org'], tls: { mode: 'ISTIO_MUTUAL' } });
    expect(find('VirtualService', 'httpbin-egress-gateway').spec.http[0].route).toStrictEqual([{ destination: { host: 'httpbin.org', port: { number: 443 } } }]);
    expect(find('DestinationRule', 'httpbin-tls-origination').spec).toStrictEqual({
      exportTo: ['istio-system'],
      host: 'httpbin.org',
      trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: 'httpbin.org', subjectAltNames: ['httpbin.org'] } }] },
    });
  });

  test('only the mesh legs list mesh', () => {
    const vss = egress.filter((o: any) => o.kind === 'VirtualService');
    expect(vss.filter((v: any) => v.spec.gateways.includes('mesh')).map((v: any) => v.metadata.name).sort()).toStrictEqual(['cnn-mesh', 'httpbin-mesh']);
    for (const v of vss) expect(v.spec.gateways).toHaveLength(1);
  });

  test('synthesizes without error findings', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
