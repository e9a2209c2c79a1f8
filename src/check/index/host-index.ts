/**
 * HostIndex: "which entries' hosts intersect host h" without scanning all entries.
 */
import { push } from './util';

/**
 * A multimap from hosts (exact, `*.suffix` or `*`) to items, answering "which items have a host that intersects
 * (Istio `Name.Matches` both ways) a query host" in O(labels of the query + result size).
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, Entry<T>[]>();
  /**
   * exact hosts by each of their proper suffixes: `a.b.c` under `.b.c` and `.c`; only wildcard queries need it, so
   * it is built on the first one (from `exactEntries`, in insertion order) and dropped by the next add.
   */
  private exactBySuffixMap?: Map<string, Entry<T>[]>;
  private readonly exactEntries: { readonly host: string; readonly entry: Entry<T> }[] = [];
  /** wildcard hosts `*.b.c` by their suffix `.b.c` */
  private readonly wildBySuffix = new Map<string, Entry<T>[]>();
  /** wildcard hosts `*.b.c` by every suffix of their suffix: `.b.c`, `.c` */
  private readonly wildByContained = new Map<string, Entry<T>[]>();
  private readonly any: Entry<T>[] = [];
  private readonly all: Entry<T>[] = [];
  /**
   * Answers by query host as given (rules ask the same host many times: once per destination, per rule); cleared by
   * {@link add}. The answers are shared, hence readonly.
   */
  private readonly answers = new Map<string, readonly T[]>();

  /** Adds an item under a host (exact, `*.suffix` or `*`; compared case-insensitively). */
  public add(host: string, item: T): void {
    const h = host.toLowerCase();
    const e: Entry<T> = { seq: this.all.length, item };
    if (this.answers.size > 0) this.answers.clear();
    this.all.push(e);
    if (h === '*') {
      this.any.push(e);
    } else if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      push(this.wildBySuffix, suffix, e);
      for (const s of suffixes(suffix)) push(this.wildByContained, s, e);
    } else {
      push(this.exact, h, e);
      this.exactEntries.push({ host: h, entry: e });
      this.exactBySuffixMap = undefined;
    }
  }

  private exactBySuffix(): Map<string, Entry<T>[]> {
    if (!this.exactBySuffixMap) {
      const m = new Map<string, Entry<T>[]>();
      for (const { host, entry } of this.exactEntries) for (const s of suffixes(host)) push(m, s, entry);
      this.exactBySuffixMap = m;
    }
    return this.exactBySuffixMap;
  }

  /** Items whose host intersects `host` (Istio `Name.Matches` either way), in insertion order, without duplicates. */
  public query(host: string): readonly T[] {
    let out = this.answers.get(host);
    if (!out) {
      out = this.compute(host.toLowerCase());
      this.answers.set(host, out);
    }
    return out;
  }

  private compute(h: string): T[] {
    if (h === '*') return this.all.map((e) => e.item);
    const found: Entry<T>[][] = [this.any];
    if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      found.push(this.exactBySuffix().get(suffix) ?? [], this.wildByContained.get(suffix) ?? []);
      if (this.wildBySuffix.size > 0) for (const s of suffixes(suffix)) found.push(this.wildBySuffix.get(s) ?? []);
    } else {
      found.push(this.exact.get(h) ?? []);
      if (this.wildBySuffix.size > 0) for (const s of suffixes(h)) found.push(this.wildBySuffix.get(s) ?? []);
    }
    // Usually one list has hits: each list is in insertion order without duplicates, so it is the answer as is.
    let only: Entry<T>[] | undefined;
    let lists = 0;
    for (const list of found) {
      if (list.length === 0) continue;
      only = list;
      lists++;
    }
    if (lists === 0) return [];
    if (lists === 1) return only!.map((e) => e.item);
    const seen = new Map<number, T>();
    for (const list of found) for (const e of list) seen.set(e.seq, e.item);
    return Array.from(seen.entries()).sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  }
}

interface Entry<T> {
  readonly seq: number;
  readonly item: T;
}

/** Proper suffixes with their leading dot: `a.b.c` → `.b.c`, `.c`; a suffix `.b.c` → `.b.c`, `.c`. */
function suffixes(h: string): string[] {
  const out: string[] = [];
  let i = h.startsWith('.') ? 0 : h.indexOf('.');
  while (i >= 0) {
    out.push(h.slice(i));
    i = h.indexOf('.', i + 1);
  }
  return out;
}
