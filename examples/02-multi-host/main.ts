/**
 * Two host-specific apps on one ingress gateway: mybookinfo.com → productpage, myhelloworld.com/hello →
 * helloworld. Both hosts share the Gateway's port-80 server; each has its own VirtualService.
 */
import { App, Chart } from 'cdk8s';
import { Destination, GatewayWorkload, HttpMatch, HttpRoute, IngressGateway, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'multi-host', { namespace: 'default' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'multi-host-gateway', api });
  gateway.addHttpHost('bookinfo', {
    hosts: ['mybookinfo.com'],
    virtualServiceName: 'bookinfo',
    routes: [HttpRoute.to([Destination.service('productpage', 9080)])],
  });
  gateway.addHttpHost('helloworld', {
    hosts: ['myhelloworld.com'],
    virtualServiceName: 'helloworld',
    routes: [HttpRoute.to([Destination.service('helloworld', 5000)], { matches: [HttpMatch.exact('/hello')] })],
  });
}
