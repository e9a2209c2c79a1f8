import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { VirtualServiceSpec } from '../imports/networking.istio.io';
import { classifyHost } from './check/hosts';
import { installChecks } from './check/synth-hook';
import { Destination } from './destination';
import { IstioGatewaysError } from './errors';
import { kubernetesOf } from './gateway-api/gateway';
import { createTlsRoute } from './gateway-api/l4-route';
import { GatewayProtocol, GatewayServerRef, IGateway } from './gateway-base';
import { GatewayRole } from './gateway-workload';
import type { IngressGateway } from './ingress-gateway';
import { validateDnsLabel, validatePort } from './internal/validate';
import { FixedSpec, createSubsetRule, createVirtualService, namespaceFor, routeDestination } from './internal/virtual-service';
import { ServerTls } from './server-tls';

/** Options for {@link IngressGateway.addSniPassthrough}. */
export interface SniPassthroughOptions {
  /**
   * SNI host names the backend serves (exact FQDNs; `*.suffix` only with `allowWildcardHosts`). They become the
   * Gateway server's hosts, the VirtualService's hosts and its `tls.match.sniHosts`.
   */
  readonly sniHosts: string[];
  /** The backend that terminates TLS itself, e.g. `Destination.service('simple-tls-service-1', 80)`. */
  readonly destination: Destination;
  /**
   * Gateway port: a port of the gateway workload's Service. Several passthrough routes (for different SNI
   * hosts) and HTTPS hosts may share one port; Envoy tells them apart by SNI.
   * @default 443
   */
  readonly port?: number;
  /**
   * Container port Envoy listens on for `port`, used when the workload is deployed by this library and the port
   * is added to its Service.
   * @default - same as `port`
   */
  readonly targetPort?: number;
  /**
   * Accept wildcard SNI hosts (`*.example.com`): every name under the suffix goes to the one destination.
   * @default false
   */
  readonly allowWildcardHosts?: boolean;
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

/** Props of {@link SniPassthrough}. */
export interface SniPassthroughProps extends SniPassthroughOptions {
  /** The Gateway that gets the TLS PASSTHROUGH server: an {@link IngressGateway}, or one imported with `IngressGateway.fromGatewayAttributes`. */
  readonly gateway: IGateway;
}

/**
 * TLS passthrough through an ingress gateway: a `TLS` server with `mode: PASSTHROUGH` for the SNI hosts on one
 * gateway port, and a VirtualService whose `tls` route matches the port and the SNI hosts and forwards the still
 * encrypted connection to a backend that terminates TLS itself.
 *
 * Several passthrough routes for different hosts can share one port (one server each); a host may appear once
 * per port. SNI hosts must be names a client can send in SNI: no `*`, no IP addresses, no short names.
 *
 * @example
 * // a gateway installed with Istio's Helm chart, with 31400 added to its Service
 * const workload = GatewayWorkload.helmGateway(chart, 'ingress', { name: 'edge', namespace: 'istio-ingress', extraPorts: [{ port: 31400 }] });
 * const gw = new IngressGateway(chart, 'gw', { workload });
 * new SniPassthrough(chart, 'simple', {
 *   gateway: gw,
 *   port: 31400,
 *   sniHosts: ['simple.sni.istioinaction.io'],
 *   destination: Destination.service('simple-tls-service-1', 80),
 * });
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-sni-passthrough/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute
 */
export class SniPassthrough extends Construct {
  /** The server added to the Gateway. */
  public readonly server: GatewayServerRef;
  /** metadata.name of the VirtualService. */
  public readonly name: string;
  /** Namespace of the VirtualService. */
  public readonly namespace: string;
  /** The VirtualService (the TLSRoute when the gateway's `api` is KUBERNETES). */
  public readonly apiObject: ApiObject;
  /** The DestinationRule for the destination's subset, when the destination names subset labels. */
  public readonly destinationRule?: ApiObject;

  constructor(scope: Construct, id: string, props: SniPassthroughProps) {
    super(scope, id);
    installChecks(this);
    const gateway = props.gateway;
    if (!gateway) {
      throw new IstioGatewaysError(this, 'gateway: an SNI passthrough route needs the IngressGateway it binds to');
    }
    if (gateway.workload.role !== GatewayRole.INGRESS) {
      throw new IstioGatewaysError(this, `gateway: ${gateway.ref} runs on the ${gateway.workload.role} workload ${gateway.workload.node.path}; an SNI passthrough route binds to an ingress gateway`);
    }
    const port = props.port ?? 443;
    validatePort(this, 'port', port);
    if (props.targetPort !== undefined) validatePort(this, 'targetPort', props.targetPort);
    validateSniHosts(this, props.sniHosts, props.allowWildcardHosts ?? false);
    if (!props.destination) {
      throw new IstioGatewaysError(this, 'destination: an SNI passthrough route needs the backend that terminates TLS, e.g. Destination.service("simple-tls-service-1", 80)');
    }
    props.destination._validate(this, 'destination');
    if (props.name !== undefined) validateDnsLabel(this, 'name', props.name);

    const sniHosts = [...props.sniHosts].sort();
    this.namespace = namespaceFor(this, props.namespace, gateway.namespace);
    validateDnsLabel(this, 'namespace', this.namespace);
    gateway.workload.exposePort(port, props.targetPort);
    this.server = gateway.addServer({
      port,
      protocol: GatewayProtocol.TLS,
      hosts: sniHosts,
      tls: ServerTls.passthrough(),
      allowWildcardHosts: props.allowWildcardHosts ?? false,
      namespace: this.namespace,
      owner: this,
    });

    const destination = routeDestination(props.destination, this.namespace);
    const spec: VirtualServiceSpec = {
      hosts: sniHosts,
      gateways: [gateway.ref],
      tls: [{
        match: [{ port, sniHosts }],
        route: [{ destination }],
      }],
    };
    const k8s = kubernetesOf(gateway);
    this.apiObject = k8s
      ? createTlsRoute(this, 'Resource', { gateway: k8s, name: props.name, namespace: this.namespace, port, hosts: sniHosts, destination: props.destination })
      : createVirtualService(this, 'Resource', { name: props.name, namespace: this.namespace, spec: new FixedSpec(spec) });
    this.name = this.apiObject.name;
    this.destinationRule = k8s ? undefined : createSubsetRule(this, props.destination, this.namespace);
  }
}

function validateSniHosts(scope: Construct, hosts: string[], allowWildcard: boolean): void {
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw new IstioGatewaysError(scope, 'sniHosts: at least one SNI host is required, e.g. ["simple.sni.example.com"]; for TLS to any host use a TcpRoute');
  }
  hosts.forEach((h, i) => {
    const c = typeof h === 'string' ? classifyHost(h) : { invalid: 'is not a string' };
    if ('invalid' in c) {
      throw new IstioGatewaysError(scope, `sniHosts[${i}]: "${String(h)}" ${c.invalid}; use a fully qualified domain name such as simple.sni.example.com`);
    }
    if (c.kind === 'any') {
      throw new IstioGatewaysError(scope, `sniHosts[${i}]: "*" matches no SNI name; list the host names, or use a TcpRoute to pass any TLS connection on the port`);
    }
    if (c.kind === 'ip') {
      throw new IstioGatewaysError(scope, `sniHosts[${i}]: "${h}" is an IP address, which clients never send as SNI (RFC 6066); use the server's DNS name`);
    }
    if (c.kind === 'short') {
      throw new IstioGatewaysError(scope, `sniHosts[${i}]: "${h}" is a short name; use a fully qualified domain name such as ${h}.example.com`);
    }
    if (c.kind === 'wildcard' && !allowWildcard) {
      throw new IstioGatewaysError(scope, `sniHosts[${i}]: wildcard "${h}" sends every name under the suffix to one backend; list exact hosts, or set allowWildcardHosts: true`);
    }
  });
}
