import { Construct } from 'constructs';
import { GatewayAttributes, GatewayBase, GatewayBaseProps, IGateway } from './gateway-base';
import { GatewayRole } from './gateway-workload';
import { HttpHost, HttpHostOptions } from './http-host';
import { ImportedGateway } from './imported-gateway';
import { SecureHost, SecureHostOptions } from './secure-host';
import { SniPassthrough, SniPassthroughOptions } from './sni-passthrough';
import { TcpRoute, TcpRouteOptions } from './tcp-route';

/** Props of {@link IngressGateway}. */
export interface IngressGatewayProps extends GatewayBaseProps {}

/**
 * An Istio Gateway for traffic entering the mesh, bound to one ingress gateway workload.
 *
 * Servers are allocated as hosts and routes are added (`addHttpHost`, `addSecureHost`, `addTcpRoute`,
 * `addSniPassthrough`); each sugar method returns the construct it creates.
 *
 * @example
 * const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
 * const gw = new IngressGateway(chart, 'coolstore', { workload: ingress, name: 'coolstore-gateway' });
 * gw.addHttpHost('catalog', { hosts: ['catalog.istioinaction.io'], routes: [HttpRoute.to([Destination.service('catalog', 80)])] });
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
export class IngressGateway extends GatewayBase {
  /**
   * A Gateway owned elsewhere (e.g. the platform team's shared gateway, in another App or repository) that this
   * app's routes bind to: `new HttpHost(chart, 'shop', { gateway, ... })`. Nothing is synthesized for the Gateway;
   * the servers the routes need are declared to the synth-time checks as facts of the Gateway, checked against
   * `hosts` when given, and routes of this app that conflict with each other still throw.
   *
   * @example
   * const gateway = IngressGateway.fromGatewayAttributes(chart, 'shared', {
   *   name: 'shared-gateway',
   *   namespace: 'istio-ingress',
   *   workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'),
   *   hosts: ['team-c/*.shop.example.com'],
   * });
   */
  public static fromGatewayAttributes(scope: Construct, id: string, attrs: GatewayAttributes): IGateway {
    return new ImportedGateway(scope, id, attrs, GatewayRole.INGRESS);
  }

  constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id, props, GatewayRole.INGRESS);
  }

  // --- HTTP sugar (addHttpHost, addSecureHost) ---

  /**
   * Plain HTTP for `hosts` on this gateway (port 80 unless given) with a VirtualService for the routes.
   * @returns the {@link HttpHost}, a child of this gateway
   */
  public addHttpHost(id: string, options: HttpHostOptions): HttpHost {
    return new HttpHost(this, id, { ...options, gateway: this });
  }

  /**
   * HTTPS for `hosts` on this gateway (port 443 unless given), an HTTP→HTTPS redirect on port 80 unless
   * `redirect: false`, and a VirtualService for the routes.
   * @returns the {@link SecureHost}, a child of this gateway
   */
  public addSecureHost(id: string, options: SecureHostOptions): SecureHost {
    return new SecureHost(this, id, { ...options, gateway: this });
  }

  // --- TCP/TLS sugar (addTcpRoute, addSniPassthrough) ---

  /**
   * Opaque TCP on one gateway port (e.g. 31400) to one destination: a TCP server and a VirtualService `tcp` route.
   * @returns the {@link TcpRoute}, a child of this gateway
   */
  public addTcpRoute(id: string, options: TcpRouteOptions): TcpRoute {
    return new TcpRoute(this, id, { ...options, gateway: this });
  }

  /**
   * TLS passthrough by SNI (port 443 unless given) to a backend that terminates TLS: a TLS PASSTHROUGH server
   * and a VirtualService `tls` route matching the SNI hosts.
   * @returns the {@link SniPassthrough}, a child of this gateway
   */
  public addSniPassthrough(id: string, options: SniPassthroughOptions): SniPassthrough {
    return new SniPassthrough(this, id, { ...options, gateway: this });
  }
}
