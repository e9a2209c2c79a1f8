/**
 * The effective routing table: what each gateway workload does per listener port and host, in the order the proxy
 * applies it. Both APIs (Istio Gateway/VirtualService and Gateway API Gateway/*Route) are read into this one shape so
 * they can be printed and compared.
 */

/** A string comparison, canonical: a regex that is a literal followed by `.*` is a `prefix`. */
export interface StringCompare {
  readonly exact?: string;
  /** Plain string prefix (Istio `prefix`). */
  readonly prefix?: string;
  /** Gateway API PathPrefix: whole path segments (`/a` matches `/a` and `/a/b`, not `/ab`). */
  readonly segmentPrefix?: string;
  readonly regex?: string;
}

/** One match condition, canonical (no path = prefix `/`). */
export interface RouteMatch {
  readonly path: StringCompare;
  readonly method?: string;
  /** By lower-case header name, sorted. */
  readonly headers?: Readonly<Record<string, StringCompare>>;
  readonly queryParams?: Readonly<Record<string, StringCompare>>;
}

/** A backend with its share of traffic in percent. */
export interface RouteBackend {
  /** FQDN of a Service, or a registry host. */
  readonly host: string;
  readonly port?: number;
  readonly subset?: string;
  /** Share of the traffic, 0–100 (rounded to 2 decimals). */
  readonly percent: number;
}

/** Header changes, canonical: names lower-case, `set`/`add` sorted by name, `remove` sorted. */
export interface HeaderChanges {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

/**
 * Canonical header changes from name → value maps and a list of names (either API's form), or undefined when
 * nothing changes.
 */
export function headerChanges(set: Record<string, string> | undefined, add: Record<string, string> | undefined,
  remove: readonly string[] | undefined): HeaderChanges | undefined {
  const lower = (m: Record<string, string> | undefined): Record<string, string> | undefined => {
    const keys = Object.keys(m ?? {});
    if (keys.length === 0) return undefined;
    const out: Record<string, string> = {};
    for (const k of keys.sort()) if (!(k.toLowerCase() in out)) out[k.toLowerCase()] = m![k];
    return sortedRecord(out);
  };
  const out: { -readonly [K in keyof HeaderChanges]: HeaderChanges[K] } = {};
  const s = lower(set);
  if (s) out.set = s;
  const a = lower(add);
  if (a) out.add = a;
  const r = [...new Set((remove ?? []).map((n) => n.toLowerCase()))].sort();
  if (r.length > 0) out.remove = r;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What the proxy does with a matched request or connection. */
export interface RouteAction {
  readonly backends?: readonly RouteBackend[];
  readonly redirect?: { readonly scheme?: string; readonly host?: string; readonly port?: number; readonly path?: string; readonly code: number };
  readonly directResponse?: { readonly status: number };
  readonly rewrite?: { readonly path?: string; readonly host?: string };
  readonly timeout?: string;
  /** Changes to the request headers before forwarding. */
  readonly requestHeaders?: HeaderChanges;
  /** Changes to the response headers. */
  readonly responseHeaders?: HeaderChanges;
}

/** One route entry: HTTP has a match; TCP and TLS entries match every connection of their host. */
export interface RouteEntry {
  readonly match?: RouteMatch;
  readonly action: RouteAction;
  /** The object that contributed it (`Kind ns/name`). */
  readonly source: string;
}

/** One host on one listener port of one workload. */
export interface RouteRow {
  /** Gateway workload identity (e.g. `Deployment/istio-system/istio-ingressgateway`). */
  readonly workload: string;
  /** The port Envoy listens on (after Service port → targetPort translation). */
  readonly port: number;
  /** HTTP, HTTPS (terminated), TLS (passthrough) or TCP. */
  readonly protocol: string;
  /** Host (SNI host for TLS; `*` for TCP). */
  readonly host: string;
  /** SIMPLE, MUTUAL, OPTIONAL_MUTUAL, PASSTHROUGH; absent for plaintext. */
  readonly tlsMode?: string;
  /** `namespace/name` of the certificate Secret. */
  readonly credential?: string;
  /** `namespace/name` of the client CA (MUTUAL). */
  readonly clientCa?: string;
  readonly entries: readonly RouteEntry[];
}

/** The effective routing table, rows sorted by workload, port, host. */
export interface RouteTable {
  readonly rows: readonly RouteRow[];
}

function unescapeLiteral(re: string): string | undefined {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const n = re[i + 1];
      if (n === undefined || /[a-zA-Z0-9]/.test(n)) return undefined;
      out += n;
      i++;
    } else if ('.*+?^${}()|[]'.includes(c)) {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** Canonical form of a regex: `^?literal.*$?` becomes a prefix, a pure literal becomes exact. */
export function canonicalRegex(re: string): StringCompare {
  const body = re.replace(/^\^/, '').replace(/\$$/, '');
  if (body.endsWith('.*')) {
    const lit = unescapeLiteral(body.slice(0, -2));
    if (lit !== undefined) return { prefix: lit };
  }
  const lit = unescapeLiteral(body);
  if (lit !== undefined) return { exact: lit };
  return { regex: re };
}

function sortedRecord<T>(r: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!r || Object.keys(r).length === 0) return undefined;
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}

/** A match with sorted header and query maps. */
export function routeMatch(path: StringCompare | undefined, method: string | undefined,
  headers?: Record<string, StringCompare>, queryParams?: Record<string, StringCompare>): RouteMatch {
  const p = path && (path.segmentPrefix === '/' || path.prefix === '') ? { prefix: '/' } : path ?? { prefix: '/' };
  const out: { -readonly [K in keyof RouteMatch]: RouteMatch[K] } = { path: p };
  if (method) out.method = method;
  const h = sortedRecord(headers);
  if (h) out.headers = h;
  const q = sortedRecord(queryParams);
  if (q) out.queryParams = q;
  return out;
}

/** Backends with weights turned into percentages (Istio: weights; a single destination gets 100). */
export function backendsWithPercent(list: { host: string; port?: number; subset?: string; weight?: number }[]): RouteBackend[] {
  const explicit = list.length > 1 || list.some((b) => b.weight !== undefined && list.length > 1);
  const weights = list.map((b) => (explicit ? b.weight ?? 1 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return list.map((b, i) => {
    const percent = total > 0 ? Math.round((weights[i] / total) * 10000) / 100 : 0;
    const out: { -readonly [K in keyof RouteBackend]: RouteBackend[K] } = { host: b.host, percent };
    if (b.port !== undefined) out.port = b.port;
    if (b.subset !== undefined) out.subset = b.subset;
    return out;
  }).filter((b) => b.percent > 0);
}

function pathDisjoint(a: StringCompare, b: StringCompare): boolean {
  const lit = (s: StringCompare): { kind: 'exact' | 'prefix' | 'segment'; v: string } | undefined => {
    if (s.exact !== undefined) return { kind: 'exact', v: s.exact };
    if (s.prefix !== undefined) return { kind: 'prefix', v: s.prefix };
    if (s.segmentPrefix !== undefined) return { kind: 'segment', v: s.segmentPrefix.replace(/\/+$/, '') };
    return undefined;
  };
  const x = lit(a);
  const y = lit(b);
  if (!x || !y) return false;
  const covers = (p: { kind: string; v: string }, s: string): boolean => {
    if (p.kind === 'exact') return p.v === s;
    if (p.kind === 'prefix') return s.startsWith(p.v);
    return s === p.v || s.startsWith(`${p.v}/`) || p.v === '';
  };
  if (x.kind === 'exact' && y.kind === 'exact') return x.v !== y.v;
  if (x.kind === 'exact') return !covers(y, x.v);
  if (y.kind === 'exact') return !covers(x, y.v);
  // two prefixes overlap when one's literal extends the other's
  return !(covers(x, y.v) || covers(y, x.v) || y.v.startsWith(x.v) || x.v.startsWith(y.v));
}

/** True when no request can satisfy both matches (so their relative order does not matter). */
export function matchesDisjoint(a: RouteMatch | undefined, b: RouteMatch | undefined): boolean {
  if (!a || !b) return false;
  if (a.method && b.method && a.method !== b.method) return true;
  for (const [name, v] of Object.entries(a.headers ?? {})) {
    const w = b.headers?.[name];
    if (v.exact !== undefined && w?.exact !== undefined && v.exact !== w.exact) return true;
  }
  for (const [name, v] of Object.entries(a.queryParams ?? {})) {
    const w = b.queryParams?.[name];
    if (v.exact !== undefined && w?.exact !== undefined && v.exact !== w.exact) return true;
  }
  return pathDisjoint(a.path, b.path);
}

/** The narrower of two intersecting hosts (what a virtual host serves): a name over a wildcard, the longer wildcard. */
export function narrowerHost(a: string, b: string): string {
  if (a === '*') return b;
  if (b === '*') return a;
  const wa = a.startsWith('*.');
  const wb = b.startsWith('*.');
  if (wa !== wb) return wa ? b : a;
  return a.length >= b.length ? a : b;
}
