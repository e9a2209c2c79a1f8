/**
 * Istio in Action, chapter 4, step 2: HTTPS for webapp.istioinaction.io with the `webapp-credential` Secret
 * (managed outside Git, in istio-system where the ingress gateway pods run) and HTTP→HTTPS redirect on port 80.
 */
import { App, Chart } from 'cdk8s';
import { Credential, Destination, GatewayWorkload, HttpRoute, IngressGateway, ServerTls, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'coolstore', { namespace: 'istioinaction' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'coolstore-gateway', api });
  gateway.addSecureHost('webapp', {
    hosts: ['webapp.istioinaction.io'],
    tls: ServerTls.simple(Credential.fromSecretName('webapp-credential')),
    virtualServiceName: 'webapp-vs-from-gw',
    routes: [HttpRoute.to([Destination.service('webapp', 80)])],
  });
}
