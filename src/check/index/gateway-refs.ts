/**
 * A reference from a VirtualService `gateways` entry to a Gateway, after name resolution.
 */
import type { IndexedObject, ObjectStore } from './objects';

/** A gateway reference of a VirtualService after name resolution. */
export type GatewayRef = { readonly mesh: true } | { readonly mesh?: false; readonly namespace: string; readonly name: string };


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

/** {@link GatewayRefs.virtualServiceGateways} of a VirtualService without gateways: shared, frozen. */
const MESH_ONLY: readonly GatewayRef[] = Object.freeze([Object.freeze({ mesh: true as const })]);

/** The gateway references of VirtualServices, resolved, and the Gateways they name. */
export class GatewayRefs {
  /** {@link virtualServiceGateways} of a lone entry that resolves alike in every namespace, by entry string. */
  private readonly loneRefs = new Map<string, GatewayRef[]>();

  constructor(private readonly store: ObjectStore) {}

  /** The Istio Gateway a ref names, if it is in the input. */
  public gatewayByRef(ref: GatewayRef): IndexedObject | undefined {
    if (ref.mesh) return undefined;
    const g = this.store.get('Gateway', ref.namespace, ref.name);
    return g && g.group === 'networking.istio.io' ? g : undefined;
  }

  /** Resolved `spec.gateways` of a VirtualService (absent = `[mesh]`). */
  public virtualServiceGateways(vs: IndexedObject): readonly GatewayRef[] {
    const ns = vs.namespace ?? this.store.defaultNamespace;
    const list = vs.spec.gateways;
    if (!Array.isArray(list) || list.length === 0) return MESH_ONLY;
    // several rules ask for every VirtualService, and most name one shared gateway as `ns/name`: one answer per entry
    const lone = list.length === 1 ? list[0] : undefined;
    if (typeof lone === 'string' && (lone === 'mesh' || (lone.indexOf('/') >= 0 && !lone.startsWith('./')))) {
      let refs = this.loneRefs.get(lone);
      if (!refs) this.loneRefs.set(lone, (refs = Object.freeze([Object.freeze(resolveGatewayName(lone, ns)!)]) as GatewayRef[]));
      return refs;
    }
    return list.map((e) => resolveGatewayName(e, ns)).filter((r): r is GatewayRef => r !== undefined);
  }
}
