/** Small helpers shared by the index modules. */

/** Appends `v` to the list under `k`, creating it. */
export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** `list.filter(keep)`, but `list` itself when every item is kept (read-only answers shared by many callers). */
export function allOrSome<T>(list: readonly T[], keep: (x: T) => boolean): readonly T[] {
  for (let i = 0; i < list.length; i++) if (!keep(list[i])) return list.filter(keep);
  return list;
}
