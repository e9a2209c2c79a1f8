/**
 * Field paths (`spec.servers[1].port.number`) and value descriptions for the messages of the schema checks, and the
 * "did you mean" suggestion.
 */

export const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function child(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENT.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * The keys from the root to the node a walk is at: one array pushed and popped along the walk, formatted only when an
 * issue needs the path (the walks visit every node of every object; building each node's path string eagerly, or even
 * one path object per node, cost more than the checks themselves).
 */
export type KeyPath = (string | number)[];

export function pathOf(keys: readonly (string | number)[]): string {
  let p = '';
  for (const k of keys) p = child(p, k);
  return p;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(truncate(v, 80))}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return `the number ${String(v)}`;
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function show(v: unknown): string {
  return truncate(JSON.stringify(v) ?? String(v), 80);
}

export function lastSegment(p: string): string {
  const idx = /(\[\d+\])*$/.exec(p)?.[0] ?? '';
  const head = p.slice(0, p.length - idx.length);
  const quoted = /\[("(?:[^"\\]|\\.)*")\]$/.exec(head);
  if (quoted) return `${JSON.parse(quoted[1])}${idx}`;
  const dot = head.lastIndexOf('.');
  return `${head.slice(dot + 1)}${idx}`;
}

export function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
