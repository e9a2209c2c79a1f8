/**
 * Opaque TCP through the ingress gateway (Istio in Action ch. 4, Istio's tcp-echo sample):
 * `nc <ingress> 31400` reaches tcp-echo-service:2701 in istioinaction.
 *
 * The istioctl default profile's ingress Service does not expose 31400 (only 15021, 80, 443), so the example also
 * emits the control plane's IstioOperator that adds the port (`k8s.service.ports`, which replaces the list: the
 * construct keeps 15021) — in a chart of its own, `istio-install.k8s.yaml`, the `istioctl install -f` input that
 * stays out of Argo CD. The Gateway binds to the workload that IstioOperator declares, so the checker sees 31400.
 *
 * The tcp-echo server itself (Deployment + Service tcp-echo-service:2701) is part of the example, as in the book.
 *
 * Variant: a team gateway deployed by the library (`istio: my-user-gateway`, gateway injection) whose Service maps
 * port 30007 to container port 31400; the TCP route adds that port to the Service itself.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Checks, Destination, GatewayWorkload, IngressGateway, IstioOperator, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  // istioctl input: the default ingress gateway with 31400 added to its Service
  const install = new IstioOperator(app, 'istio-install', { name: 'control-plane' });
  const ingress = install.enableIngressGateway('ingress', {
    ports: [
      { port: 80, targetPort: 8080, name: 'http2' },
      { port: 443, targetPort: 8443, name: 'https' },
      { port: 31400, targetPort: 31400, name: 'tcp' },
    ],
  });

  // Argo CD: the tcp-echo server (echoes every line prefixed with "hello")
  const echoApp = new Chart(app, 'tcp-echo-app', { namespace: 'istioinaction' });
  const echo = new kplus.Deployment(echoApp, 'tcp-echo', {
    metadata: { name: 'tcp-echo-deployment' },
    replicas: 1,
    securityContext: { ensureNonRoot: false },
    containers: [{
      name: 'tcp-echo-container',
      image: 'docker.io/istio/tcp-echo-server:1.2',
      args: ['2701', 'hello'],
      ports: [{ number: 2701, name: 'tcp-echo' }],
      securityContext: { ensureNonRoot: false },
    }],
  });
  echo.exposeViaService({ name: 'tcp-echo-service', ports: [{ port: 2701, targetPort: 2701, name: 'tcp' }] });

  // Argo CD: Gateway + VirtualService on the default ingress gateway
  const chart = new Chart(app, 'tcp-echo', { namespace: 'istioinaction' });
  const gateway = new IngressGateway(chart, 'gateway', { workload: ingress, name: 'echo-tcp-gateway', api });
  Checks.suppress(gateway.apiObject, 'GW-SEC-001', 'opaque TCP carries no host name, so "*" as in Istio\'s tcp-echo sample');
  gateway.addTcpRoute('tcp-echo', {
    port: 31400,
    destination: Destination.service('tcp-echo-service', 2701),
    name: 'tcp-echo-vs-from-gw',
  });

  // Argo CD: the my-user-gateway variant, deployed by the library; Service 30007 → pods 31400
  const user = new Chart(app, 'tcp-echo-user-gateway', { namespace: 'istioinaction' });
  const workload = new GatewayWorkload(user, 'workload', { label: 'my-user-gateway', namespace: 'istioinaction' });
  const userGateway = new IngressGateway(user, 'gateway', { workload, name: 'echo-tcp-user-gateway', api });
  Checks.suppress(userGateway.apiObject, 'GW-SEC-001', 'opaque TCP carries no host name and the team gateway serves only this route');
  userGateway.addTcpRoute('tcp-echo', {
    port: 30007,
    targetPort: 31400,
    destination: Destination.service('tcp-echo-service', 2701),
    name: 'tcp-echo-vs-from-user-gw',
  });
}
