/**
 * Istio in Action, chapter 4, step 1: webapp.istioinaction.io over plain HTTP on the default ingress gateway.
 */
import { App, Chart } from 'cdk8s';
import { Destination, GatewayWorkload, HttpRoute, IngressGateway, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'coolstore', { namespace: 'istioinaction' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'coolstore-gateway', api });
  gateway.addHttpHost('webapp', {
    hosts: ['webapp.istioinaction.io'],
    virtualServiceName: 'webapp-vs-from-gw',
    routes: [HttpRoute.to([Destination.service('webapp', 80)])],
  });
}
