/**
 * The object store: every manifest and context object, with its identity parsed once, in Istio's merge order
 * (oldest first), and lookups by kind, by identity and by namespace.
 */
import type { ResourceRef } from '../findings';
import { KubeObject, NO_STRINGS, SourceRef, apiGroup, asRecord, asString, isRecord, stringMap } from '../model';
import { NamespacedNames } from './namespaced-names';

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
  /**
   * Walks of the object shared by the rules (rules/virtual-service.ts), memoised on the object itself: a WeakMap lookup
   * per object and rule costs more than the walk it saves on large inputs. Not part of the object's identity.
   */
  walk?: unknown;
}

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

/** Source of objects given without one (shared: most CLI-less callers give none). */
const NO_SOURCE: SourceRef = Object.freeze({});

/** metadata of an object without one (shared: read only). */
const NO_METADATA: Record<string, unknown> = Object.freeze({});

/**
 * The store's {@link IndexedObject}: a class so that `ref`, read for findings only, is made on demand rather than kept
 * per object (an object per manifest less in the live set of the analysis). Every instance has one shape.
 */
class StoredObject implements IndexedObject {
  public walk: unknown = undefined;

  constructor(
    public readonly raw: KubeObject,
    public readonly apiVersion: string,
    public readonly group: string,
    public readonly version: string,
    public readonly kind: string,
    public readonly name: string,
    public readonly namespace: string | undefined,
    public readonly labels: Record<string, string>,
    public readonly annotations: Record<string, string>,
    public readonly spec: Record<string, unknown>,
    public readonly source: SourceRef,
    public readonly isContext: boolean,
    /** the input position until the objects are sorted */
    public order: number,
  ) {}

  public get ref(): ResourceRef {
    const { apiVersion, kind, namespace, name } = this;
    return namespace === undefined ? { apiVersion, kind, name } : { apiVersion, kind, namespace, name };
  }
}

/**
 * Objects by identity (the lookups of {@link ObjectStore.get}): by kind key (see {@link kindKey}), then by namespace
 * ('' for cluster-scoped kinds) and name in a {@link NamespacedNames} (no key string per object or per lookup).
 */
class IdentityMap {
  private readonly byKind = new Map<string, NamespacedNames<IndexedObject>>();
  private lastGroup?: string;
  private lastKind?: string;
  private lastNames?: NamespacedNames<IndexedObject>;

  /** The objects of one kind; objects of one kind come in runs, so the previous table is reused. */
  private names(group: string, kind: string, create: boolean): NamespacedNames<IndexedObject> | undefined {
    if (kind === this.lastKind && group === this.lastGroup) return this.lastNames;
    const key = kindKey(group, kind);
    let names = this.byKind.get(key);
    if (names === undefined && create) this.byKind.set(key, (names = new NamespacedNames(namespaceKey)));
    if (names !== undefined) {
      this.lastGroup = group;
      this.lastKind = kind;
      this.lastNames = names;
    }
    return names;
  }

  /** The object of `o`'s identity. */
  public find(o: IndexedObject): IndexedObject | undefined {
    return this.names(o.group, o.kind, false)?.get(namespaceKey(o), o.name);
  }

  /** Records `o` unless an object of its identity is already recorded; false then. */
  public add(o: IndexedObject): boolean {
    return this.names(o.group, o.kind, true)!.set(o.name, o, false);
  }

  /** One object by kind key, namespace ('' for cluster-scoped kinds) and name. */
  public get(key: string, namespace: string, name: string): IndexedObject | undefined {
    return this.byKind.get(key)?.get(namespace, name);
  }
}

function namespaceKey(o: IndexedObject): string {
  return o.namespace ?? '';
}

/** True for kinds without a namespace (Namespace, Node, ClusterRole, …). */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** Inputs of the object store. */
export interface ObjectStoreInput {
  readonly manifests: readonly KubeObject[];
  readonly context: readonly KubeObject[];
  readonly sources?: readonly (SourceRef | undefined)[];
  readonly contextSources?: readonly (SourceRef | undefined)[];
  readonly defaultNamespace: string;
}

/** Every indexed object, oldest first, with lookups. */
export class ObjectStore {
  /** Every indexed object (manifests and context), oldest first. */
  public readonly objects: readonly IndexedObject[];
  /** Namespace of namespaced objects without one. */
  public readonly defaultNamespace: string;

  private readonly byKind = new Map<string, IndexedObject[]>();
  private byId = new IdentityMap();
  private readonly namespaceSet = new Set<string>();
  private readonly secrets = new Map<string, IndexedObject>();
  /**
   * Manifests that appear twice (same API group, kind, namespace and name): the later replaces the earlier, as
   * `kubectl apply` does; `replaced` is the earlier copy's source.
   */
  public readonly duplicates: { readonly object: IndexedObject; readonly replaced: SourceRef; readonly copies: number }[] = [];

  constructor(init: ObjectStoreInput) {
    const { manifests, context, defaultNamespace } = init;
    this.defaultNamespace = defaultNamespace;
    const total = context.length + manifests.length;
    // Each object is built once, final but for `order`, which holds its input position until the objects are sorted
    // (context objects first); creation times, rare in manifests from Git, live in an array made at the first one.
    let stamps: Float64Array | undefined;
    // group and version split once per distinct apiVersion (a handful per input) and shared by its objects: two strings
    // less per object in the live set of the analysis; objects of one apiVersion come in runs, so the last is kept
    const versions = new Map<string, { readonly group: string; readonly version: string }>();
    let lastApiVersion: string | undefined;
    let lastSplit = { group: '', version: '' };
    const split = (apiVersion: string) => {
      if (apiVersion === lastApiVersion) return lastSplit;
      let v = versions.get(apiVersion);
      if (v === undefined) {
        v = { group: apiGroup(apiVersion), version: apiVersion.slice(apiVersion.indexOf('/') + 1) };
        versions.set(apiVersion, v);
      }
      lastApiVersion = apiVersion;
      return (lastSplit = v);
    };
    const mk = (o: KubeObject, isContext: boolean, source: SourceRef | undefined, input: number): StoredObject | undefined => {
      if (!isRecord(o)) return undefined;
      const apiVersion = asString(o.apiVersion) ?? '';
      const kind = asString(o.kind) ?? '';
      // metadata read here rather than through meta(): one object less per manifest
      const m = isRecord(o.metadata) ? o.metadata : NO_METADATA;
      const name = asString(m.name) ?? '';
      const namespace = CLUSTER_SCOPED.has(kind) ? undefined : asString(m.namespace) || defaultNamespace;
      const created = asString(m.creationTimestamp);
      if (created) {
        const ts = Date.parse(created);
        if (Number.isFinite(ts)) (stamps ??= new Float64Array(total).fill(NaN))[input] = ts;
      }
      const { group, version } = split(apiVersion);
      return new StoredObject(
        o,
        apiVersion,
        group,
        version,
        kind,
        name,
        namespace,
        m.labels === undefined ? NO_STRINGS : stringMap(m.labels),
        m.annotations === undefined ? NO_STRINGS : stringMap(m.annotations),
        asRecord(o.spec),
        source ?? NO_SOURCE,
        isContext,
        input,
      );
    };
    // One map by identity serves three purposes: the lookups of get(), the manifests a context object gives way to,
    // and the detection of duplicates, which then (rarely) takes the slow path below. Built in input order; get() wants
    // the oldest object of an identity, so it is rebuilt after sorting when two objects share one.
    const ids = this.byId;
    let shared = false;
    let manifestObjects: StoredObject[] = [];
    for (let i = 0; i < manifests.length; i++) {
      const o = mk(manifests[i], false, init.sources?.[i], context.length + i);
      if (!o) continue;
      manifestObjects.push(o);
      if (!ids.add(o)) shared = true;
    }
    // the later of two manifests with one group, kind, namespace and name replaces the earlier (unnamed objects are
    // never merged); such manifests have one identity
    if (shared) manifestObjects = this.dropReplaced(manifestObjects);
    const all = manifestObjects;
    for (let i = 0; i < context.length; i++) {
      const o = mk(context[i], true, init.contextSources?.[i], i);
      if (!o) continue;
      const prev = ids.find(o);
      if (prev !== undefined && !prev.isContext) continue; // a manifest wins over a context object of the same identity
      all.push(o);
      if (prev === undefined) ids.add(o);
      else shared = true;
    }
    const time = (o: IndexedObject) => (stamps === undefined ? NaN : stamps[o.order]);
    const byAge = (a: IndexedObject, b: IndexedObject): number => {
      const ta = time(a);
      const tb = time(b);
      if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb || a.order - b.order;
      if (!Number.isNaN(ta)) return -1;
      if (!Number.isNaN(tb)) return 1;
      return a.order - b.order;
    };
    // manifests from Git rarely carry creationTimestamp: then, without context, they are in order already
    let sorted = true;
    for (let i = 1; i < all.length && sorted; i++) sorted = byAge(all[i - 1], all[i]) <= 0;
    if (!sorted) all.sort(byAge);
    for (let i = 0; i < all.length; i++) all[i].order = i;
    this.objects = all;
    if (shared) {
      // the oldest object of each identity
      this.byId = new IdentityMap();
      for (let i = 0; i < all.length; i++) this.byId.add(all[i]);
    }
    // (indexed loops: a for-of allocates an iterator result per object until the JIT optimises it)
    let lastGroup: string | undefined;
    let lastKind: string | undefined;
    let lastList: IndexedObject[] = [];
    let lastNamespace: string | undefined;
    for (let i = 0; i < all.length; i++) {
      const o = all[i];
      // objects of one kind, and of one namespace, come in runs: reuse the previous list, skip the set
      if (o.group !== lastGroup || o.kind !== lastKind) {
        lastGroup = o.group;
        lastKind = o.kind;
        const key = kindKey(o.group, o.kind);
        let list = this.byKind.get(key);
        if (!list) this.byKind.set(key, (list = []));
        lastList = list;
      }
      lastList.push(o);
      if (o.namespace !== undefined && o.namespace !== lastNamespace) this.namespaceSet.add(lastNamespace = o.namespace);
      if (o.kind === 'Namespace') this.namespaceSet.add(o.name);
      if (o.kind === 'Secret' && o.group === '' && o.namespace) this.secrets.set(`${o.namespace}/${o.name}`, o);
    }
  }

  /**
   * The manifests without those a later manifest of the same group, kind, namespace and name replaces (as `kubectl
   * apply` does), recorded in {@link duplicates}.
   */
  private dropReplaced(manifests: StoredObject[]): StoredObject[] {
    const latest = new Map<string, IndexedObject>();
    const copies = new Map<string, { replaced: SourceRef; copies: number }>();
    for (const o of manifests) {
      if (o.name === '') continue;
      const id = `${o.group}|${o.kind}|${o.namespace ?? ''}|${o.name}`;
      const prev = latest.get(id);
      if (prev) copies.set(id, { replaced: prev.source, copies: (copies.get(id)?.copies ?? 1) + 1 });
      latest.set(id, o);
    }
    if (copies.size === 0) return manifests;
    const keep = new Set(latest.values());
    for (const [id, o] of latest) {
      const c = copies.get(id);
      if (c) this.duplicates.push({ object: o, replaced: c.replaced, copies: c.copies });
    }
    return manifests.filter((o) => o.name === '' || keep.has(o));
  }

  /**
   * Objects of a kind, oldest first. Istio kinds (`Gateway`, `VirtualService`, …), core and `*.k8s.io` kinds are keyed
   * by bare kind regardless of version; other groups by `Kind.group` (`Gateway.gateway.networking.k8s.io`).
   */
  public ofKind(kind: string): readonly IndexedObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** One object by kind (as in {@link ofKind}), namespace (ignored for cluster-scoped kinds) and name. */
  public get(kind: string, namespace: string | undefined, name: string): IndexedObject | undefined {
    // `Kind.group` keys: the bare kind decides the scope (indexOf, not split: this runs per reference in hot loops)
    const dot = kind.indexOf('.');
    const scoped = !CLUSTER_SCOPED.has(dot < 0 ? kind : kind.slice(0, dot));
    return this.byId.get(kind, scoped ? namespace ?? this.defaultNamespace : '', name);
  }

  /** Namespaces that appear in the input (as Namespace objects or as object namespaces), sorted. */
  public namespaces(): string[] {
    return Array.from(this.namespaceSet).sort();
  }

  /** A Secret by namespace/name. */
  public secret(namespace: string, name: string): IndexedObject | undefined {
    // most inputs from Git hold no Secret: no key string per lookup then
    return this.secrets.size === 0 ? undefined : this.secrets.get(`${namespace}/${name}`);
  }
}
