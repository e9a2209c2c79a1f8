/**
 * The object store: every manifest and context object, with its identity parsed once, in Istio's merge order
 * (oldest first), and lookups by kind, by identity and by namespace.
 */
import type { ResourceRef } from '../findings';
import { KubeObject, SourceRef, apiGroup, asRecord, asString, isRecord, meta } from '../model';

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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Draft {
  readonly obj: Mutable<IndexedObject>;
  readonly ts?: number;
  readonly input: number;
}

function identity(o: { kind: string; namespace?: string; name: string; group: string }): string {
  return `${kindKey(o.group, o.kind)}|${o.namespace ?? ''}|${o.name}`;
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
  private readonly byId = new Map<string, IndexedObject>();
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
      const namespace = namespaced ? m.namespace || defaultNamespace : undefined;
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
        source: source ?? NO_SOURCE,
        isContext,
        order: 0,
        walk: undefined, // declared up front: one object shape
      };
      return { obj, ts: Number.isFinite(ts) ? ts : undefined, input };
    };
    // the later of two manifests with one identity replaces the earlier (unnamed objects are never merged)
    // (one small record per duplicated identity only: inputs are large and duplicates rare)
    const latest = new Map<string, Draft>();
    const copies = new Map<string, { replaced: SourceRef; copies: number }>();
    const manifestDrafts: Draft[] = [];
    let named = 0;
    manifests.forEach((o, i) => {
      const d = mk(o, false, init.sources?.[i], context.length + i);
      if (!d) return;
      if (d.obj.name !== '') {
        named++;
        const id = `${d.obj.group}|${d.obj.kind}|${d.obj.namespace ?? ''}|${d.obj.name}`;
        const prev = latest.get(id);
        if (prev) copies.set(id, { replaced: prev.obj.source, copies: (copies.get(id)?.copies ?? 1) + 1 });
        latest.set(id, d);
      }
      manifestDrafts.push(d);
    });
    const dropped = new Set<Draft>();
    if (latest.size < named) {
      const keep = new Set(latest.values());
      for (const d of manifestDrafts) if (d.obj.name !== '' && !keep.has(d)) dropped.add(d);
    }
    for (const d of manifestDrafts) {
      if (dropped.has(d)) continue;
      drafts.push(d);
      if (context.length > 0) manifestIds.add(identity(d.obj));
    }
    context.forEach((o, i) => {
      const d = mk(o, true, init.contextSources?.[i], i);
      // A manifest wins over a context object of the same identity.
      if (d && !manifestIds.has(identity(d.obj))) drafts.push(d);
    });
    const byAge = (a: Draft, b: Draft): number => {
      if (a.ts !== undefined && b.ts !== undefined) return a.ts - b.ts || a.input - b.input;
      if (a.ts !== undefined) return -1;
      if (b.ts !== undefined) return 1;
      return a.input - b.input;
    };
    // manifests from Git rarely carry creationTimestamp: then, without context, they are in order already
    let sorted = true;
    for (let i = 1; i < drafts.length && sorted; i++) sorted = byAge(drafts[i - 1], drafts[i]) <= 0;
    if (!sorted) drafts.sort(byAge);
    this.objects = drafts.map((d, i) => {
      d.obj.order = i;
      return d.obj;
    });
    if (dropped.size > 0) {
      for (const [id, d] of latest) {
        const c = copies.get(id);
        if (c) this.duplicates.push({ object: d.obj, replaced: c.replaced, copies: c.copies });
      }
    }
    let lastGroup: string | undefined;
    let lastKind: string | undefined;
    let lastList: IndexedObject[] = [];
    let lastKey = '';
    for (const o of this.objects) {
      // objects of one kind come in runs: reuse the previous key and its list
      if (o.group !== lastGroup || o.kind !== lastKind) {
        lastGroup = o.group;
        lastKind = o.kind;
        lastKey = kindKey(o.group, o.kind);
        let list = this.byKind.get(lastKey);
        if (!list) this.byKind.set(lastKey, (list = []));
        lastList = list;
      }
      lastList.push(o);
      const id = `${lastKey}|${o.namespace ?? ''}|${o.name}`; // identity(o)
      if (!this.byId.has(id)) this.byId.set(id, o);
      if (o.namespace !== undefined) this.namespaceSet.add(o.namespace);
      if (o.kind === 'Namespace') this.namespaceSet.add(o.name);
      if (o.kind === 'Secret' && o.group === '' && o.namespace) this.secrets.set(`${o.namespace}/${o.name}`, o);
    }

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
    return this.byId.get(`${kind}|${scoped ? namespace ?? this.defaultNamespace : ''}|${name}`);
  }

  /** Namespaces that appear in the input (as Namespace objects or as object namespaces), sorted. */
  public namespaces(): string[] {
    return Array.from(this.namespaceSet).sort();
  }

  /** A Secret by namespace/name. */
  public secret(namespace: string, name: string): IndexedObject | undefined {
    return this.secrets.get(`${namespace}/${name}`);
  }
}
