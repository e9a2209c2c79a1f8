/**
 * Controlled egress through the egress gateway (Istio's "Egress Gateways" and "Egress Gateways with TLS
 * Origination" tasks), with the mesh locked down to registered hosts.
 *
 * - `istio-install.k8s.yaml` (istioctl input, never applied by Argo CD): `outboundTrafficPolicy: REGISTRY_ONLY`,
 *   mesh-wide access logs to /dev/stdout, and the `istio-egressgateway` enabled.
 * - `egress.k8s.yaml`: applications in `default` reach
 *   - `https://edition.cnn.com` — TLS from the app, passed through by SNI at the egress gateway; each sidecar holds
 *     at most one connection to the egress gateway for it (`maxConnections: 1`);
 *   - `http://httpbin.org` — plain HTTP from the app, ISTIO_MUTUAL to the egress gateway, and TLS originated by the
 *     egress gateway to httpbin.org:443 (verified against the system roots, SNI and SAN httpbin.org).
 */
import { App, Chart } from 'cdk8s';
import { Checks, EgressGateway, EgressProtocol, IstioOperator, OutboundTrafficPolicyMode, GatewayApi } from '../../src';

export function build(app: App, api: GatewayApi = GatewayApi.ISTIO): void {
  const install = new IstioOperator(app, 'istio-install', {
    name: 'control-plane',
    outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    accessLogFile: '/dev/stdout',
  });
  const egress = install.enableEgressGateway('egress');

  const chart = new Chart(app, 'egress', { namespace: 'default' });
  const gateway = new EgressGateway(chart, 'gateway', { workload: egress, name: 'istio-egressgateway', api });
  gateway.addRoute('cnn', {
    host: 'edition.cnn.com',
    port: 443,
    protocol: EgressProtocol.TLS,
    maxConnections: 1,
    subsetName: 'cnn',
    clientNamespaces: ['default'],
    name: 'cnn',
  });
  gateway.addRoute('httpbin', {
    host: 'httpbin.org',
    port: 80,
    protocol: EgressProtocol.TLS_ORIGINATION,
    mutualTlsToGateway: true,
    subsetName: 'httpbin',
    clientNamespaces: ['default'],
    name: 'httpbin',
  });
  Checks.suppress(gateway.destinationRule!, 'DRX-POOL-001', 'the limit is meant per calling sidecar (one connection each to the egress gateway)');
}
