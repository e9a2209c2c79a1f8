/**
 * DestinationRule hosts, resolved once per index and shared by the DR and VSX rules: one host lookup over every
 * DestinationRule instead of one per rule family.
 */
import { HostClass, classifyHost, resolveShortName } from '../hosts';
import { asString } from '../model';
import { HostIndex } from './host-index';
import type { MeshIndex } from './mesh-index';
import type { IndexedObject } from './objects';

/** A DestinationRule with a non-empty `spec.host`, resolved in its namespace. */
export interface DrHost {
  readonly dr: IndexedObject;
  readonly namespace: string;
  /** The raw `spec.host`. */
  readonly host: string;
  /** Resolved FQDN (short names → `<h>.<ns>.svc.cluster.local`). */
  readonly fqdn: string;
  /** False when the host is not a valid host at all (DR-HOST-001 reports it; most DR rules skip it). */
  readonly valid: boolean;
  /** {@link classifyHost} of {@link host}, kept for DR-HOST-001 (one classification per DestinationRule). */
  readonly hostClass: HostClass;
  /** Position in {@link DrHosts.all} (input order of answers found through {@link DrHosts.byFqdn}). */
  readonly seq: number;
}

/** {@link destinationRuleHosts} of an index. */
export interface DrHosts {
  /** Every Istio DestinationRule with a non-empty host, oldest first. */
  readonly all: readonly DrHost[];
  /** {@link all} by resolved host (`*` and `*.suffix` hosts as wildcards). */
  readonly byFqdn: HostIndex<DrHost>;
  /**
   * True when two of {@link all} have the same resolved host (compared case-insensitively): DestinationRules merge
   * only then (DRX-DUP-001), and the usual input has one per host.
   */
  readonly hostRepeats: boolean;
  /** {@link all} not exported everywhere, by resolved host: see {@link restrictedDestinationRuleHosts}. */
  readonly restricted: HostIndex<DrHost> | undefined;
}

const cache = new WeakMap<MeshIndex, DrHosts>();

/** The hosts of the Istio DestinationRules of an index, built on first use. */
export function destinationRuleHosts(index: MeshIndex): DrHosts {
  let out = cache.get(index);
  if (!out) {
    const all: DrHost[] = [];
    const byFqdn = new HostIndex<DrHost>();
    let hostRepeats = false;
    let restricted: HostIndex<DrHost> | undefined;
    for (const dr of index.ofKind('DestinationRule')) {
      if (dr.group !== 'networking.istio.io') continue;
      const host = asString(dr.spec.host);
      if (!host) continue;
      const namespace = dr.namespace ?? index.defaultNamespace;
      const hostClass = classifyHost(host);
      const r: DrHost = { dr, namespace, host, fqdn: resolveShortName(host, namespace), valid: !('invalid' in hostClass), hostClass, seq: all.length };
      all.push(r);
      // the add says whether the host was there already: no lookup of its own
      if (byFqdn.add(r.fqdn, r)) hostRepeats = true;
      // read here, with the DestinationRule at hand, rather than in a pass of its own
      if (!index.isExportedEverywhere(dr)) (restricted ??= new HostIndex<DrHost>()).add(r.fqdn, r);
    }
    out = { all, byFqdn, hostRepeats, restricted };
    cache.set(index, out);
  }
  return out;
}

/**
 * The DestinationRules not exported everywhere, by resolved host, or undefined when there are none (the usual input:
 * then every caller sees every DestinationRule). Built once per index with {@link destinationRuleHosts} and shared by
 * VSX-SUB-001 and DRX-VIS-001: a host that none of them can cover needs no closer look.
 */
export function restrictedDestinationRuleHosts(index: MeshIndex): HostIndex<DrHost> | undefined {
  return destinationRuleHosts(index).restricted;
}
