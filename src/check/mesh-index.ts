/**
 * The MeshIndex: every fact a rule needs, derived once (O(n)) from the manifests and the declared context.
 *
 * Rule authors never re-derive Istio semantics (selection, port translation, name resolution, visibility, host
 * matching): they ask the index. Section 0 "Semantics" of shared/ISTIO-RULES.md is modelled here and nowhere else.
 *
 * Conventions:
 * - Every method tolerates malformed input (manifests are untrusted YAML) and never throws.
 * - Every list the index returns is in a deterministic order: oldest first (see {@link IndexedObject.order}).
 * - Context objects (facts declared by the user or a construct, not synthesized) are indexed like any other object
 *   but carry `isContext: true`; the engine never reports findings on them.
 */
import { parse as parseYaml } from 'yaml';
import type { ResourceRef } from './findings';
import { ServerHost, hostsIntersect, parseServerHost, resolveShortName, serverHostAdmitsNamespace } from './hosts';
import {
  KubeObject,
  SourceRef,
  apiGroup,
  asArray,
  asNumber,
  asRecord,
  asString,
  asStringArray,
  asStringMap,
  isRecord,
  meta,
  selectorMatches,
} from './model';

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

/**
 * What to assume about the cluster when the input declares no gateway workload at all.
 *
 * - `demo` (default): `istioctl install --set profile=demo`: the default ingress gateway (`istio: ingressgateway` in
 *   istio-system, LoadBalancer Service 15021, 80→8080, 443→8443, 31400, 15443, unprivileged pod) and the default egress gateway
 *   (`istio: egressgateway` in istio-system, ClusterIP Service 80→8080, 443→8443, unprivileged pod).
 * - `default`: `istioctl install` (profile default): the ingress gateway only.
 * - `none`: assume nothing; Gateways then select no workload unless the input declares one.
 */
export type AssumeInstall = 'demo' | 'default' | 'none';

export interface MeshIndexOptions {
  /** Objects declared as facts (installed elsewhere). Indexed, never reported on. */
  readonly context?: readonly KubeObject[];
  /** Parallel to the manifests: where each came from. */
  readonly sources?: readonly (SourceRef | undefined)[];
  /** Parallel to the context objects: where each came from. */
  readonly contextSources?: readonly (SourceRef | undefined)[];
  /** Namespace of namespaced objects without `metadata.namespace`. @default 'default' */
  readonly defaultNamespace?: string;
  /** @default 'demo' */
  readonly assumeInstall?: AssumeInstall;
  /**
   * MeshConfig as in the `mesh` key of the `istio` ConfigMap. istiod environment variables go under the extra key
   * `pilotEnv` (e.g. `{ pilotEnv: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } }`). Overrides what the input declares
   * (the `istio` ConfigMap, istiod Deployment env, an IstioOperator that installs istiod, in that order).
   */
  readonly meshConfig?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Public shapes
// ---------------------------------------------------------------------------------------------------------------

/** One manifest, with its identity parsed once. */
export interface IndexedObject {
  /** The manifest as given. Read it only through model.ts readers. */
  readonly raw: KubeObject;
  readonly apiVersion: string;
  /** API group (`networking.istio.io`; `` for core). */
  readonly group: string;
  /** API version without group (`v1`). */
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  /** Namespace, defaulted for namespaced kinds; undefined for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** `spec` as a record (empty when absent or malformed). */
  readonly spec: Record<string, unknown>;
  /** Identity for findings. */
  readonly ref: ResourceRef;
  /** Where it came from (file or construct path). */
  readonly source: SourceRef;
  /**
   * Merge rank, oldest first: objects with `metadata.creationTimestamp` by time, then objects without it in input
   * order (context objects before manifests). Istio merges Gateways, VirtualServices and DestinationRules oldest first.
   */
  readonly order: number;
  /** True for context objects (declared facts): rules never report on them. */
  readonly isContext: boolean;
}

/** A port of a Kubernetes Service (or of a Service implied by an IstioOperator / the assumed install). */
export interface ServicePortInfo {
  readonly name?: string;
  readonly port: number;
  /**
   * Where traffic goes on the pod: a number, or undefined when the targetPort is named and no container declares
   * that name (unknown). Defaults to `port` when the Service sets no targetPort.
   */
  readonly targetPort?: number;
  /** The raw named targetPort when it was a name. */
  readonly targetPortName?: string;
  /** Upper-cased; default `TCP`. */
  readonly protocol: string;
  readonly nodePort?: number;
}

/** A Service: from a manifest, an IstioOperator gateway component, or the assumed install. */
export interface ServiceInfo {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  /** `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`. */
  readonly type: string;
  readonly ports: readonly ServicePortInfo[];
  /** The Service manifest, or the IstioOperator that implies it; undefined for the assumed install. */
  readonly object?: IndexedObject;
  readonly origin: 'manifest' | 'istio-operator' | 'assumed';
}

/** Role of a gateway workload, from its origin or its `istio` label. */
export type GatewayRole = 'ingress' | 'egress' | 'unknown';

/** A set of gateway pods (a Pod, a pod template of a workload controller, an IOP component, or assumed). */
export interface GatewayWorkload {
  /** Stable identity, e.g. `Deployment/istio-system/istio-ingressgateway`. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** Pod labels. */
  readonly labels: Record<string, string>;
  /** Pods that drop listeners below 1024 (ISTIO_META_UNPRIVILEGED_POD=true). */
  readonly unprivileged: boolean;
  readonly role: GatewayRole;
  /** Container ports by name (for named Service targetPorts). */
  readonly containerPorts: ReadonlyMap<string, number>;
  /** The manifest that declares it; undefined for the assumed install. */
  readonly object?: IndexedObject;
  readonly origin: 'pod' | 'controller' | 'istio-operator' | 'assumed';
  /** Services implied by the origin (IOP / assumed install); manifest Services are matched by selector. */
  readonly impliedServices: readonly ServiceInfo[];
}

/** Where Envoy listens for a Gateway server port on one workload (§0 Port translation). */
export interface ResolvedPort {
  /** The listener port: the Service targetPort when a Service port equals the server port, else the server port. */
  readonly listenPort: number;
  /** True when a Service selecting the pods has the port as `port` or `targetPort` (TCP). */
  readonly exposed: boolean;
  /** The Service port that translated it, if any. */
  readonly service?: ServiceInfo;
  /** True when the translating Service port has a named targetPort that no container declares. */
  readonly unresolvedTarget?: boolean;
}

/** What a server routes (§0 Route kind per server). */
export type RouteKind = 'http' | 'tcp' | 'tls' | 'none';

/** One host of a Gateway server. */
export interface GatewayServerHost extends ServerHost {
  /** The raw string, e.g. `./a.example.com`. */
  readonly raw: string;
  /** Index in `spec.servers[i].hosts`. */
  readonly index: number;
}

/** A Gateway server, flattened. */
export interface GatewayServer {
  readonly gateway: IndexedObject;
  /** Index in `spec.servers`. */
  readonly index: number;
  /** `spec.servers[i]`. */
  readonly path: string;
  readonly port: { readonly number?: number; readonly protocol: string; readonly name?: string };
  readonly bind?: string;
  readonly hosts: readonly GatewayServerHost[];
  readonly tls?: Record<string, unknown>;
  /** Upper-cased tls.mode, `PASSTHROUGH` when tls is present without mode, undefined without tls. */
  readonly tlsMode?: string;
  readonly kind: RouteKind;
}

/** Servers sharing one Envoy listener: same workload, resolved port and bind. */
export interface ListenerBucket {
  readonly workload: GatewayWorkload;
  readonly listenPort: number;
  readonly bind: string;
  /** Oldest gateway first, then server index. */
  readonly servers: readonly { readonly server: GatewayServer; readonly resolved: ResolvedPort }[];
}

/** A gateway reference of a VirtualService after name resolution. */
export type GatewayRef = { readonly mesh: true } | { readonly mesh?: false; readonly namespace: string; readonly name: string };

/** A host in the service registry. */
export interface RegistryEntry {
  /** The registered host (may be a wildcard for ServiceEntries). */
  readonly host: string;
  readonly namespace: string;
  readonly ports: readonly { readonly number: number; readonly name?: string; readonly protocol?: string }[];
  readonly origin: 'service' | 'service-entry';
  readonly object?: IndexedObject;
  readonly service?: ServiceInfo;
}

/** Mesh-wide settings (meshConfig + istiod env) the rules depend on. */
export interface MeshSettings {
  /** `ALLOW_ANY` (default) or `REGISTRY_ONLY` (or whatever the input says, upper-cased). */
  readonly outboundTrafficPolicyMode: string;
  /** istiod env PILOT_SCOPE_GATEWAY_TO_NAMESPACE. */
  readonly scopeGatewayToNamespace: boolean;
  /** istiod env PILOT_FILTER_GATEWAY_CLUSTER_CONFIG. */
  readonly filterGatewayClusterConfig: boolean;
  /** meshConfig.rootNamespace, default istio-system. */
  readonly rootNamespace: string;
  /** meshConfig.accessLogFile, if set. */
  readonly accessLogFile?: string;
  /** The merged raw MeshConfig. */
  readonly raw: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------------------------

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'IngressClass', 'GatewayClass', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'APIService', 'ClusterIssuer', 'RuntimeClass', 'CSIDriver', 'VolumeAttachment',
]);

/**
 * Key of a kind in the index: bare kind for Istio groups (`*.istio.io`), core and the built-in Kubernetes groups
 * (`apps`, `batch`, `policy`, `autoscaling`, `*.k8s.io`); `Kind.group` for everything else, notably the Gateway API
 * (`Gateway.gateway.networking.k8s.io`) and cert-manager (`Certificate.cert-manager.io`).
 */
export function kindKey(group: string, kind: string): string {
  if (group === 'gateway.networking.k8s.io' || group === 'gateway.networking.x-k8s.io') return `${kind}.${group}`;
  if (group === '' || group.endsWith('istio.io') || !group.includes('.') || group.endsWith('.k8s.io')) return kind;
  return `${kind}.${group}`;
}

/** meshConfig key holding the default exportTo of a kind. */
const EXPORT_DEFAULT_KEY: Record<string, string> = {
  VirtualService: 'defaultVirtualServiceExportTo',
  DestinationRule: 'defaultDestinationRuleExportTo',
  ServiceEntry: 'defaultServiceExportTo',
  Service: 'defaultServiceExportTo',
};

const HTTP_FAMILY = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);
const WORKLOAD_CONTROLLERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** True for HTTP, HTTP2, GRPC, GRPC-WEB (Istio `Instance.IsHTTP`). */
export function isHttpFamily(protocol: string): boolean {
  return HTTP_FAMILY.has(protocol.toUpperCase());
}

/** Route kind of a server (§0): HTTP-family or HTTPS-terminated → http; TCP or TLS-terminated → tcp; PASSTHROUGH → tls. */
export function routeKindOf(protocol: string, tlsMode: string | undefined): RouteKind {
  const p = protocol.toUpperCase();
  if (HTTP_FAMILY.has(p)) return 'http';
  if (p === 'HTTPS' || p === 'TLS') {
    // No tls block at all is invalid (GW-TLS-001); classify by the protocol's intent.
    if (tlsMode === undefined) return p === 'HTTPS' ? 'http' : 'tls';
    if (tlsMode === 'AUTO_PASSTHROUGH') return 'none';
    if (tlsMode === 'PASSTHROUGH') return 'tls';
    return p === 'HTTPS' ? 'http' : 'tcp';
  }
  if (p === 'TCP' || p === 'MONGO' || p === 'REDIS' || p === 'MYSQL') return 'tcp';
  return 'none';
}

const INGRESS_DEFAULT_LABELS = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
const EGRESS_DEFAULT_LABELS = { app: 'istio-egressgateway', istio: 'egressgateway' };
const INGRESS_DEFAULT_PORTS: ServicePortInfo[] = [
  { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
];
/** The demo profile's ingress Service adds tcp 31400 and tls 15443 (manifests/profiles/demo.yaml). */
const INGRESS_DEMO_PORTS: ServicePortInfo[] = [
  ...INGRESS_DEFAULT_PORTS,
  { name: 'tcp', port: 31400, targetPort: 31400, protocol: 'TCP' },
  { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
];
const EGRESS_DEFAULT_PORTS: ServicePortInfo[] = [
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
];

// ---------------------------------------------------------------------------------------------------------------
// HostIndex: "which entries' hosts intersect host h" without scanning all entries
// ---------------------------------------------------------------------------------------------------------------

/**
 * A multimap from hosts (exact, `*.suffix` or `*`) to items, answering "which items have a host that intersects
 * (Istio `Name.Matches` both ways) a query host" in O(labels of the query + result size).
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, Entry<T>[]>();
  /**
   * exact hosts by each of their proper suffixes: `a.b.c` under `.b.c` and `.c`; only wildcard queries need it, so
   * it is built on the first one (from `exactEntries`, in insertion order) and dropped by the next add.
   */
  private exactBySuffixMap?: Map<string, Entry<T>[]>;
  private readonly exactEntries: { readonly host: string; readonly entry: Entry<T> }[] = [];
  /** wildcard hosts `*.b.c` by their suffix `.b.c` */
  private readonly wildBySuffix = new Map<string, Entry<T>[]>();
  /** wildcard hosts `*.b.c` by every suffix of their suffix: `.b.c`, `.c` */
  private readonly wildByContained = new Map<string, Entry<T>[]>();
  private readonly any: Entry<T>[] = [];
  private readonly all: Entry<T>[] = [];

  /** Adds an item under a host (exact, `*.suffix` or `*`; compared case-insensitively). */
  public add(host: string, item: T): void {
    const h = host.toLowerCase();
    const e: Entry<T> = { seq: this.all.length, item };
    this.all.push(e);
    if (h === '*') {
      this.any.push(e);
    } else if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      push(this.wildBySuffix, suffix, e);
      for (const s of suffixes(suffix)) push(this.wildByContained, s, e);
    } else {
      push(this.exact, h, e);
      this.exactEntries.push({ host: h, entry: e });
      this.exactBySuffixMap = undefined;
    }
  }

  private exactBySuffix(): Map<string, Entry<T>[]> {
    if (!this.exactBySuffixMap) {
      const m = new Map<string, Entry<T>[]>();
      for (const { host, entry } of this.exactEntries) for (const s of suffixes(host)) push(m, s, entry);
      this.exactBySuffixMap = m;
    }
    return this.exactBySuffixMap;
  }

  /** Items whose host intersects `host` (Istio `Name.Matches` either way), in insertion order, without duplicates. */
  public query(host: string): T[] {
    const h = host.toLowerCase();
    if (h === '*') return this.all.map((e) => e.item);
    const found: Entry<T>[][] = [this.any];
    if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      found.push(this.exactBySuffix().get(suffix) ?? [], this.wildByContained.get(suffix) ?? []);
      if (this.wildBySuffix.size > 0) for (const s of suffixes(suffix)) found.push(this.wildBySuffix.get(s) ?? []);
    } else {
      found.push(this.exact.get(h) ?? []);
      if (this.wildBySuffix.size > 0) for (const s of suffixes(h)) found.push(this.wildBySuffix.get(s) ?? []);
    }
    // Usually one list has hits: each list is in insertion order without duplicates, so it is the answer as is.
    let only: Entry<T>[] | undefined;
    let lists = 0;
    for (const list of found) {
      if (list.length === 0) continue;
      only = list;
      lists++;
    }
    if (lists === 0) return [];
    if (lists === 1) return only!.map((e) => e.item);
    const seen = new Map<number, T>();
    for (const list of found) for (const e of list) seen.set(e.seq, e.item);
    return Array.from(seen.entries()).sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  }
}

interface Entry<T> {
  readonly seq: number;
  readonly item: T;
}

/** Proper suffixes with their leading dot: `a.b.c` → `.b.c`, `.c`; a suffix `.b.c` → `.b.c`, `.c`. */
function suffixes(h: string): string[] {
  const out: string[] = [];
  let i = h.startsWith('.') ? 0 : h.indexOf('.');
  while (i >= 0) {
    out.push(h.slice(i));
    i = h.indexOf('.', i + 1);
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

// ---------------------------------------------------------------------------------------------------------------
// MeshIndex
// ---------------------------------------------------------------------------------------------------------------

export class MeshIndex {
  /** Every indexed object (manifests and context), oldest first. */
  public readonly objects: readonly IndexedObject[];
  /** Namespace of namespaced objects without one. */
  public readonly defaultNamespace: string;
  /** Mesh-wide settings. */
  public readonly meshConfig: MeshSettings;
  /** True when no gateway workload was declared and one was assumed (see {@link AssumeInstall}). */
  public readonly assumedInstall: boolean;

  private readonly byKind = new Map<string, IndexedObject[]>();
  private readonly byId = new Map<string, IndexedObject>();
  private readonly namespaceSet = new Set<string>();
  private readonly workloadList: GatewayWorkload[] = [];
  private readonly workloadsByLabel = new Map<string, GatewayWorkload[]>();
  private readonly servicesByNs = new Map<string, ServiceInfo[]>();
  private readonly serviceByName = new Map<string, ServiceInfo>();
  private readonly servicesForCache = new Map<GatewayWorkload, ServiceInfo[]>();
  private readonly portMapCache = new Map<GatewayWorkload, { byPort: Map<number, ResolvedPort>; targets: Set<number> }>();
  private readonly gatewaysForCache = new Map<GatewayWorkload, IndexedObject[]>();
  private readonly workloadsForCache = new Map<IndexedObject, GatewayWorkload[]>();
  private readonly serversCache = new Map<IndexedObject, GatewayServer[]>();
  private readonly gatewayHostIndex = new Map<IndexedObject, HostIndex<{ server: GatewayServer; host: GatewayServerHost }>>();
  private bucketCache?: ListenerBucket[];
  private registry?: { exact: Map<string, RegistryEntry[]>; hosts: HostIndex<RegistryEntry> };
  private readonly secrets = new Map<string, IndexedObject>();
  private readonly exportCache = new Map<IndexedObject, '*' | ReadonlySet<string>>();

  constructor(manifests: readonly KubeObject[], options: MeshIndexOptions = {}) {
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    const context = options.context ?? [];
    // Each object is built once, final but for `order`; its sort keys live next to it in a small draft.
    const drafts: Draft[] = [];
    const manifestIds = new Set<string>();
    const mk = (o: KubeObject, isContext: boolean, source: SourceRef | undefined, input: number): Draft | undefined => {
      if (!isRecord(o)) return undefined;
      const apiVersion = asString(o.apiVersion) ?? '';
      const kind = asString(o.kind) ?? '';
      const m = meta(o);
      const group = apiGroup(apiVersion);
      const namespaced = !CLUSTER_SCOPED.has(kind);
      const namespace = namespaced ? m.namespace || this.defaultNamespace : undefined;
      const ref: ResourceRef = namespace === undefined ? { apiVersion, kind, name: m.name } : { apiVersion, kind, namespace, name: m.name };
      const ts = m.creationTimestamp ? Date.parse(m.creationTimestamp) : NaN;
      const obj: Mutable<IndexedObject> = {
        raw: o,
        apiVersion,
        group,
        version: apiVersion.slice(apiVersion.indexOf('/') + 1),
        kind,
        name: m.name,
        namespace,
        labels: m.labels,
        annotations: m.annotations,
        spec: asRecord(o.spec),
        ref,
        source: source ?? {},
        isContext,
        order: 0,
      };
      return { obj, ts: Number.isFinite(ts) ? ts : undefined, input };
    };
    manifests.forEach((o, i) => {
      const d = mk(o, false, options.sources?.[i], context.length + i);
      if (d) {
        drafts.push(d);
        if (context.length > 0) manifestIds.add(identity(d.obj));
      }
    });
    context.forEach((o, i) => {
      const d = mk(o, true, options.contextSources?.[i], i);
      // A manifest wins over a context object of the same identity.
      if (d && !manifestIds.has(identity(d.obj))) drafts.push(d);
    });
    drafts.sort((a, b) => {
      if (a.ts !== undefined && b.ts !== undefined) return a.ts - b.ts || a.input - b.input;
      if (a.ts !== undefined) return -1;
      if (b.ts !== undefined) return 1;
      return a.input - b.input;
    });
    this.objects = drafts.map((d, i) => {
      d.obj.order = i;
      return d.obj;
    });
    for (const o of this.objects) {
      push(this.byKind, kindKey(o.group, o.kind), o);
      const id = identity(o);
      if (!this.byId.has(id)) this.byId.set(id, o);
      if (o.namespace !== undefined) this.namespaceSet.add(o.namespace);
      if (o.kind === 'Namespace') this.namespaceSet.add(o.name);
      if (o.kind === 'Secret' && o.group === '' && o.namespace) this.secrets.set(`${o.namespace}/${o.name}`, o);
    }

    this.meshConfig = this.readMeshSettings(options.meshConfig);
    this.indexServices();
    this.indexWorkloads();
    this.assumedInstall = false;
    if (this.workloadList.length === 0) {
      const mode = options.assumeInstall ?? 'demo';
      if (mode !== 'none') {
        this.assumedInstall = true;
        this.addWorkload(assumedGateway('ingress', this.meshConfig.rootNamespace, mode === 'demo'));
        if (mode === 'demo') this.addWorkload(assumedGateway('egress', this.meshConfig.rootNamespace));
      }
    }
  }

  // ----- lookups -------------------------------------------------------------------------------------------------

  /**
   * Objects of a kind, oldest first. Istio kinds (`Gateway`, `VirtualService`, …), core and `*.k8s.io` kinds are keyed
   * by bare kind regardless of version; other groups by `Kind.group` (`Gateway.gateway.networking.k8s.io`).
   */
  public ofKind(kind: string): readonly IndexedObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** One object by kind (as in {@link ofKind}), namespace (ignored for cluster-scoped kinds) and name. */
  public get(kind: string, namespace: string | undefined, name: string): IndexedObject | undefined {
    return this.byId.get(`${kind}|${CLUSTER_SCOPED.has(kind.split('.')[0]) ? '' : namespace ?? this.defaultNamespace}|${name}`);
  }

  /** Namespaces that appear in the input (as Namespace objects or as object namespaces), sorted. */
  public namespaces(): string[] {
    return Array.from(this.namespaceSet).sort();
  }

  /** True when a Namespace object with this name is in the input. */
  public hasNamespaceObject(name: string): boolean {
    return this.get('Namespace', undefined, name) !== undefined;
  }

  /** A Secret by namespace/name. */
  public secret(namespace: string, name: string): IndexedObject | undefined {
    return this.secrets.get(`${namespace}/${name}`);
  }

  // ----- workloads and Services ----------------------------------------------------------------------------------

  /** All gateway workloads (declared, or assumed), in input order. */
  public gatewayWorkloads(): readonly GatewayWorkload[] {
    return this.workloadList;
  }

  /** Gateway workloads whose pod labels match `selector` (all when empty), optionally only in `namespace`. */
  public workloadsMatching(selector: Record<string, string>, namespace?: string): GatewayWorkload[] {
    const entries = Object.entries(selector);
    let candidates: readonly GatewayWorkload[] = this.workloadList;
    for (const [k, v] of entries) {
      const l = this.workloadsByLabel.get(`${k}=${v}`) ?? [];
      if (l.length < candidates.length) candidates = l;
    }
    return candidates.filter((w) => selectorMatches(selector, w.labels) && (namespace === undefined || w.namespace === namespace));
  }

  /** Services by namespace (manifest Services and implied ones), in input order. */
  public servicesIn(namespace: string): readonly ServiceInfo[] {
    return this.servicesByNs.get(namespace) ?? [];
  }

  /** A manifest Service by namespace/name. */
  public service(namespace: string, name: string): ServiceInfo | undefined {
    return this.serviceByName.get(`${namespace}/${name}`);
  }

  /** Same-namespace Services whose non-empty selector matches the workload's pod labels (plus its implied Services). */
  public servicesFor(workload: GatewayWorkload): readonly ServiceInfo[] {
    let out = this.servicesForCache.get(workload);
    if (!out) {
      const matching = (this.servicesByNs.get(workload.namespace) ?? []).filter(
        (s) => s.origin === 'manifest' && Object.keys(s.selector).length > 0 && selectorMatches(s.selector, workload.labels),
      );
      out = [...workload.impliedServices, ...matching];
      this.servicesForCache.set(workload, out);
    }
    return out;
  }

  /** Gateway workloads a Service selects (same namespace, non-empty selector). */
  public workloadsForService(service: ServiceInfo): GatewayWorkload[] {
    if (Object.keys(service.selector).length === 0) return [];
    return this.workloadsMatching(service.selector, service.namespace);
  }

  /** True when the workload has a LoadBalancer or NodePort Service. */
  public isExternallyExposed(workload: GatewayWorkload): boolean {
    return this.servicesFor(workload).some((s) => s.type === 'LoadBalancer' || s.type === 'NodePort');
  }

  /**
   * §0 Port translation of a Gateway server port on a workload: if a Service selecting the pods has `port == N`
   * (TCP), Envoy listens on its targetPort; else if some Service has targetPort N, it listens on N (exposed); else
   * it listens on N, unexposed.
   */
  public resolveServerPort(workload: GatewayWorkload, serverPort: number): ResolvedPort {
    const map = this.portMap(workload);
    const hit = map.byPort.get(serverPort);
    if (hit) return hit;
    return { listenPort: serverPort, exposed: map.targets.has(serverPort) };
  }

  /** Ports the workload's Services expose (`port` values, TCP), in Service declaration order, for messages. */
  public exposedPorts(workload: GatewayWorkload): number[] {
    return Array.from(this.portMap(workload).byPort.keys());
  }

  private portMap(workload: GatewayWorkload): { byPort: Map<number, ResolvedPort>; targets: Set<number> } {
    let m = this.portMapCache.get(workload);
    if (!m) {
      m = { byPort: new Map(), targets: new Set() };
      for (const svc of this.servicesFor(workload)) {
        for (const p of svc.ports) {
          if (p.protocol !== 'TCP') continue;
          let target = p.targetPort;
          if (target === undefined && p.targetPortName !== undefined) target = workload.containerPorts.get(p.targetPortName);
          if (target !== undefined) m.targets.add(target);
          if (!m.byPort.has(p.port)) {
            m.byPort.set(p.port, {
              listenPort: target ?? p.port,
              exposed: true,
              service: svc,
              unresolvedTarget: target === undefined ? true : undefined,
            });
          }
        }
      }
      this.portMapCache.set(workload, m);
    }
    return m;
  }

  // ----- Gateways ------------------------------------------------------------------------------------------------

  /** Istio Gateways (networking.istio.io), oldest first. */
  public gateways(): readonly IndexedObject[] {
    return this.ofKind('Gateway').filter((g) => g.group === 'networking.istio.io');
  }

  /** The Gateway's `spec.selector` as a string map. */
  public gatewaySelector(gateway: IndexedObject): Record<string, string> {
    return asStringMap(gateway.spec.selector);
  }

  /**
   * Workloads a Gateway configures: selector matches pod labels in all namespaces (only the Gateway's namespace when
   * PILOT_SCOPE_GATEWAY_TO_NAMESPACE); empty selector = every gateway workload.
   */
  public workloadsFor(gateway: IndexedObject): readonly GatewayWorkload[] {
    let out = this.workloadsForCache.get(gateway);
    if (!out) {
      out = this.workloadsMatching(this.gatewaySelector(gateway), this.meshConfig.scopeGatewayToNamespace ? gateway.namespace : undefined);
      this.workloadsForCache.set(gateway, out);
    }
    return out;
  }

  /** Gateways configuring a workload, oldest first. */
  public gatewaysFor(workload: GatewayWorkload): readonly IndexedObject[] {
    if (this.gatewaysForCache.size === 0) {
      for (const w of this.workloadList) this.gatewaysForCache.set(w, []);
      for (const g of this.gateways()) {
        for (const w of this.workloadsFor(g)) this.gatewaysForCache.get(w)?.push(g);
      }
    }
    return this.gatewaysForCache.get(workload) ?? [];
  }

  /** A Gateway's servers, flattened (malformed entries are skipped; indices keep their place). */
  public serversOf(gateway: IndexedObject): readonly GatewayServer[] {
    let out = this.serversCache.get(gateway);
    if (!out) {
      out = [];
      asArray(gateway.spec.servers).forEach((s, index) => {
        if (!isRecord(s)) return;
        const port = asRecord(s.port);
        const protocol = (asString(port.protocol) ?? '').toUpperCase();
        const tls = isRecord(s.tls) ? s.tls : undefined;
        const tlsMode = tls ? (asString(tls.mode) ?? 'PASSTHROUGH').toUpperCase() : undefined;
        const hosts: GatewayServerHost[] = [];
        asArray(s.hosts).forEach((h, hi) => {
          if (typeof h === 'string') hosts.push({ ...parseServerHost(h), raw: h, index: hi });
        });
        out!.push({
          gateway,
          index,
          path: `spec.servers[${index}]`,
          port: { number: asNumber(port.number), protocol, name: asString(port.name) },
          bind: asString(s.bind) || undefined,
          hosts,
          tls,
          tlsMode,
          kind: routeKindOf(protocol, tlsMode),
        });
      });
      this.serversCache.set(gateway, out);
    }
    return out;
  }

  /**
   * Servers of every Gateway bucketed per listener (workload, resolved port, bind), so conflict rules are linear.
   * Servers without a valid port number are left out. Buckets are ordered by workload then listen port then bind.
   */
  public listenerBuckets(): readonly ListenerBucket[] {
    if (!this.bucketCache) {
      const out: ListenerBucket[] = [];
      for (const workload of this.workloadList) {
        const byKey = new Map<string, { server: GatewayServer; resolved: ResolvedPort }[]>();
        for (const gw of this.gatewaysFor(workload)) {
          for (const server of this.serversOf(gw)) {
            const n = server.port.number;
            if (n === undefined || !Number.isInteger(n) || n < 0 || n > 65535) continue;
            const resolved = this.resolveServerPort(workload, n);
            push(byKey, `${resolved.listenPort}|${server.bind ?? ''}`, { server, resolved });
          }
        }
        const keys = Array.from(byKey.keys()).sort((a, b) => {
          const [pa, ba] = a.split('|');
          const [pb, bb] = b.split('|');
          return Number(pa) - Number(pb) || (ba < bb ? -1 : ba > bb ? 1 : 0);
        });
        for (const k of keys) {
          const [p, bind] = [Number(k.slice(0, k.indexOf('|'))), k.slice(k.indexOf('|') + 1)];
          out.push({ workload, listenPort: p, bind, servers: byKey.get(k)! });
        }
      }
      this.bucketCache = out;
    }
    return this.bucketCache;
  }

  /**
   * Servers of `gateway` whose hosts admit a VirtualService host `vsHost` from namespace `vsNamespace` (host
   * intersection plus the `ns/` scope of each server host). Uses a per-gateway host index; returns each server once
   * with the first admitting host.
   */
  public serversAdmitting(gateway: IndexedObject, vsHost: string, vsNamespace: string): { server: GatewayServer; host: GatewayServerHost }[] {
    let idx = this.gatewayHostIndex.get(gateway);
    if (!idx) {
      idx = new HostIndex();
      for (const server of this.serversOf(gateway)) {
        for (const host of server.hosts) idx.add(host.host, { server, host });
      }
      this.gatewayHostIndex.set(gateway, idx);
    }
    const seen = new Set<GatewayServer>();
    const out: { server: GatewayServer; host: GatewayServerHost }[] = [];
    for (const hit of idx.query(vsHost)) {
      if (seen.has(hit.server)) continue;
      if (!serverHostAdmitsNamespace(hit.host, gateway.namespace ?? this.defaultNamespace, vsNamespace)) continue;
      if (!hostsIntersect(hit.host.host, vsHost)) continue;
      seen.add(hit.server);
      out.push(hit);
    }
    return out.sort((a, b) => a.server.index - b.server.index);
  }

  // ----- name resolution and visibility ----------------------------------------------------------------------------

  /**
   * Resolves a VirtualService `gateways` entry like istiod's resolveGatewayName: `mesh`; `ns/name` (`./name` → the
   * VirtualService's namespace; the webhook rejects `./`, VS-GW-001 says so); legacy `name.ns` and
   * `name.ns.svc.cluster.local` → `ns/name`; short name → the VirtualService's namespace. Undefined for a non-string
   * or empty entry.
   */
  public resolveGatewayRef(entry: unknown, vsNamespace: string): GatewayRef | undefined {
    return resolveGatewayName(entry, vsNamespace);
  }

  /** The Istio Gateway a ref names, if it is in the input. */
  public gatewayByRef(ref: GatewayRef): IndexedObject | undefined {
    if (ref.mesh) return undefined;
    const g = this.get('Gateway', ref.namespace, ref.name);
    return g && g.group === 'networking.istio.io' ? g : undefined;
  }

  /** Resolved `spec.gateways` of a VirtualService (absent = `[mesh]`). */
  public virtualServiceGateways(vs: IndexedObject): GatewayRef[] {
    const ns = vs.namespace ?? this.defaultNamespace;
    if (!Array.isArray(vs.spec.gateways) || vs.spec.gateways.length === 0) return [{ mesh: true }];
    return vs.spec.gateways.map((e) => this.resolveGatewayRef(e, ns)).filter((r): r is GatewayRef => r !== undefined);
  }

  /** A short host resolved in `namespace` (`reviews` → `reviews.<ns>.svc.cluster.local`); others unchanged. */
  public resolveHost(host: string, namespace: string): string {
    return resolveShortName(host, namespace);
  }

  /**
   * Namespaces an object is exported to: `'*'` for everywhere, else the explicit list (`.` resolved to the object's
   * namespace; `~` = none). Sources, as istiod reads them: `spec.exportTo` (VirtualService, DestinationRule,
   * ServiceEntry), the annotation `networking.istio.io/exportTo` (Service, comma-separated); when unset, the meshConfig
   * default of the kind (`defaultVirtualServiceExportTo`, `defaultDestinationRuleExportTo`, `defaultServiceExportTo`),
   * else `*`. The own namespace is not implied: `exportTo: [other]` hides the object from its own namespace.
   */
  public exportNamespaces(obj: IndexedObject): '*' | string[] {
    const e = this.exportsOf(obj);
    return e === '*' ? e : Array.from(e);
  }

  /** {@link exportNamespaces}, computed once per object (the rules ask for it per caller namespace). */
  private exportsOf(obj: IndexedObject): '*' | ReadonlySet<string> {
    let e = this.exportCache.get(obj);
    if (e === undefined) {
      e = this.computeExports(obj);
      this.exportCache.set(obj, e);
    }
    return e;
  }

  private computeExports(obj: IndexedObject): '*' | ReadonlySet<string> {
    let list: string[];
    if (obj.kind === 'Service' && obj.group === '') {
      const a = obj.annotations['networking.istio.io/exportTo'];
      list = a === undefined ? [] : a.split(',').map((x) => x.trim()).filter((x) => x !== '');
    } else {
      list = asStringArray(obj.spec.exportTo);
    }
    if (list.length === 0) {
      const key = EXPORT_DEFAULT_KEY[obj.kind];
      list = key ? asStringArray(this.meshConfig.raw[key]) : [];
      if (list.length === 0) return '*';
    }
    const own = obj.namespace ?? this.defaultNamespace;
    const out = new Set<string>();
    for (const e of list) {
      if (e === '*') return '*';
      if (e === '~') continue;
      out.add(e === '.' ? own : e);
    }
    return out;
  }

  /**
   * True when the object is visible in `namespace` per {@link exportNamespaces} (spec.exportTo, the Service
   * annotation `networking.istio.io/exportTo`, the meshConfig defaults).
   */
  public isExportedTo(obj: IndexedObject, namespace: string): boolean {
    const e = this.exportsOf(obj);
    return e === '*' || e.has(namespace);
  }

  /**
   * Namespaces whose sidecars apply a mesh-bound VirtualService: those it is exported to. When exported everywhere
   * the clients are unknown and the VirtualService's own namespace stands for them.
   */
  public meshClientNamespaces(vs: IndexedObject): string[] {
    const e = this.exportNamespaces(vs);
    return e === '*' ? [vs.namespace ?? this.defaultNamespace] : e;
  }

  // ----- service registry ----------------------------------------------------------------------------------------

  /**
   * Registry entries (Kubernetes Services as `name.ns.svc.cluster.local`, ServiceEntry hosts) matching an FQDN and
   * visible from `fromNamespace`. Wildcard ServiceEntry hosts match. Exact entries first.
   */
  public lookupHost(fqdn: string, fromNamespace: string): RegistryEntry[] {
    const reg = this.buildRegistry();
    const hits = reg.hosts.query(fqdn).filter((e) => !e.object || this.isExportedTo(e.object, fromNamespace));
    const exact = hits.filter((e) => e.host.toLowerCase() === fqdn.toLowerCase());
    const rest = hits.filter((e) => e.host.toLowerCase() !== fqdn.toLowerCase() && (e.host.startsWith('*') || fqdn.startsWith('*')));
    return [...exact, ...rest];
  }

  /** Every registry entry for a host regardless of visibility (for "exists but not exported" messages). */
  public registryEntries(fqdn: string): RegistryEntry[] {
    return this.buildRegistry().exact.get(fqdn.toLowerCase()) ?? [];
  }

  private buildRegistry(): { exact: Map<string, RegistryEntry[]>; hosts: HostIndex<RegistryEntry> } {
    if (!this.registry) {
      const exact = new Map<string, RegistryEntry[]>();
      const hosts = new HostIndex<RegistryEntry>();
      const add = (e: RegistryEntry) => {
        push(exact, e.host.toLowerCase(), e);
        hosts.add(e.host, e);
      };
      for (const list of this.servicesByNs.values()) {
        for (const svc of list) {
          add({
            host: `${svc.name}.${svc.namespace}.svc.cluster.local`,
            namespace: svc.namespace,
            ports: svc.ports.map((p) => ({ number: p.port, name: p.name, protocol: p.protocol })),
            origin: 'service',
            object: svc.object && svc.object.kind === 'Service' ? svc.object : undefined,
            service: svc,
          });
        }
      }
      for (const se of this.ofKind('ServiceEntry')) {
        const ports = asArray(se.spec.ports).filter(isRecord).map((p) => ({
          number: asNumber(p.number) ?? 0, name: asString(p.name), protocol: asString(p.protocol)?.toUpperCase(),
        }));
        for (const h of asStringArray(se.spec.hosts)) {
          add({ host: h, namespace: se.namespace ?? this.defaultNamespace, ports, origin: 'service-entry', object: se });
        }
      }
      this.registry = { exact, hosts };
    }
    return this.registry;
  }

  // ----- construction helpers -------------------------------------------------------------------------------------

  private indexServices(): void {
    for (const o of this.ofKind('Service')) {
      if (o.group !== '') continue;
      const ports: ServicePortInfo[] = [];
      for (const p of asArray(o.spec.ports)) {
        if (!isRecord(p)) continue;
        const port = asNumber(p.port);
        if (port === undefined) continue;
        const tp = p.targetPort;
        const named = typeof tp === 'string' && !/^\d+$/.test(tp) ? tp : undefined;
        const targetPort = named !== undefined ? undefined : typeof tp === 'string' ? Number(tp) : asNumber(tp) ?? port;
        ports.push({
          name: asString(p.name),
          port,
          targetPort,
          targetPortName: named,
          protocol: (asString(p.protocol) ?? 'TCP').toUpperCase(),
          nodePort: asNumber(p.nodePort),
        });
      }
      const svc: ServiceInfo = {
        name: o.name,
        namespace: o.namespace ?? this.defaultNamespace,
        selector: asStringMap(o.spec.selector),
        type: asString(o.spec.type) ?? 'ClusterIP',
        ports,
        object: o,
        origin: 'manifest',
      };
      this.addService(svc);
      this.serviceByName.set(`${svc.namespace}/${svc.name}`, svc);
    }
  }

  private addService(svc: ServiceInfo): void {
    push(this.servicesByNs, svc.namespace, svc);
  }

  private addWorkload(w: GatewayWorkload): void {
    this.workloadList.push(w);
    for (const [k, v] of Object.entries(w.labels)) push(this.workloadsByLabel, `${k}=${v}`, w);
    for (const s of w.impliedServices) this.addService(s);
  }

  private indexWorkloads(): void {
    // built on first use: only Pods and ReplicaSets with ownerReferences need it
    let present: Set<string> | undefined;
    const ownedByPresent = (o: IndexedObject) =>
      asArray(asRecord(o.raw.metadata).ownerReferences).some((r) => {
        const rr = asRecord(r);
        present ??= new Set(this.objects.map((x) => `${x.kind}|${x.namespace ?? ''}|${x.name}`));
        return present.has(`${asString(rr.kind) ?? ''}|${o.namespace ?? ''}|${asString(rr.name) ?? ''}`);
      });
    const found: GatewayWorkload[] = [];
    for (const o of this.objects) {
      if (o.group === '' && o.kind === 'Pod') {
        if (ownedByPresent(o)) continue;
        const w = podWorkload(o, o.labels, o.annotations, o.spec, 'pod');
        if (w) found.push(w);
      } else if (o.group === 'apps' && WORKLOAD_CONTROLLERS.has(o.kind)) {
        if (o.kind === 'ReplicaSet' && ownedByPresent(o)) continue;
        const tmpl = asRecord(o.spec.template);
        const tm = asRecord(tmpl.metadata);
        const w = podWorkload(o, asStringMap(tm.labels), asStringMap(tm.annotations), asRecord(tmpl.spec), 'controller');
        if (w) found.push(w);
      } else if (o.group === 'install.istio.io' && o.kind === 'IstioOperator') {
        for (const w of iopWorkloads(o)) found.push(w);
      }
    }
    for (const w of dedupeOperatorWorkloads(found, (ns, name) => this.serviceByName.has(`${ns}/${name}`))) this.addWorkload(w);
  }

  private readMeshSettings(explicit: Record<string, unknown> | undefined): MeshSettings {
    let raw: Record<string, unknown> = {};
    let env: Record<string, string> = {};
    // 1. the `istio` ConfigMap (key `mesh`, YAML)
    for (const cm of this.ofKind('ConfigMap')) {
      if (cm.group !== '' || (cm.name !== 'istio' && !cm.name.startsWith('istio-'))) continue;
      const mesh = asString(asRecord(cm.raw.data).mesh);
      if (!mesh) continue;
      try {
        const parsed: unknown = parseYaml(mesh);
        if (isRecord(parsed)) raw = { ...raw, ...parsed };
      } catch {
        // malformed mesh config: ignored (a ConfigMap rule may report it)
      }
    }
    // 2. istiod Deployment env
    for (const d of this.ofKind('Deployment')) {
      if (d.name !== 'istiod' && !d.name.startsWith('istiod-')) continue;
      for (const c of asArray(asRecord(asRecord(d.spec.template).spec).containers)) env = { ...env, ...containerEnv(c) };
    }
    // 3. IstioOperator installing istiod (profile not `empty`, or pilot enabled)
    for (const iop of this.ofKind('IstioOperator')) {
      if (iop.group !== 'install.istio.io') continue;
      const profile = asString(iop.spec.profile) ?? 'default';
      const pilot = asRecord(asRecord(iop.spec.components).pilot);
      const installsIstiod = pilot.enabled === true || (profile !== 'empty' && pilot.enabled !== false);
      if (!installsIstiod) continue;
      if (isRecord(iop.spec.meshConfig)) raw = { ...raw, ...iop.spec.meshConfig };
      env = { ...env, ...asStringMap(asRecord(asRecord(asRecord(iop.spec.values).pilot).env)) };
    }
    // 4. explicit options win
    if (explicit) {
      const { pilotEnv, ...rest } = explicit;
      raw = { ...raw, ...rest };
      env = { ...env, ...asStringMap(pilotEnv) };
    }
    const truthy = (v: string | undefined) => v !== undefined && v.toLowerCase() === 'true';
    return {
      outboundTrafficPolicyMode: (asString(asRecord(raw.outboundTrafficPolicy).mode) ?? 'ALLOW_ANY').toUpperCase(),
      scopeGatewayToNamespace: truthy(env.PILOT_SCOPE_GATEWAY_TO_NAMESPACE),
      filterGatewayClusterConfig: truthy(env.PILOT_FILTER_GATEWAY_CLUSTER_CONFIG),
      rootNamespace: asString(raw.rootNamespace) ?? 'istio-system',
      accessLogFile: asString(raw.accessLogFile),
      raw,
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Workload derivation
// ---------------------------------------------------------------------------------------------------------------

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Draft {
  readonly obj: Mutable<IndexedObject>;
  readonly ts?: number;
  readonly input: number;
}

function identity(o: { kind: string; namespace?: string; name: string; group: string }): string {
  return `${kindKey(o.group, o.kind)}|${o.namespace ?? ''}|${o.name}`;
}

function containerEnv(c: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of asArray(asRecord(c).env)) {
    const r = asRecord(e);
    const name = asString(r.name);
    const value = r.value;
    if (name && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) out[name] = String(value);
  }
  return out;
}

function roleOf(labels: Record<string, string>): GatewayRole {
  const istio = labels.istio ?? labels.app ?? '';
  if (istio.includes('egress')) return 'egress';
  if (istio.includes('ingress')) return 'ingress';
  return 'unknown';
}

function podWorkload(
  o: IndexedObject, labels: Record<string, string>, annotations: Record<string, string>,
  podSpec: Record<string, unknown>, origin: 'pod' | 'controller',
): GatewayWorkload | undefined {
  const containers = asArray(podSpec.containers);
  const injected = annotations['inject.istio.io/templates'] === 'gateway';
  const proxyImage = containers.some((c) => (asString(asRecord(c).image) ?? '').includes('proxyv2'));
  if (!injected && !proxyImage && labels.istio === undefined) return undefined;
  let unprivileged = false;
  const containerPorts = new Map<string, number>();
  for (const c of containers) {
    if (containerEnv(c).ISTIO_META_UNPRIVILEGED_POD?.toLowerCase() === 'true') unprivileged = true;
    for (const p of asArray(asRecord(c).ports)) {
      const name = asString(asRecord(p).name);
      const n = asNumber(asRecord(p).containerPort);
      if (name && n !== undefined && !containerPorts.has(name)) containerPorts.set(name, n);
    }
  }
  const namespace = o.namespace ?? 'default';
  return {
    id: `${o.kind}/${namespace}/${o.name}`,
    name: o.name,
    namespace,
    labels,
    unprivileged,
    role: roleOf(labels),
    containerPorts,
    object: o,
    origin,
    impliedServices: [],
  };
}

function iopWorkloads(iop: IndexedObject): GatewayWorkload[] {
  const out: GatewayWorkload[] = [];
  const profile = asString(iop.spec.profile) ?? 'default';
  const components = asRecord(iop.spec.components);
  const values = asRecord(iop.spec.values);
  const gatewaysValues = asRecord(values.gateways);
  const iopNs = iop.namespace && iop.namespace !== 'default' ? iop.namespace : asString(asRecord(iop.raw.metadata).namespace) ?? 'istio-system';
  for (const role of ['ingress', 'egress'] as const) {
    const key = role === 'ingress' ? 'ingressGateways' : 'egressGateways';
    const entries = asArray(components[key]);
    const defaultName = role === 'ingress' ? 'istio-ingressgateway' : 'istio-egressgateway';
    const profileEnables = role === 'ingress' ? profile === 'default' || profile === 'demo' : profile === 'demo';
    const list: Record<string, unknown>[] = entries.filter(isRecord);
    if (!list.some((e) => asString(e.name) === defaultName) && profileEnables) list.unshift({ name: defaultName, enabled: true });
    for (const e of list) {
      const name = asString(e.name) ?? defaultName;
      const enabled = e.enabled === true || (e.enabled === undefined && name === defaultName && profileEnables);
      if (!enabled) continue;
      const namespace = asString(e.namespace) ?? iopNs;
      const labels = { ...(role === 'ingress' ? INGRESS_DEFAULT_LABELS : EGRESS_DEFAULT_LABELS), ...asStringMap(e.label) };
      const k8s = asRecord(e.k8s);
      const svcSpec = asRecord(k8s.service);
      const declaredPorts = Array.isArray(svcSpec.ports) ? svcSpec.ports : undefined;
      const ports: ServicePortInfo[] = declaredPorts
        ? declaredPorts.filter(isRecord).flatMap((p) => {
          const port = asNumber(p.port);
          if (port === undefined) return [];
          const tp = asNumber(p.targetPort) ?? (typeof p.targetPort === 'string' && /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : port);
          return [{ name: asString(p.name), port, targetPort: tp, protocol: (asString(p.protocol) ?? 'TCP').toUpperCase(), nodePort: asNumber(p.nodePort) }];
        })
        : role === 'ingress' ? (profile === 'demo' ? INGRESS_DEMO_PORTS : INGRESS_DEFAULT_PORTS) : EGRESS_DEFAULT_PORTS;
      const gwValues = asRecord(gatewaysValues[role === 'ingress' ? 'istio-ingressgateway' : 'istio-egressgateway']);
      const runAsRoot = gwValues.runAsRoot === true;
      const svcType = asString(svcSpec.type) ?? asString(gwValues.type) ?? (role === 'ingress' ? 'LoadBalancer' : 'ClusterIP');
      const service: ServiceInfo = {
        name, namespace, selector: labels, type: svcType, ports, object: iop, origin: 'istio-operator',
      };
      out.push({
        id: `IstioOperator/${iop.namespace ?? ''}/${iop.name}/${name}`,
        name,
        namespace,
        labels,
        unprivileged: !runAsRoot,
        role,
        containerPorts: new Map(),
        object: iop,
        origin: 'istio-operator',
        impliedServices: [service],
      });
    }
  }
  return out;
}

/**
 * An IstioOperator gateway component and a controller of the same name+namespace whose pod labels carry the
 * component's labels are one workload: the Deployment is the concrete form of the component (istioctl renders it, or
 * the user declared it as context). The controller is kept; it inherits the component's implied Service when no
 * manifest Service of that name exists.
 */
function dedupeOperatorWorkloads(found: GatewayWorkload[], hasService: (ns: string, name: string) => boolean): GatewayWorkload[] {
  const controllers = new Map<string, GatewayWorkload>();
  for (const w of found) if (w.origin === 'controller') controllers.set(`${w.namespace}/${w.name}`, w);
  const replaced = new Map<GatewayWorkload, GatewayWorkload>();
  const dropped = new Set<GatewayWorkload>();
  for (const w of found) {
    if (w.origin !== 'istio-operator') continue;
    const c = controllers.get(`${w.namespace}/${w.name}`);
    if (!c || !selectorMatches(w.labels, c.labels)) continue;
    dropped.add(w);
    if (!hasService(w.namespace, w.name)) {
      const base = replaced.get(c) ?? c;
      replaced.set(c, { ...base, impliedServices: [...base.impliedServices, ...w.impliedServices] });
    }
  }
  return found.filter((w) => !dropped.has(w)).map((w) => replaced.get(w) ?? w);
}

function assumedGateway(role: 'ingress' | 'egress', namespace: string, demo = false): GatewayWorkload {
  const name = role === 'ingress' ? 'istio-ingressgateway' : 'istio-egressgateway';
  const labels = role === 'ingress' ? { ...INGRESS_DEFAULT_LABELS } : { ...EGRESS_DEFAULT_LABELS };
  const service: ServiceInfo = {
    name,
    namespace,
    selector: labels,
    type: role === 'ingress' ? 'LoadBalancer' : 'ClusterIP',
    ports: role === 'ingress' ? (demo ? INGRESS_DEMO_PORTS : INGRESS_DEFAULT_PORTS) : EGRESS_DEFAULT_PORTS,
    origin: 'assumed',
  };
  return {
    id: `assumed/${namespace}/${name}`,
    name,
    namespace,
    labels,
    unprivileged: true,
    role,
    containerPorts: new Map(),
    origin: 'assumed',
    impliedServices: [service],
  };
}

/**
 * istiod's resolveGatewayName (pilot/pkg/model/virtualservice.go): `mesh`; `ns/name` with `./name` → `vsNamespace/name`;
 * legacy `name.ns` and `name.ns.svc.cluster.local` → `ns/name`; short name → `vsNamespace/name`.
 */
export function resolveGatewayName(entry: unknown, vsNamespace: string): GatewayRef | undefined {
  if (typeof entry !== 'string' || entry.length === 0) return undefined;
  if (entry === 'mesh') return { mesh: true };
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const ns = entry.slice(0, slash);
    return { namespace: ns === '.' ? vsNamespace : ns, name: entry.slice(slash + 1) };
  }
  const dot = entry.indexOf('.');
  if (dot >= 0) {
    const rest = entry.slice(dot + 1);
    const next = rest.indexOf('.');
    return { namespace: next < 0 ? rest : rest.slice(0, next), name: entry.slice(0, dot) };
  }
  return { namespace: vsNamespace, name: entry };
}

/** Describes a workload for messages: `istio=ingressgateway in istio-system`. */
export function describeWorkload(w: GatewayWorkload): string {
  const sel = w.labels.istio !== undefined ? `istio=${w.labels.istio}` : Object.entries(w.labels).map(([k, v]) => `${k}=${v}`).sort().join(',') || w.name;
  return `${sel} in ${w.namespace}`;
}
