/**
 * TLS passthrough by SNI (Istio in Action ch. 4): two backends that terminate TLS themselves share port 31400 of
 * the ingress gateway; Envoy picks the backend from the client's SNI without decrypting.
 *
 *   simple.sni.istioinaction.io    → simple-tls-service-1:80
 *   simple-v2.sni.istioinaction.io → simple-tls-service-2:80
 *
 * The ingress gateway is the one of the istioctl demo profile (the book's install), whose Service exposes 31400
 * (`tcp`) and 15443 (`tls`) besides 15021, 80→8080 and 443→8443; it is referenced, not deployed.
 */
import { App, Chart } from 'cdk8s';
import { Destination, GatewayServiceType, GatewayWorkload, IngressGateway, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'sni-passthrough', { namespace: 'istioinaction' });
  const ingress = GatewayWorkload.fromInstalled(chart, 'ingress', {
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    namespace: 'istio-system',
    serviceName: 'istio-ingressgateway',
    serviceType: GatewayServiceType.LOAD_BALANCER,
    unprivileged: true,
    ports: [
      { port: 15021, targetPort: 15021, name: 'status-port' },
      { port: 80, targetPort: 8080, name: 'http2' },
      { port: 443, targetPort: 8443, name: 'https' },
      { port: 31400, targetPort: 31400, name: 'tcp' },
      { port: 15443, targetPort: 15443, name: 'tls' },
    ],
  });
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'sni-passthrough-gateway', api });
  gateway.addSniPassthrough('simple', {
    port: 31400,
    sniHosts: ['simple.sni.istioinaction.io'],
    destination: Destination.service('simple-tls-service-1', 80),
    name: 'simple-sni-1-vs',
  });
  gateway.addSniPassthrough('simple-v2', {
    port: 31400,
    sniHosts: ['simple-v2.sni.istioinaction.io'],
    destination: Destination.service('simple-tls-service-2', 80),
    name: 'simple-sni-2-vs',
  });
}
