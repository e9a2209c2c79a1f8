import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { VirtualServiceSpec } from '../imports/networking.istio.io';
import { installChecks } from './check/synth-hook';
import { Destination } from './destination';
import { IstioGatewaysError } from './errors';
import { kubernetesOf } from './gateway-api/gateway';
import { createTcpRoute } from './gateway-api/l4-route';
import { GatewayProtocol, GatewayServerRef, IGateway } from './gateway-base';
import { GatewayRole } from './gateway-workload';
import type { IngressGateway } from './ingress-gateway';
import { validateDnsLabel, validatePort } from './internal/validate';
import { FixedSpec, createSubsetRule, createVirtualService, namespaceFor, routeDestination } from './internal/virtual-service';

/** Options for {@link IngressGateway.addTcpRoute}. */
export interface TcpRouteOptions {
  /**
   * Gateway port: a port of the gateway workload's Service (e.g. 31400). A workload deployed by this library
   * gets the port added to its Service; an installed one must already expose it (the checker reports
   * GWX-PORT-001 otherwise).
   */
  readonly port: number;
  /** Where the TCP connections go, e.g. `Destination.service('tcp-echo-service', 2701)`. */
  readonly destination: Destination;
  /**
   * Container port Envoy listens on for `port`, used when the workload is deployed by this library and the port
   * is added to its Service.
   * @default - same as `port`
   */
  readonly targetPort?: number;
  /**
   * Hosts of the Gateway server and of the VirtualService. Opaque TCP carries no host name, so hosts only decide
   * which VirtualServices may bind to the server; Istio's tcp-echo sample uses `*`, which is the default here.
   * Give FQDNs to keep VirtualServices for other hosts from binding to the port.
   * @default ['*']
   */
  readonly hosts?: string[];
  /**
   * metadata.name of the VirtualService.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the VirtualService (and of the DestinationRule for a destination subset).
   * @default - the chart's namespace, else the Gateway's namespace
   */
  readonly namespace?: string;
}

/** Props of {@link TcpRoute}. */
export interface TcpRouteProps extends TcpRouteOptions {
  /** The Gateway that gets the TCP server: an {@link IngressGateway}, or one imported with `IngressGateway.fromGatewayAttributes`. */
  readonly gateway: IGateway;
}

/**
 * Opaque TCP through an ingress gateway: a `TCP` server on one gateway port and a VirtualService whose `tcp`
 * route matches that port and forwards every connection to one destination.
 *
 * A TCP server owns its whole port: no other server (HTTP, TLS or a second TCP route) may use it on the same
 * Gateway. When the gateway workload is deployed by this library, the port is added to its Service.
 *
 * @example
 * // the istioctl default ingress exposes only 80 and 443: declare the gateway's Service with 31400
 * const workload = GatewayWorkload.helmGateway(chart, 'ingress', { name: 'edge', namespace: 'istio-ingress', extraPorts: [{ port: 31400 }] });
 * const gw = new IngressGateway(chart, 'echo', { workload });
 * new TcpRoute(chart, 'tcp-echo', { gateway: gw, port: 31400, destination: Destination.service('tcp-echo-service', 2701) });
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/tcp-traffic-shifting/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 */
export class TcpRoute extends Construct {
  /** The server added to the Gateway. */
  public readonly server: GatewayServerRef;
  /** metadata.name of the VirtualService. */
  public readonly name: string;
  /** Namespace of the VirtualService. */
  public readonly namespace: string;
  /** The VirtualService (the TCPRoute when the gateway's `api` is KUBERNETES). */
  public readonly apiObject: ApiObject;
  /** The DestinationRule for the destination's subset, when the destination names subset labels. */
  public readonly destinationRule?: ApiObject;

  constructor(scope: Construct, id: string, props: TcpRouteProps) {
    super(scope, id);
    installChecks(this);
    const gateway = props.gateway;
    if (!gateway) {
      throw new IstioGatewaysError(this, 'gateway: a TCP route needs the IngressGateway it binds to');
    }
    if (gateway.workload.role !== GatewayRole.INGRESS) {
      throw new IstioGatewaysError(this, `gateway: ${gateway.ref} runs on the ${gateway.workload.role} workload ${gateway.workload.node.path}; a TCP route binds to an ingress gateway`);
    }
    validatePort(this, 'port', props.port);
    if (props.targetPort !== undefined) validatePort(this, 'targetPort', props.targetPort);
    if (!props.destination) {
      throw new IstioGatewaysError(this, 'destination: a TCP route needs a destination, e.g. Destination.service("tcp-echo-service", 2701)');
    }
    props.destination._validate(this, 'destination');
    if (props.name !== undefined) validateDnsLabel(this, 'name', props.name);
    const hosts = props.hosts ?? ['*'];

    this.namespace = namespaceFor(this, props.namespace, gateway.namespace);
    validateDnsLabel(this, 'namespace', this.namespace);
    gateway.workload.exposePort(props.port, props.targetPort);
    this.server = gateway.addServer({
      port: props.port, protocol: GatewayProtocol.TCP, hosts, allowAnyHost: true, namespace: this.namespace, owner: this,
    });

    const destination = routeDestination(props.destination, this.namespace);
    const spec: VirtualServiceSpec = {
      hosts: [...hosts].sort(),
      gateways: [gateway.ref],
      tcp: [{
        match: [{ port: props.port }],
        route: [{ destination }],
      }],
    };
    const k8s = kubernetesOf(gateway);
    this.apiObject = k8s
      ? createTcpRoute(this, 'Resource', { gateway: k8s, name: props.name, namespace: this.namespace, port: props.port, hosts, destination: props.destination })
      : createVirtualService(this, 'Resource', { name: props.name, namespace: this.namespace, spec: new FixedSpec(spec) });
    this.name = this.apiObject.name;
    this.destinationRule = k8s ? undefined : createSubsetRule(this, props.destination, this.namespace);
  }
}
