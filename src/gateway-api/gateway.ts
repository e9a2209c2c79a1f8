/**
 * The Gateway API rendering of a gateway (`api: GatewayApi.KUBERNETES`): the constructs keep their model (servers,
 * hosts, routes) and this renderer writes a gateway.networking.k8s.io/v1 Gateway with one listener per server host,
 * the HTTP→HTTPS redirect HTTPRoute and the ReferenceGrants for cross-namespace certificate references.
 * Internal: not exported from index.ts.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AutomatedGatewayWorkload } from './automated-workload';
import { EgressPolicies } from './egress';
import { ReferenceGrants } from './reference-grant';
import { GATEWAY_API_GROUP } from './util';
import {
  Gateway as GatewayL1, GatewaySpec, GatewaySpecListeners, GatewaySpecListenersAllowedRoutesNamespacesFrom,
  GatewaySpecListenersTlsMode, GatewaySpecTlsFrontendPerPortTlsValidationMode, HttpRoute as HttpRouteL1,
  HttpRouteSpecRulesFiltersRequestRedirectScheme, HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
  HttpRouteSpecRulesFiltersType, toJson_GatewaySpec, toJson_HttpRouteSpec,
} from '../../imports/gateway.networking.k8s.io';
import { IstioGatewaysError } from '../errors';
import type { IGatewayWorkload } from '../gateway-workload';
import type { RenderedServerTls } from '../internal/gateway-servers';
import { l1Props } from '../internal/l1-props';
import { hostSlug } from '../internal/validate';

/** The Gateway API renderer of a gateway of this app with `api: KUBERNETES` (imported gateways have none). */
export function kubernetesOf(gateway: IConstruct): KubernetesGateway | undefined {
  return (gateway as { readonly _kubernetes?: KubernetesGateway })._kubernetes;
}

/** What the renderer reads of a gateway server (GatewayBase's server state). */
export interface ServerView {
  readonly port: number;
  readonly protocol: string;
  readonly portName: string;
  /** Host strings, or host states with a `host` (as GatewayBase keeps them). */
  readonly hosts: Iterable<string | { readonly host: string }>;
  readonly tls?: RenderedServerTls;
  readonly httpsRedirect: boolean;
}

/** A parentRef to one listener of the Gateway. */
export interface ParentRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName: string;
}

/** The host strings of a server. */
function hostsOf(s: ServerView): string[] {
  return [...s.hosts].map((h) => (typeof h === 'string' ? h : h.host));
}

/** The Secret with the client CA of a MUTUAL server: a separate CA credential when the server has one. */
function clientCaName(t: RenderedServerTls): string | undefined {
  return (t as RenderedServerTls & { readonly caCertCredentialName?: string }).caCertCredentialName ?? t.credentialName;
}

/** Route kinds a listener admits. */
export type RouteKindName = 'HTTPRoute' | 'TLSRoute' | 'TCPRoute';

/** Props of {@link KubernetesGateway}. */
export interface KubernetesGatewayProps {
  readonly name?: string;
  readonly namespace: string;
  readonly workload: IGatewayWorkload;
  /** The gateway's servers, read at synth time. */
  readonly servers: () => readonly ServerView[];
}

/** One rendered listener, with the server it comes from. */
interface ListenerPlan {
  readonly listener: GatewaySpecListeners;
  readonly server: ServerView;
  /** lower-cased host of the server this listener serves (`*` for any). */
  readonly host: string;
}

const ISTIO_DEFAULT_MIN_TLS = new Set([undefined, 'TLSV1_2', 'TLS_AUTO']);

function listenerProtocol(s: ServerView): string {
  switch (s.protocol) {
    case 'HTTP': case 'HTTP2': case 'GRPC':
      return 'HTTP';
    case 'HTTPS':
      return 'HTTPS';
    case 'TLS':
      return 'TLS';
    default:
      return 'TCP';
  }
}

/** The route kind a listener of this server takes. */
export function routeKindFor(s: ServerView): RouteKindName {
  const p = listenerProtocol(s);
  if (p === 'HTTP' || p === 'HTTPS') return 'HTTPRoute';
  if (p === 'TLS' && s.tls?.mode === 'PASSTHROUGH') return 'TLSRoute';
  return 'TCPRoute';
}

/**
 * A gateway.networking.k8s.io/v1 Gateway (`gatewayClassName: istio`) bound to the gateway workload's Service through
 * `spec.addresses` (Istio's manual deployment), with listeners derived from the servers.
 */
export class KubernetesGateway {
  public readonly apiObject: ApiObject;
  public readonly grants: ReferenceGrants;
  /** `port|host` → namespaces of the routes that attach there. */
  private readonly attachments = new Map<string, Set<string>>();
  private readonly redirectRoutes = new Map<number, ApiObject>();
  private egress?: EgressPolicies;

  private readonly automated?: AutomatedGatewayWorkload;

  constructor(private readonly scope: Construct, private readonly props: KubernetesGatewayProps) {
    this.grants = new ReferenceGrants(scope);
    let name = props.name;
    const annotations: { [key: string]: string } = {};
    if (props.workload instanceof AutomatedGatewayWorkload) {
      const w = props.workload;
      if (name !== undefined && name !== w.gatewayName) {
        throw new IstioGatewaysError(scope, `name: "${name}" differs from the gatewayName "${w.gatewayName}" of the automated workload ${w.node.path}; Istio deploys the workload for the Gateway of that name`);
      }
      if (w.namespace !== props.namespace) {
        throw new IstioGatewaysError(scope, `namespace: ${props.namespace} differs from the automated workload's namespace ${w.namespace}; Istio deploys the workload in the Gateway's namespace`);
      }
      name = w.gatewayName;
      annotations['networking.istio.io/service-type'] = w.serviceType;
      w._bind();
      this.automated = w;
    }
    this.apiObject = new ApiObject(scope, 'Resource', l1Props(GatewayL1.GVK, {
      metadata: {
        ...(name !== undefined ? { name } : {}),
        namespace: props.namespace,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: Lazy.any({ produce: () => toJson_GatewaySpec(this.renderSpec()) }),
    }));
  }

  /** The per-port traffic policies of an egress gateway's Service (its DestinationRule), created on first use. */
  public get egressPolicies(): EgressPolicies {
    if (!this.egress) this.egress = new EgressPolicies(this.scope, this.name, this.props.namespace, this.props.workload);
    return this.egress;
  }

  /** metadata.name of the Gateway. */
  public get name(): string {
    return this.apiObject.name;
  }

  /**
   * Called by GatewayBase.addServer after a server was added or extended: rejects what the Gateway API cannot
   * express, grants cross-namespace certificate references and creates the redirect route of a redirect server.
   */
  public serverAdded(scope: IConstruct, server: ServerView, servers: readonly ServerView[]): void {
    this.automated?.exposePort(server.port);
    const tls = server.tls;
    if (tls) {
      if (!ISTIO_DEFAULT_MIN_TLS.has(tls.minProtocolVersion) || tls.maxProtocolVersion !== undefined || tls.cipherSuites !== undefined) {
        throw new IstioGatewaysError(scope, `tls: minProtocolVersion ${tls.minProtocolVersion ?? '-'}, maxProtocolVersion ${tls.maxProtocolVersion ?? '-'}, cipherSuites ${tls.cipherSuites?.join(',') ?? '-'}: the Gateway API has no portable TLS version or cipher settings (Envoy's server default is TLS 1.2+); remove them or use api: GatewayApi.ISTIO`);
      }
      if (tls.subjectAltNames !== undefined) {
        throw new IstioGatewaysError(scope, 'tls.subjectAltNames: the Gateway API frontend validation has no client SAN allow-list; remove subjectAltNames or use api: GatewayApi.ISTIO');
      }
      const mutual = tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
      const samePort = servers.filter((s) => s.port === server.port && s.tls && s.tls.mode !== 'PASSTHROUGH' && s !== server);
      for (const other of samePort) {
        const om = other.tls!.mode === 'MUTUAL' || other.tls!.mode === 'OPTIONAL_MUTUAL';
        if ((om || mutual) && (other.tls!.mode !== tls.mode || clientCaName(other.tls!) !== clientCaName(tls))) {
          throw new IstioGatewaysError(scope, `tls: port ${server.port} already has the ${other.tls!.mode} server "${other.portName}"; the Gateway API validates client certificates per port (spec.tls.frontend.perPort), so servers with different client validation cannot share a port: use another port or api: GatewayApi.ISTIO`);
        }
      }
      const ca = mutual ? clientCaName(tls) : undefined;
      if (ca && ca !== tls.credentialName) {
        this.grants.add({
          fromKind: 'Gateway',
          fromNamespace: this.props.namespace,
          toGroup: '',
          toKind: 'Secret',
          toNamespace: this.props.workload.namespace,
          toName: ca,
        });
      }
      if (tls.credentialName) {
        this.grants.add({
          fromKind: 'Gateway',
          fromNamespace: this.props.namespace,
          toGroup: '',
          toKind: 'Secret',
          toNamespace: this.props.workload.namespace,
          toName: tls.credentialName,
        });
      }
    }
    if (server.httpsRedirect && !this.redirectRoutes.has(server.port)) {
      const port = server.port;
      const route = new ApiObject(this.scope, `HTTPRoute-redirect-${port}`, l1Props(HttpRouteL1.GVK, {
        metadata: { name: `${this.name}-https-redirect-${port}`, namespace: this.props.namespace },
        spec: Lazy.any({
          produce: () => {
            const plans = this.plan().filter((p) => p.server.port === port && p.server.httpsRedirect);
            return toJson_HttpRouteSpec({
              parentRefs: plans.map((p) => ({ group: GATEWAY_API_GROUP, kind: 'Gateway', name: this.name, sectionName: p.listener.name })),
              hostnames: plans.filter((p) => p.listener.hostname !== undefined).map((p) => p.listener.hostname!),
              rules: [{
                filters: [{
                  type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                  requestRedirect: {
                    scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                    statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
                  },
                }],
              }],
            });
          },
        }),
      }));
      this.redirectRoutes.set(port, route);
    }
    if (server.httpsRedirect) {
      this.attach(server.port, hostsOf(server), this.props.namespace);
    }
  }

  /** Records that a route in `namespace` attaches to the listeners of `hosts` on `port`. */
  public attach(port: number, hosts: readonly string[], namespace: string): void {
    for (const h of hosts) {
      const key = `${port}|${h.toLowerCase()}`;
      let s = this.attachments.get(key);
      if (!s) {
        s = new Set();
        this.attachments.set(key, s);
      }
      s.add(namespace);
    }
  }

  /** parentRefs of a route for `hosts` on `port` (one per listener), resolved at synth time. */
  public parentRefs(port: number, hosts: readonly string[], routeNamespace: string): ParentRef[] {
    const wanted = new Set(hosts.map((h) => h.toLowerCase()));
    return this.plan()
      .filter((p) => p.server.port === port && (wanted.has(p.host) || (p.host === '*' && routeKindFor(p.server) === 'TCPRoute')))
      .map((p) => ({
        group: GATEWAY_API_GROUP,
        kind: 'Gateway',
        name: this.name,
        namespace: routeNamespace !== this.props.namespace ? this.props.namespace : undefined,
        sectionName: p.listener.name,
      }));
  }

  private plan(): ListenerPlan[] {
    const servers = [...this.props.servers()].sort((a, b) => a.port - b.port || (a.portName < b.portName ? -1 : a.portName > b.portName ? 1 : 0));
    const out: ListenerPlan[] = [];
    const names = new Set<string>();
    for (const s of servers) {
      const protocol = listenerProtocol(s);
      const kind = routeKindFor(s);
      const hosts = protocol === 'TCP' ? ['*'] : hostsOf(s).map((h) => h.toLowerCase()).sort();
      for (const host of hosts) {
        let name = hosts.length === 1 ? s.portName : hostSlug(s.portName, host);
        for (let i = 2; names.has(name); i++) name = `${hosts.length === 1 ? s.portName : hostSlug(s.portName, host, 58)}-${i}`;
        names.add(name);
        const attached = new Set<string>([...(this.attachments.get(`${s.port}|${host}`) ?? [])]);
        if (protocol === 'TCP') {
          for (const h of hostsOf(s)) for (const n of this.attachments.get(`${s.port}|${h.toLowerCase()}`) ?? []) attached.add(n);
        }
        const others = [...attached].filter((n) => n !== this.props.namespace).sort();
        const tls = s.tls;
        const listener: GatewaySpecListeners = {
          name,
          port: s.port,
          protocol,
          hostname: host === '*' ? undefined : host,
          tls: tls ? (tls.mode === 'PASSTHROUGH'
            ? { mode: GatewaySpecListenersTlsMode.PASSTHROUGH }
            : tls.mode === 'ISTIO_MUTUAL' ? {
              // Istio's listener option for mTLS from sidecars (egress gateways)
              mode: GatewaySpecListenersTlsMode.TERMINATE,
              options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' },
            } : {
              mode: GatewaySpecListenersTlsMode.TERMINATE,
              certificateRefs: tls.credentialName ? [{
                group: '',
                kind: 'Secret',
                name: tls.credentialName,
                namespace: this.props.workload.namespace !== this.props.namespace ? this.props.workload.namespace : undefined,
              }] : undefined,
            }) : undefined,
          allowedRoutes: {
            kinds: [{ group: GATEWAY_API_GROUP, kind }],
            namespaces: others.length === 0
              ? { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME }
              : {
                from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
                selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...new Set([...attached])].sort() }] },
              },
          },
        };
        out.push({ listener, server: s, host });
      }
    }
    return out;
  }

  private renderSpec(): GatewaySpec {
    const plans = this.plan();
    const perPort = new Map<number, RenderedServerTls>();
    for (const p of plans) {
      const t = p.server.tls;
      if (t && (t.mode === 'MUTUAL' || t.mode === 'OPTIONAL_MUTUAL')) perPort.set(p.server.port, t);
    }
    const wlNs = this.props.workload.namespace;
    return {
      gatewayClassName: 'istio',
      // automated deployment: no addresses (Istio deploys <name>-istio); else bind to the installed Service
      addresses: this.automated ? undefined : [{ type: 'Hostname', value: this.props.workload.serviceFqdn }],
      listeners: plans.map((p) => p.listener),
      tls: perPort.size === 0 ? undefined : {
        frontend: {
          // no default validation: only the ports of MUTUAL servers verify client certificates
          default: {},
          perPort: [...perPort.entries()].sort(([a], [b]) => a - b).map(([port, t]) => ({
            port,
            tls: {
              validation: {
                // Istio reads the CA from the `ca.crt` key (or `<name>-cacert`) of the credential Secret, as for
                // Istio Gateways: an implementation-specific kind (the portable one is a ConfigMap).
                caCertificateRefs: [{ group: '', kind: 'Secret', name: clientCaName(t)!, namespace: wlNs !== this.props.namespace ? wlNs : undefined }],
                mode: t.mode === 'OPTIONAL_MUTUAL' ? GatewaySpecTlsFrontendPerPortTlsValidationMode.ALLOW_INSECURE_FALLBACK : undefined,
              },
            },
          })),
        },
      },
    };
  }
}
