/**
 * Envoy access logs for the ingress gateway only, instead of mesh-wide `meshConfig.accessLogFile`: a Telemetry in
 * istio-system that selects the gateway pods (`istio: ingressgateway`) with the built-in `envoy` provider
 * (stdout of the gateway pods). Only failed requests are logged (`response.code >= 400`).
 */
import { App, Chart } from 'cdk8s';
import { AccessLogging, GatewayWorkload, GatewayApi } from '../../src';

/**
 * The same in both forms: the Telemetry selects the installed ingress gateway pods by label, which is also right when
 * Gateway API Gateways bind to them through spec.addresses (Istio's manual deployment: the pods carry no
 * `gateway.networking.k8s.io/gateway-name` label for a targetRefs policy to match).
 */
export function build(app: App, _api: GatewayApi = GatewayApi.ISTIO): void {
  const chart = new Chart(app, 'access-logging', { namespace: 'istio-system' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  new AccessLogging(chart, 'ingress-access-logs', {
    workload: ingress,
    name: 'ingress-gateway',
    filter: 'response.code >= 400',
  });
}
