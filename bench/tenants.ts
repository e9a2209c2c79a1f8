/**
 * The benchmark app: N tenants on one shared, library-deployed ingress gateway and the istioctl egress gateway.
 *
 * Tenant i (namespace `tenant-<i>`):
 * - a SecureHost `app-<i>.tenants.example.com` on the shared IngressGateway, TLS from a cert-manager Certificate
 *   (ClusterIssuer `letsencrypt`), HTTP→HTTPS redirect on port 80, and 3 weighted HTTP routes (two subsets each,
 *   so each backend also gets a DestinationRule);
 * - the app Services the routes point to (api, web, frontend), each selecting the subsets' pods;
 * - every 10th tenant: a TcpRoute on its own gateway port (31400 + i/10) to the tenant's tcp-echo Service — the
 *   library deploys the gateway workload, so the port is added to the gateway Service;
 * - every 5th tenant: an EgressRoute (TLS passthrough by SNI) to `api.partner-<i>.example.com:443` through the
 *   istio-egressgateway, visible only in the tenant's namespace.
 *
 * The number of charts is fixed (3) whatever N is: cdk8s re-validates the whole App once per chart, so one chart per
 * tenant would be quadratic in cdk8s itself (raw ApiObjects included).
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CertManagerIssuerKind, Checks, Credential, Destination, EgressGateway, EgressProtocol, EgressRoute, GatewayWorkload,
  HttpMatch, HttpRoute, IngressGateway, SecureHost, ServerTls, TcpRoute,
} from '../src';

/** Names of the benchmark's charts, in creation order. */
export const CHARTS = ['edge', 'tenant-apps', 'tenant-routing'] as const;

export interface TenantAppOptions {
  /** Number of tenants. */
  readonly tenants: number;
  /** Turn the synth-time checks off (variant b). */
  readonly checksDisabled?: boolean;
  /** cdk8s outdir. */
  readonly outdir?: string;
}

export interface TenantApp {
  readonly app: App;
  readonly charts: Chart[];
}

const ISSUER = { name: 'letsencrypt', kind: CertManagerIssuerKind.CLUSTER_ISSUER };

function backendService(chart: Chart, id: string, namespace: string, name: string, port: number, app: string): void {
  new kplus.k8s.KubeService(chart, id, {
    metadata: { name, namespace, labels: { app } },
    spec: {
      selector: { app },
      ports: [{ name: `http-${name}`, port, targetPort: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
    },
  });
}

/** Builds the tenant app (nothing synthesized yet). */
export function buildTenantApp(options: TenantAppOptions): TenantApp {
  const n = options.tenants;
  const app = new App({ outdir: options.outdir });
  if (options.checksDisabled) Checks.configure(app, { disabled: true });

  const edge = new Chart(app, CHARTS[0]);
  const apps = new Chart(app, CHARTS[1]);
  const routing = new Chart(app, CHARTS[2]);

  const workload = new GatewayWorkload(edge, 'tenant-gateway', {
    label: 'tenant-gateway',
    namespace: 'istio-ingress',
    replicas: 3,
  });
  const ingress = new IngressGateway(edge, 'ingress', { workload, name: 'tenant-gateway', namespace: 'istio-ingress' });
  const egressWorkload = GatewayWorkload.istioEgressGateway(edge, 'egress-workload');
  const egress = new EgressGateway(edge, 'egress', { workload: egressWorkload, name: 'istio-egressgateway', namespace: 'istio-system' });

  for (let i = 0; i < n; i++) {
    const ns = `tenant-${i}`;
    const host = `app-${i}.tenants.example.com`;

    // the tenant's app Services (Deployments are out of scope: the routes only need the Services)
    backendService(apps, `${ns}-api`, ns, 'api', 8080, 'api');
    backendService(apps, `${ns}-web`, ns, 'web', 80, 'web');
    backendService(apps, `${ns}-frontend`, ns, 'frontend', 80, 'frontend');

    const credential = Credential.fromCertManager({ issuer: ISSUER, secretName: `${ns}-tls` });
    new SecureHost(routing, `${ns}-host`, {
      gateway: ingress,
      hosts: [host],
      tls: ServerTls.simple(credential),
      namespace: ns,
      virtualServiceName: 'app',
      routes: [
        HttpRoute.to([
          Destination.service('api', 8080, { subset: 'v1', subsetLabels: { version: 'v1' }, weight: 90 }),
          Destination.service('api', 8080, { subset: 'v2', subsetLabels: { version: 'v2' }, weight: 10 }),
        ], { matches: [HttpMatch.prefix('/api/')], name: 'api' }),
        HttpRoute.to([
          Destination.service('web', 80, { subset: 'blue', subsetLabels: { track: 'blue' }, weight: 50 }),
          Destination.service('web', 80, { subset: 'green', subsetLabels: { track: 'green' }, weight: 50 }),
        ], { matches: [HttpMatch.prefix('/static/')], name: 'static' }),
        HttpRoute.to([
          Destination.service('frontend', 80, { subset: 'stable', subsetLabels: { track: 'stable' }, weight: 80 }),
          Destination.service('frontend', 80, { subset: 'canary', subsetLabels: { track: 'canary' }, weight: 20 }),
        ], { name: 'default' }),
      ],
    });

    if (i % 10 === 0) {
      new kplus.k8s.KubeService(apps, `${ns}-tcp-echo`, {
        metadata: { name: 'tcp-echo', namespace: ns, labels: { app: 'tcp-echo' } },
        spec: {
          selector: { app: 'tcp-echo' },
          ports: [{ name: 'tcp-echo', port: 9000, targetPort: kplus.k8s.IntOrString.fromNumber(9000), protocol: 'TCP' }],
        },
      });
      new TcpRoute(routing, `${ns}-tcp`, {
        gateway: ingress,
        port: 31400 + i / 10,
        hosts: [`tcp-${i}.tenants.example.com`],
        destination: Destination.service('tcp-echo', 9000),
        namespace: ns,
        name: 'tcp-echo',
      });
    }

    if (i % 5 === 0) {
      new EgressRoute(routing, `${ns}-egress`, {
        gateway: egress,
        host: `api.partner-${i}.example.com`,
        port: 443,
        protocol: EgressProtocol.TLS,
        clientNamespaces: [ns],
        namespace: ns,
        name: 'partner-api',
      });
    }
  }
  return { app, charts: [edge, apps, routing] };
}
