/**
 * Three teams on one shared ingress gateway, laid out for Argo CD.
 *
 * - The platform team owns the gateway: a Deployment injected with the `gateway` template (`istio: shared-gateway`)
 *   and the Gateway `istio-ingress/shared-gateway` (chart `platform`). It also declares the server team C needs,
 *   since team C's routes live in another App.
 * - Team A (chart `team-a`, namespace `team-a`) serves `shop.example.com` over HTTPS with a cert-manager certificate
 *   and routes to its own cdk8s-plus Service with `Destination.fromService` (the port is checked against the Service).
 * - Team B (chart `team-b`) serves `blog.example.com` over plain HTTP and passes `vault.example.com` through by SNI.
 * - Team C ({@link buildTeamC}) lives in a separate App (another repository): it imports the shared gateway with
 *   `IngressGateway.fromGatewayAttributes` and binds `api.example.com` to it; nothing of the Gateway is synthesized
 *   there.
 *
 * The gateway serves routes from three namespaces, so its server hosts are namespace-scoped (`team-a/shop.example.com`):
 * no team can bind a VirtualService to another team's host. With
 * `new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE })` each chart gets its own folder
 * (`platform/`, `team-a/`, `team-b/`): one Argo CD Application per folder.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CertManagerIssuerKind, Credential, Destination, GatewayProtocol, GatewayWorkload, GatewayServiceType, HttpMatch, HttpRoute,
  IngressGateway, SecureHost, HttpHost, ServerTls, SniPassthrough,
} from '../../src';

/** Why this example has no Gateway API form (see examples/synth-all.ts). */
export const istioOnly = 'team C binds to a gateway imported with IngressGateway.fromGatewayAttributes, which renders Istio VirtualServices only';

/** Apps of other repositories that belong to the example: team C (see examples/synth-all.ts). */
export const otherApps: Readonly<Record<string, (app: App) => void>> = { 'team-c': (app) => buildTeamC(app) };

/** The platform team's gateway and teams A and B, in one App (one folder per chart). */
export function build(app: App): void {
  // --- platform team: the shared gateway ---------------------------------------------------------------------------
  const platform = new Chart(app, 'platform', { namespace: 'istio-ingress' });
  const workload = new GatewayWorkload(platform, 'workload', {
    label: 'shared-gateway',
    namespace: 'istio-ingress',
    replicas: 2,
    minAvailable: 1,
  });
  const gateway = new IngressGateway(platform, 'gateway', { workload, name: 'shared-gateway' });
  // team C's routes are in another App: the server it needs is declared here, for team C's namespace only
  gateway.addServer({ port: 80, protocol: GatewayProtocol.HTTP, hosts: ['api.example.com'], namespace: 'team-c' });

  // --- team A: HTTPS shop, its own Service -------------------------------------------------------------------------
  const teamA = new Chart(app, 'team-a', { namespace: 'team-a' });
  const shop = new kplus.Service(teamA, 'shop-service', {
    metadata: { name: 'shop' },
    selector: kplus.Pods.select(teamA, 'shop-pods', { labels: { app: 'shop' } }),
    ports: [{ port: 8080, name: 'http' }],
  });
  new SecureHost(teamA, 'shop', {
    gateway,
    hosts: ['shop.example.com'],
    tls: ServerTls.simple(Credential.fromCertManager({
      issuer: { name: 'letsencrypt', kind: CertManagerIssuerKind.CLUSTER_ISSUER },
      secretName: 'shop-credential',
    })),
    virtualServiceName: 'shop',
    routes: [HttpRoute.to([Destination.fromService(shop, { port: 8080 })])],
  });

  // --- team B: plain HTTP blog and an SNI passthrough --------------------------------------------------------------
  const teamB = new Chart(app, 'team-b', { namespace: 'team-b' });
  new HttpHost(teamB, 'blog', {
    gateway,
    hosts: ['blog.example.com'],
    virtualServiceName: 'blog',
    routes: [
      HttpRoute.to([Destination.service('blog-admin', 8080)], { matches: [HttpMatch.prefix('/admin')] }),
      HttpRoute.to([Destination.service('blog', 80)]),
    ],
  });
  new SniPassthrough(teamB, 'vault', {
    gateway,
    sniHosts: ['vault.example.com'],
    destination: Destination.service('vault', 8200),
    name: 'vault',
  });
}

/**
 * Team C, in its own App (its own repository): the platform's gateway is imported by its attributes. The workload
 * facts (labels, namespace, Service ports) are what the platform publishes.
 */
export function buildTeamC(app: App): void {
  const teamC = new Chart(app, 'team-c', { namespace: 'team-c' });
  const workload = GatewayWorkload.fromInstalled(teamC, 'shared-workload', {
    selector: { istio: 'shared-gateway' },
    namespace: 'istio-ingress',
    serviceName: 'shared-gateway',
    serviceType: GatewayServiceType.LOAD_BALANCER,
    ports: [{ port: 15021, name: 'status-port' }, { port: 80, name: 'http2' }, { port: 443, name: 'https' }],
  });
  const gateway = IngressGateway.fromGatewayAttributes(teamC, 'shared-gateway', {
    name: 'shared-gateway',
    namespace: 'istio-ingress',
    workload,
    hosts: ['team-c/api.example.com'],
  });
  new HttpHost(teamC, 'api', {
    gateway,
    hosts: ['api.example.com'],
    virtualServiceName: 'api',
    routes: [HttpRoute.to([Destination.service('api', 8080)])],
  });
}
