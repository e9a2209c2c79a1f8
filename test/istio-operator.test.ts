import { ApiObject, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { EgressGateway, EgressProtocol, GatewayRole, GatewayServiceType, IngressGateway, IstioOperator, IstioProfile, OutboundTrafficPolicyMode } from '../src';
import { IstioGatewaysError } from '../src/errors';
import { fcParams } from './util/property';

const synthIop = (iop: IstioOperator) => {
  const out = Testing.synth(iop);
  expect(out).toHaveLength(1);
  return out[0];
};

describe('IstioOperator', () => {
  test('control plane: REGISTRY_ONLY, access log, gateway cluster filter, egress gateway enabled', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'istio-install', {
      name: 'control-plane',
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
      accessLogFile: '/dev/stdout',
      filterGatewayClusterConfig: true,
    });
    const egress = iop.enableEgressGateway('egress');
    const obj = synthIop(iop);
    expect(obj.apiVersion).toBe('install.istio.io/v1alpha1');
    expect(obj.kind).toBe('IstioOperator');
    expect(obj.metadata).toStrictEqual({ name: 'control-plane', namespace: 'istio-system' });
    expect(obj.spec).toStrictEqual({
      profile: 'default',
      meshConfig: { accessLogFile: '/dev/stdout', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
      values: { pilot: { env: { PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: 'true' } } },
      components: { egressGateways: [{ name: 'istio-egressgateway', enabled: true }] },
    });
    expect(egress.role).toBe(GatewayRole.EGRESS);
    expect(egress.selector).toStrictEqual({ istio: 'egressgateway' });
    expect(egress.serviceFqdn).toBe('istio-egressgateway.istio-system.svc.cluster.local');
    expect(egress.ports).toStrictEqual([{ port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }]);
  });

  test('default ingress with its own ports keeps the status port 15021', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'istio-install', { name: 'control-plane' });
    const ingress = iop.enableIngressGateway('ingress', { ports: [{ port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }, { port: 31400, name: 'tcp' }] });
    expect(synthIop(iop).spec.components).toStrictEqual({
      ingressGateways: [{
        name: 'istio-ingressgateway',
        enabled: true,
        k8s: {
          service: {
            ports: [
              { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
              { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
              { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
              { name: 'tcp', port: 31400, targetPort: 31400, protocol: 'TCP' },
            ],
          },
        },
      }],
    });
    expect(ingress.ports.map((p) => p.port)).toStrictEqual([80, 443, 15021, 31400]);
    expect(ingress.exposePort(31400)).toBe(true);
  });

  test('demo profile default ingress exposes 31400 and 15443', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'istio-install', { name: 'demo', profile: IstioProfile.DEMO });
    const ingress = iop.enableIngressGateway('ingress');
    expect(ingress.ports.map((p) => p.port)).toStrictEqual([80, 443, 15021, 15443, 31400]);
    expect(synthIop(iop).spec.components).toStrictEqual({ ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }] });
  });

  test('gateway-only install (profile empty) with an extra ingress gateway', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'my-user-gateway-install', { name: 'my-user-gateway-install', profile: IstioProfile.EMPTY });
    const gw = iop.addIngressGateway('gw', { name: 'my-user-gateway', namespace: 'istioinaction', ports: [{ name: 'tcp', port: 30007, targetPort: 31400 }] });
    expect(synthIop(iop).spec).toStrictEqual({
      profile: 'empty',
      components: {
        ingressGateways: [{
          name: 'my-user-gateway',
          namespace: 'istioinaction',
          enabled: true,
          label: { istio: 'my-user-gateway' },
          k8s: {
            service: {
              ports: [
                { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
                { name: 'tcp', port: 30007, targetPort: 31400, protocol: 'TCP' },
              ],
            },
          },
        }],
      },
    });
    expect(gw.selector).toStrictEqual({ istio: 'my-user-gateway' });
    expect(gw.namespace).toBe('istioinaction');
    expect(gw.serviceName).toBe('my-user-gateway');
    expect(gw.role).toBe(GatewayRole.INGRESS);
  });

  test('extra egress gateway with label, service type, runAsRoot and revision', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'install', { name: 'control-plane', revision: 'canary', gatewaysRunAsRoot: true });
    const eg = iop.addEgressGateway('eg', { name: 'team-egress', label: { istio: 'team-egress', team: 'a' }, serviceType: GatewayServiceType.CLUSTER_IP, ports: [{ port: 443, targetPort: 443 }] });
    expect(synthIop(iop).spec).toStrictEqual({
      profile: 'default',
      revision: 'canary',
      values: { gateways: { 'istio-egressgateway': { runAsRoot: true }, 'istio-ingressgateway': { runAsRoot: true } } },
      components: {
        egressGateways: [{
          name: 'team-egress',
          namespace: 'istio-system',
          enabled: true,
          label: { istio: 'team-egress', team: 'a' },
          k8s: { service: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, targetPort: 443, protocol: 'TCP' }] } },
        }],
      },
    });
    expect(eg.role).toBe(GatewayRole.EGRESS);
  });

  test('the returned workloads bind Gateways', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'install', { name: 'control-plane', outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY });
    const egress = iop.enableEgressGateway('egress');
    const { Chart } = jest.requireActual('cdk8s');
    const chart = new Chart(app, 'egress', { namespace: 'default' });
    const gw = new EgressGateway(chart, 'gw', { workload: egress, name: 'istio-egressgateway' });
    gw.addRoute('cnn', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS });
    expect(() => app.synth()).not.toThrow();
    expect(() => new IngressGateway(chart, 'x', { workload: egress })).toThrow(/cannot serve ingress traffic/);
  });

  test('synth fails when another object is added to the IstioOperator chart', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'install', { name: 'control-plane' });
    new ApiObject(iop, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(() => app.synth()).toThrow(/install\/cm: an IstioOperator chart holds only the IstioOperator \(an istioctl install -f input that Argo CD cannot apply\); move this object to another chart/);
  });

  test('snapshot', () => {
    const app = Testing.app();
    const iop = new IstioOperator(app, 'install', { name: 'control-plane', outboundTrafficPolicy: OutboundTrafficPolicyMode.ALLOW_ANY, accessLogFile: '/dev/stdout' });
    iop.enableIngressGateway('in');
    iop.addIngressGateway('user', { name: 'my-user-gateway', ports: [{ port: 30007, targetPort: 31400, name: 'tcp' }] });
    expect(Testing.synth(iop)).toMatchSnapshot();
  });

  describe('errors', () => {
    const make = (props: Partial<ConstructorParameters<typeof IstioOperator>[2]> = {}) =>
      new IstioOperator(Testing.app(), 'install', { name: 'control-plane', ...props });
    test('missing name', () => {
      expect(() => make({ name: '' })).toThrow(/name: an IstioOperator needs a distinct metadata.name \(e.g. "control-plane"\), or istioctl install prunes the objects of other unnamed installs \(IOP-OWN-001\)/);
    });
    test('invalid name', () => {
      expect(() => make({ name: 'Control_Plane' })).toThrow(/name: "Control_Plane" is not a DNS-1123 label/);
    });
    test('unknown profile', () => {
      expect(() => make({ profile: 'ambient' as IstioProfile })).toThrow(/profile: "ambient" is not an IstioProfile/);
    });
    test('unknown outbound mode', () => {
      expect(() => make({ outboundTrafficPolicy: 'DENY' as OutboundTrafficPolicyMode })).toThrow(/outboundTrafficPolicy: "DENY" is not a mode; use OutboundTrafficPolicyMode.ALLOW_ANY or REGISTRY_ONLY/);
    });
    test('empty accessLogFile', () => {
      expect(() => make({ accessLogFile: '' })).toThrow(/accessLogFile: "" turns access logs off/);
    });
    test('meshConfig in a profile empty install', () => {
      expect(() => make({ profile: IstioProfile.EMPTY, accessLogFile: '/dev/stdout' })).toThrow(/accessLogFile: is mesh \(istiod\) settings|accessLogFile: is a mesh/);
    });
    test('several mesh settings in a profile empty install', () => {
      const props = { profile: IstioProfile.EMPTY, outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY, filterGatewayClusterConfig: true };
      expect(() => make(props))
        .toThrow(/outboundTrafficPolicy, filterGatewayClusterConfig: are mesh \(istiod\) settings, which a profile "empty" install ignores because it deploys no istiod \(IOP-MESH-001\); set them on the control plane's IstioOperator/);
    });
    test('default gateway in a profile empty install', () => {
      expect(() => make({ profile: IstioProfile.EMPTY }).enableIngressGateway('in')).toThrow(/istio-ingressgateway: a profile "empty" install must not enable the control plane's istio-ingressgateway/);
    });
    test('default gateway enabled twice', () => {
      const iop = make();
      iop.enableEgressGateway('a');
      expect(() => iop.enableEgressGateway('b')).toThrow(/istio-egressgateway: is already enabled in this IstioOperator/);
    });
    test('extra gateway named like the control plane gateway', () => {
      expect(() => make().addIngressGateway('g', { name: 'istio-ingressgateway' })).toThrow(/name: "istio-ingressgateway" is the control plane's gateway; give the extra gateway its own name, e.g. "my-user-gateway" \(IOP-NAME-001\)/);
    });
    test('two extra gateways with one name', () => {
      const iop = make();
      iop.addIngressGateway('a', { name: 'gw-a' });
      expect(() => iop.addEgressGateway('b', { name: 'gw-a', label: { istio: 'other' } })).toThrow(/name: "gw-a" is already a gateway of this IstioOperator; gateway names must be unique \(IOP-NAME-001\)/);
    });
    test('label equal to the default gateway label', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', label: { istio: 'ingressgateway' } })).toThrow(/my-gw.label: istio: "ingressgateway" is the default gateway's label, so Gateways for either gateway would select both; use a distinct value, e.g. istio: "my-gw" \(IOP-LBL-001\)/);
    });
    test('label without istio', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', label: { app: 'my-gw' } })).toThrow(/my-gw.label: \{"app":"my-gw"\} has no "istio" label, so the pods keep "istio: ingressgateway"/);
    });
    test('istio label used twice', () => {
      const iop = make();
      iop.addIngressGateway('a', { name: 'gw-a', label: { istio: 'shared' } });
      expect(() => iop.addIngressGateway('b', { name: 'gw-b', label: { istio: 'shared' } })).toThrow(/gw-b.label: istio: "shared" is already the label of gateway "gw-a"/);
    });
    test('invalid label value', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', label: { istio: 'my gw' } })).toThrow(/my-gw.label: "istio: my gw" is not a valid label value/);
    });
    test('privileged targetPort without runAsRoot', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', ports: [{ port: 80 }] })).toThrow(/my-gw.ports\[0\].targetPort: 80 is below 1024, where the unprivileged gateway pods cannot listen \(IOP-PORT-002\); use a targetPort ≥ 1024 \(e.g. 80 → 8080\) or set gatewaysRunAsRoot: true/);
    });
    test('port out of range', () => {
      expect(() => make().enableIngressGateway('g', { ports: [{ port: 70000, targetPort: 8080 }] })).toThrow(/istio-ingressgateway.ports\[0\].port: port 70000 is out of range/);
    });
    test('empty ports', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', ports: [] })).toThrow(/my-gw.ports: an empty list would leave the gateway Service without ports/);
    });
    test('duplicate port', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', ports: [{ port: 8080 }, { port: 8080, name: 'b' }] })).toThrow(/my-gw.ports\[1\]: port 8080 is listed twice/);
    });
    test('duplicate port name', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', ports: [{ port: 8080, name: 'a' }, { port: 8443, name: 'a' }] })).toThrow(/my-gw.ports\[1\].name: "a" is used by two ports/);
    });
    test('status-port name on another port', () => {
      expect(() => make().addIngressGateway('g', { name: 'my-gw', ports: [{ port: 8080, name: 'status-port' }] })).toThrow(/my-gw.ports: the name "status-port" is reserved for port 15021/);
    });
    test('errors are IstioGatewaysError', () => {
      expect(() => make({ name: '' })).toThrow(IstioGatewaysError);
    });
  });

  test('property: port lists always keep 15021 on ingress, reject privileged targetPorts, sort by port', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 15021), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 65535 }),
      fc.boolean(),
      (ports, target, runAsRoot) => {
        const iop = new IstioOperator(Testing.app(), 'install', { name: 'cp', gatewaysRunAsRoot: runAsRoot });
        const list = ports.map((port, i) => ({ port, targetPort: i === 0 ? target : 20000 + i }));
        if (target < 1024 && !runAsRoot) {
          expect(() => iop.addIngressGateway('g', { name: 'gw', ports: list })).toThrow(/IOP-PORT-002/);
          return;
        }
        const wl = iop.addIngressGateway('g', { name: 'gw', ports: list });
        const rendered = synthIop(iop).spec.components.ingressGateways[0].k8s.service.ports.map((p: any) => p.port);
        const expected = [...ports, 15021].sort((a, b) => a - b);
        expect(rendered).toStrictEqual(expected);
        expect(wl.ports.map((p) => p.port)).toStrictEqual(expected);
      }), fcParams(40));
  });

  test('property: mesh settings are accepted with every profile but empty', () => {
    const profiles = fc.constantFrom(...Object.values(IstioProfile));
    fc.assert(fc.property(profiles, fc.constantFrom(...Object.values(OutboundTrafficPolicyMode)), (profile, mode) => {
      const build = () => new IstioOperator(Testing.app(), 'i', { name: 'cp', profile, outboundTrafficPolicy: mode });
      if (profile === IstioProfile.EMPTY) expect(build).toThrow(/IOP-MESH-001/);
      else expect(synthIop(build()).spec.meshConfig).toStrictEqual({ outboundTrafficPolicy: { mode } });
    }), fcParams(100));
  });
});
