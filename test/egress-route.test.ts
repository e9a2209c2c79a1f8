import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Checks, EgressGateway, EgressProtocol, EgressRoute, EgressRouteOptions, GatewayWorkload } from '../src';
import { IstioGatewaysError } from '../src/errors';
import { fcParams } from './util/property';

const EGRESS_FQDN = 'istio-egressgateway.istio-system.svc.cluster.local';

function setup() {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace: 'default' });
  const egress = GatewayWorkload.istioEgressGateway(chart, 'egress');
  const gateway = new EgressGateway(chart, 'gw', { workload: egress, name: 'istio-egressgateway' });
  return { app, chart, gateway };
}
const byKind = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);
const named = (manifests: any[], name: string) => manifests.find((m) => m.metadata.name === name);

describe('EgressRoute', () => {
  test('TLS passthrough: ServiceEntry, PASSTHROUGH server, mesh and gateway legs, subset with maxConnections', () => {
    const { chart, gateway } = setup();
    const route = new EgressRoute(chart, 'cnn', { gateway, host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, name: 'cnn', subsetName: 'cnn', maxConnections: 1 });
    const out = Testing.synth(chart);
    expect(named(out, 'cnn').spec).toStrictEqual({
      hosts: ['edition.cnn.com'],
      location: 'MESH_EXTERNAL',
      ports: [{ name: 'tls', number: 443, protocol: 'TLS' }],
      resolution: 'DNS',
    });
    expect(byKind(out, 'Gateway')[0].spec.servers).toStrictEqual([
      { port: { number: 443, name: 'tls-edition-cnn-com', protocol: 'TLS' }, hosts: ['edition.cnn.com'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    expect(named(out, 'cnn-mesh').spec).toStrictEqual({
      hosts: ['edition.cnn.com'],
      gateways: ['mesh'],
      tls: [{
        match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }],
        route: [{ destination: { host: EGRESS_FQDN, subset: 'cnn', port: { number: 443 } } }],
      }],
    });
    expect(named(out, 'cnn-egress-gateway').spec).toStrictEqual({
      hosts: ['edition.cnn.com'],
      gateways: ['default/istio-egressgateway'],
      tls: [{
        match: [{ gateways: ['default/istio-egressgateway'], port: 443, sniHosts: ['edition.cnn.com'] }],
        route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }],
      }],
    });
    expect(byKind(out, 'DestinationRule').map((d) => d.spec)).toStrictEqual([
      { host: EGRESS_FQDN, subsets: [{ name: 'cnn', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } } }] },
    ]);
    expect(route.tlsOriginationRule).toBeUndefined();
    expect(route.subsetName).toBe('cnn');
  });

  test('plain HTTP through the egress gateway on port 80', () => {
    const { chart, gateway } = setup();
    gateway.addRoute('cnn', { host: 'edition.cnn.com', port: 80, protocol: EgressProtocol.HTTP, name: 'cnn' });
    const out = Testing.synth(chart);
    expect(named(out, 'cnn').spec.ports).toStrictEqual([{ name: 'http', number: 80, protocol: 'HTTP' }]);
    expect(byKind(out, 'Gateway')[0].spec.servers).toStrictEqual([{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['edition.cnn.com'] }]);
    expect(named(out, 'cnn-mesh').spec.http).toStrictEqual([{
      match: [{ gateways: ['mesh'], port: 80 }],
      route: [{ destination: { host: EGRESS_FQDN, subset: 'edition-cnn-com', port: { number: 80 } } }],
    }]);
    expect(named(out, 'cnn-egress-gateway').spec.http).toStrictEqual([{
      match: [{ gateways: ['default/istio-egressgateway'], port: 80 }],
      route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } } }],
    }]);
  });

  test('TLS origination with ISTIO_MUTUAL to the gateway (Istio task field values)', () => {
    const { chart, gateway } = setup();
    const route = gateway.addRoute('cnn', { host: 'edition.cnn.com', port: 80, protocol: EgressProtocol.TLS_ORIGINATION, mutualTlsToGateway: true, name: 'cnn', subsetName: 'cnn' });
    const out = Testing.synth(chart);
    expect(named(out, 'cnn').spec.ports).toStrictEqual([{ name: 'http', number: 80, protocol: 'HTTP' }, { name: 'https', number: 443, protocol: 'HTTPS' }]);
    expect(byKind(out, 'Gateway')[0].spec.servers).toStrictEqual([
      { port: { number: 80, name: 'https-edition-cnn-com', protocol: 'HTTPS' }, hosts: ['edition.cnn.com'], tls: { mode: 'ISTIO_MUTUAL' } },
    ]);
    const gwDr = byKind(out, 'DestinationRule').find((d) => d.spec.host === EGRESS_FQDN);
    expect(gwDr.spec.subsets).toStrictEqual([{ name: 'cnn', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } }] } }]);
    expect(named(out, 'cnn-mesh').spec.http[0].route).toStrictEqual([{ destination: { host: EGRESS_FQDN, subset: 'cnn', port: { number: 80 } } }]);
    expect(named(out, 'cnn-egress-gateway').spec.http).toStrictEqual([{
      match: [{ gateways: ['default/istio-egressgateway'], port: 80 }],
      route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }],
    }]);
    expect(named(out, 'cnn-tls-origination').spec).toStrictEqual({
      host: 'edition.cnn.com',
      trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: 'edition.cnn.com', subjectAltNames: ['edition.cnn.com'] } }] },
    });
    expect(route.tlsOriginationRule).toBeDefined();
  });

  test('TLS origination without mutual TLS, custom CA and origination port', () => {
    const { chart, gateway } = setup();
    gateway.addRoute('api', { host: 'api.example.com', port: 80, protocol: EgressProtocol.TLS_ORIGINATION, originationPort: 8443, caCertificates: '/etc/certs/ca.pem', name: 'api' });
    const out = Testing.synth(chart);
    expect(byKind(out, 'Gateway')[0].spec.servers).toStrictEqual([{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['api.example.com'] }]);
    expect(named(out, 'api-tls-origination').spec.trafficPolicy.portLevelSettings).toStrictEqual([
      { port: { number: 8443 }, tls: { mode: 'SIMPLE', sni: 'api.example.com', caCertificates: '/etc/certs/ca.pem', subjectAltNames: ['api.example.com'] } },
    ]);
    expect(byKind(out, 'DestinationRule').find((d) => d.spec.host === EGRESS_FQDN).spec.subsets).toStrictEqual([{ name: 'api-example-com' }]);
  });

  test('clientNamespaces narrows exportTo of every object', () => {
    const { chart, gateway } = setup();
    gateway.addRoute('cnn', { host: 'edition.cnn.com', port: 80, protocol: EgressProtocol.TLS_ORIGINATION, name: 'cnn', clientNamespaces: ['shop', 'default'] });
    const out = Testing.synth(chart);
    expect(named(out, 'cnn').spec.exportTo).toStrictEqual(['default', 'istio-system', 'shop']);
    expect(named(out, 'cnn-mesh').spec.exportTo).toStrictEqual(['default', 'shop']);
    expect(named(out, 'cnn-egress-gateway').spec.exportTo).toStrictEqual(['istio-system']);
    expect(named(out, 'cnn-tls-origination').spec.exportTo).toStrictEqual(['istio-system']);
    expect(byKind(out, 'DestinationRule').find((d) => d.spec.host === EGRESS_FQDN).spec.exportTo).toStrictEqual(['default', 'shop']);
  });

  test('clients in another namespace than the route: the ServiceEntry is exported to the route\'s own namespace too, no findings', () => {
    // the gateway-leg VirtualService and the TLS origination DestinationRule live in the route's namespace (shop) and
    // name the host; before, the ServiceEntry was exported to the clients and the gateway only (VSX-DEST-001, DRX-HOST-001)
    const app = Testing.app();
    const platform = new Chart(app, 'platform', { namespace: 'istio-system' });
    const gw = new EgressGateway(platform, 'gw', { workload: GatewayWorkload.istioEgressGateway(platform, 'egress'), name: 'egress' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new EgressRoute(shop, 'cnn', { gateway: gw, host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, clientNamespaces: ['web'], name: 'cnn' });
    new EgressRoute(shop, 'httpbin', { gateway: gw, host: 'httpbin.org', port: 80, protocol: EgressProtocol.TLS_ORIGINATION, mutualTlsToGateway: true, clientNamespaces: ['web'], name: 'httpbin' });
    const out = Testing.synth(shop);
    expect(named(out, 'cnn').spec.exportTo).toStrictEqual(['istio-system', 'shop', 'web']);
    expect(named(out, 'httpbin').spec.exportTo).toStrictEqual(['istio-system', 'shop', 'web']);
    expect(Checks.findings(app).filter((f) => f.severity === 'error')).toStrictEqual([]);
  });

  test('snapshot', () => {
    const { chart, gateway } = setup();
    gateway.addRoute('cnn', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, maxConnections: 1 });
    gateway.addRoute('httpbin', { host: 'httpbin.org', port: 80, protocol: EgressProtocol.TLS_ORIGINATION, mutualTlsToGateway: true });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('errors', () => {
    const base: EgressRouteOptions = { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS };
    const attempt = (o: Partial<Record<keyof EgressRouteOptions, unknown>>) => {
      const { gateway } = setup();
      return () => gateway.addRoute('r', { ...base, ...o } as EgressRouteOptions);
    };
    test('IP host with resolution DNS', () => {
      expect(attempt({ host: '151.101.1.67' })).toThrow(/host: "151.101.1.67" is an IP address, which resolution DNS cannot resolve and TLS clients do not send as SNI; use the host's DNS name/);
    });
    test('wildcard host', () => {
      expect(attempt({ host: '*.cnn.com' })).toThrow(/host: "\*.cnn.com" is a wildcard, which resolution DNS cannot resolve; route each concrete host/);
    });
    test('short host', () => {
      expect(attempt({ host: 'cnn' })).toThrow(/host: "cnn" is a short name; an external host needs a fully qualified domain name such as cnn.com/);
    });
    test('invalid host', () => {
      expect(attempt({ host: 'foo*.cnn.com' })).toThrow(/host: "foo\*.cnn.com" has a partial wildcard/);
    });
    test('missing host', () => {
      expect(attempt({ host: undefined })).toThrow(/host: an egress route needs the external host name/);
    });
    test('no port', () => {
      expect(attempt({ port: undefined })).toThrow(/port: an egress route needs the port the application connects to, e.g. port: 443 for TLS or port: 80 for plain HTTP/);
    });
    test('port out of range', () => {
      expect(attempt({ port: 65536 })).toThrow(/port: port 65536 is out of range; use an integer from 1 to 65535/);
    });
    test('gatewayPort out of range', () => {
      expect(attempt({ gatewayPort: 0 })).toThrow(/gatewayPort: port 0 is out of range/);
    });
    test('unknown protocol', () => {
      expect(attempt({ protocol: 'HTTPS' })).toThrow(/protocol: HTTPS is not an egress protocol; use EgressProtocol.TLS, EgressProtocol.HTTP or EgressProtocol.TLS_ORIGINATION/);
    });
    test('mutual TLS with TLS passthrough', () => {
      expect(attempt({ mutualTlsToGateway: true })).toThrow(/mutualTlsToGateway: true does not apply to EgressProtocol.TLS/);
    });
    test('origination options without origination', () => {
      expect(attempt({ caCertificates: '/ca.pem' })).toThrow(/caCertificates: only applies to EgressProtocol.TLS_ORIGINATION, not TLS; remove it or use TLS_ORIGINATION/);
    });
    test('origination port equals app port', () => {
      expect(attempt({ protocol: EgressProtocol.TLS_ORIGINATION, port: 443 })).toThrow(/originationPort: 443 equals port 443; the application's plain HTTP port and the host's TLS port must differ/);
    });
    test('maxConnections not positive', () => {
      expect(attempt({ maxConnections: 0 })).toThrow(/maxConnections: 0 must be a positive integer, e.g. 1/);
    });
    test('empty clientNamespaces', () => {
      expect(attempt({ clientNamespaces: [] })).toThrow(/clientNamespaces: an empty list would hide the route from every application/);
    });
    test('bad client namespace', () => {
      expect(attempt({ clientNamespaces: ['Shop'] })).toThrow(/clientNamespaces\[0\]: "Shop" is not a DNS-1123 label/);
    });
    test('bad subset name', () => {
      expect(attempt({ subsetName: 'CNN' })).toThrow(/subsetName: "CNN" is not a DNS-1123 label/);
    });
    test('TLS host on an egress port that already has an HTTP server', () => {
      const { gateway } = setup();
      gateway.addRoute('a', { host: 'a.example.com', port: 80, protocol: EgressProtocol.HTTP });
      expect(() => gateway.addRoute('b', { host: 'b.example.com', port: 443, protocol: EgressProtocol.TLS, gatewayPort: 80 }))
        .toThrow(/^\[chart\/gw\/b\] port 80 of gateway default\/istio-egressgateway \(chart\/gw\): a TLS server cannot share the port with the HTTP server "http-80", added by chart\/gw\/a; use another port$/);
    });
  });

  const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
  test('property: every protocol x port x host yields SE + 2 VSs (only the mesh leg lists mesh) + subset', () => {
    fc.assert(fc.property(
      fc.constantFrom(EgressProtocol.TLS, EgressProtocol.HTTP, EgressProtocol.TLS_ORIGINATION),
      fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 443),
      fc.tuple(label, label).map(([a, b]) => `${a}.${b}.com`),
      fc.boolean(),
      (protocol, port, host, mutual) => {
        const { chart, gateway } = setup();
        const mutualTlsToGateway = protocol !== EgressProtocol.TLS && mutual;
        gateway.addRoute('r', { host, port, protocol, mutualTlsToGateway, name: 'r' });
        const out = Testing.synth(chart);
        const se = named(out, 'r');
        expect(se.spec.hosts).toStrictEqual([host]);
        expect(se.spec.resolution).toBe('DNS');
        expect(se.spec.location).toBe('MESH_EXTERNAL');
        expect(se.spec.ports[0].number === port || se.spec.ports[1].number === port).toBe(true);
        const mesh = named(out, 'r-mesh');
        const leg = named(out, 'r-egress-gateway');
        expect(mesh.spec.gateways).toStrictEqual(['mesh']);
        expect(leg.spec.gateways).toStrictEqual(['default/istio-egressgateway']);
        const kind = protocol === EgressProtocol.TLS ? 'tls' : 'http';
        expect(mesh.spec[kind][0].match[0].port).toBe(port);
        expect(mesh.spec[kind][0].route[0].destination.host).toBe(EGRESS_FQDN);
        const gatewayPort = protocol === EgressProtocol.TLS ? 443 : 80;
        expect(mesh.spec[kind][0].route[0].destination.port).toStrictEqual({ number: gatewayPort });
        expect(leg.spec[kind][0].match[0]).toMatchObject({ gateways: ['default/istio-egressgateway'], port: gatewayPort });
        const externalPort = protocol === EgressProtocol.TLS_ORIGINATION ? 443 : port;
        expect(leg.spec[kind][0].route[0].destination).toStrictEqual({ host, port: { number: externalPort } });
        expect(byKind(out, 'DestinationRule').some((d) => d.spec.host === host)).toBe(protocol === EgressProtocol.TLS_ORIGINATION);
      }), fcParams(40));
  });

  test('property: IP hosts always throw', () => {
    fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
      const { gateway } = setup();
      expect(() => gateway.addRoute('r', { host: ip, port: 443, protocol: EgressProtocol.TLS })).toThrow(IstioGatewaysError);
    }), fcParams(30));
  });
});
