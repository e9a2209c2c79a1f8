/**
 * The MeshIndex: every fact a rule needs, derived once (O(n)) from the manifests and the declared context.
 *
 * Rule authors never re-derive Istio semantics (selection, port translation, name resolution, visibility, host
 * matching): they ask the index. Section 0 "Semantics" of shared/ISTIO-RULES.md is modelled in this folder and
 * nowhere else; this class is a thin facade over its modules:
 * - objects.ts: the object store (identity, merge order, lookups by kind and name);
 * - closed-world.ts, implicit.ts: what istioctl's closed world drops and adds;
 * - mesh-config.ts: MeshConfig and istiod env;
 * - services.ts: Services by namespace and name, and those selecting a workload;
 * - workloads.ts, owners.ts: gateway workloads (the pods Gateways select) and how they are found;
 * - pods.ts: pods as each world sees them;
 * - ports.ts: port translation;
 * - gateways.ts, servers.ts: Gateway selection both ways, servers, listener buckets, per-Gateway host lookups;
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
import { KubeObject, SourceRef } from '../model';
import { closedWorldInput } from './closed-world';
import { GatewayRef, GatewayRefs, resolveGatewayName } from './gateway-refs';
import { GatewayIndex } from './gateways';
import { MeshSettings, readMeshSettings } from './mesh-config';
import { IndexedObject, ObjectStore } from './objects';
import { PodCatalog, PodInfo } from './pods';
import { PortResolver, ResolvedPort } from './ports';
import { RegistryEntry, ScopedEntry, ServiceRegistry } from './registry';
import { GatewayServer, GatewayServerHost, ListenerBucket } from './servers';
import { ServiceCatalog, ServiceInfo } from './services';
import { Visibility } from './visibility';
import { GatewayWorkloads, InstallAssumption, WorkloadInfo, assumedGateway, findWorkloads } from './workloads';

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
  private readonly services: ServiceCatalog;
  private readonly workloads = new GatewayWorkloads();
  private readonly podCatalog: PodCatalog;
  private readonly ports: PortResolver;
  private readonly gatewayIndex: GatewayIndex;
  private readonly gatewayRefs: GatewayRefs;
  private readonly visibility: Visibility;
  private readonly registry: ServiceRegistry;

  constructor(manifests: readonly KubeObject[], options: MeshIndexOptions = {}) {
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    this.closedWorld = options.closedWorld === true;
    const input = {
      manifests,
      context: options.context ?? [],
      sources: options.sources,
      contextSources: options.contextSources,
      defaultNamespace: this.defaultNamespace,
    };
    let store = new ObjectStore(input);
    let meshConfig = readMeshSettings(store, options.meshConfig);
    if (this.closedWorld) {
      store = new ObjectStore(closedWorldInput(input, meshConfig.raw));
      meshConfig = readMeshSettings(store, options.meshConfig);
    }
    this.store = store;
    this.objects = store.objects;
    this.meshConfig = meshConfig;
    this.services = new ServiceCatalog(store);
    for (const w of findWorkloads(this.objects, this.closedWorld, (ns, name) => this.service(ns, name) !== undefined)) this.addWorkload(w);
    this.assumedInstall = false;
    if (this.workloads.list.length === 0 && !this.closedWorld) {
      const mode = options.assumeInstall ?? 'demo';
      if (mode !== 'none') {
        this.assumedInstall = true;
        this.addWorkload(assumedGateway('ingress', meshConfig.rootNamespace, mode === 'demo'));
        if (mode === 'demo') this.addWorkload(assumedGateway('egress', meshConfig.rootNamespace));
      }
    }
    this.podCatalog = new PodCatalog(this.objects, this.closedWorld, this.defaultNamespace, this.workloads.list);
    this.ports = new PortResolver((w) => this.services.servicesFor(w));
    this.gatewayIndex = new GatewayIndex(store, this.workloads, this.ports, meshConfig.scopeGatewayToNamespace);
    this.gatewayRefs = new GatewayRefs(store);
    this.visibility = new Visibility(meshConfig.raw, this.defaultNamespace);
    this.registry = new ServiceRegistry(() => this.services.byNamespace(), () => this.ofKind('ServiceEntry'), this.visibility, this.defaultNamespace);
  }

  /** A gateway workload, and the Services its origin implies. */
  private addWorkload(w: WorkloadInfo): void {
    this.workloads.add(w);
    for (const s of w.impliedServices) this.services.add(s);
  }

  // ----- lookups (objects.ts) ------------------------------------------------------------------------------------

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

  // ----- workloads (workloads.ts), pods (pods.ts), Services (services.ts, ports.ts) --------------------------------

  /** All gateway workloads (declared, or assumed), in input order. */
  public gatewayWorkloads(): readonly WorkloadInfo[] {
    return this.workloads.list;
  }

  /** Gateway workloads whose pod labels match `selector` (all when empty), optionally only in `namespace`. */
  public workloadsMatching(selector: Record<string, string>, namespace?: string): WorkloadInfo[] {
    return this.workloads.matching(selector, namespace);
  }

  /** Pods as this world sees them (see pods.ts), in input order. */
  public pods(): readonly PodInfo[] {
    return this.podCatalog.pods();
  }

  /** Pods of one namespace as this world sees them, in input order. */
  public podsIn(namespace: string): readonly PodInfo[] {
    return this.podCatalog.podsIn(namespace);
  }

  /** Pods whose labels match `selector` (every Pod when it is empty), optionally only in `namespace`. */
  public podsMatching(selector: Record<string, string>, namespace?: string): PodInfo[] {
    return this.podCatalog.podsMatching(selector, namespace);
  }

  /** Services by namespace (manifest Services and implied ones), in input order. */
  public servicesIn(namespace: string): readonly ServiceInfo[] {
    return this.services.servicesIn(namespace);
  }

  /** A manifest Service by namespace/name. */
  public service(namespace: string, name: string): ServiceInfo | undefined {
    return this.services.service(namespace, name);
  }

  /** Same-namespace Services whose non-empty selector matches the workload's pod labels (plus its implied Services). */
  public servicesFor(workload: WorkloadInfo): readonly ServiceInfo[] {
    return this.services.servicesFor(workload);
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

  // ----- Gateways (gateways.ts, servers.ts) ----------------------------------------------------------------------

  /** Istio Gateways (networking.istio.io), oldest first. */
  public gateways(): readonly IndexedObject[] {
    return this.gatewayIndex.gateways();
  }

  /** The Gateway's `spec.selector` as a string map. */
  public gatewaySelector(gateway: IndexedObject): Record<string, string> {
    return this.gatewayIndex.gatewaySelector(gateway);
  }

  /**
   * Workloads a Gateway configures: selector matches pod labels in all namespaces (only the Gateway's namespace when
   * PILOT_SCOPE_GATEWAY_TO_NAMESPACE); empty selector = every gateway workload.
   */
  public workloadsFor(gateway: IndexedObject): readonly WorkloadInfo[] {
    return this.gatewayIndex.workloadsFor(gateway);
  }

  /** Gateways configuring a workload, oldest first. */
  public gatewaysFor(workload: WorkloadInfo): readonly IndexedObject[] {
    return this.gatewayIndex.gatewaysFor(workload);
  }

  /** A Gateway's servers, flattened (malformed entries are skipped; indices keep their place). */
  public serversOf(gateway: IndexedObject): readonly GatewayServer[] {
    return this.gatewayIndex.serversOf(gateway);
  }

  /**
   * Servers of every Gateway bucketed per listener (workload, resolved port, bind), so conflict rules are linear.
   * Servers without a valid port number are left out. Buckets are ordered by workload then listen port then bind.
   */
  public listenerBuckets(): readonly ListenerBucket[] {
    return this.gatewayIndex.listenerBuckets();
  }

  /**
   * Servers of `gateway` whose hosts admit a VirtualService host `vsHost` from namespace `vsNamespace` (host
   * intersection plus the `ns/` scope of each server host). Uses a per-gateway host index; returns each server once
   * with the first admitting host.
   */
  public serversAdmitting(gateway: IndexedObject, vsHost: string, vsNamespace: string): { server: GatewayServer; host: GatewayServerHost }[] {
    return this.gatewayIndex.serversAdmitting(gateway, vsHost, vsNamespace);
  }

  // ----- name resolution (gateway-refs.ts, hosts.ts) and visibility (visibility.ts) --------------------------------

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
    return this.gatewayRefs.gatewayByRef(ref);
  }

  /** Resolved `spec.gateways` of a VirtualService (absent = `[mesh]`). */
  public virtualServiceGateways(vs: IndexedObject): readonly GatewayRef[] {
    return this.gatewayRefs.virtualServiceGateways(vs);
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
    return this.visibility.meshClientNamespaces(vs);
  }

  // ----- service registry (registry.ts) --------------------------------------------------------------------------

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
}
