/**
 * A team's own ingress gateway, deployed by the library through gateway injection in the team's namespace
 * (`istio: my-user-gateway`), and a Gateway bound to it. No istioctl or IstioOperator: Argo CD applies it all.
 * The team's webapp Service is part of the example (the checker verifies that route destinations exist).
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Destination, GatewayWorkload, HttpRoute, IngressGateway, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'team-gateway', { namespace: 'istioinaction' });
  const workload = new GatewayWorkload(chart, 'workload', {
    label: 'my-user-gateway',
    namespace: 'istioinaction',
    replicas: 2,
    minAvailable: 1,
  });
  new kplus.Service(chart, 'webapp', {
    metadata: { name: 'webapp', namespace: 'istioinaction' },
    selector: kplus.Pods.select(chart, 'webapp-pods', { labels: { app: 'webapp' } }),
    ports: [{ port: 80, targetPort: 8080, name: 'http' }],
  });
  const gateway = new IngressGateway(chart, 'gateway', { workload, name: 'my-user-gateway', api });
  gateway.addHttpHost('webapp', {
    hosts: ['webapp.istioinaction.io'],
    virtualServiceName: 'webapp-vs-from-my-user-gateway',
    routes: [HttpRoute.to([Destination.service('webapp', 80)])],
  });
}
