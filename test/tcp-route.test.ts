import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Destination, GatewayProtocol, GatewayWorkload, IngressGateway, TcpRoute } from '../src';
import { IstioGatewaysError } from '../src/errors';
import { fcParams } from './util/property';

function setup(extraPort?: number, namespace = 'istioinaction') {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace });
  const workload = GatewayWorkload.fromInstalled(chart, 'ingress', {
    selector: { istio: 'ingressgateway' },
    namespace: 'istio-system',
    serviceName: 'istio-ingressgateway',
    ports: [{ port: 15021, name: 'status-port' }, { port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }, { port: 31400, name: 'tcp' }, ...(extraPort !== undefined && ![15021, 80, 443, 31400].includes(extraPort) ? [{ port: extraPort }] : [])],
  });
  const gateway = new IngressGateway(chart, 'gw', { workload, name: 'echo-tcp-gateway' });
  return { app, chart, workload, gateway };
}

const byKind = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('TcpRoute', () => {
  test('adds a TCP server and a VirtualService tcp route matching the port', () => {
    const { chart, gateway } = setup();
    const route = gateway.addTcpRoute('echo', { port: 31400, destination: Destination.service('tcp-echo-service', 2701), name: 'tcp-echo-vs-from-gw' });
    const out = Testing.synth(chart);
    const [gw] = byKind(out, 'Gateway');
    expect(gw.spec).toStrictEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 31400, name: 'tcp-31400', protocol: 'TCP' }, hosts: ['*'] }],
    });
    const [vs] = byKind(out, 'VirtualService');
    expect(vs.metadata).toStrictEqual({ name: 'tcp-echo-vs-from-gw', namespace: 'istioinaction' });
    expect(vs.spec).toStrictEqual({
      hosts: ['*'],
      gateways: ['istioinaction/echo-tcp-gateway'],
      tcp: [{ match: [{ port: 31400 }], route: [{ destination: { host: 'tcp-echo-service.istioinaction.svc.cluster.local', port: { number: 2701 } } }] }],
    });
    expect(route.server).toStrictEqual({ port: 31400, protocol: 'TCP', portName: 'tcp-31400', hosts: ['*'] });
    expect(route.name).toBe('tcp-echo-vs-from-gw');
  });

  test('explicit hosts restrict the server and the VirtualService', () => {
    const { chart, gateway } = setup();
    new TcpRoute(chart, 'db', { gateway, port: 31400, hosts: ['db.example.com'], destination: Destination.service('db', 5432, { namespace: 'data' }) });
    const out = Testing.synth(chart);
    expect(byKind(out, 'Gateway')[0].spec.servers[0].hosts).toStrictEqual(['db.example.com']);
    const vs = byKind(out, 'VirtualService')[0];
    expect(vs.spec.hosts).toStrictEqual(['db.example.com']);
    expect(vs.spec.tcp[0].route[0].destination.host).toBe('db.data.svc.cluster.local');
  });

  test('a subset with labels emits a DestinationRule', () => {
    const { chart, gateway } = setup();
    const route = gateway.addTcpRoute('echo', { port: 31400, destination: Destination.service('tcp-echo', 9000, { subset: 'v1', subsetLabels: { version: 'v1' } }) });
    const out = Testing.synth(chart);
    expect(route.destinationRule).toBeDefined();
    expect(byKind(out, 'DestinationRule')[0].spec).toStrictEqual({
      host: 'tcp-echo.istioinaction.svc.cluster.local',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    });
    expect(byKind(out, 'VirtualService')[0].spec.tcp[0].route[0].destination.subset).toBe('v1');
  });

  test('a deployed-style workload is asked to expose the port', () => {
    const { chart, gateway } = setup(30007);
    const spy = jest.spyOn(gateway.workload, 'exposePort');
    gateway.addTcpRoute('echo', { port: 30007, targetPort: 31400, destination: Destination.service('tcp-echo-service', 2701) });
    expect(spy).toHaveBeenCalledWith(30007, 31400);
    void chart;
  });

  test('a workload deployed by the library gets the port on its Service', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart', { namespace: 'istioinaction' });
    const workload = new GatewayWorkload(chart, 'wl', { label: 'my-user-gateway', namespace: 'istioinaction' });
    const gateway = new IngressGateway(chart, 'gw', { workload, name: 'echo' });
    gateway.addTcpRoute('echo', { port: 30007, targetPort: 31400, destination: Destination.service('tcp-echo-service', 2701) });
    const svc = byKind(Testing.synth(chart), 'Service')[0];
    expect(svc.spec.ports).toContainEqual(expect.objectContaining({ port: 30007, targetPort: 31400 }));
    expect(workload.ports.map((p) => p.port)).toContain(30007);
  });

  test('snapshot', () => {
    const { chart, gateway } = setup();
    gateway.addTcpRoute('echo', { port: 31400, destination: Destination.service('tcp-echo-service', 2701) });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('errors', () => {
    test('port out of range', () => {
      const { gateway } = setup();
      expect(() => gateway.addTcpRoute('x', { port: 70000, destination: Destination.service('a', 1) })).toThrow(/port: port 70000 is out of range; use an integer from 1 to 65535/);
    });
    test('targetPort out of range', () => {
      const { gateway } = setup();
      expect(() => gateway.addTcpRoute('x', { port: 31400, targetPort: 0, destination: Destination.service('a', 1) })).toThrow(/targetPort: port 0 is out of range/);
    });
    test('TCP on a port that has an HTTP server', () => {
      const { gateway } = setup();
      gateway.addServer({ port: 80, protocol: GatewayProtocol.HTTP, hosts: ['web.example.com'] });
      expect(() => gateway.addTcpRoute('x', { port: 80, destination: Destination.service('a', 1) })).toThrow(/^\[chart\/gw\/x\] port 80 of gateway istioinaction\/echo-tcp-gateway \(chart\/gw\): a TCP server cannot share the port with the HTTP server "http-80"; use another port$/);
    });
    test('two TCP routes on one port', () => {
      const { gateway } = setup();
      gateway.addTcpRoute('a', { port: 31400, destination: Destination.service('a', 1) });
      expect(() => gateway.addTcpRoute('b', { port: 31400, destination: Destination.service('b', 1) })).toThrow(/Envoy cannot tell two TCP servers on one port apart/);
    });
    test('missing destination', () => {
      const { gateway } = setup();
      expect(() => gateway.addTcpRoute('x', { port: 31400 } as any)).toThrow(/destination: a TCP route needs a destination/);
    });
    test('bad destination name', () => {
      const { gateway } = setup();
      expect(() => gateway.addTcpRoute('x', { port: 31400, destination: Destination.service('Bad_Name', 1) })).toThrow(/destination: service name "Bad_Name" is not a DNS-1123 label/);
    });
    test('bad VirtualService name', () => {
      const { gateway } = setup();
      expect(() => gateway.addTcpRoute('x', { port: 31400, name: 'Echo', destination: Destination.service('a', 1) })).toThrow(/name: "Echo" is not a DNS-1123 label/);
    });
    test('errors are IstioGatewaysError', () => {
      const { gateway } = setup();
      expect(() => gateway.addTcpRoute('x', { port: -1, destination: Destination.service('a', 1) })).toThrow(IstioGatewaysError);
    });
  });

  test('property: any valid port and service renders a matching server and tcp route', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 1, max: 65535 }),
      fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/),
      (port, destPort, svc) => {
        const { chart, gateway } = setup(port);
        gateway.addTcpRoute('r', { port, destination: Destination.service(svc, destPort) });
        const out = Testing.synth(chart);
        const server = byKind(out, 'Gateway')[0].spec.servers[0];
        const vs = byKind(out, 'VirtualService')[0];
        expect(server.port).toStrictEqual({ number: port, name: `tcp-${port}`, protocol: 'TCP' });
        expect(vs.spec.tcp).toStrictEqual([{ match: [{ port }], route: [{ destination: { host: `${svc}.istioinaction.svc.cluster.local`, port: { number: destPort } } }] }]);
      }), fcParams(40));
  });

  test('property: out-of-range ports always throw IstioGatewaysError', () => {
    const bad = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1.1, max: 100, noInteger: true }));
    fc.assert(fc.property(bad, (port) => {
      const { gateway } = setup();
      expect(() => gateway.addTcpRoute('r', { port, destination: Destination.service('a', 1) })).toThrow(IstioGatewaysError);
    }), fcParams(40));
  });
});
