/**
 * Visibility: the namespaces an object is exported to (spec.exportTo, the Service annotation
 * `networking.istio.io/exportTo`, the meshConfig defaults).
 */
import { asStringArray } from '../model';
import type { IndexedObject } from './objects';

/** meshConfig key holding the default exportTo of a kind. */
const EXPORT_DEFAULT_KEY: Record<string, string> = {
  VirtualService: 'defaultVirtualServiceExportTo',
  DestinationRule: 'defaultDestinationRuleExportTo',
  ServiceEntry: 'defaultServiceExportTo',
  Service: 'defaultServiceExportTo',
};

/** Export scopes per object, computed once. */
export class Visibility {
  private readonly cache = new Map<IndexedObject, '*' | ReadonlySet<string>>();
  private readonly defaults = new Map<string, boolean>();
  /** {@link exportNamespaces} of the objects with explicit scopes, by their scope set */
  private readonly lists = new Map<ReadonlySet<string>, string[]>();
  /** False when meshConfig sets no default exportTo at all (the usual case: no lookup per object then). */
  private readonly anyDefault: boolean;

  constructor(private readonly meshConfig: Record<string, unknown>, private readonly defaultNamespace: string) {
    this.anyDefault = Object.values(EXPORT_DEFAULT_KEY).some((key) => asStringArray(meshConfig[key]).length > 0);
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
    if (e === '*') return e;
    // listed once per object (rules ask per VirtualService and rule); callers only read it
    let list = this.lists.get(e);
    if (list === undefined) this.lists.set(e, (list = Array.from(e)));
    return list;
  }

  /** {@link exportNamespaces}, computed once per object (the rules ask for it per caller namespace). */
  private exportsOf(obj: IndexedObject): '*' | ReadonlySet<string> {
    // Most objects set nothing and have no meshConfig default: '*' without a cache entry (rules ask per object and
    // caller namespace, for every DestinationRule, VirtualService and Service)
    if (obj.kind === 'Service' && obj.group === '') {
      if (obj.annotations['networking.istio.io/exportTo'] === undefined && !this.hasDefault('Service')) return '*';
    } else {
      const raw = obj.spec.exportTo;
      if ((!Array.isArray(raw) || raw.length === 0) && !this.hasDefault(obj.kind)) return '*';
    }
    let e = this.cache.get(obj);
    if (e === undefined) {
      e = this.computeExports(obj);
      this.cache.set(obj, e);
    }
    return e;
  }

  /** True when meshConfig sets a non-empty default exportTo for the kind. */
  private hasDefault(kind: string): boolean {
    if (!this.anyDefault) return false;
    let d = this.defaults.get(kind);
    if (d === undefined) {
      const key = EXPORT_DEFAULT_KEY[kind];
      d = key ? asStringArray(this.meshConfig[key]).length > 0 : false;
      this.defaults.set(kind, d);
    }
    return d;
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
      list = key ? asStringArray(this.meshConfig[key]) : [];
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

  /** True when the object is visible in every namespace ({@link isExportedTo} holds for any namespace). */
  public isExportedEverywhere(obj: IndexedObject): boolean {
    return this.exportsOf(obj) === '*';
  }

  /**
   * Namespaces whose sidecars apply a mesh-bound VirtualService: those it is exported to. When exported everywhere
   * the clients are unknown and the VirtualService's own namespace stands for them.
   */
  public meshClientNamespaces(vs: IndexedObject): string[] {
    const e = this.exportNamespaces(vs);
    return e === '*' ? [vs.namespace ?? this.defaultNamespace] : e;
  }
}
