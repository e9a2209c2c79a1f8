/**
 * `effectiveRoutes(manifests)`: the effective routing table of Istio API and Gateway API objects, over the checker's
 * index; `canonicalRoutes` reorders entries whose matches are disjoint (their order cannot change a decision) so
 * equivalent tables compare equal; `formatRoutesText` prints a table.
 */
import { gatewayApiRows } from './gateway-api';
import { istioRows } from './istio';
import { HeaderChanges, RouteEntry, RouteRow, RouteTable, StringCompare, matchesDisjoint } from './model';
import { MeshIndex, MeshIndexOptions } from '../mesh-index';
import { KubeObject } from '../model';

export * from './model';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The effective routing table of the manifests (either API, or both). */
export function effectiveRoutes(manifests: readonly KubeObject[], options: MeshIndexOptions = {}): RouteTable {
  const index = new MeshIndex(manifests, options);
  return fromIndex(index);
}

/** The effective routing table over an existing index. */
export function fromIndex(index: MeshIndex): RouteTable {
  const rows = [...istioRows(index), ...gatewayApiRows(index)];
  rows.sort((a, b) => cmp(a.workload, b.workload) || a.port - b.port || cmp(a.host, b.host) || cmp(a.protocol, b.protocol));
  return { rows };
}

/** Two adjacent entries may swap when no request matches both, or when both do the same. */
function swappable(a: RouteEntry, b: RouteEntry): boolean {
  return matchesDisjoint(a.match, b.match) || JSON.stringify(a.action) === JSON.stringify(b.action);
}

function entryKey(e: RouteEntry): string {
  return JSON.stringify({ match: e.match, action: e.action });
}

/**
 * The table without sources, each row's entries in a canonical order that keeps every decision: an entry must stay
 * before a later one when some request matches both and they act differently; all other pairs may swap. The
 * canonical order is the smallest (by entry key) order that keeps those constraints, so two tables that route every
 * request the same way through the same decisions compare equal. Later entries with a match identical to an
 * earlier one never hit and are dropped.
 */
export function canonicalRoutes(table: RouteTable): RouteTable {
  return {
    rows: table.rows.map((r) => {
      const seen = new Set<string>();
      const list = r.entries.filter((e) => {
        const k = JSON.stringify(e.match ?? null);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      }).map((e): RouteEntry => (e.match ? { match: e.match, action: e.action, source: '' } : { action: e.action, source: '' }));
      const keys = list.map(entryKey);
      // before[j]: entries that must come before j
      const before = list.map((_, j) => new Set(list.slice(0, j).map((__, i) => i).filter((i) => !swappable(list[i], list[j]))));
      const out: RouteEntry[] = [];
      const done = new Set<number>();
      while (out.length < list.length) {
        let pick = -1;
        for (let j = 0; j < list.length; j++) {
          if (done.has(j) || [...before[j]].some((i) => !done.has(i))) continue;
          if (pick < 0 || keys[j] < keys[pick]) pick = j;
        }
        done.add(pick);
        out.push(list[pick]);
      }
      const row: RouteRow = { ...r, entries: out };
      return row;
    }),
  };
}

function compareText(s: StringCompare): string {
  if (s.exact !== undefined) return `= ${s.exact}`;
  if (s.prefix !== undefined) return `^ ${s.prefix}`;
  if (s.segmentPrefix !== undefined) return `^/ ${s.segmentPrefix}`;
  return `~ ${s.regex ?? ''}`;
}

function headersText(kind: string, h: HeaderChanges | undefined): string {
  if (!h) return '';
  const kv = (m: Readonly<Record<string, string>>) => Object.entries(m).map(([k, v]) => `${k}=${v}`).join(',');
  return ` ${kind}${h.set ? ` set ${kv(h.set)}` : ''}${h.add ? ` add ${kv(h.add)}` : ''}${h.remove ? ` remove ${h.remove.join(',')}` : ''}`;
}

function entryText(e: RouteEntry): string {
  const m = e.match;
  const parts: string[] = [];
  if (m) {
    parts.push(`path ${compareText(m.path)}`);
    if (m.method) parts.push(`method ${m.method}`);
    for (const [k, v] of Object.entries(m.headers ?? {})) parts.push(`header ${k} ${compareText(v)}`);
    for (const [k, v] of Object.entries(m.queryParams ?? {})) parts.push(`query ${k} ${compareText(v)}`);
  }
  const a = e.action;
  let act: string;
  if (a.redirect) {
    const r = a.redirect;
    act = `redirect ${r.code}${r.scheme ? ` scheme=${r.scheme}` : ''}${r.host ? ` host=${r.host}` : ''}${r.port ? ` port=${r.port}` : ''}${r.path ? ` path=${r.path}` : ''}`;
  } else if (a.directResponse) {
    act = `respond ${a.directResponse.status}`;
  } else {
    act = (a.backends ?? []).map((b) => `${b.host}${b.port !== undefined ? `:${b.port}` : ''}${b.subset ? `#${b.subset}` : ''} ${b.percent}%`).join(', ') || '(no backend)';
  }
  if (a.rewrite) act += ` rewrite${a.rewrite.path ? ` path=${a.rewrite.path}` : ''}${a.rewrite.host ? ` host=${a.rewrite.host}` : ''}`;
  if (a.timeout) act += ` timeout=${a.timeout}`;
  act += headersText('request-headers', a.requestHeaders) + headersText('response-headers', a.responseHeaders);
  return `${parts.length > 0 ? parts.join(' ') : '*'} → ${act}${e.source ? `   (${e.source})` : ''}`;
}

/** Text form: one block per workload and port, one line per host and entry, in proxy order. */
export function formatRoutesText(table: RouteTable): string {
  const lines: string[] = [];
  let last = '';
  for (const r of table.rows) {
    const head = `${r.workload} :${r.port}`;
    if (head !== last) {
      lines.push(head);
      last = head;
    }
    const tls = r.tlsMode ? ` ${r.tlsMode}${r.credential ? ` cert=${r.credential}` : ''}${r.clientCa ? ` ca=${r.clientCa}` : ''}` : '';
    lines.push(`  ${r.protocol} ${r.host}${tls}`);
    if (r.entries.length === 0) lines.push('    (no route: 404 / connection closed)');
    r.entries.forEach((e, i) => lines.push(`    ${i + 1}. ${entryText(e)}`));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : 'no gateway listeners in the input\n';
}
