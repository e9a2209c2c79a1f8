/**
 * HostIndex: "which entries' hosts intersect host h" without scanning all entries.
 */
import { push } from './util';

/**
 * A multimap from hosts (exact, `*.suffix` or `*`) to items, answering "which items have a host that intersects
 * (Istio `Name.Matches` both ways) a query host" in O(labels of the query + result size).
 *
 * Rules query it once per destination or host, so the common answer (one bucket of exact hosts, no wildcards in the
 * index) is that bucket's item list as stored: no allocation per query. Answers are shared, hence readonly.
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, Bucket<T>>();
  /**
   * exact hosts by each of their proper suffixes: `a.b.c` under `.b.c` and `.c`; only wildcard queries need it, so
   * it is built on the first one (from `exactEntries`, in insertion order) and dropped by the next add.
   */
  private exactBySuffixMap?: Map<string, Entry<T>[]>;
  private readonly exactEntries: Entry<T>[] = [];
  /** wildcard hosts `*.b.c` by their suffix `.b.c` */
  private readonly wildBySuffix = new Map<string, Entry<T>[]>();
  /** wildcard hosts `*.b.c` by every suffix of their suffix: `.b.c`, `.c` */
  private readonly wildByContained = new Map<string, Entry<T>[]>();
  private readonly any: Entry<T>[] = [];
  private readonly all: Entry<T>[] = [];
  /** Answers that had to be built (wildcards involved), by query host as given; cleared by {@link add}. */
  private readonly built = new Map<string, readonly T[]>();

  /** Adds an item under a host (exact, `*.suffix` or `*`; compared case-insensitively). */
  public add(host: string, item: T): void {
    const h = host.toLowerCase();
    const e: Entry<T> = { seq: this.all.length, item, host: h };
    if (this.built.size > 0) this.built.clear();
    this.all.push(e);
    if (h === '*') {
      this.any.push(e);
    } else if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      push(this.wildBySuffix, suffix, e);
      for (const s of suffixes(suffix)) push(this.wildByContained, s, e);
    } else {
      const b = this.exact.get(h);
      if (b) {
        b.entries.push(e);
        b.items.push(item);
      } else {
        this.exact.set(h, { entries: [e], items: [item] });
      }
      this.exactEntries.push(e);
      this.exactBySuffixMap = undefined;
    }
  }

  private exactBySuffix(): Map<string, Entry<T>[]> {
    if (!this.exactBySuffixMap) {
      const m = new Map<string, Entry<T>[]>();
      for (const entry of this.exactEntries) for (const s of suffixes(entry.host)) push(m, s, entry);
      this.exactBySuffixMap = m;
    }
    return this.exactBySuffixMap;
  }

  /** Items added under exactly `host` (compared case-insensitively), in insertion order. */
  public itemsAt(host: string): readonly T[] {
    const h = host.toLowerCase();
    if (h === '*') return this.any.map((e) => e.item);
    if (h.startsWith('*.')) return (this.wildBySuffix.get(h.slice(1)) ?? NONE).map((e) => e.item);
    return this.exact.get(h)?.items ?? NONE;
  }

  /** Items whose host intersects `host` (Istio `Name.Matches` either way), in insertion order, without duplicates. */
  public query(host: string): readonly T[] {
    if (this.any.length === 0 && this.wildBySuffix.size === 0 && !host.startsWith('*')) {
      // only exact hosts can intersect an exact query: its bucket is the answer
      return this.exact.get(host.toLowerCase())?.items ?? NONE;
    }
    let out = this.built.get(host);
    if (!out) {
      out = this.compute(host.toLowerCase());
      this.built.set(host, out);
    }
    return out;
  }

  private compute(h: string): readonly T[] {
    if (h === '*') return this.all.map((e) => e.item);
    const found: Entry<T>[][] = [this.any];
    if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      found.push(this.exactBySuffix().get(suffix) ?? [], this.wildByContained.get(suffix) ?? []);
      if (this.wildBySuffix.size > 0) for (const s of suffixes(suffix)) found.push(this.wildBySuffix.get(s) ?? []);
    } else {
      const bucket = this.exact.get(h);
      // the usual answer: no `*` entry and no wildcard over a suffix of h, so the exact bucket as stored (no copy)
      let wild = false;
      if (this.wildBySuffix.size > 0) {
        for (let i = h.startsWith('.') ? 0 : h.indexOf('.'); i >= 0 && !wild; i = h.indexOf('.', i + 1)) {
          wild = (this.wildBySuffix.get(h.slice(i))?.length ?? 0) > 0;
        }
      }
      if (!wild && this.any.length === 0) return bucket ? bucket.items : NONE;
      found.push(bucket?.entries ?? []);
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
    if (lists === 0) return NONE;
    if (lists === 1) return only!.map((e) => e.item);
    const seen = new Map<number, T>();
    for (const list of found) for (const e of list) seen.set(e.seq, e.item);
    return Array.from(seen.entries()).sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  }
}

const NONE: readonly never[] = Object.freeze([]);

interface Entry<T> {
  readonly seq: number;
  readonly item: T;
  /** the host as added, lower-cased */
  readonly host: string;
}

/** Items under one exact host, with their entries (for merged answers). */
interface Bucket<T> {
  readonly entries: Entry<T>[];
  readonly items: T[];
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
