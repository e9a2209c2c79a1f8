/**
 * Istio in Action, chapter 4, step 4: two hosts on port 443, each with its own certificate (SNI picks the
 * server): webapp.istioinaction.io with the existing `webapp-credential`, catalog.istioinaction.io with a
 * certificate that cert-manager issues into `catalog-credential`.
 */
import { App, Chart, Duration } from 'cdk8s';
import {
  CertManagerIssuerKind, Credential, Destination, GatewayWorkload, HttpRoute, IngressGateway, ServerTls, GatewayApi,
} from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'coolstore', { namespace: 'istioinaction' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'coolstore-gateway', api });
  gateway.addSecureHost('webapp', {
    hosts: ['webapp.istioinaction.io'],
    portName: 'https-webapp',
    tls: ServerTls.simple(Credential.fromSecretName('webapp-credential')),
    virtualServiceName: 'webapp-vs-from-gw',
    routes: [HttpRoute.to([Destination.service('webapp', 80)])],
  });
  gateway.addSecureHost('catalog', {
    hosts: ['catalog.istioinaction.io'],
    portName: 'https-catalog',
    tls: ServerTls.simple(Credential.fromCertManager({
      issuer: { name: 'istioinaction-ca', kind: CertManagerIssuerKind.CLUSTER_ISSUER },
      secretName: 'catalog-credential',
      duration: Duration.days(90),
      renewBefore: Duration.days(30),
    })),
    virtualServiceName: 'catalog-vs-from-gw',
    routes: [HttpRoute.to([Destination.service('catalog', 80)])],
  });
}
