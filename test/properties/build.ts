/**
 * Builds a cdk8s App from a generated {@link AppConfig}, the way a platform team would: a platform chart with the
 * gateway workload(s), team charts with Gateways and their hosts/routes, an egress chart, an IstioOperator in its
 * own chart, access logging.
 *
 * Everything that must not depend on creation order (hosts, ports, secret names, construct ids) is planned first in
 * the config's canonical order; `order` then only permutes the order in which the order-free constructs are created
 * (determinism.test.ts). HTTP rules inside one route list keep their order: first match wins.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type {
  AppConfig, DestinationConfig, HttpHostConfig, IngressItem, MatchConfig, RouteConfig, SecureHostConfig, SniConfig,
  StringMatchConfig, TcpRouteConfig, TlsConfig,
} from './arbitraries';
import {
  ClientCa,
  AccessLogging, CertManagerIssuerKind, Credential, Destination, EgressGateway, EgressProtocol, GatewayRole,
  GatewayWorkload, HttpMatch, HttpMethod, HttpRoute, ICredential, IGatewayWorkload, IngressGateway, IstioOperator,
  IstioProfile, OutboundTrafficPolicyMode, RedirectScheme, ServerTls, StringMatch, TlsVersion,
} from '../../src';
import { configureChecks } from '../../src/check/synth-hook';

/** PEM material for Credential.fromPem: a leaf for `*.pem.example.com` + `pem.example.com`, and a CA. */
export interface PemMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/** The PEM hosts' domain: the leaf certificate's SANs cover `*.pem.example.com`. */
export const PEM_DOMAIN = 'pem.example.com';

/** TCP ports the installed/IstioOperator workloads expose for TCP routes (deployed workloads add them on demand). */
export const TCP_PORTS = [31400, 31401, 31402, 31403, 31404, 31405];

/** Namespace of the destination Services reached across namespaces. */
export const BACKEND_NAMESPACE = 'backend';

export interface BuildOptions {
  /** PEM material (required when the config uses PEM credentials). */
  readonly pem?: PemMaterial;
  /** Per gateway: the order in which its items are created (a permutation of item indices). */
  readonly itemOrder?: (gatewayIndex: number, count: number) => number[];
  /** The order in which the gateways are created. */
  readonly gatewayOrder?: (count: number) => number[];
  /** The order in which egress routes are created. */
  readonly egressOrder?: (count: number) => number[];
  /** Where synth-time warnings go (default: dropped, so passing tests print nothing). */
  readonly warn?: (text: string) => void;
  /** Use this App instead of a new Testing.app(). */
  readonly app?: App;
}

export interface BuiltApp {
  readonly app: App;
  /** number of constructs the config asked for that were skipped (see the CONSTRAINT comments) */
  readonly skipped: string[];
}

const identity = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Builds the app. Throws whatever the constructs throw. */
export function buildApp(cfg: AppConfig, options: BuildOptions = {}): BuiltApp {
  const app = options.app ?? Testing.app();
  configureChecks(app, { warn: options.warn ?? (() => undefined) });
  const skipped: string[] = [];
  const charts = cfg.charts.map((ns) => new Chart(app, ns, { namespace: ns }));
  const platform = charts[0];

  // --- IstioOperator (its own chart) -----------------------------------------------------------------------------
  let iop: IstioOperator | undefined;
  if (cfg.iop) {
    const o = cfg.iop;
    iop = new IstioOperator(app, 'istio-install', {
      name: 'control-plane',
      profile: o.profile as IstioProfile,
      revision: o.revision ? 'canary' : undefined,
      outboundTrafficPolicy: o.registryOnly === undefined ? undefined
        : o.registryOnly ? OutboundTrafficPolicyMode.REGISTRY_ONLY : OutboundTrafficPolicyMode.ALLOW_ANY,
      accessLogFile: o.accessLogFile ? '/dev/stdout' : undefined,
      filterGatewayClusterConfig: o.filterGatewayClusterConfig,
      gatewaysRunAsRoot: o.runAsRoot,
    });
  }
  const iopPorts = [
    { port: 80, targetPort: 8080, name: 'http2' },
    { port: 443, targetPort: 8443, name: 'https' },
    ...TCP_PORTS.map((p) => ({ port: p, targetPort: p, name: `tcp-${p}` })),
  ];

  // --- ingress workload ------------------------------------------------------------------------------------------
  let ingress: IGatewayWorkload;
  let tcpPorts: number[];
  switch (cfg.ingressWorkload) {
    case 'istioctl':
      ingress = GatewayWorkload.istioIngressGateway(platform, 'ingress');
      // CONSTRAINT: the istioctl preset models the default profile (15021, 80, 443); an installed workload cannot
      // add ports, so TCP routes on it are invalid configurations (GWX-PORT-001), not generated here.
      tcpPorts = [];
      break;
    case 'helm':
      ingress = GatewayWorkload.helmGateway(platform, 'ingress', {
        name: 'public-gateway',
        namespace: 'gateways',
        extraPorts: TCP_PORTS.map((p) => ({ port: p, name: `tcp-${p}` })),
      });
      tcpPorts = [...TCP_PORTS];
      break;
    case 'installed':
      ingress = GatewayWorkload.fromInstalled(platform, 'ingress', {
        selector: { istio: 'edge', app: 'edge-gateway' },
        namespace: 'edge',
        serviceName: 'edge-gateway',
        unprivileged: true,
        ports: [
          { port: 15021, name: 'status-port' },
          { port: 80, targetPort: 8080, name: 'http2' },
          { port: 443, targetPort: 8443, name: 'https' },
          ...TCP_PORTS.map((p) => ({ port: p, name: `tcp-${p}` })),
        ],
      });
      tcpPorts = [...TCP_PORTS];
      break;
    case 'deployed':
      ingress = new GatewayWorkload(platform, 'ingress', {
        label: 'team-gateway',
        namespace: 'gateways',
        autoscaling: cfg.deployedScaling.autoscaling ? { minReplicas: 2, maxReplicas: 5 } : undefined,
        minAvailable: cfg.deployedScaling.minAvailable ? 1 : undefined,
      });
      tcpPorts = [...TCP_PORTS];
      break;
    case 'iop-default':
      ingress = iop!.enableIngressGateway('ingress', cfg.iop!.defaultIngressPorts ? {} : { ports: iopPorts });
      // CONSTRAINT (checker false positive, see report): the demo profile's istio-ingressgateway Service has 31400
      // (the construct knows it), but the checker derives only 15021/80/443 from the IstioOperator (GWX-PORT-001).
      tcpPorts = cfg.iop!.defaultIngressPorts ? [] : [...TCP_PORTS];
      break;
    case 'iop-extra':
      ingress = iop!.addIngressGateway('ingress', { name: 'edge-gateway', label: { istio: 'edge-gateway' }, ports: iopPorts });
      tcpPorts = [...TCP_PORTS];
      break;
  }

  // --- plan the ingress items in canonical order ----------------------------------------------------------------
  let hostCursor = 0;
  const takeHosts = (n: number): string[] => {
    const out = cfg.hosts.slice(hostCursor, hostCursor + n);
    hostCursor += n;
    return out;
  };
  let pemCursor = 0;
  let pemWildcardUsed = false;
  const services = new Map<string, Set<number>>(); // "ns/name" → ports

  type Planned = { readonly id: string; readonly create: (gw: IngressGateway) => void };
  const plannedGateways: { readonly chart: Chart; readonly index: number; readonly named: boolean; readonly items: Planned[] }[] = [];
  let tcpCursor = 0;
  // Target ports (Envoy listeners) of the TCP routes planned on the ingress workload. Two Service ports with one
  // targetPort share one listener in istiod, so a second TCP server there is skipped (GWX-PORT-004, correctly): a
  // valid app gives every TCP route its own target port. A TCP port without an offset listens on itself.
  const tcpTargets = new Set<number>();
  const tcpTargetPort = (port: number, offset: number | undefined): number | undefined => {
    if (cfg.ingressWorkload !== 'deployed' || offset === undefined) {
      tcpTargets.add(port);
      return undefined;
    }
    // skip targets taken by an earlier route and the other TCP ports (a later route without an offset listens there)
    let target = port + offset;
    while (tcpTargets.has(target) || (target !== port && TCP_PORTS.includes(target))) target++;
    tcpTargets.add(target);
    return target;
  };
  cfg.gateways.forEach((g, gi) => {
    const chart = charts[g.chart % charts.length];
    const ns = chart.namespace!;
    const items: Planned[] = [];
    let anyHostUsed = false;
    let previousCredential: { credential: ICredential; hasCa: boolean } | undefined;
    g.items.forEach((item, ii) => {
      const id = `${item.kind}-${ii}`;
      switch (item.kind) {
        case 'http': {
          const p = planHttp(item, ns, id);
          if (p) items.push(p);
          break;
        }
        case 'secure': {
          const p = planSecure(item, ns, id);
          if (p) items.push(p);
          break;
        }
        case 'tcp': {
          const port = tcpPorts[tcpCursor++];
          if (port === undefined) {
            skipped.push(`gateways[${gi}].items[${ii}]: no free TCP port on the ${cfg.ingressWorkload} workload`);
            break;
          }
          items.push(planTcp(item, ns, id, port));
          break;
        }
        case 'sni': {
          const p = planSni(item, ns, id);
          if (p) items.push(p);
          break;
        }
      }
    });
    plannedGateways.push({ chart, index: gi, named: g.named, items });

    function hostsFor(count: number, wildcard: boolean, id: string): string[] | undefined {
      const hosts = takeHosts(count);
      if (hosts.length < count) {
        skipped.push(`${id}: host pool exhausted`);
        return undefined;
      }
      if (wildcard) {
        // CONSTRAINT: hosts of one construct must not overlap (`*.a.com` with `x.a.com`): one VirtualService with
        // overlapping hosts is rejected (VS-HOST-002 at synth); the constructs do not reject it eagerly.
        const suffix = `.${hosts[0]}`;
        hosts[0] = `*${suffix}`;
        return hosts.filter((h, i) => i === 0 || !h.endsWith(suffix));
      }
      return hosts;
    }

    function planHttp(h: HttpHostConfig, routeNs: string, id: string): Planned | undefined {
      let hosts = hostsFor(h.hostCount, h.wildcard, id);
      if (!hosts) return undefined;
      const anyHost = h.anyHost && !anyHostUsed && !h.includeMesh;
      if (anyHost) {
        anyHostUsed = true;
        hosts = ['*'];
      }
      const routes = h.routes.map((r) => route(r, routeNs));
      const portName = h.ownServer ? `http-${gi}-${id}` : undefined;
      return {
        id,
        create: (gw) => gw.addHttpHost(id, {
          hosts: hosts!,
          routes: routes.map((f) => f()),
          allowAnyHost: anyHost || undefined,
          includeMesh: h.includeMesh || undefined,
          portName,
          virtualServiceName: h.vsName ? `vs-${gi}-${id}` : undefined,
        }),
      };
    }

    function planSecure(s: SecureHostConfig, routeNs: string, id: string): Planned | undefined {
      let hosts: string[] | undefined;
      let wildcard = s.wildcard;
      if (s.tls.credential === 'pem') {
        // PEM hosts live under pem.example.com, which the test certificate covers (SAN *.pem.example.com)
        if (wildcard && pemWildcardUsed) wildcard = false;
        const labels = cfg.pemLabels.slice(pemCursor, pemCursor + s.hostCount);
        pemCursor += s.hostCount;
        if (labels.length < s.hostCount) {
          skipped.push(`${id}: PEM host pool exhausted`);
          return undefined;
        }
        hosts = labels.map((l) => `${l}.${PEM_DOMAIN}`);
        if (wildcard) {
          pemWildcardUsed = true;
          // CONSTRAINT: `*.pem.example.com` covers every other PEM host; it stands alone (VS-HOST-002, see hostsFor)
          hosts = [`*.${PEM_DOMAIN}`];
        }
      } else {
        hosts = hostsFor(s.hostCount, wildcard, id);
        if (!hosts) return undefined;
      }
      const mutual = s.tls.mode === 'mutual';
      let credential: ICredential;
      if (s.shareCredential && previousCredential && (!mutual || previousCredential.hasCa)
        && (s.tls.credential !== 'pem') === !pemHostsOf(previousCredential.credential)) {
        credential = previousCredential.credential;
      } else {
        credential = makeCredential(s.tls, mutual, `${gi}-${id}`);
        previousCredential = { credential, hasCa: credential.hasCa };
      }
      const tls = serverTls(s.tls, credential);
      const routes = s.routes.map((r) => route(r, routeNs));
      return {
        id,
        create: (gw) => gw.addSecureHost(id, {
          hosts: hosts!,
          tls,
          routes: routes.map((f) => f()),
          redirect: s.redirect,
          allowWildcardHosts: wildcard || undefined,
          portName: s.portName ? `https-${gi}-${id}` : undefined,
          virtualServiceName: s.vsName ? `vs-${gi}-${id}` : undefined,
        }),
      };
    }

    function planTcp(t: TcpRouteConfig, routeNs: string, id: string, port: number): Planned {
      const dest = destination(t.destination, routeNs, false);
      // only a deployed workload can choose the target port of a new Service port
      const targetPort = tcpTargetPort(port, t.targetPortOffset);
      return {
        id,
        create: (gw) => gw.addTcpRoute(id, {
          port,
          destination: dest(),
          targetPort,
          name: t.named ? `tcp-${gi}-${id}` : undefined,
        }),
      };
    }

    function planSni(s: SniConfig, routeNs: string, id: string): Planned | undefined {
      const hosts = hostsFor(s.hostCount, s.wildcard, id);
      if (!hosts) return undefined;
      const dest = destination(s.destination, routeNs, false);
      return {
        id,
        create: (gw) => gw.addSniPassthrough(id, {
          sniHosts: hosts,
          destination: dest(),
          allowWildcardHosts: s.wildcard || undefined,
          name: s.named ? `sni-${gi}-${id}` : undefined,
        }),
      };
    }
  });

  function pemHostsOf(c: ICredential): boolean {
    return PEM_CREDENTIALS.has(c);
  }

  // names come from the item id (not a creation counter), so shuffling the creation order does not rename secrets
  function makeCredential(t: TlsConfig, mutual: boolean, n: string): ICredential {
    switch (t.credential) {
      case 'secretName':
        return Credential.fromSecretName(`tls-secret-${n}`, { hasCa: mutual || t.optional });
      case 'certManager':
        return Credential.fromCertManager({
          issuer: t.issuerKind === 'ClusterIssuer'
            ? { name: 'letsencrypt', kind: CertManagerIssuerKind.CLUSTER_ISSUER }
            : { name: 'ca-issuer', kind: t.issuerKind === 'Issuer' ? CertManagerIssuerKind.ISSUER : undefined },
          secretName: `cm-secret-${n}`,
          ca: mutual || undefined,
          duration: t.durationHours !== undefined ? Duration.hours(t.durationHours) : undefined,
          renewBefore: t.durationHours !== undefined ? Duration.hours(Math.max(1, Math.floor(t.durationHours / 3))) : undefined,
          extraDnsNames: t.extraDnsNames ? [`extra-${n}.example.com`] : undefined,
        });
      case 'pem': {
        if (!options.pem) throw new Error('buildApp: PEM material is required for pem credentials');
        const c = Credential.fromPem({
          cert: options.pem.cert,
          key: options.pem.key,
          ca: mutual || t.optional ? options.pem.ca : undefined,
          secretName: `pem-secret-${n}`,
          allowPrivateKeyInManifest: true,
        });
        PEM_CREDENTIALS.add(c);
        return c;
      }
    }
  }

  // Destinations: planned now (so Service declarations do not depend on creation order), built at creation time.
  function destination(d: DestinationConfig, routeNs: string, withWeight: boolean): () => Destination {
    const ns = d.crossNamespace ? BACKEND_NAMESPACE : routeNs;
    const key = `${ns}/${d.service}`;
    if (!services.has(key)) services.set(key, new Set());
    services.get(key)!.add(d.port);
    return () => Destination.service(d.service, d.port, {
      namespace: d.crossNamespace ? BACKEND_NAMESPACE : undefined,
      subset: d.subset,
      subsetLabels: d.subset ? { version: d.subset } : undefined,
      weight: withWeight ? d.weight : undefined,
    });
  }

  function route(r: RouteConfig, routeNs: string): () => HttpRoute {
    const matches = r.matches.length > 0 ? r.matches : undefined;
    const m = () => matches?.map(match);
    switch (r.kind) {
      case 'to': {
        const dests = r.destinations.map((d) => destination(d, routeNs, r.destinations.length > 1));
        return () => HttpRoute.to(dests.map((f) => f()), {
          name: r.name,
          matches: m(),
          rewrite: r.rewrite,
          timeout: r.timeoutMs !== undefined ? Duration.millis(r.timeoutMs) : undefined,
          retries: r.retries ? {
            attempts: r.retries.attempts,
            perTryTimeout: r.retries.perTryTimeoutMs !== undefined ? Duration.millis(r.retries.perTryTimeoutMs) : undefined,
            retryOn: r.retries.retryOn,
          } : undefined,
          requestHeaders: r.requestHeaders,
          responseHeaders: r.responseHeaders,
        });
      }
      case 'redirect':
        return () => HttpRoute.redirect({
          ...r.redirect!,
          scheme: r.redirect!.scheme as RedirectScheme | undefined,
        }, { name: r.name, matches: m() });
      case 'direct':
        return () => HttpRoute.directResponse(r.status!, { name: r.name, matches: m(), body: r.body });
    }
  }

  // --- create the gateways and their items (in the requested order) ----------------------------------------------
  const gatewayOrder = (options.gatewayOrder ?? identity)(plannedGateways.length);
  for (const gi of gatewayOrder) {
    const g = plannedGateways[gi];
    if (g.items.length === 0) continue; // a Gateway without servers is invalid (GW-SRV-001); all its items were skipped
    const gw = new IngressGateway(g.chart, `gateway-${g.index}`, {
      workload: ingress,
      name: g.named ? `public-${g.index}` : undefined,
    });
    const order = (options.itemOrder ?? ((_: number, n: number) => identity(n)))(g.index, g.items.length);
    for (const i of order) g.items[i].create(gw);
  }
  if (plannedGateways.every((g) => g.items.length === 0)) skipped.push('no ingress item could be placed');

  // --- egress ------------------------------------------------------------------------------------------------------
  if (cfg.egress) {
    const e = cfg.egress;
    const chart = charts[e.chart % charts.length];
    let workload: IGatewayWorkload;
    switch (e.workload) {
      case 'istioctl':
        workload = GatewayWorkload.istioEgressGateway(platform, 'egress');
        break;
      case 'deployed':
        workload = new GatewayWorkload(platform, 'egress', { label: 'team-egress', namespace: 'egress', role: GatewayRole.EGRESS });
        break;
      case 'iop-default':
        workload = iop!.enableEgressGateway('egress');
        break;
      case 'iop-extra':
        workload = iop!.addEgressGateway('egress', { name: 'team-egressgateway', label: { istio: 'team-egress' } });
        break;
    }
    const gw = new EgressGateway(chart, 'egress-gateway', { workload, name: 'egress-gateway' });
    const planned = e.routes.map((r, i) => {
      const host = cfg.egressHosts[i];
      if (!host) return undefined;
      const protocol = r.protocol as EgressProtocol;
      return () => gw.addRoute(`route-${i}`, {
        host,
        port: r.appPort,
        protocol,
        mutualTlsToGateway: r.mutual || undefined,
        // the egress workloads expose 80 and 443: TLS and ISTIO_MUTUAL legs use 443, plain HTTP legs 80
        gatewayPort: r.protocol === 'TLS' || r.mutual ? 443 : 80,
        maxConnections: r.maxConnections,
        clientNamespaces: r.clientNamespaces ? [...new Set([chart.namespace!, 'default'])] : undefined,
        subsetName: r.subsetName ? `egress-${i}` : undefined,
        name: r.named ? `egress-${i}` : undefined,
        subjectAltNames: r.protocol === 'TLS_ORIGINATION' && r.subjectAltNames ? [host] : undefined,
      });
    });
    const order = (options.egressOrder ?? identity)(planned.length);
    for (const i of order) planned[i]?.();
  }

  // --- access logging ----------------------------------------------------------------------------------------------
  if (cfg.accessLogging) {
    new AccessLogging(platform, 'access-logs', {
      workload: ingress,
      filter: cfg.accessLogging.filter ? 'response.code >= 400' : undefined,
      name: cfg.accessLogging.named ? 'ingress-access-logs' : undefined,
    });
  }

  // --- destination Services ----------------------------------------------------------------------------------------
  if (cfg.declareServices) {
    const svcChart = new Chart(app, 'services');
    for (const key of [...services.keys()].sort()) {
      const [ns, name] = key.split('/');
      new kplus.k8s.KubeService(svcChart, `svc-${ns}-${name}`, {
        metadata: { name, namespace: ns },
        spec: {
          selector: { app: name },
          ports: [...services.get(key)!].sort((a, b) => a - b).map((p) => ({ name: `http-${p}`, port: p })),
        },
      });
    }
  }
  return { app, skipped };
}

const PEM_CREDENTIALS = new WeakSet<ICredential>();

function stringMatch(s: StringMatchConfig): StringMatch {
  switch (s.type) {
    case 'exact': return StringMatch.exact(s.value);
    case 'prefix': return StringMatch.prefix(s.value);
    case 'regex': return StringMatch.regex(s.value);
  }
}

function match(m: MatchConfig): HttpMatch {
  return HttpMatch.of({
    uri: m.uri ? stringMatch(m.uri) : undefined,
    headers: m.headers ? Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, stringMatch(v)])) : undefined,
    method: m.method as HttpMethod | undefined,
    ignoreUriCase: m.ignoreUriCase,
    queryParams: m.queryParams ? Object.fromEntries(Object.entries(m.queryParams).map(([k, v]) => [k, stringMatch(v)])) : undefined,
  });
}

function serverTls(t: TlsConfig, credential: ICredential): ServerTls {
  const versions = {
    minProtocolVersion: t.minVersion as TlsVersion | undefined,
    maxProtocolVersion: t.maxVersion as TlsVersion | undefined,
  };
  return t.mode === 'mutual'
    ? ServerTls.mutual(credential, ClientCa.fromServerCredential(), { ...versions, optional: t.optional, subjectAltNames: t.subjectAltNames })
    : ServerTls.simple(credential, versions);
}

/** Every item kind of a config, for statistics. */
export function itemKinds(cfg: AppConfig): Record<IngressItem['kind'], number> {
  const out = { http: 0, secure: 0, tcp: 0, sni: 0 };
  cfg.gateways.forEach((g) => g.items.forEach((i) => out[i.kind]++));
  return out;
}
