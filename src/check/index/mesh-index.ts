/**
 * The MeshIndex: every fact a rule needs, derived once (O(n)) from the manifests and the declared context.
 *
 * Rule authors never re-derive Istio semantics (selection, port translation, name resolution, visibility, host
 * matching): they ask the index. Section 0 "Semantics" of shared/ISTIO-RULES.md is modelled in this folder and
 * nowhere else; this class is a thin facade over its modules:
 * - objects.ts: the object store (identity, merge order, lookups by kind and name);
 * - mesh-config.ts: MeshConfig and istiod env;
 * - services.ts, workloads.ts, ports.ts: Services, the pods Gateways select, port translation;
 * - servers.ts: Gateway servers and per-Gateway host lookups;
 * - gateway-refs.ts: VirtualService `gateways` name resolution;
 * - visibility.ts, registry.ts: exportTo and the service registry;
 * - host-index.ts: the host multimap the others use.
 *
 * Conventions:
 * - Every method tolerates malformed input (manifests are untrusted YAML) and never throws.
 * - Every list the index returns is in a deterministic order: oldest first (see {@link IndexedObject.order}).
 * - Context objects (facts declared by the user or a construct, not synthesized) are indexed like any other object
 *   but carry `isContext: true`; the engine never reports findings on them.
 */
import { resolveShortName } from '../hosts';
import { KubeObject, SourceRef, asArray, asRecord, asString, asStringMap, selectorMatches } from '../model';
import { GatewayRef, resolveGatewayName } from './gateway-refs';
import { implicitIngressObjects } from './implicit';
import { MeshSettings, readMeshSettings } from './mesh-config';
import { IndexedObject, ObjectStore } from './objects';
import { PodInfo, readPods } from './pods';
import { PortResolver, ResolvedPort } from './ports';
import { RegistryEntry, ScopedEntry, ServiceRegistry } from './registry';
import { GatewayHosts, GatewayServer, GatewayServerHost, ListenerBucket, readServers } from './servers';
import { ServiceInfo, readServices } from './services';
import { push } from './util';
import { Visibility } from './visibility';
import {
  InstallAssumption, WorkloadInfo, assumedGateway, dedupeOperatorWorkloads, iopWorkloads, isWorkloadController, podWorkload,
} from './workloads';

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
  readonly assumeInstall?: InstallAssumption;
  /**
   * MeshConfig as in the `mesh` key of the `istio` ConfigMap. istiod environment variables go under the extra key
   * `pilotEnv` (e.g. `{ pilotEnv: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } }`). Overrides what the input declares
   * (the `istio` ConfigMap, istiod Deployment env, an IstioOperator that installs istiod, in that order).
   */
  readonly meshConfig?: Record<string, unknown>;
  /**
   * Closed world: the input is a complete snapshot of a cluster, as `istioctl analyze` sees it (what is absent does not
   * exist; Pods are Pod objects only; istioctl's implicit ingress Pod and Service are added; objects of kube-system,
   * kube-public, kube-node-lease and local-path-storage are dropped). Open world (default): desired state from Git;
   * pod templates of workload controllers count as Pods, absent facts are unknown.
   * @default false
   */
  readonly closedWorld?: boolean;
}

/** Up to this many candidate pods, {@link MeshIndex.podsMatching} scans them rather than use the label maps. */
const SCAN_PODS = 32;

/** {@link MeshIndex.virtualServiceGateways} of a VirtualService without gateways: shared, frozen. */
const MESH_ONLY: readonly GatewayRef[] = Object.freeze([Object.freeze({ mesh: true as const })]);

/** {@link MeshIndex.podsIn} of a namespace without pods: shared, frozen. */
const NO_PODS: readonly PodInfo[] = Object.freeze([]);

/** Namespaces istioctl analyze ignores entirely. */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export class MeshIndex {
  /** Every indexed object (manifests and context), oldest first. */
  public readonly objects: readonly IndexedObject[];
  /** Namespace of namespaced objects without one. */
  public readonly defaultNamespace: string;
  /** Mesh-wide settings. */
  public readonly meshConfig: MeshSettings;
  /** True when no gateway workload was declared and one was assumed (see {@link InstallAssumption}). */
  public readonly assumedInstall: boolean;
  /** See {@link MeshIndexOptions.closedWorld}. */
  public readonly closedWorld: boolean;

  private readonly store: ObjectStore;
  private readonly workloadList: WorkloadInfo[] = [];
  private readonly workloadsByLabel = new Map<string, WorkloadInfo[]>();
  private readonly servicesByNs = new Map<string, ServiceInfo[]>();
  /** manifest Services by namespace, then name (no key string per lookup: rules ask per DestinationRule) */
  private readonly serviceByName = new Map<string, Map<string, ServiceInfo>>();
  private readonly servicesForCache = new Map<WorkloadInfo, ServiceInfo[]>();
  private readonly gatewaysForCache = new Map<WorkloadInfo, IndexedObject[]>();
  private readonly workloadsForCache = new Map<IndexedObject, WorkloadInfo[]>();
  private readonly serversCache = new Map<IndexedObject, GatewayServer[]>();
  /** {@link virtualServiceGateways} of a lone entry that resolves alike in every namespace, by entry string. */
  private readonly loneGatewayRefs = new Map<string, GatewayRef[]>();
  private bucketCache?: ListenerBucket[];
  private podList?: PodInfo[];
  /**
   * pods by `label=value` and by `namespace/label=value`, in input order, built on the first lookup that needs them
   * (most lookups name a namespace with few pods, which is scanned directly)
   */
  private podsByLabelMap?: Map<string, PodInfo[]>;
  private podsByNsLabelMap?: Map<string, PodInfo[]>;
  /** pods by namespace, in input order (so per-namespace lookups stay linear) */
  private readonly podsByNs = new Map<string, PodInfo[]>();
  private readonly ports: PortResolver;
  private readonly gatewayHosts: GatewayHosts;
  private readonly visibility: Visibility;
  private readonly registry: ServiceRegistry;

  constructor(manifests: readonly KubeObject[], options: MeshIndexOptions = {}) {
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    this.closedWorld = options.closedWorld === true;
    const init = {
      manifests,
      context: options.context ?? [],
      sources: options.sources,
      contextSources: options.contextSources,
      defaultNamespace: this.defaultNamespace,
    };
    let store = new ObjectStore(init);
    let meshConfig = readMeshSettings(store, options.meshConfig);
    if (this.closedWorld) {
      const kept = (o: KubeObject) => !IGNORED_NAMESPACES.has(asString(asRecord(o.metadata).namespace) ?? '');
      const keep = (list: readonly KubeObject[], src?: readonly (SourceRef | undefined)[]) => {
        const idx = list.map((o, i) => (kept(o) ? i : -1)).filter((i) => i >= 0);
        return { objects: idx.map((i) => list[i]), sources: src ? idx.map((i) => src[i]) : undefined };
      };
      const m = keep(manifests, options.sources);
      const c = keep(init.context, options.contextSources);
      const implicit = implicitIngressObjects(meshConfig.raw);
      store = new ObjectStore({
        ...init,
        manifests: m.objects,
        sources: m.sources,
        context: [...c.objects, ...implicit],
        contextSources: c.sources ? [...c.sources, ...implicit.map(() => undefined)] : undefined,
      });
      meshConfig = readMeshSettings(store, options.meshConfig);
    }
    this.store = store;
    this.objects = this.store.objects;
    this.meshConfig = meshConfig;
    for (const svc of readServices(this.store)) {
      this.addService(svc);
      let byName = this.serviceByName.get(svc.namespace);
      if (!byName) this.serviceByName.set(svc.namespace, (byName = new Map()));
      byName.set(svc.name, svc);
    }
    this.indexWorkloads();
    this.assumedInstall = false;
    if (this.workloadList.length === 0 && !this.closedWorld) {
      const mode = options.assumeInstall ?? 'demo';
      if (mode !== 'none') {
        this.assumedInstall = true;
        this.addWorkload(assumedGateway('ingress', this.meshConfig.rootNamespace, mode === 'demo'));
        if (mode === 'demo') this.addWorkload(assumedGateway('egress', this.meshConfig.rootNamespace));
      }
    }
    this.ports = new PortResolver((w) => this.servicesFor(w));
    this.gatewayHosts = new GatewayHosts((g) => this.serversOf(g), this.defaultNamespace);
    this.visibility = new Visibility(this.meshConfig.raw, this.defaultNamespace);
    this.registry = new ServiceRegistry(() => this.servicesByNs.values(), () => this.ofKind('ServiceEntry'), this.visibility, this.defaultNamespace);
  }

  // ----- lookups -------------------------------------------------------------------------------------------------

  /**
   * Objects of a kind, oldest first. Istio kinds (`Gateway`, `VirtualService`, …), core and `*.k8s.io` kinds are keyed
   * by bare kind regardless of version; other groups by `Kind.group` (`Gateway.gateway.networking.k8s.io`).
   */
  public ofKind(kind: string): readonly IndexedObject[] {
    return this.store.ofKind(kind);
  }

  /** One object by kind (as in {@link ofKind}), namespace (ignored for cluster-scoped kinds) and name. */
  public get(kind: string, namespace: string | undefined, name: string): IndexedObject | undefined {
    return this.store.get(kind, namespace, name);
  }

  /** Manifests given twice: the later copy replaced the earlier (CHK-DUP-001). */
  public duplicates(): ObjectStore['duplicates'] {
    return this.store.duplicates;
  }

  /** Namespaces that appear in the input (as Namespace objects or as object namespaces), sorted. */
  public namespaces(): string[] {
    return this.store.namespaces();
  }

  /** True when a Namespace object with this name is in the input. */
  public hasNamespaceObject(name: string): boolean {
    return this.get('Namespace', undefined, name) !== undefined;
  }

  /** A Secret by namespace/name. */
  public secret(namespace: string, name: string): IndexedObject | undefined {
    return this.store.secret(namespace, name);
  }

  // ----- workloads and Services ----------------------------------------------------------------------------------

  /** All gateway workloads (declared, or assumed), in input order. */
  public gatewayWorkloads(): readonly WorkloadInfo[] {
    return this.workloadList;
  }

  /** Gateway workloads whose pod labels match `selector` (all when empty), optionally only in `namespace`. */
  public workloadsMatching(selector: Record<string, string>, namespace?: string): WorkloadInfo[] {
    const entries = Object.entries(selector);
    let candidates: readonly WorkloadInfo[] = this.workloadList;
    for (const [k, v] of entries) {
      const l = this.workloadsByLabel.get(`${k}=${v}`) ?? [];
      if (l.length < candidates.length) candidates = l;
    }
    return candidates.filter((w) => selectorMatches(selector, w.labels) && (namespace === undefined || w.namespace === namespace));
  }

  /** Pods as this world sees them (see pods.ts), in input order. */
  public pods(): readonly PodInfo[] {
    if (!this.podList) {
      this.podList = readPods(this.objects, this.closedWorld, this.defaultNamespace, this.workloadList);
      for (const p of this.podList) push(this.podsByNs, p.namespace, p);
    }
    return this.podList;
  }

  /** Pods of one namespace as this world sees them, in input order. */
  public podsIn(namespace: string): readonly PodInfo[] {
    this.pods();
    return this.podsByNs.get(namespace) ?? NO_PODS;
  }

  /** The label maps of {@link podsMatching}, built once on first need. */
  private podLabelMaps(): { byLabel: Map<string, PodInfo[]>; byNsLabel: Map<string, PodInfo[]> } {
    if (!this.podsByLabelMap || !this.podsByNsLabelMap) {
      const byLabel = new Map<string, PodInfo[]>();
      const byNsLabel = new Map<string, PodInfo[]>();
      for (const p of this.pods()) {
        for (const [k, v] of Object.entries(p.labels)) {
          push(byLabel, `${k}=${v}`, p);
          push(byNsLabel, `${p.namespace}/${k}=${v}`, p);
        }
      }
      this.podsByLabelMap = byLabel;
      this.podsByNsLabelMap = byNsLabel;
    }
    return { byLabel: this.podsByLabelMap, byNsLabel: this.podsByNsLabelMap };
  }

  /** Pods whose labels match `selector` (every Pod when it is empty), optionally only in `namespace`. */
  public podsMatching(selector: Record<string, string>, namespace?: string): PodInfo[] {
    // Any candidate list in input order that holds every match gives the same answer: the smallest is cheapest.
    let candidates = this.pods();
    if (namespace !== undefined) candidates = this.podsByNs.get(namespace) ?? [];
    if (candidates.length > SCAN_PODS) {
      const { byLabel, byNsLabel } = this.podLabelMaps();
      for (const [k, v] of Object.entries(selector)) {
        const l = (namespace === undefined ? byLabel.get(`${k}=${v}`) : byNsLabel.get(`${namespace}/${k}=${v}`)) ?? [];
        if (l.length < candidates.length) candidates = l;
      }
    }
    return candidates.filter((p) => (namespace === undefined || p.namespace === namespace) && selectorMatches(selector, p.labels));
  }

  /** Services by namespace (manifest Services and implied ones), in input order. */
  public servicesIn(namespace: string): readonly ServiceInfo[] {
    return this.servicesByNs.get(namespace) ?? [];
  }

  /** A manifest Service by namespace/name. */
  public service(namespace: string, name: string): ServiceInfo | undefined {
    return this.serviceByName.get(namespace)?.get(name);
  }

  /** Same-namespace Services whose non-empty selector matches the workload's pod labels (plus its implied Services). */
  public servicesFor(workload: WorkloadInfo): readonly ServiceInfo[] {
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
  public workloadsForService(service: ServiceInfo): WorkloadInfo[] {
    if (Object.keys(service.selector).length === 0) return [];
    return this.workloadsMatching(service.selector, service.namespace);
  }

  /** True when the workload has a LoadBalancer or NodePort Service. */
  public isExternallyExposed(workload: WorkloadInfo): boolean {
    return this.servicesFor(workload).some((s) => s.type === 'LoadBalancer' || s.type === 'NodePort');
  }

  /**
   * §0 Port translation of a Gateway server port on a workload: if a Service selecting the pods has `port == N`
   * (TCP), Envoy listens on its targetPort; else if some Service has targetPort N, it listens on N (exposed); else
   * it listens on N, unexposed.
   */
  public resolveServerPort(workload: WorkloadInfo, serverPort: number): ResolvedPort {
    return this.ports.resolveServerPort(workload, serverPort);
  }

  /** Ports the workload's Services expose (`port` values, TCP), in Service declaration order, for messages. */
  public exposedPorts(workload: WorkloadInfo): number[] {
    return this.ports.exposedPorts(workload);
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
  public workloadsFor(gateway: IndexedObject): readonly WorkloadInfo[] {
    let out = this.workloadsForCache.get(gateway);
    if (!out) {
      out = this.workloadsMatching(this.gatewaySelector(gateway), this.meshConfig.scopeGatewayToNamespace ? gateway.namespace : undefined);
      this.workloadsForCache.set(gateway, out);
    }
    return out;
  }

  /** Gateways configuring a workload, oldest first. */
  public gatewaysFor(workload: WorkloadInfo): readonly IndexedObject[] {
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
      out = readServers(gateway);
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
    return this.gatewayHosts.serversAdmitting(gateway, vsHost, vsNamespace);
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
  public virtualServiceGateways(vs: IndexedObject): readonly GatewayRef[] {
    const ns = vs.namespace ?? this.defaultNamespace;
    const list = vs.spec.gateways;
    if (!Array.isArray(list) || list.length === 0) return MESH_ONLY;
    // several rules ask for every VirtualService, and most name one shared gateway as `ns/name`: one answer per entry
    const lone = list.length === 1 ? list[0] : undefined;
    if (typeof lone === 'string' && (lone === 'mesh' || (lone.indexOf('/') >= 0 && !lone.startsWith('./')))) {
      let refs = this.loneGatewayRefs.get(lone);
      if (!refs) this.loneGatewayRefs.set(lone, (refs = Object.freeze([Object.freeze(resolveGatewayName(lone, ns)!)]) as GatewayRef[]));
      return refs;
    }
    return list.map((e) => this.resolveGatewayRef(e, ns)).filter((r): r is GatewayRef => r !== undefined);
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
    return this.visibility.exportNamespaces(obj);
  }

  /**
   * True when the object is visible in `namespace` per {@link exportNamespaces} (spec.exportTo, the Service
   * annotation `networking.istio.io/exportTo`, the meshConfig defaults).
   */
  public isExportedTo(obj: IndexedObject, namespace: string): boolean {
    return this.visibility.isExportedTo(obj, namespace);
  }

  /**
   * True when the object is visible in every namespace (no exportTo restriction and no meshConfig default): rules
   * asking "is it exported to each calling namespace?" need not work out the callers then.
   */
  public isExportedEverywhere(obj: IndexedObject): boolean {
    return this.visibility.isExportedEverywhere(obj);
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
    return this.registry.lookupHost(fqdn, fromNamespace);
  }

  /** istioctl's registry lookup (ISTIOCTL-PARITY §0), with the referencing object's own exportTo. */
  public lookupScoped(sourceNs: string, exportTo: readonly string[], host: string): ScopedEntry | undefined {
    return this.registry.lookupScoped(sourceNs, exportTo, host);
  }

  /** Every registry entry for a host regardless of visibility (for "exists but not exported" messages). */
  public registryEntries(fqdn: string): readonly RegistryEntry[] {
    return this.registry.registryEntries(fqdn);
  }

  /**
   * {@link lookupHost} restricted to ServiceEntry hosts: the same entries in the same order as
   * `lookupHost(fqdn, fromNamespace).filter((e) => e.origin === 'service-entry')`, without indexing every Service.
   */
  public lookupServiceEntryHost(fqdn: string, fromNamespace: string): RegistryEntry[] {
    return this.registry.lookupServiceEntryHost(fqdn, fromNamespace);
  }

  /** {@link registryEntries} restricted to ServiceEntry hosts, without indexing every Service. */
  public serviceEntryEntries(fqdn: string): readonly RegistryEntry[] {
    return this.registry.serviceEntryEntries(fqdn);
  }

  // ----- construction helpers -------------------------------------------------------------------------------------

  private addService(svc: ServiceInfo): void {
    push(this.servicesByNs, svc.namespace, svc);
  }

  private addWorkload(w: WorkloadInfo): void {
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
    const found: WorkloadInfo[] = [];
    if (this.closedWorld) {
      // istioctl: every Pod is a workload, whatever it looks like; nothing else is
      for (const o of this.objects) {
        if (o.group === '' && o.kind === 'Pod') found.push(podWorkload(o, o.labels, o.annotations, o.spec, 'pod', true)!);
      }
      for (const w of found) this.addWorkload(w);
      return;
    }
    for (const o of this.objects) {
      if (o.group === '' && o.kind === 'Pod') {
        if (ownedByPresent(o)) continue;
        const w = podWorkload(o, o.labels, o.annotations, o.spec, 'pod');
        if (w) found.push(w);
      } else if (o.group === 'apps' && isWorkloadController(o.kind)) {
        if (o.kind === 'ReplicaSet' && ownedByPresent(o)) continue;
        const tmpl = asRecord(o.spec.template);
        const tm = asRecord(tmpl.metadata);
        const w = podWorkload(o, asStringMap(tm.labels), asStringMap(tm.annotations), asRecord(tmpl.spec), 'controller');
        if (w) found.push(w);
      } else if (o.group === 'install.istio.io' && o.kind === 'IstioOperator') {
        for (const w of iopWorkloads(o)) found.push(w);
      }
    }
    for (const w of dedupeOperatorWorkloads(found, (ns, name) => this.service(ns, name) !== undefined)) this.addWorkload(w);
  }
}
