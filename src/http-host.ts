import { Construct } from 'constructs';
import { IstioGatewaysError } from './errors';
import { GatewayProtocol, GatewayServerRef, IGateway } from './gateway-base';
import { HttpHostBase } from './http-host-base';
import { HttpRoute } from './http-route';
import { validatePort } from './internal/validate';

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
  /**
   * The Gateway whose plain HTTP server takes the hosts: one of this app, or a shared one imported with
   * {@link IngressGateway.fromGatewayAttributes}.
   */
  readonly gateway: IGateway;
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
export class HttpHost extends HttpHostBase {
  /** The Gateway server the hosts were added to (shared with other plain HTTP hosts on the port). */
  public readonly server: GatewayServerRef;

  constructor(scope: Construct, id: string, props: HttpHostProps) {
    super(scope, id, props);
    const port = props.port ?? 80;
    validatePort(this, 'port', port);
    const includeMesh = props.includeMesh ?? false;
    if (includeMesh && (props.hosts ?? []).includes('*')) {
      throw new IstioGatewaysError(this, 'hosts: "*" cannot be bound to mesh (it would capture every outbound request of every sidecar); list exact hosts or set includeMesh: false');
    }
    this.server = this.gateway.addServer({
      port,
      protocol: GatewayProtocol.HTTP,
      hosts: props.hosts,
      portName: props.portName,
      allowAnyHost: props.allowAnyHost,
      namespace: this.namespace,
      owner: this,
    });
    this._bindRoutes(props.routes, includeMesh, props.virtualServiceName, port);
  }

  /** Appends a rule to the VirtualService (after the existing ones: first match wins). */
  public addRoute(route: HttpRoute): HttpHost {
    this._addRoute(route);
    return this;
  }
}
