/**
 * Which API a gateway and every construct bound to it render.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 */
export enum GatewayApi {
  /** Istio's API: Gateway, VirtualService, DestinationRule (networking.istio.io/v1). */
  ISTIO = 'ISTIO',
  /**
   * The Kubernetes Gateway API: Gateway (gatewayClassName `istio`), HTTPRoute, TLSRoute, TCPRoute and
   * ReferenceGrant (gateway.networking.k8s.io/v1). What has no Gateway API equivalent throws at construction.
   */
  KUBERNETES = 'KUBERNETES',
}
