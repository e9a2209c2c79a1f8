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
  /**
   * Every item in insertion order, and the host it was added under (lower-cased): an item's sequence number is its
   * position. The other lists hold sequence numbers, so an add allocates at most one list (a new exact host).
   */
  private readonly items: T[] = [];
  private readonly hosts: string[] = [];
  /** items by exact host, in insertion order: the answer to an exact query as stored */
  private readonly exact = new Map<string, T[]>();
  /**
   * sequence numbers of the exact hosts by host, and by each of their proper suffixes (`a.b.c` under `.b.c` and `.c`);
   * only answers that merge lists need them, so each is built on the first such answer and dropped by the next add.
   */
  private exactSeqMap?: Map<string, number[]>;
  private exactBySuffixMap?: Map<string, number[]>;
  /** wildcard hosts `*.b.c` by their suffix `.b.c` */
  private readonly wildBySuffix = new Map<string, number[]>();
  /** wildcard hosts `*.b.c` by every suffix of their suffix: `.b.c`, `.c` */
  private readonly wildByContained = new Map<string, number[]>();
  private readonly any: number[] = [];
  /** Answers that had to be built (wildcards involved), by query host as given; cleared by {@link add}. */
  private readonly built = new Map<string, readonly T[]>();

  /**
   * Adds an item under a host (exact, `*.suffix` or `*`; compared case-insensitively). True when items were already
   * added under that host (`itemsAt(host).length > 0` before the add: callers that detect repeats need no lookup).
   */
  public add(host: string, item: T): boolean {
    const h = host.toLowerCase();
    const seq = this.items.length;
    if (this.built.size > 0) this.built.clear();
    this.items.push(item);
    this.hosts.push(h);
    if (h === '*') {
      this.any.push(seq);
      return this.any.length > 1;
    }
    if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      const had = this.wildBySuffix.has(suffix);
      push(this.wildBySuffix, suffix, seq);
      for (const s of suffixes(suffix)) push(this.wildByContained, s, seq);
      return had;
    }
    const b = this.exact.get(h);
    if (b) b.push(item);
    else this.exact.set(h, [item]);
    this.exactSeqMap = undefined;
    this.exactBySuffixMap = undefined;
    return b !== undefined;
  }

  /** Sequence numbers of the exact hosts by host, built once per batch of adds (exact queries with wildcards around). */
  private exactSeqsByHost(): Map<string, number[]> {
    if (!this.exactSeqMap) {
      const byHost = new Map<string, number[]>();
      for (let seq = 0; seq < this.hosts.length; seq++) {
        const h = this.hosts[seq];
        if (h !== '*' && !h.startsWith('*.')) push(byHost, h, seq);
      }
      this.exactSeqMap = byHost;
    }
    return this.exactSeqMap;
  }

  /** Sequence numbers of the exact hosts by each proper suffix, built once per batch of adds (wildcard queries only). */
  private exactSeqsBySuffix(): Map<string, number[]> {
    if (!this.exactBySuffixMap) {
      const bySuffix = new Map<string, number[]>();
      for (let seq = 0; seq < this.hosts.length; seq++) {
        const h = this.hosts[seq];
        if (h === '*' || h.startsWith('*.')) continue;
        for (const s of suffixes(h)) push(bySuffix, s, seq);
      }
      this.exactBySuffixMap = bySuffix;
    }
    return this.exactBySuffixMap;
  }

  /** Items added under exactly `host` (compared case-insensitively), in insertion order. */
  public itemsAt(host: string): readonly T[] {
    const h = host.toLowerCase();
    if (h === '*') return this.itemsOf(this.any);
    if (h.startsWith('*.')) return this.itemsOf(this.wildBySuffix.get(h.slice(1)) ?? NONE);
    return this.exact.get(h) ?? NONE;
  }

  private itemsOf(seqs: readonly number[]): T[] {
    return seqs.map((seq) => this.items[seq]);
  }

  /** Items whose host intersects `host` (Istio `Name.Matches` either way), in insertion order, without duplicates. */
  public query(host: string): readonly T[] {
    if (this.any.length === 0 && this.wildBySuffix.size === 0 && !host.startsWith('*')) {
      // only exact hosts can intersect an exact query: its bucket is the answer. A hit on the host as given needs no
      // lower-casing (the keys are lower-case, so it was already): most queries are lower-case hosts
      return this.exact.get(host) ?? this.exact.get(host.toLowerCase()) ?? NONE;
    }
    let out = this.built.get(host);
    if (!out) {
      out = this.compute(host.toLowerCase());
      this.built.set(host, out);
    }
    return out;
  }

  private compute(h: string): readonly T[] {
    if (h === '*') return this.items.slice();
    const found: (readonly number[])[] = [this.any];
    if (h.startsWith('*.')) {
      const suffix = h.slice(1);
      found.push(this.exactSeqsBySuffix().get(suffix) ?? NONE, this.wildByContained.get(suffix) ?? NONE);
      if (this.wildBySuffix.size > 0) for (const s of suffixes(suffix)) found.push(this.wildBySuffix.get(s) ?? NONE);
    } else {
      // the usual answer: no `*` entry and no wildcard over a suffix of h, so the exact bucket as stored (no copy)
      let wild = false;
      if (this.wildBySuffix.size > 0) {
        for (let i = h.startsWith('.') ? 0 : h.indexOf('.'); i >= 0 && !wild; i = h.indexOf('.', i + 1)) {
          wild = (this.wildBySuffix.get(h.slice(i))?.length ?? 0) > 0;
        }
      }
      if (!wild && this.any.length === 0) return this.exact.get(h) ?? NONE;
      found.push(this.exactSeqsByHost().get(h) ?? NONE);
      if (this.wildBySuffix.size > 0) for (const s of suffixes(h)) found.push(this.wildBySuffix.get(s) ?? NONE);
    }
    // Usually one list has hits: each list is in insertion order without duplicates, so it is the answer as is.
    let only: readonly number[] | undefined;
    let lists = 0;
    for (const list of found) {
      if (list.length === 0) continue;
      only = list;
      lists++;
    }
    if (lists === 0) return NONE;
    if (lists === 1) return this.itemsOf(only!);
    const seqs = new Set<number>();
    for (const list of found) for (const seq of list) seqs.add(seq);
    return this.itemsOf(Array.from(seqs).sort((a, b) => a - b));
  }
}

const NONE: readonly never[] = Object.freeze([]);

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
