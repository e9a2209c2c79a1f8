import { Construct } from 'constructs';
import { GatewayBase, GatewayBaseProps } from './gateway-base';
import { GatewayRole } from './gateway-workload';

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
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
export class IngressGateway extends GatewayBase {
  constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id, props, GatewayRole.INGRESS);
  }

  // --- HTTP sugar (addHttpHost, addSecureHost) ---

  // --- TCP/TLS sugar (addTcpRoute, addSniPassthrough) ---
}
