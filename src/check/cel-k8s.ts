/**
 * The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) that CRD `x-kubernetes-validations` may use, for
 * @bufbuild/cel: URLs, IP addresses, CIDRs, quantities, list and regex extensions. The `strings` extension comes from
 * @bufbuild/cel/ext. Semantics follow the Go implementations (net/url ParseRequestURI, net/netip, resource.Quantity).
 *
 * Values of the library types (URL, IP, CIDR, Quantity) are represented as CEL maps holding one reserved key, so they
 * compare by value and pass through @bufbuild/cel untouched (cel-k8s-values.ts); methods check the key and fail on
 * anything else. IP and CIDR live in cel-k8s-net.ts.
 */
import { CelFunc, CelScalar, celFunc, celMethod, listType, mapType } from '@bufbuild/cel';
import type { CelMap, CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { ipFuncs } from './cel-k8s-net';
import { QUANTITY_KEY, URL_KEY, opaque, unwrap } from './cel-k8s-values';

export { parseCidr, parseIp } from './cel-k8s-net';

const { BOOL, DOUBLE, DYN, INT, STRING } = CelScalar;
const LIST = listType(DYN);
const LIST_STRING = listType(STRING);
const MAP_STRING_LIST = mapType(STRING, LIST_STRING);
// ---------------------------------------------------------------------------------------------------------------
// URL (Go url.ParseRequestURI)

/** The parts of a URL as Go's net/url gives them. */
export interface ParsedUrl {
  readonly scheme: string;
  readonly opaque: string;
  readonly host: string;
  readonly path: string;
  readonly rawQuery: string;
}

const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=%]*$/;

/** Parses like Go `url.ParseRequestURI`: an absolute URI or an absolute path; undefined when Go returns an error. */
export function parseRequestUri(raw: string): ParsedUrl | undefined {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return undefined;
  }
  let rest = raw;
  let rawQuery = '';
  // getScheme
  let scheme = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, host: '', path: '', rawQuery };
    return undefined; // invalid URI for request
  }
  let host = '';
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const authEnd = rest.indexOf('/', 2);
    let authority = authEnd < 0 ? rest.slice(2) : rest.slice(2, authEnd);
    rest = authEnd < 0 ? '' : rest.slice(authEnd);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return undefined;
      authority = authority.slice(at + 1);
    }
    if (!validHostPort(authority)) return undefined;
    host = authority;
  }
  if (/%(?![0-9a-fA-F]{2})/.test(rest) || /%(?![0-9a-fA-F]{2})/.test(host)) return undefined;
  if (rest.includes(' ') && scheme === '') return undefined;
  return { scheme, opaque: '', host, path: rest, rawQuery };
}

function validHostPort(hostport: string): boolean {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return false;
    const after = hostport.slice(end + 1);
    if (after !== '' && !/^:[0-9]*$/.test(after)) return false;
    return /^[0-9a-fA-F:.%A-Za-z0-9]*$/.test(hostport.slice(1, end));
  }
  const colon = hostport.lastIndexOf(':');
  let host = hostport;
  if (colon >= 0) {
    if (!/^[0-9]*$/.test(hostport.slice(colon + 1))) return false;
    host = hostport.slice(0, colon);
  }
  return HOST_CHARS.test(host);
}

function urlParts(v: unknown): ParsedUrl {
  const u = parseRequestUri(unwrap(v, URL_KEY, 'URL'));
  if (!u) throw new Error('invalid URL');
  return u;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return host.slice(1, end);
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

function port(host: string): string {
  const colon = host.lastIndexOf(':');
  const bracket = host.lastIndexOf(']');
  return colon > bracket ? host.slice(colon + 1) : '';
}

function queryMap(raw: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  if (raw === '') return m;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    const k = dec(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : dec(part.slice(eq + 1));
    const list = m.get(k) ?? [];
    list.push(v);
    m.set(k, list);
  }
  return m;
}

const urlFuncs: CelFunc[] = [
  celFunc('isURL', [STRING], BOOL, (s) => parseRequestUri(s) !== undefined),
  celFunc('url', [STRING], DYN, (s) => {
    if (!parseRequestUri(s)) throw new Error(`URL parse error during conversion from string: ${s}`);
    return opaque(URL_KEY, s);
  }),
  celMethod('getScheme', DYN, [], STRING, function () {
    return urlParts(this).scheme;
  }),
  celMethod('getHost', DYN, [], STRING, function () {
    return urlParts(this).host;
  }),
  celMethod('getHostname', DYN, [], STRING, function () {
    return hostname(urlParts(this).host);
  }),
  celMethod('getPort', DYN, [], STRING, function () {
    return port(urlParts(this).host);
  }),
  celMethod('getEscapedPath', DYN, [], STRING, function () {
    return urlParts(this).path;
  }),
  celMethod('getQuery', DYN, [], MAP_STRING_LIST, function () {
    return queryMap(urlParts(this).rawQuery);
  }),
];

// ---------------------------------------------------------------------------------------------------------------
// Quantity (k8s.io/apimachinery resource.Quantity)

const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Parses a Kubernetes quantity (`500m`, `1Gi`, `1e3`) to its approximate numeric value. */
export function parseQuantity(s: string): number | undefined {
  const m = QUANTITY.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suf = m[2];
  if (suf === undefined) return n;
  if (suf in SUFFIX) return n * SUFFIX[suf];
  return n * 10 ** Number(suf.slice(1));
}

function quantityOf(v: unknown): number {
  const q = parseQuantity(unwrap(v, QUANTITY_KEY, 'Quantity'));
  if (q === undefined) throw new Error('invalid quantity');
  return q;
}

function quantityArg(v: CelValue): number {
  if (typeof v === 'bigint') return Number(v);
  return quantityOf(v);
}

function quantityValue(n: number): CelMap {
  return opaque(QUANTITY_KEY, Number.isInteger(n) ? String(n) : String(n));
}

const quantityFuncs: CelFunc[] = [
  celFunc('isQuantity', [STRING], BOOL, (s) => parseQuantity(s) !== undefined),
  celFunc('quantity', [STRING], DYN, (s) => {
    if (parseQuantity(s) === undefined) throw new Error(`quantities must match the regular expression: ${s}`);
    return opaque(QUANTITY_KEY, s);
  }),
  celMethod('isInteger', DYN, [], BOOL, function () {
    const q = quantityOf(this);
    return Number.isInteger(q) && Math.abs(q) <= Number.MAX_SAFE_INTEGER;
  }),
  celMethod('asInteger', DYN, [], INT, function () {
    const q = quantityOf(this);
    if (!Number.isInteger(q) || Math.abs(q) > 2 ** 63) throw new Error('cannot convert value to integer');
    return BigInt(q);
  }),
  celMethod('asApproximateFloat', DYN, [], DOUBLE, function () {
    return quantityOf(this);
  }),
  celMethod('sign', DYN, [], INT, function () {
    return BigInt(Math.sign(quantityOf(this)));
  }),
  celMethod('add', DYN, [DYN], DYN, function (o: CelValue) {
    return quantityValue(quantityOf(this) + quantityArg(o));
  }),
  celMethod('sub', DYN, [DYN], DYN, function (o: CelValue) {
    return quantityValue(quantityOf(this) - quantityArg(o));
  }),
  celMethod('isGreaterThan', DYN, [DYN], BOOL, function (o: CelValue) {
    return quantityOf(this) > quantityOf(o);
  }),
  celMethod('isLessThan', DYN, [DYN], BOOL, function (o: CelValue) {
    return quantityOf(this) < quantityOf(o);
  }),
  celMethod('compareTo', DYN, [DYN], INT, function (o: CelValue) {
    return BigInt(Math.sign(quantityOf(this) - quantityOf(o)));
  }),
];

// ---------------------------------------------------------------------------------------------------------------
// Lists and regex (library.Lists, library.Regex)

function compare(a: CelValue, b: CelValue): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error('no such overload: list elements are not comparable');
}

function toArray(v: unknown): CelValue[] {
  return Array.from(v as Iterable<CelValue>);
}

function equal(a: CelValue, b: CelValue): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  return a === b;
}

const listFuncs: CelFunc[] = [
  celMethod('isSorted', LIST, [], BOOL, function () {
    const xs = toArray(this);
    for (let i = 1; i < xs.length; i++) if (compare(xs[i - 1], xs[i]) > 0) return false;
    return true;
  }),
  celMethod('sum', LIST, [], DYN, function () {
    const xs = toArray(this);
    if (xs.length === 0) return 0n;
    if (xs.every((x) => typeof x === 'bigint')) return (xs as bigint[]).reduce((a, b) => a + b, 0n);
    return xs.reduce((a: number, b) => a + Number(b), 0);
  }),
  celMethod('min', LIST, [], DYN, function () {
    const xs = toArray(this);
    if (xs.length === 0) throw new Error('min called on empty list');
    return xs.reduce((a, b) => (compare(b, a) < 0 ? b : a));
  }),
  celMethod('max', LIST, [], DYN, function () {
    const xs = toArray(this);
    if (xs.length === 0) throw new Error('max called on empty list');
    return xs.reduce((a, b) => (compare(b, a) > 0 ? b : a));
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (x: CelValue) {
    return BigInt(toArray(this).findIndex((y) => equal(y, x)));
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (x: CelValue) {
    const xs = toArray(this);
    for (let i = xs.length - 1; i >= 0; i--) if (equal(xs[i], x)) return BigInt(i);
    return -1n;
  }),
];

const regexCache = new Map<string, RegExp>();
function re(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) {
    r = new RegExp(pattern, 'gu');
    regexCache.set(pattern, r);
  }
  r.lastIndex = 0;
  return r;
}

const regexFuncs: CelFunc[] = [
  celMethod('find', STRING, [STRING], STRING, function (pattern: string) {
    const m = re(pattern).exec(this);
    return m ? m[0] : '';
  }),
  celMethod('findAll', STRING, [STRING], LIST_STRING, function (pattern: string) {
    return Array.from(this.matchAll(re(pattern)), (m) => m[0]);
  }),
  celMethod('findAll', STRING, [STRING, INT], LIST_STRING, function (pattern: string, limit: bigint) {
    const all = Array.from(this.matchAll(re(pattern)), (m) => m[0]);
    return limit < 0n ? all : all.slice(0, Number(limit));
  }),
];

/** Every Kubernetes CEL library function implemented here, plus the `strings` extension. */
export const K8S_CEL_FUNCS: readonly CelFunc[] = [
  ...strings,
  ...urlFuncs,
  ...ipFuncs,
  ...quantityFuncs,
  ...listFuncs,
  ...regexFuncs,
];

/** Names of the library functions, to tell which rules use something this module does not implement. */
export const K8S_CEL_FUNC_NAMES: ReadonlySet<string> = new Set(K8S_CEL_FUNCS.map((f) => f.name));
