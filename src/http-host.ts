import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { installChecks } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import { GatewayBase, GatewayProtocol, GatewayServerRef } from './gateway-base';
import { HttpRoute } from './http-route';
import { HttpRouting } from './internal/http-routing';
import { validateDnsLabel, validatePort } from './internal/validate';
import { namespaceFor } from './internal/virtual-service';

/** Options of {@link IngressGateway.addHttpHost}. */
export interface HttpHostOptions {
  /** Hostnames (FQDNs or `*.suffix`; `*` only with `allowAnyHost`). */
  readonly hosts: string[];
  /**
   * Rules of the VirtualService, in order (first match wins). More can be added with {@link HttpHost.addRoute}.
   * @default - none yet
   */
  readonly routes?: HttpRoute[];
  /**
   * Gateway server port (a port of the gateway's Service).
   * @default 80
   */
  readonly port?: number;
  /**
   * Name of the server port. Plain HTTP hosts without a port name share one server per port.
   * @default - `http-<port>`, shared with the other plain HTTP hosts on the port
   */
  readonly portName?: string;
  /**
   * Allow the host `*`: any VirtualService in any namespace may then bind to the server.
   * @default false
   */
  readonly allowAnyHost?: boolean;
  /**
   * Also apply the routes to traffic from sidecars inside the mesh (`gateways: [<gateway>, mesh]`). `*` is
   * then forbidden.
   * @default false
   */
  readonly includeMesh?: boolean;
  /**
   * Namespace of the VirtualService (and DestinationRules); Service destinations without a namespace resolve here.
   * @default - the chart's namespace, else the Gateway's
   */
  readonly namespace?: string;
  /**
   * metadata.name of the VirtualService.
   * @default - generated from the construct path
   */
  readonly virtualServiceName?: string;
}

/** Props of {@link HttpHost}. */
export interface HttpHostProps extends HttpHostOptions {
  /** The Gateway whose plain HTTP server takes the hosts. */
  readonly gateway: GatewayBase;
}

/**
 * Plain HTTP for one or more hostnames on a gateway: the hosts join the Gateway's HTTP server on the port
 * (port 80 unless given; several HttpHosts share one server), and a VirtualService bound to the Gateway carries
 * the routes. Routes that name a subset with `subsetLabels` get a DestinationRule.
 *
 * @example
 * const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress') });
 * new HttpHost(chart, 'helloworld', {
 *   gateway: gw,
 *   hosts: ['myhelloworld.com'],
 *   routes: [HttpRoute.to([Destination.service('helloworld', 5000)], { matches: [HttpMatch.exact('/hello')] })],
 * });
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
export class HttpHost extends Construct {
  /** The Gateway. */
  public readonly gateway: GatewayBase;
  /** The Gateway server the hosts were added to (shared with other plain HTTP hosts on the port). */
  public readonly server: GatewayServerRef;
  /** The hosts, sorted. */
  public readonly hosts: string[];
  /** Namespace of the VirtualService. */
  public readonly namespace: string;
  /** The VirtualService (the HTTPRoute when the gateway's `api` is KUBERNETES). */
  public readonly virtualService: ApiObject;
  private readonly routing: HttpRouting;

  constructor(scope: Construct, id: string, props: HttpHostProps) {
    super(scope, id);
    installChecks(this);
    if (!props.gateway) {
      throw new IstioGatewaysError(this, 'gateway: an HttpHost needs the Gateway it adds its hosts to');
    }
    const port = props.port ?? 80;
    validatePort(this, 'port', port);
    const includeMesh = props.includeMesh ?? false;
    if (includeMesh && (props.hosts ?? []).includes('*')) {
      throw new IstioGatewaysError(this, 'hosts: "*" cannot be bound to mesh (it would capture every outbound request of every sidecar); list exact hosts or set includeMesh: false');
    }
    this.gateway = props.gateway;
    this.namespace = namespaceFor(this, props.namespace, props.gateway.namespace);
    validateDnsLabel(this, 'namespace', this.namespace);
    if (props.virtualServiceName !== undefined) validateDnsLabel(this, 'virtualServiceName', props.virtualServiceName);
    this.server = props.gateway.addServer({
      port,
      protocol: GatewayProtocol.HTTP,
      hosts: props.hosts,
      portName: props.portName,
      allowAnyHost: props.allowAnyHost,
    });
    this.hosts = [...props.hosts].sort();
    this.routing = new HttpRouting(this, {
      gateway: props.gateway,
      hosts: this.hosts,
      namespace: this.namespace,
      name: props.virtualServiceName,
      mesh: includeMesh,
      routes: props.routes,
      port,
    });
    this.virtualService = this.routing.virtualService;
  }

  /** Appends a rule to the VirtualService (after the existing ones: first match wins). */
  public addRoute(route: HttpRoute): HttpHost {
    this.routing.add(route);
    return this;
  }
}
