import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Credential, Destination, GatewayProtocol, GatewayWorkload, IngressGateway, ServerTls, SniPassthrough } from '../src';
import { IstioGatewaysError } from '../src/errors';
import { fcParams } from './util/property';

function setup(extraPort?: number) {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace: 'istioinaction' });
  const workload = GatewayWorkload.fromInstalled(chart, 'ingress', {
    selector: { istio: 'ingressgateway' },
    namespace: 'istio-system',
    serviceName: 'istio-ingressgateway',
    ports: [{ port: 15021, name: 'status-port' }, { port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }, { port: 31400, name: 'tcp' },
      ...(extraPort !== undefined && ![15021, 80, 443, 31400].includes(extraPort) ? [{ port: extraPort }] : [])],
  });
  const gateway = new IngressGateway(chart, 'gw', { workload, name: 'sni-passthrough-gateway' });
  return { app, chart, gateway };
}
const byKind = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('SniPassthrough', () => {
  test('TLS PASSTHROUGH server and a tls route with sniHosts and port', () => {
    const { chart, gateway } = setup();
    const r = gateway.addSniPassthrough('simple', { port: 31400, sniHosts: ['simple.sni.istioinaction.io'], destination: Destination.service('simple-tls-service-1', 80), name: 'simple-sni-1-vs' });
    const out = Testing.synth(chart);
    expect(byKind(out, 'Gateway')[0].spec.servers).toStrictEqual([
      { port: { number: 31400, name: 'tls-simple-sni-istioinaction-io', protocol: 'TLS' }, hosts: ['simple.sni.istioinaction.io'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    expect(byKind(out, 'VirtualService')[0].spec).toStrictEqual({
      hosts: ['simple.sni.istioinaction.io'],
      gateways: ['istioinaction/sni-passthrough-gateway'],
      tls: [{
        match: [{ port: 31400, sniHosts: ['simple.sni.istioinaction.io'] }],
        route: [{ destination: { host: 'simple-tls-service-1.istioinaction.svc.cluster.local', port: { number: 80 } } }],
      }],
    });
    expect(r.server.protocol).toBe('TLS');
  });

  test('several hosts share one port, one server each (servers sorted), and one VirtualService each', () => {
    const { chart, gateway } = setup();
    gateway.addSniPassthrough('v2', { port: 31400, sniHosts: ['simple-v2.sni.istioinaction.io'], destination: Destination.service('simple-tls-service-2', 80) });
    gateway.addSniPassthrough('v1', { port: 31400, sniHosts: ['simple.sni.istioinaction.io'], destination: Destination.service('simple-tls-service-1', 80) });
    const out = Testing.synth(chart);
    expect(byKind(out, 'Gateway')[0].spec.servers.map((s: any) => [s.port.number, s.port.name, s.hosts])).toStrictEqual([
      [31400, 'tls-simple-sni-istioinaction-io', ['simple.sni.istioinaction.io']],
      [31400, 'tls-simple-v2-sni-istioinaction-io', ['simple-v2.sni.istioinaction.io']],
    ]);
    const routes = byKind(out, 'VirtualService').map((v) => [v.spec.tls[0].match[0].sniHosts, v.spec.tls[0].route[0].destination.host]);
    // documents follow cdk8s's creation order (v2 was created first; README "Determinism")
    expect(routes).toStrictEqual([
      [['simple-v2.sni.istioinaction.io'], 'simple-tls-service-2.istioinaction.svc.cluster.local'],
      [['simple.sni.istioinaction.io'], 'simple-tls-service-1.istioinaction.svc.cluster.local'],
    ]);
  });

  test('defaults to port 443 and can share it with an HTTPS host', () => {
    const { chart, gateway } = setup();
    gateway.addServer({ port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['web.example.com'], tls: ServerTls.simple(Credential.fromSecretName('web-cred')) });
    new SniPassthrough(chart, 'db', { gateway, sniHosts: ['db.example.com', 'db2.example.com'], destination: Destination.service('db', 8443) });
    const out = Testing.synth(chart);
    const passthrough = byKind(out, 'Gateway')[0].spec.servers.find((s: any) => s.tls.mode === 'PASSTHROUGH');
    expect(passthrough).toStrictEqual({ port: { number: 443, name: 'tls-db-example-com', protocol: 'TLS' }, hosts: ['db.example.com', 'db2.example.com'], tls: { mode: 'PASSTHROUGH' } });
    expect(byKind(out, 'VirtualService')[0].spec.tls[0].match).toStrictEqual([{ port: 443, sniHosts: ['db.example.com', 'db2.example.com'] }]);
  });

  test('wildcard SNI host with allowWildcardHosts', () => {
    const { chart, gateway } = setup();
    gateway.addSniPassthrough('w', { port: 31400, sniHosts: ['*.sni.example.com'], allowWildcardHosts: true, destination: Destination.service('w', 443) });
    const out = Testing.synth(chart);
    expect(byKind(out, 'VirtualService')[0].spec.tls[0].match[0].sniHosts).toStrictEqual(['*.sni.example.com']);
  });

  test('snapshot', () => {
    const { chart, gateway } = setup();
    gateway.addSniPassthrough('simple', { port: 31400, sniHosts: ['simple.sni.istioinaction.io'], destination: Destination.service('simple-tls-service-1', 80) });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('errors', () => {
    const dest = Destination.service('a', 443);
    test('empty sniHosts', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { sniHosts: [], destination: dest })).toThrow(/sniHosts: at least one SNI host is required, e.g. \["simple.sni.example.com"\]; for TLS to any host use a TcpRoute/);
    });
    test('"*"', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { sniHosts: ['*'], destination: dest })).toThrow(/sniHosts\[0\]: "\*" matches no SNI name; list the host names, or use a TcpRoute/);
    });
    test('wildcard without opt-in', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { sniHosts: ['a.example.com', '*.example.com'], destination: dest })).toThrow(/sniHosts\[1\]: wildcard "\*.example.com" sends every name under the suffix to one backend; list exact hosts, or set allowWildcardHosts: true/);
    });
    test('partial wildcard', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { sniHosts: ['foo*.example.com'], allowWildcardHosts: true, destination: dest })).toThrow(/sniHosts\[0\]: "foo\*.example.com" has a partial wildcard/);
    });
    test('IP address', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { sniHosts: ['10.0.0.1'], destination: dest })).toThrow(/sniHosts\[0\]: "10.0.0.1" is an IP address, which clients never send as SNI/);
    });
    test('short name', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { sniHosts: ['simple'], destination: dest })).toThrow(/sniHosts\[0\]: "simple" is a short name; use a fully qualified domain name such as simple.example.com/);
    });
    test('port out of range', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { port: 0, sniHosts: ['a.example.com'], destination: dest })).toThrow(/port: port 0 is out of range/);
    });
    test('SNI port that has an HTTP server', () => {
      const { gateway } = setup();
      gateway.addServer({ port: 80, protocol: GatewayProtocol.HTTP, hosts: ['web.example.com'] });
      expect(() => gateway.addSniPassthrough('x', { port: 80, sniHosts: ['a.example.com'], destination: dest })).toThrow(/^\[chart\/gw\/x\] port 80 of gateway [a-z-]+\/[a-z-]+ \(chart\/gw\): a TLS server cannot share the port with the HTTP server "http-80"; use another port$/);
    });
    test('SNI port that has a TCP route', () => {
      const { gateway } = setup();
      gateway.addTcpRoute('t', { port: 31400, destination: dest });
      expect(() => gateway.addSniPassthrough('x', { port: 31400, sniHosts: ['a.example.com'], destination: dest })).toThrow(/port 31400 of gateway .* a TLS server cannot share the port with the TCP server "tcp-31400", added by chart\/gw\/t; use another port/);
    });
    test('same host twice on one port', () => {
      const { gateway } = setup();
      gateway.addSniPassthrough('a', { port: 31400, sniHosts: ['a.example.com'], destination: dest });
      expect(() => gateway.addSniPassthrough('b', { port: 31400, sniHosts: ['a.example.com'], destination: dest })).toThrow(/host "a.example.com" is already served by/);
    });
    test('missing destination', () => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('x', { sniHosts: ['a.example.com'] } as any)).toThrow(/destination: an SNI passthrough route needs the backend that terminates TLS/);
    });
  });

  const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
  test('property: any set of FQDN hosts on any port renders matching server hosts and sniHosts', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 65535 }),
      fc.uniqueArray(fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`), { minLength: 1, maxLength: 4 }),
      (port, hosts) => {
        const { chart, gateway } = setup(port);
        gateway.addSniPassthrough('r', { port, sniHosts: hosts, destination: Destination.service('backend', 443) });
        const out = Testing.synth(chart);
        const sorted = [...hosts].sort();
        expect(byKind(out, 'Gateway')[0].spec.servers[0].hosts).toStrictEqual(sorted);
        const vs = byKind(out, 'VirtualService')[0];
        expect(vs.spec.hosts).toStrictEqual(sorted);
        expect(vs.spec.tls[0].match).toStrictEqual([{ port, sniHosts: sorted }]);
      }), fcParams(30));
  });

  test('property: "*", IPs and short names are always rejected', () => {
    fc.assert(fc.property(fc.oneof(fc.constant('*'), fc.ipV4(), label), (host) => {
      const { gateway } = setup();
      expect(() => gateway.addSniPassthrough('r', { sniHosts: [host], destination: Destination.service('b', 1) })).toThrow(IstioGatewaysError);
    }), fcParams(30));
  });
});
