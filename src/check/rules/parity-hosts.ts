/**
 * Host overlap as istioctl computes it (ISTIOCTL-PARITY §0) and a set of gateway hosts that answers "does any of them
 * overlap this host?" without scanning every host: a shared gateway with one server host per tenant would otherwise
 * make the IST0132 check quadratic in the number of tenants.
 */

/** Host overlap of ISTIOCTL-PARITY §0 (case-sensitive; `*X` matches hosts ending with X). */
export function parityOverlap(a: string, b: string): boolean {
  const wa = a.startsWith('*');
  const wb = b.startsWith('*');
  if (!wa && !wb) return a === b;
  if (wa && wb) {
    const sa = a.slice(1);
    const sb = b.slice(1);
    return sa.length >= sb.length ? sa.endsWith(sb) : sb.endsWith(sa);
  }
  return wa ? b.endsWith(a.slice(1)) : a.endsWith(b.slice(1));
}

/** Below this many wildcard hosts a linear scan is cheaper than probing every suffix of the host. */
const LINEAR_WILDCARDS = 8;

/** Hosts `g` for which {@link ParityHostSet.overlapsAny} answers `parityOverlap(g, h)` for some `g`. */
export class ParityHostSet {
  // created on first use: a shared gateway scopes one host per tenant namespace, so most sets hold one exact host
  /** the only exact host, until a second one comes */
  private one: string | undefined;
  private exact: Set<string> | undefined;
  private wildcards: string[] | undefined;
  /** the wildcard hosts without their leading `*` */
  private suffixes: Set<string> | undefined;

  public add(host: string): void {
    if (host.startsWith('*')) {
      (this.wildcards ??= []).push(host);
      (this.suffixes ??= new Set()).add(host.slice(1));
    } else if (this.exact !== undefined) {
      this.exact.add(host);
    } else if (this.one === undefined) {
      this.one = host;
    } else if (this.one !== host) {
      this.exact = new Set([this.one, host]);
      this.one = undefined;
    }
  }

  /** Whether `parityOverlap(g, host)` holds for some host `g` of the set. */
  public overlapsAny(host: string): boolean {
    const wildcards = this.wildcards;
    if (host.startsWith('*')) {
      if (this.one !== undefined && parityOverlap(this.one, host)) return true;
      if (this.exact !== undefined) for (const g of this.exact) if (parityOverlap(g, host)) return true;
      return wildcards !== undefined && wildcards.some((g) => parityOverlap(g, host));
    }
    if (this.one === host || (this.exact !== undefined && this.exact.has(host))) return true;
    if (wildcards === undefined) return false;
    if (wildcards.length <= LINEAR_WILDCARDS) return wildcards.some((g) => host.endsWith(g.slice(1)));
    // host.endsWith(s) exactly when s is the suffix of host of the same length
    const suffixes = this.suffixes!;
    for (let i = 0; i <= host.length; i++) if (suffixes.has(host.slice(i))) return true;
    return false;
  }
}
