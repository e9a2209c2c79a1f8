/**
 * A reference from a VirtualService `gateways` entry to a Gateway, after name resolution.
 */

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
