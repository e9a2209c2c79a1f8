/**
 * The subset names a DestinationRule defines (`spec.subsets[].name`, non-empty strings), asked by the rules that check
 * a route's `subset` against the DestinationRules for its host.
 */
import { asArray, asRecord, asString } from '../model';
import type { IndexedObject } from './objects';

/**
 * Lists at most this long are scanned per question; longer ones (an egress gateway DestinationRule with a subset per
 * tenant) get a name set, built once. Most DestinationRules have one or two subsets: a set each would cost more than
 * the scans it saves.
 */
const SCAN_LIMIT = 8;

/** Name sets of the DestinationRules with more than {@link SCAN_LIMIT} subsets. */
const longLists = new WeakMap<IndexedObject, ReadonlySet<string>>();

/** True when `dr` defines a subset named `name` (never for an empty name). */
export function definesSubset(dr: IndexedObject, name: string): boolean {
  if (!name) return false;
  const subsets = asArray(dr.spec.subsets);
  if (subsets.length <= SCAN_LIMIT) {
    for (const s of subsets) if (asString(asRecord(s).name) === name) return true;
    return false;
  }
  let names = longLists.get(dr);
  if (!names) longLists.set(dr, (names = new Set(subsetNames(dr))));
  return names.has(name);
}

/** The subset names of `dr` in order, without empty or non-string names (duplicates kept). */
export function subsetNames(dr: IndexedObject): string[] {
  const out: string[] = [];
  for (const s of asArray(dr.spec.subsets)) {
    const n = asString(asRecord(s).name);
    if (n) out.push(n);
  }
  return out;
}
