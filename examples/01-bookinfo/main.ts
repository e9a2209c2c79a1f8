/**
 * Istio's bookinfo-gateway.yaml: a Gateway on the default istioctl ingress gateway, port 8080, any host, and a
 * VirtualService that sends the product page, its static files, login/logout and the products API to productpage.
 * The istioctl ingress Service exposes 8080 as the target port of 80, so clients reach the server on port 80.
 */
import { App, Chart } from 'cdk8s';
import { Destination, GatewayWorkload, HttpMatch, HttpRoute, IngressGateway, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'bookinfo', { namespace: 'default' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'bookinfo-gateway', api });
  gateway.addHttpHost('bookinfo', {
    hosts: ['*'],
    allowAnyHost: true,
    port: 8080,
    virtualServiceName: 'bookinfo',
    routes: [
      HttpRoute.to([Destination.service('productpage', 9080)], {
        matches: [
          HttpMatch.exact('/productpage'),
          HttpMatch.prefix('/static'),
          HttpMatch.exact('/login'),
          HttpMatch.exact('/logout'),
          HttpMatch.prefix('/api/v1/products'),
        ],
      }),
    ],
  });
}
