/**
 * Istio in Action, chapter 4, step 3: mutual TLS for webapp.istioinaction.io. The `webapp-credential-mtls`
 * Secret carries tls.crt, tls.key and the ca.crt that verifies client certificates.
 */
import { App, Chart } from 'cdk8s';
import { ClientCa, Credential, Destination, GatewayApi, GatewayWorkload, HttpRoute, IngressGateway, ServerTls } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'coolstore', { namespace: 'istioinaction' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'coolstore-gateway', api });
  gateway.addSecureHost('webapp', {
    hosts: ['webapp.istioinaction.io'],
    tls: ServerTls.mutual(Credential.fromSecretName('webapp-credential-mtls', { hasCa: true }), ClientCa.fromServerCredential()),
    virtualServiceName: 'webapp-vs-from-gw',
    routes: [HttpRoute.to([Destination.service('webapp', 80)])],
  });
}
