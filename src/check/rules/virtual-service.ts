/**
 * VS-*: rules on a single VirtualService (section 4 of shared/ISTIO-RULES.md): the istiod webhook
 * (pkg/config/validation ValidateVirtualService) plus its unreachable-rule analysis (IST0130/IST0131) and two Kiali
 * route checks. Also the VirtualService walkers shared with the cross-resource rules (virtual-service-cross.ts).
 *
 * Loops run per VirtualService, rule or destination are indexed (`for (let rAt = 0, rList = ...; ...)`), not
 * `for...of`: most of this code runs once per object before the JIT optimizes it, and there an array iterator and a
 * result object per step cost more than the loop body.
 */
import { Severity } from '../findings';
import { isIpAddress } from '../hosts';
import { GatewayRef, IndexedObject, MeshIndex, resolveGatewayName } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, isRecord } from '../model';
import { Rule, RuleContext, defineRule } from '../rule';

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers (also used by virtual-service-cross.ts)
// ---------------------------------------------------------------------------------------------------------------

export const q = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Every Istio VirtualService, oldest first (context objects included: they take part in cross-resource facts). */
export function virtualServices(index: MeshIndex): readonly IndexedObject[] {
  return vsLists(index).all;
}

/** VirtualServices rules report on (not context objects). */
export function ownVirtualServices(index: MeshIndex): readonly IndexedObject[] {
  return vsLists(index).own;
}

const vsListCache = new WeakMap<MeshIndex, { all: readonly IndexedObject[]; own: readonly IndexedObject[] }>();

/** Both lists, filtered once per index (most VS/VSX rules start from them). */
function vsLists(index: MeshIndex): { all: readonly IndexedObject[]; own: readonly IndexedObject[] } {
  let l = vsListCache.get(index);
  if (!l) {
    const all = index.ofKind('VirtualService').filter((o) => o.group === 'networking.istio.io');
    l = { all, own: all.filter((o) => !o.isContext) };
    vsListCache.set(index, l);
  }
  return l;
}

export function nsOf(index: MeshIndex, o: IndexedObject): string {
  return o.namespace ?? index.defaultNamespace;
}

export type Section = 'http' | 'tcp' | 'tls';
export const SECTIONS: readonly Section[] = ['http', 'tcp', 'tls'];

/**
 * Field paths of the walks, shared by every VirtualService (`spec.http[0].route[1].destination` is the same string in
 * all of them): the walks are kept for the whole analysis, and one string per path and object would be most of them.
 * Indices below {@link PATH_SLOTS} only; larger ones are built each time.
 */
const PATH_SLOTS = 32;
const rulePaths: Record<Section, string[]> = { http: [], tcp: [], tls: [] };
const matchPaths: Record<Section, string[][]> = { http: [], tcp: [], tls: [] };
const routePaths: Record<Section, string[][]> = { http: [], tcp: [], tls: [] };

function rulePath(section: Section, i: number): string {
  if (i >= PATH_SLOTS) return `spec.${section}[${i}]`;
  return rulePaths[section][i] ?? (rulePaths[section][i] = `spec.${section}[${i}]`);
}

/** `spec.<section>[i].match[j]` (shared strings; the egress model reads routes with the same paths) */
export function matchPath(section: Section, i: number, j: number): string {
  if (i >= PATH_SLOTS || j >= PATH_SLOTS) return `spec.${section}[${i}].match[${j}]`;
  const row = matchPaths[section][i] ?? (matchPaths[section][i] = []);
  return row[j] ?? (row[j] = `spec.${section}[${i}].match[${j}]`);
}

/** `spec.<section>[i].route[k].destination` (shared strings) */
export function routeDestinationPath(section: Section, i: number, k: number): string {
  if (i >= PATH_SLOTS || k >= PATH_SLOTS) return `spec.${section}[${i}].route[${k}].destination`;
  const row = routePaths[section][i] ?? (routePaths[section][i] = []);
  return row[k] ?? (row[k] = `spec.${section}[${i}].route[${k}].destination`);
}

/** Records of `spec[section]` with their original indices. */
export function rulesOf(vs: IndexedObject, section: Section): readonly RuleAt[] {
  const w = walkOf(vs);
  // named fields, not w[section]: asked per VirtualService and section by most VS rules, and a keyed load by a
  // variable string is slower than a field read
  const out = section === 'http' ? w.http : section === 'tcp' ? w.tcp : w.tls;
  return out ?? readRules(vs, w, section);
}

function readRules(vs: IndexedObject, w: VsWalk, section: Section): readonly RuleAt[] {
  const raw = asArray(vs.spec[section]);
  let list = NO_RULES as RuleAt[];
  if (raw.length > 0) {
    list = sized(raw.length);
    let n = 0;
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i];
      if (isRecord(r)) list[n++] = { rule: r, index: i, path: rulePath(section, i) };
    }
    if (n < raw.length) list.length = n;
  }
  if (section === 'http') w.http = list;
  else if (section === 'tcp') w.tcp = list;
  else w.tls = list;
  return list;
}

const NO_RULES: readonly RuleAt[] = Object.freeze([]);

/**
 * A list of `n` slots, filled in order by the caller (`list[k++] = x`, then `length` cut to `k` when fewer): the walks
 * are kept for the whole analysis, and `push` gives a short list 17 slots. Long lists grow as usual (a preallocated
 * one that long would not be a fast array).
 */
function sized<T>(n: number): T[] {
  return n <= 64 ? new Array<T>(n) : [];
}

/** A rule of `spec.http`/`tcp`/`tls` with its index and path. */
export interface RuleAt {
  readonly rule: Record<string, unknown>;
  readonly index: number;
  readonly path: string;
}

/**
 * The walks of one VirtualService ({@link rulesOf}, {@link matchesOf}, {@link destinationsOf}), each done once: every
 * VS rule walks the same sections, and indexed objects never change. One record per object, so a rule asking for
 * several walks looks the object up once.
 */
interface VsWalk {
  http?: readonly RuleAt[];
  tcp?: readonly RuleAt[];
  tls?: readonly RuleAt[];
  matches?: readonly MatchAt[];
  gatewayMatches?: readonly MatchAt[];
  destinations?: readonly DestinationUse[];
  hosts?: readonly { host: string; index: number }[];
  /** {@link wildcardDomainProblem} of each of {@link hosts} (null: none) */
  hostProblems?: readonly (string | null)[];
  /** {@link appliesToMesh}, read once */
  mesh?: boolean;
  /** {@link appliesToGateway}, read once */
  gateway?: boolean;
  /** {@link claimMatches}, read once */
  claims?: readonly ClaimMatch[];
}

function walkOf(vs: IndexedObject): VsWalk {
  let w = vs.walk as VsWalk | undefined;
  if (!w) {
    // every field present from the start: one object shape for all walks
    w = {
      http: undefined,
      tcp: undefined,
      tls: undefined,
      matches: undefined,
      gatewayMatches: undefined,
      destinations: undefined,
      hosts: undefined,
      hostProblems: undefined,
      mesh: undefined,
      gateway: undefined,
      claims: undefined,
    };
    vs.walk = w;
  }
  return w;
}

/** A match entry of an http/tcp/tls rule. */
export interface MatchAt {
  readonly section: Section;
  readonly rule: Record<string, unknown>;
  readonly match: Record<string, unknown>;
  readonly index: number;
  readonly path: string;
}

/**
 * Calls `visit` on every match entry (records only) of every http/tcp/tls rule of `vs`, in section order: the one
 * walk of the matches, read in place. The path of a match is `matchPath(section, r.index, j)`, made only where needed.
 */
export function eachMatch(vs: IndexedObject, visit: (section: Section, r: RuleAt, match: Record<string, unknown>, j: number) => void): void {
  for (let sectionAt = 0; sectionAt < SECTIONS.length; sectionAt++) {
    const section = SECTIONS[sectionAt];
    const rList = rulesOf(vs, section);
    for (let rAt = 0; rAt < rList.length; rAt++) {
      const r = rList[rAt];
      const list = asArray(r.rule.match);
      for (let j = 0; j < list.length; j++) {
        const m = list[j];
        if (isRecord(m)) visit(section, r, m, j);
      }
    }
  }
}

/**
 * Every match entry of {@link eachMatch}, as a list kept with the walks (for the rules that need one; most walk the
 * matches in place, as a list per VirtualService would be kept for nothing).
 */
export function matchesOf(vs: IndexedObject): readonly MatchAt[] {
  const w = walkOf(vs);
  if (!w.matches) {
    const out: MatchAt[] = [];
    eachMatch(vs, (section, r, m, j) => {
      out.push({ section, rule: r.rule, match: m, index: j, path: matchPath(section, r.index, j) });
    });
    w.matches = out;
  }
  return w.matches;
}

/**
 * The match entries of {@link matchesOf} with a non-empty `gateways` list: three rules read match.gateways, and most
 * matches have none, so they walk this short list (a shared empty one for most VirtualServices) instead of every
 * match.
 */
export function gatewayMatchesOf(vs: IndexedObject): readonly MatchAt[] {
  const w = walkOf(vs);
  return w.gatewayMatches ?? readGatewayMatchesOf(vs, w);
}

/** Fills {@link VsWalk.gatewayMatches} (apart from {@link gatewayMatchesOf}, which stays small enough to inline in the rules' loops). */
function readGatewayMatchesOf(vs: IndexedObject, w: VsWalk): readonly MatchAt[] {
  let out: MatchAt[] | undefined;
  eachMatch(vs, (section, r, m, j) => {
    if (asArray(m.gateways).length === 0) return;
    (out ??= []).push({ section, rule: r.rule, match: m, index: j, path: matchPath(section, r.index, j) });
  });
  w.gatewayMatches = out ?? NO_MATCHES;
  return w.gatewayMatches;
}

const NO_MATCHES: readonly MatchAt[] = Object.freeze([]);

/** A destination of a route or mirror. */
export interface DestinationUse {
  readonly section: Section;
  readonly rule: Record<string, unknown>;
  readonly destination: Record<string, unknown>;
  /** Path of the destination object, e.g. `spec.http[0].route[1].destination` or `spec.http[0].mirror`. */
  readonly path: string;
  readonly mirror: boolean;
}

/** Every route and mirror destination of a VirtualService, in section and rule order. */
export function destinationsOf(vs: IndexedObject): readonly DestinationUse[] {
  const w = walkOf(vs);
  return w.destinations ?? readDestinationsOf(vs, w);
}

/** Fills {@link VsWalk.destinations} (apart from {@link destinationsOf}, which stays small enough to inline in the rules' loops). */
function readDestinationsOf(vs: IndexedObject, w: VsWalk): readonly DestinationUse[] {
  // at most one entry per route entry, mirror and mirrors entry
  let size = 0;
  for (let sectionAt = 0, sectionList = SECTIONS; sectionAt < sectionList.length; sectionAt++) {
    const section = sectionList[sectionAt];
    for (let rAt = 0, rList = rulesOf(vs, section); rAt < rList.length; rAt++) {
      const r = rList[rAt];
      size += asArray(r.rule.route).length;
      if (section === 'http') size += 1 + asArray(r.rule.mirrors).length;
    }
  }
  const out = size === 0 ? NO_DESTINATIONS as DestinationUse[] : sized<DestinationUse>(size);
  let n = 0;
  for (let sectionAt = 0, sectionList = SECTIONS; sectionAt < sectionList.length; sectionAt++) {
    const section = sectionList[sectionAt];
    for (let rAt = 0, rList = rulesOf(vs, section); rAt < rList.length; rAt++) {
      const r = rList[rAt];
      const route = asArray(r.rule.route);
      for (let k = 0; k < route.length; k++) {
        const rd = route[k];
        const d = isRecord(rd) ? rd.destination : undefined;
        if (!isRecord(d)) continue;
        out[n++] = { section, rule: r.rule, destination: d, path: routeDestinationPath(section, r.index, k), mirror: false };
      }
      if (section !== 'http') continue;
      if (isRecord(r.rule.mirror)) out[n++] = { section, rule: r.rule, destination: r.rule.mirror, path: `${r.path}.mirror`, mirror: true };
      const mirrors = asArray(r.rule.mirrors);
      for (let k = 0; k < mirrors.length; k++) {
        const m = mirrors[k];
        const d = isRecord(m) ? m.destination : undefined;
        if (isRecord(d)) out[n++] = { section, rule: r.rule, destination: d, path: `${r.path}.mirrors[${k}].destination`, mirror: true };
      }
    }
  }
  if (n < size) out.length = n;
  w.destinations = out;
  return w.destinations;
}

const NO_DESTINATIONS: readonly DestinationUse[] = Object.freeze([]);

/** `spec.hosts` strings with their indices (kept with the walks: several rules ask for them). */
export function hostsOf(vs: IndexedObject): readonly { host: string; index: number }[] {
  const w = walkOf(vs);
  return w.hosts ?? readHostsOf(vs, w);
}

/** Fills {@link VsWalk.hosts} (apart from {@link hostsOf}, which stays small enough to inline in the rules' loops). */
function readHostsOf(vs: IndexedObject, w: VsWalk): readonly { host: string; index: number }[] {
  const raw = asArray(vs.spec.hosts);
  const out = sized<{ host: string; index: number }>(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const h = raw[i];
    if (typeof h === 'string') out[n++] = { host: h, index: i };
  }
  if (n < raw.length) out.length = n;
  w.hosts = out;
  return w.hosts;
}

/** {@link wildcardDomainProblem} of each host of {@link hostsOf} (null: none), kept with the walks (two rules ask). */
function hostProblemsOf(vs: IndexedObject): readonly (string | null)[] {
  const w = walkOf(vs);
  return w.hostProblems ?? readHostProblemsOf(vs, w);
}

/** Fills {@link VsWalk.hostProblems} (apart from {@link hostProblemsOf}, which stays small enough to inline in the rules' loops). */
function readHostProblemsOf(vs: IndexedObject, w: VsWalk): readonly (string | null)[] {
  const hosts = hostsOf(vs);
  let out: (string | null)[] | undefined; // created at the first problem: a shared list of nulls otherwise
  for (let i = 0; i < hosts.length; i++) {
    const bad = wildcardDomainProblem(hosts[i].host);
    if (bad === undefined) {
      if (out) out[i] = null;
      continue;
    }
    out ??= new Array<string | null>(hosts.length).fill(null);
    out[i] = bad;
  }
  w.hostProblems = out ?? noProblems(hosts.length);
  return w.hostProblems;
}

/** Shared lists of `n` nulls for small `n` (hosts without problems, the usual answer of {@link hostProblemsOf}). */
const NO_PROBLEMS: readonly (readonly null[])[] = Array.from({ length: 8 }, (_, n) => Object.freeze(new Array<null>(n).fill(null)));
const noProblems = (n: number): readonly null[] => (n < NO_PROBLEMS.length ? NO_PROBLEMS[n] : new Array<null>(n).fill(null));

/** True when the VirtualService has no hosts (a delegate). */
export function isDelegate(vs: IndexedObject): boolean {
  return asArray(vs.spec.hosts).length === 0;
}

export function refKey(ref: GatewayRef): string {
  return ref.mesh ? 'mesh' : `${ref.namespace}/${ref.name}`;
}

/** Resolved top-level gateways with their indices (absent or empty = `[mesh]`, index -1). */
export function topGateways(index: MeshIndex, vs: IndexedObject): { ref: GatewayRef; raw: string; index: number }[] {
  const list = asArray(vs.spec.gateways);
  if (list.length === 0) return [{ ref: { mesh: true }, raw: 'mesh', index: -1 }];
  const out: { ref: GatewayRef; raw: string; index: number }[] = [];
  list.forEach((g, i) => {
    const ref = resolveGatewayName(g, nsOf(index, vs));
    if (ref && typeof g === 'string') out.push({ ref, raw: g, index: i });
  });
  return out;
}

/** True when the VirtualService applies to sidecars (no gateways, or `mesh` listed); kept with the walks (five rules ask). */
export function appliesToMesh(vs: IndexedObject): boolean {
  const w = walkOf(vs);
  if (w.mesh === undefined) {
    const list = asArray(vs.spec.gateways);
    w.mesh = list.length === 0 || list.includes('mesh');
  }
  return w.mesh;
}

/** True when the VirtualService names at least one gateway other than `mesh`; kept with the walks. */
export function appliesToGateway(vs: IndexedObject): boolean {
  const w = walkOf(vs);
  return w.gateway ?? (w.gateway = asArray(vs.spec.gateways).some((g) => g !== 'mesh'));
}

const DNS_LABEL_CI = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** Istio's labels.IsDNS1123Label (Istio accepts upper case). */
export function isIstioDnsLabel(s: string): boolean {
  return s.length > 0 && s.length <= 63 && DNS_LABEL_CI.test(s);
}

/** A domain of DNS-1123 labels (Istio's case-insensitive ones, 1–63 characters), with an optional trailing dot. */
const DNS_DOMAIN_CI = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;
/** The last label is all digits (no trailing dot). */
const NUMERIC_TLD = /(?:^|\.)[0-9]+$/;

function dns1123LabelsProblem(domain: string): string | undefined {
  // one pass for the usual valid domain (asked per host of every object): no split, no label strings; a problem is
  // described by the label walk below
  if (DNS_DOMAIN_CI.test(domain) && !NUMERIC_TLD.test(domain)) return undefined;
  const parts = domain.split('.');
  const tld = parts[parts.length - 1];
  if (/^[0-9]+$/.test(tld)) return `top-level domain ${q(tld)} cannot be all-numeric`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isIstioDnsLabel(parts[i])) return `label ${q(parts[i])} is not a DNS-1123 label`;
  }
  return undefined;
}

/** Istio's ValidateWildcardDomain: `*`, `*.suffix` or a domain (partial wildcard only as the leftmost label's prefix). */
export function wildcardDomainProblem(domain: string): string | undefined {
  if (domain.length === 0) return 'is empty';
  if (domain.length > 255) return 'is longer than 255 characters';
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (first !== '*' && !(first.length <= 63 && WILDCARD_LABEL.test(first))) {
    return `has an invalid first label ${q(first)} (a wildcard must be the whole leftmost label, as in *.example.com)`;
  }
  return dot < 0 ? undefined : dns1123LabelsProblem(domain.slice(dot + 1));
}

/** Istio host.Name.Matches (case-sensitive, wildcards both ways). */
export function nameMatches(n: string, o: string): boolean {
  const nw = n.startsWith('*');
  const ow = o.startsWith('*');
  if (nw) {
    if (ow) return n.length < o.length ? o.slice(1).endsWith(n.slice(1)) : n.slice(1).endsWith(o.slice(1));
    return o.endsWith(n.slice(1));
  }
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** Istio host.Name.SubsetOf. */
export function nameSubsetOf(n: string, o: string): boolean {
  if (n === o) return true;
  const nw = n.startsWith('*');
  const ow = o.startsWith('*');
  if (nw) {
    if (!ow) return false;
    if (n.length < o.length) return false;
    return n.slice(1).endsWith(o.slice(1));
  }
  if (ow) return n.endsWith(o.slice(1));
  return false;
}

/** Go time.ParseDuration → nanoseconds, or undefined when it is not a Go duration. */
export function parseGoDuration(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  let str = s.trim();
  let sign = 1;
  if (str.startsWith('-') || str.startsWith('+')) {
    if (str[0] === '-') sign = -1;
    str = str.slice(1);
  }
  if (str === '0') return 0;
  if (str === '') return undefined;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/;
  let total = 0;
  while (str.length > 0) {
    const m = re.exec(str);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * unit[m[2]];
    str = str.slice(m[0].length);
  }
  return sign * total;
}

/**
 * Why `re` is not a valid RE2 (Go regexp) pattern, or undefined. Go's syntax is translated to JavaScript for the parse;
 * constructs RE2 lacks (lookaround, backreferences, atomic groups, possessive quantifiers, repeat > 1000) are rejected.
 */
export function re2Problem(re: string): string | undefined {
  if (re.length > 1024) return `is ${re.length} characters long (at most 1024)`;
  let js = '';
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const n = re[i + 1];
      if (n === undefined) return 'ends with a lone backslash';
      if (n === 'Q') {
        const end = re.indexOf('\\E', i + 2);
        const lit = re.slice(i + 2, end < 0 ? re.length : end);
        js += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? re.length : end + 1;
        continue;
      }
      if (/[1-9]/.test(n) && !/[0-7]/.test(re[i + 2] ?? '')) return `uses the backreference \\${n}, which RE2 does not support`;
      if (n === 'k' && re[i + 2] === '<') return 'uses a named backreference, which RE2 does not support';
      if (n === 'z') {js += '$';} else if (n === 'A') {js += '^';} else if (n === 'p' || n === 'P') {
        // unicode class: \pL or \p{Greek}
        if (re[i + 2] === '{') {
          const end = re.indexOf('}', i + 3);
          if (end < 0) return 'has an unterminated \\p{...} class';
          i = end;
        } else {
          i += 1;
        }
        js += inClass ? 'a' : '.';
        continue;
      } else {js += c + n;}
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && re[i + 1] === ':') {
        const end = re.indexOf(':]', i + 2);
        if (end >= 0) {
          js += 'a';
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      js += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      js += c;
      if (re[i + 1] === '^') {
        js += '^';
        i++;
      }
      if (re[i + 1] === ']') {
        js += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && re[i + 1] === '?') {
      const rest = re.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) return 'uses lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support';
      if (rest.startsWith('>')) return 'uses an atomic group (?>...), which RE2 does not support';
      const named = /^P?<([A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        if (named[1] === '') return 'has an empty capture group name';
        js += '(';
        i += 1 + named[0].length;
        continue;
      }
      const flags = /^([imsU]*(?:-[imsU]*)?)([:)])/.exec(rest);
      if (flags) {
        if (flags[1] === '' && flags[2] === ')') return 'has an empty flag group (?)';
        js += flags[2] === ':' ? '(?:' : '';
        i += 1 + flags[0].length;
        continue;
      }
      return `has an unknown group syntax (?${rest.slice(0, 2)}`;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && re[i + 1] === '+') return 'uses a possessive quantifier, which RE2 does not support';
    if (c === '{') {
      const rep = /^\{(\d+)(,(\d*))?\}/.exec(re.slice(i));
      if (rep && (Number(rep[1]) > 1000 || (rep[3] !== undefined && rep[3] !== '' && Number(rep[3]) > 1000))) return 'has a repeat count above 1000';
    }
    js += c;
  }
  try {
    // eslint-disable-next-line no-new
    new RegExp(js);
  } catch (e) {
    return `does not parse (${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)})`;
  }
  return undefined;
}

function nonEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return hasOwnKeys(v);
  return true;
}

/**
 * `Object.keys(r).length > 0` without the key list: asked per field of every match by VS-ORDER-001, mostly in code
 * the JIT has not optimized yet, where the list (and a `for...of` over it) is an allocation per call.
 */
function hasOwnKeys(r: Record<string, unknown>): boolean {
  for (const k in r) if (Object.prototype.hasOwnProperty.call(r, k)) return true;
  return false;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

// ---------------------------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------------------------

export const VS_DEL_001 = defineRule({
  id: 'VS-DEL-001',
  severity: Severity.ERROR,
  summary: 'Delegate VirtualService (no hosts) has no gateways, tls or tcp; a delegating rule has no route/redirect; no nesting',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const delegate = isDelegate(vs);
      if (delegate) {
        const fix = 'keep only http rules in a delegate; set gateways, tls and tcp on the root VirtualService that delegates to it';
        if (nonEmpty(vs.spec.gateways)) {
          ctx.report({ object: vs, path: 'spec.gateways', message: `delegate virtual service (no hosts) sets gateways ${q(vs.spec.gateways)}; a delegate takes the gateways of its root`, fix });
        }
        for (const s of ['tls', 'tcp'] as const) {
          if (nonEmpty(vs.spec[s])) {
            ctx.report({ object: vs, path: `spec.${s}`, message: `delegate virtual service (no hosts) has ${s} routes; delegation only supports http`, fix });
          }
        }
      }
      for (let rAt = 0, rList = rulesOf(vs, 'http'); rAt < rList.length; rAt++) {
        const r = rList[rAt];
        if (!isSet(r.rule.delegate)) continue;
        if (delegate) {
          ctx.report({ object: vs, path: `${r.path}.delegate`, message: `delegate virtual service rule ${r.path} delegates again; delegation cannot be nested`, fix: 'move the routes of the nested delegate into this rule, or delegate from the root only' });
          continue;
        }
        for (const f of ['route', 'redirect', 'directResponse'] as const) {
          if (nonEmpty(r.rule[f])) {
            ctx.report({ object: vs, path: `${r.path}.${f}`, message: `rule with delegate ${q(asRecord(r.rule.delegate).name ?? '')} also sets ${f}; a delegating rule only matches`, fix: `remove ${f} here and put it in the delegate virtual service` });
          }
        }
        if (!asString(asRecord(r.rule.delegate).name)) {
          ctx.report({ object: vs, path: `${r.path}.delegate.name`, message: 'delegate.name is empty', fix: 'name the delegate virtual service (delegate: {name: <vs>, namespace: <ns>})' });
        }
      }
    }
  },
});

/** Problem of one gateway name (validateGatewayNames), with severity. */
interface GatewayNameProblem {
  readonly message: string;
  readonly fix: string;
  readonly warning?: boolean;
}

function gatewayNameProblem(name: string): GatewayNameProblem | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) {
    if (name === 'mesh') return undefined;
    const bad = name.length > 255 ? 'is longer than 255 characters' : dns1123LabelsProblem(name);
    if (bad) return { message: `gateway ${q(name)} is not a valid name: ${bad}`, fix: 'use mesh, <name> (same namespace) or <namespace>/<name>' };
    if (name.includes('.')) {
      const parts = name.split('.');
      return { message: `gateway ${q(name)} uses the legacy <name>.<namespace> format`, fix: `write it as ${q(`${parts[1]}/${parts[0]}`)}`, warning: true };
    }
    return undefined;
  }
  const ns = name.slice(0, slash);
  const gw = name.slice(slash + 1);
  if (ns === '' || gw === '') return { message: `gateway ${q(name)} has an empty namespace or name`, fix: 'use <namespace>/<name>, e.g. istio-system/my-gateway' };
  if (!isIstioDnsLabel(ns)) {
    return { message: `gateway ${q(name)} has namespace ${q(ns)}, which is not a DNS-1123 label`, fix: ns === '.' ? `drop "./" and write ${q(gw)} for a Gateway in the VirtualService namespace` : 'use <namespace>/<name> with a real namespace' };
  }
  if (!isIstioDnsLabel(gw)) return { message: `gateway ${q(name)} has name ${q(gw)}, which is not a DNS-1123 label (no dots)`, fix: 'reference the Gateway by its metadata.name, e.g. istio-system/my-gateway' };
  return undefined;
}

export const VS_GW_001 = defineRule({
  id: 'VS-GW-001',
  severity: Severity.ERROR,
  summary: '`gateways` entries are `mesh`, `<name>` or `<namespace>/<name>` (DNS labels); legacy `name.ns` is warned',
  check(ctx) {
    // one answer per distinct entry (every tenant VirtualService names the same few gateways)
    const problems = new Map<string, GatewayNameProblem | null>();
    const checkList = (vs: IndexedObject, list: unknown, path: string, sub: string) => {
      const entries = asArray(list);
      for (let i = 0; i < entries.length; i++) {
        const g = entries[i];
        if (typeof g !== 'string') continue;
        let p = problems.get(g);
        if (p === undefined) problems.set(g, (p = gatewayNameProblem(g) ?? null));
        // the path is built only for a finding (most entries are fine)
        if (p) ctx.report({ object: vs, path: `${path}${sub}[${i}]`, message: p.message, fix: p.fix, severity: p.warning ? Severity.WARNING : undefined });
      }
    };
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      checkList(vs, vs.spec.gateways, 'spec.gateways', '');
      for (const m of gatewayMatchesOf(vs)) checkList(vs, m.match.gateways, m.path, '.gateways');
    }
  },
});

export const VS_HOST_001 = defineRule({
  id: 'VS-HOST-001',
  severity: Severity.ERROR,
  summary: 'Hosts are domains, `*`/`*.suffix` or IPs; `*` is not allowed when bound to the mesh',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const mesh = appliesToMesh(vs);
      const hosts = hostsOf(vs);
      const problems = hostProblemsOf(vs);
      for (let i = 0; i < hosts.length; i++) {
        const { host, index } = hosts[i];
        const bad = problems[i] ?? undefined;
        if (bad && !isIpAddress(host)) {
          ctx.report({ object: vs, path: `spec.hosts[${index}]`, message: `host ${q(host)} ${bad}`, fix: 'use a domain (reviews, app.example.com), a leading wildcard (*.example.com) or an IP' });
        } else if (!bad && host === '*' && mesh) {
          ctx.report({
            object: vs,
            path: `spec.hosts[${index}]`,
            message: 'host "*" is not allowed for a virtual service bound to the mesh (gateways omitted or listing mesh)',
            fix: 'list the service hosts explicitly, or bind the virtual service only to gateways',
          });
        }
      }
    }
  },
});

export const VS_HOST_002 = defineRule({
  id: 'VS-HOST-002',
  severity: Severity.ERROR,
  summary: 'No duplicate or overlapping hosts within one VirtualService',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const hosts = hostsOf(vs);
      if (hosts.length !== asArray(vs.spec.hosts).length) continue;
      const problems = hostProblemsOf(vs);
      if (hosts.some((h, i) => problems[i] !== null && !isIpAddress(h.host))) continue;
      if (hosts.length > 1000) continue; // pathological; exact duplicates would still be rejected by istiod
      for (let j = 1; j < hosts.length; j++) {
        for (let i = 0; i < j; i++) {
          if (!nameMatches(hosts[i].host, hosts[j].host)) continue;
          const same = hosts[i].host === hosts[j].host;
          ctx.report({
            object: vs,
            path: `spec.hosts[${hosts[j].index}]`,
            message: same
              ? `host ${q(hosts[j].host)} is listed twice (also spec.hosts[${hosts[i].index}])`
              : `host ${q(hosts[j].host)} overlaps spec.hosts[${hosts[i].index}] ${q(hosts[i].host)}`,
            fix: same ? 'remove the duplicate host' : 'keep only the broader host, or split the hosts into separate virtual services',
          });
          break;
        }
      }
    }
  },
});

export const VS_HOST_003 = defineRule({
  id: 'VS-HOST-003',
  severity: Severity.ERROR,
  summary: 'Gateway-bound VirtualService uses FQDN hosts; short ones become `h.<ns>.svc.cluster.local`',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      if (!appliesToGateway(vs)) continue;
      const mesh = appliesToMesh(vs);
      const ns = nsOf(ctx.index, vs);
      for (let hostAt = 0, hostList = hostsOf(vs); hostAt < hostList.length; hostAt++) {
        const { host, index } = hostList[hostAt];
        if (host === '*' || host.includes('.') || host.includes('*') || isIpAddress(host) || !isIstioDnsLabel(host)) continue;
        ctx.report({
          object: vs,
          path: `spec.hosts[${index}]`,
          message: `host ${q(host)} is a short name; on the gateway it becomes ${q(`${host}.${ns}.svc.cluster.local`)}, which external clients do not send`,
          fix: `use the external FQDN clients send, e.g. ${q(`${host}.example.com`)}${mesh ? ' (keep the short name in a separate mesh virtual service)' : ''}`,
          severity: mesh ? Severity.WARNING : undefined,
        });
      }
    }
  },
});

export const VS_RT_001 = defineRule({
  id: 'VS-RT-001',
  severity: Severity.ERROR,
  summary: 'At least one of http, tcp, tls',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      // (no closure per VirtualService)
      if (asArray(vs.spec.http).length > 0 || asArray(vs.spec.tcp).length > 0 || asArray(vs.spec.tls).length > 0) continue;
      ctx.report({ object: vs, path: 'spec', message: 'virtual service has no http, tcp or tls routes', fix: 'add an http (or tcp/tls) rule with a route, or delete the virtual service' });
    }
  },
});

export const VS_HTTP_001 = defineRule({
  id: 'VS-HTTP-001',
  severity: Severity.ERROR,
  summary: 'HTTP rule: one of route/redirect/directResponse (or delegate); redirect/directResponse exclude fault and rewrite; not mirror+mirrors',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let ruleAt = 0, ruleList = rulesOf(vs, 'http'); ruleAt < ruleList.length; ruleAt++) {
        const { rule, path } = ruleList[ruleAt];
        if (isSet(rule.delegate) && !isDelegate(vs)) continue; // VS-DEL-001
        const route = asArray(rule.route).length > 0;
        const redirect = isSet(rule.redirect);
        const direct = isSet(rule.directResponse);
        const conflict = (a: string, b: string) => ctx.report({
          object: vs, path: `${path}.${b}`, message: `http rule sets both ${a} and ${b}`, fix: `keep one of ${a} and ${b}; split them into separate rules if both are needed`,
        });
        if (redirect) {
          if (route) conflict('redirect', 'route');
          if (isSet(rule.fault)) conflict('redirect', 'fault');
          if (isSet(rule.rewrite)) conflict('redirect', 'rewrite');
          if (direct) conflict('redirect', 'directResponse');
        } else if (direct) {
          if (route) conflict('directResponse', 'route');
          if (isSet(rule.fault)) conflict('directResponse', 'fault');
          if (isSet(rule.rewrite)) conflict('directResponse', 'rewrite');
        } else if (!route) {
          ctx.report({ object: vs, path, message: `http rule ${path} has no route, redirect or directResponse`, fix: 'add route: [{destination: {host: <service>}}], a redirect or a directResponse' });
        }
        if (isSet(rule.mirror) && asArray(rule.mirrors).length > 0) conflict('mirror', 'mirrors');
      }
    }
  },
});

export const VS_HTTP_002 = defineRule({
  id: 'VS-HTTP-002',
  severity: Severity.ERROR,
  summary: 'Redirect: uri xor prefixRewrite; something set; 3xx code; scheme http|https; prefixRewrite needs prefix matches',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let ruleAt = 0, ruleList = rulesOf(vs, 'http'); ruleAt < ruleList.length; ruleAt++) {
        const { rule, path } = ruleList[ruleAt];
        if (!isRecord(rule.redirect)) continue;
        const r = rule.redirect;
        const p = `${path}.redirect`;
        const uri = nonEmpty(r.uri);
        const prefixRewrite = isSet(r.prefixRewrite);
        if (uri && prefixRewrite) {
          ctx.report({ object: vs, path: `${p}.prefixRewrite`, message: 'redirect sets both uri and prefixRewrite', fix: 'use uri to replace the whole path or prefixRewrite to replace the matched prefix, not both' });
        }
        if (!uri && !prefixRewrite && !nonEmpty(r.authority) && !isSet(r.port) && !isSet(r.derivePort) && !nonEmpty(r.scheme)) {
          ctx.report({ object: vs, path: p, message: 'redirect sets none of uri, authority, port, scheme', fix: 'set what the redirect changes, e.g. {uri: /new} or {authority: new.example.com}' });
        }
        const code = asNumber(r.redirectCode);
        if (code !== undefined && code !== 0 && (code < 300 || code > 399)) {
          ctx.report({ object: vs, path: `${p}.redirectCode`, message: `redirect.redirectCode ${code} is not a 3xx code`, fix: 'use 301, 302, 303, 307 or 308 (default 301), or a directResponse for other statuses' });
        }
        if (typeof r.scheme === 'string' && r.scheme !== '' && r.scheme !== 'http' && r.scheme !== 'https') {
          ctx.report({ object: vs, path: `${p}.scheme`, message: `redirect.scheme ${q(r.scheme)} is not http or https`, fix: 'use scheme: https (or http)' });
        }
        const port = asNumber(r.port);
        if (port !== undefined && (port < 1 || port > 65535)) {
          ctx.report({ object: vs, path: `${p}.port`, message: `redirect.port ${port} is not in 1–65535`, fix: 'use a port number between 1 and 65535' });
        }
        if (prefixRewrite) {
          const matches = asArray(rule.match);
          const ok = matches.length > 0 && matches.every((m) => typeof asRecord(asRecord(m).uri).prefix === 'string');
          if (!ok) {
            ctx.report({ object: vs, path: `${p}.prefixRewrite`, message: 'redirect.prefixRewrite needs every match of the rule to be a uri prefix match', fix: 'add match: [{uri: {prefix: /old}}] to the rule, or use redirect.uri' });
          }
        }
      }
    }
  },
});

function authorityHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'host' || n === ':authority';
}

export const VS_HTTP_003 = defineRule({
  id: 'VS-HTTP-003',
  severity: Severity.ERROR,
  summary: 'Rewrite: uri xor uriRegexRewrite (needs match+rewrite); authority set once',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let ruleAt = 0, ruleList = rulesOf(vs, 'http'); ruleAt < ruleList.length; ruleAt++) {
        const { rule, path } = ruleList[ruleAt];
        const rw = isRecord(rule.rewrite) ? rule.rewrite : undefined;
        if (!rw && !isRecord(rule.headers)) continue; // nothing to check (most rules): no path string, no lists
        const p = `${path}.rewrite`;
        if (rw) {
          const uri = nonEmpty(rw.uri);
          const rx = isSet(rw.uriRegexRewrite);
          if (uri && rx) {
            ctx.report({ object: vs, path: `${p}.uriRegexRewrite`, message: 'rewrite sets both uri and uriRegexRewrite', fix: 'keep one of rewrite.uri and rewrite.uriRegexRewrite' });
          } else if (!uri && !rx && !nonEmpty(rw.authority)) {
            ctx.report({ object: vs, path: p, message: 'rewrite sets none of uri, uriRegexRewrite, authority', fix: 'set rewrite.uri, rewrite.uriRegexRewrite or rewrite.authority, or remove rewrite' });
          }
          if (isRecord(rw.uriRegexRewrite)) {
            const m = rw.uriRegexRewrite.match;
            const r = rw.uriRegexRewrite.rewrite;
            if (!nonEmpty(m) || !nonEmpty(r)) {
              ctx.report({ object: vs, path: `${p}.uriRegexRewrite`, message: 'rewrite.uriRegexRewrite needs both match and rewrite', fix: 'set uriRegexRewrite: {match: <RE2 regex>, rewrite: <substitution, e.g. /\\1>}' });
            } else if (typeof m === 'string') {
              const bad = re2Problem(m);
              if (bad) ctx.report({ object: vs, path: `${p}.uriRegexRewrite.match`, message: `rewrite.uriRegexRewrite.match ${q(m)} ${bad}`, fix: 'write an RE2 regex (https://github.com/google/re2/wiki/Syntax)' });
            }
          }
        }
        // authority: rewrite.authority and headers.request.set/add of host/:authority
        const sources: { value: unknown; path: string }[] = [];
        if (rw && nonEmpty(rw.authority)) sources.push({ value: rw.authority, path: `${p}.authority` });
        const req = asRecord(asRecord(rule.headers).request);
        for (const op of ['set', 'add'] as const) {
          for (const [k, v] of Object.entries(asRecord(req[op]))) {
            if (authorityHeader(k)) sources.push({ value: v, path: `${path}.headers.request.${op}[${q(k)}]` });
          }
        }
        if (sources.length > 1) {
          ctx.report({
            object: vs,
            path: sources[1].path,
            message: `authority is set more than once (${sources.map((s) => `${s.path}=${q(s.value)}`).join(', ')})`,
            fix: 'set the authority in one place only: rewrite.authority or a host header, not both',
          });
        }
      }
    }
  },
});

const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** Status codes Go's http.StatusText knows. */
const HTTP_STATUS = new Set<number>([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

export const VS_HTTP_004 = defineRule({
  id: 'VS-HTTP-004',
  severity: Severity.ERROR,
  summary: 'Retries: attempts ≥ 0; attempts 0 forbids perTryTimeout/retryOn; retryOn policies valid',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let ruleAt = 0, ruleList = rulesOf(vs, 'http'); ruleAt < ruleList.length; ruleAt++) {
        const { rule, path } = ruleList[ruleAt];
        if (!isRecord(rule.retries)) continue;
        const r = rule.retries;
        const p = `${path}.retries`;
        const attempts = asNumber(r.attempts);
        if (attempts !== undefined && attempts < 0) {
          ctx.report({ object: vs, path: `${p}.attempts`, message: `retries.attempts ${attempts} is negative`, fix: 'use 0 to disable retries or a positive number of attempts' });
        }
        if (attempts === 0) {
          const extra = ['perTryTimeout', 'retryOn', 'retryRemoteLocalities'].filter((f) => nonEmpty(r[f]) && r[f] !== false);
          if (extra.length > 0) {
            ctx.report({
              object: vs,
              path: `${p}.${extra[0]}`,
              message: `retries.attempts is 0 (retries disabled) but retries.${extra.join(', retries.')} ${extra.length > 1 ? 'are' : 'is'} set`,
              fix: 'set attempts ≥ 1 to retry, or remove the other retry fields',
            });
          }
        }
        if (typeof r.retryOn === 'string' && r.retryOn !== '') {
          r.retryOn.split(',').forEach((raw) => {
            const policy = raw.trim();
            if (/^-?\d+$/.test(policy)) {
              if (!HTTP_STATUS.has(Number(policy))) {
                ctx.report({ object: vs, path: `${p}.retryOn`, message: `retries.retryOn ${q(policy)} is not an HTTP status code`, fix: 'use a real status code (e.g. 503) or a policy such as 5xx, gateway-error, connect-failure' });
              }
            } else if (!RETRY_ON.has(policy)) {
              ctx.report({ object: vs, path: `${p}.retryOn`, message: `retries.retryOn ${q(policy)} is not a retry policy`, fix: `use a comma-separated list of ${Array.from(RETRY_ON).join(', ')} or status codes` });
            }
          });
        }
      }
    }
  },
});

function durationProblem(v: unknown): string | undefined {
  const ns = parseGoDuration(v);
  if (ns === undefined) return undefined; // schema rules report unparsable durations
  if (ns < 1e6) return `${q(v)} is shorter than 1ms`;
  if (Math.abs(ns % 1e6) > 1e-3 && Math.abs((ns % 1e6) - 1e6) > 1e-3) return `${q(v)} is not a whole number of milliseconds`;
  return undefined;
}

/** VS-HTTP-005 on one duration field. */
function checkDuration(ctx: RuleContext, vs: IndexedObject, v: unknown, p: string, field: string): void {
  const bad = durationProblem(v);
  if (bad) ctx.report({ object: vs, path: p, message: `${field} ${bad}`, fix: `use a duration of at least 1ms in whole milliseconds, e.g. "500ms" or "10s"${field === 'timeout' ? ' (omit timeout to disable it)' : ''}` });
}

function percentProblem(v: unknown): string | undefined {
  const n = asNumber(asRecord(v).value);
  if (n === undefined) return undefined;
  if (n < 0 || n > 100 || (n > 0 && n < 0.0001)) return `percentage ${n} is neither 0 nor in 0.0001–100`;
  return undefined;
}

export const VS_HTTP_005 = defineRule({
  id: 'VS-HTTP-005',
  severity: Severity.ERROR,
  summary: 'Durations ≥ 1ms (ms precision); fault has abort or delay; percentages 0 or 0.0001–100; statuses 200–599',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let ruleAt = 0, ruleList = rulesOf(vs, 'http'); ruleAt < ruleList.length; ruleAt++) {
        const { rule, path } = ruleList[ruleAt];
        // (no closure or empty record per rule: this runs for every http rule, and most set none of these fields)
        if (isSet(rule.timeout)) checkDuration(ctx, vs, rule.timeout, `${path}.timeout`, 'timeout');
        const retries = isRecord(rule.retries) ? rule.retries : undefined;
        if (retries && isSet(retries.perTryTimeout)) checkDuration(ctx, vs, retries.perTryTimeout, `${path}.retries.perTryTimeout`, 'retries.perTryTimeout');
        if (isRecord(rule.fault)) {
          const f = rule.fault;
          const fp = `${path}.fault`;
          if (!isSet(f.abort) && !isSet(f.delay)) {
            ctx.report({ object: vs, path: fp, message: 'fault has neither abort nor delay', fix: 'add fault.abort {httpStatus, percentage} or fault.delay {fixedDelay, percentage}, or remove fault' });
          }
          if (isRecord(f.delay)) {
            const d = f.delay;
            if (isSet(d.fixedDelay)) checkDuration(ctx, vs, d.fixedDelay, `${fp}.delay.fixedDelay`, 'fault.delay.fixedDelay');
            const bad = percentProblem(d.percentage);
            if (bad) ctx.report({ object: vs, path: `${fp}.delay.percentage.value`, message: `fault.delay ${bad}`, fix: 'use a percentage between 0.0001 and 100 (or 0)' });
            const pct = asNumber(d.percent);
            if (pct !== undefined && (pct < 0 || pct > 100)) ctx.report({ object: vs, path: `${fp}.delay.percent`, message: `fault.delay.percent ${pct} is not in 0–100`, fix: 'use percentage.value between 0 and 100' });
          }
          if (isRecord(f.abort)) {
            const a = f.abort;
            const bad = percentProblem(a.percentage);
            if (bad) ctx.report({ object: vs, path: `${fp}.abort.percentage.value`, message: `fault.abort ${bad}`, fix: 'use a percentage between 0.0001 and 100 (or 0)' });
            const st = asNumber(a.httpStatus);
            if (st !== undefined && (st < 200 || st > 599)) ctx.report({ object: vs, path: `${fp}.abort.httpStatus`, message: `fault.abort.httpStatus ${st} is not in 200–599`, fix: 'use an HTTP status between 200 and 599, e.g. 503' });
          }
        }
        const mp = isRecord(rule.mirrorPercentage) ? asNumber(rule.mirrorPercentage.value) : undefined;
        if (mp !== undefined && (mp < 0 || mp > 100)) {
          ctx.report({ object: vs, path: `${path}.mirrorPercentage.value`, message: `mirrorPercentage ${mp} is not in 0–100`, fix: 'use a percentage between 0 and 100' });
        }
        const mirrors = asArray(rule.mirrors);
        for (let k = 0; k < mirrors.length; k++) {
          const v = asNumber(asRecord(asRecord(mirrors[k]).percentage).value);
          if (v !== undefined && (v < 0 || v > 100)) ctx.report({ object: vs, path: `${path}.mirrors[${k}].percentage.value`, message: `mirror percentage ${v} is not in 0–100`, fix: 'use a percentage between 0 and 100' });
        }
        if (isRecord(rule.directResponse)) {
          const st = asNumber(rule.directResponse.status);
          if (st !== undefined && (st < 200 || st > 599)) {
            ctx.report({ object: vs, path: `${path}.directResponse.status`, message: `directResponse.status ${st} is not in 200–599`, fix: 'use an HTTP status between 200 and 599; use redirect for 3xx with a location' });
          }
        }
      }
    }
  },
});

const STRING_MATCH_FIELDS = ['uri', 'scheme', 'method', 'authority'] as const;
const HEADER_MATCH_FIELDS = ['headers', 'withoutHeaders'] as const;

export const VS_MATCH_001 = defineRule({
  id: 'VS-MATCH-001',
  severity: Severity.ERROR,
  summary: 'Match: non-empty prefix/regex, valid RE2 ≤ 1024 chars, port 1–65535, sourceNamespace a DNS label',
  check(ctx) {
    // `path.sub` (the StringMatch's path) is built only for a finding: most matches are fine
    const sm = (vs: IndexedObject, v: unknown, path: string, sub: string, field: string, emptyPrefixOk: boolean) => {
      if (!isRecord(v)) return;
      if (typeof v.prefix === 'string' && v.prefix === '' && !emptyPrefixOk) {
        ctx.report({ object: vs, path: `${path}.${sub}.prefix`, message: `${field} prefix match is empty`, fix: `give ${field} a non-empty prefix, or remove the ${field} match to match everything` });
      }
      if (typeof v.regex === 'string') {
        const bad = v.regex === '' ? 'is empty' : re2Problem(v.regex);
        if (bad) ctx.report({ object: vs, path: `${path}.${sub}.regex`, message: `${field} regex ${q(v.regex)} ${bad}`, fix: 'write an RE2 regex (https://github.com/google/re2/wiki/Syntax); Envoy matches the whole value' });
      }
    };
    const checkMatch = (vs: IndexedObject, section: Section, match: Record<string, unknown>, path: string) => {
      if (section === 'http') {
        for (const f of STRING_MATCH_FIELDS) sm(vs, match[f], path, f, f, f === 'uri');
        // (maps read only when present: no empty record and entry list per match)
        const qp = match.queryParams;
        if (isRecord(qp)) for (const [k, v] of Object.entries(qp)) sm(vs, v, path, `queryParams[${q(k)}]`, `queryParams ${q(k)}`, false);
        for (let hfAt = 0, hfList = HEADER_MATCH_FIELDS; hfAt < hfList.length; hfAt++) {
          const hf = hfList[hfAt];
          const hm = match[hf];
          if (!isRecord(hm)) continue;
          for (const [k, v] of Object.entries(hm)) {
            if (isRecord(v) && typeof v.regex === 'string') sm(vs, { regex: v.regex }, path, `${hf}[${q(k)}]`, `${hf} ${q(k)}`, true);
          }
        }
      }
      const port = match.port;
      if (typeof port === 'number' && port !== 0 && (!Number.isInteger(port) || port < 1 || port > 65535)) {
        ctx.report({ object: vs, path: `${path}.port`, message: `match.port ${port} is not in 1–65535`, fix: 'use the gateway server port or service port (1–65535)' });
      }
      const sn = match.sourceNamespace;
      if (typeof sn === 'string' && sn !== '' && !isIstioDnsLabel(sn)) {
        ctx.report({ object: vs, path: `${path}.sourceNamespace`, message: `match.sourceNamespace ${q(sn)} is not a namespace name (DNS-1123 label)`, fix: 'use a namespace name such as "bookinfo"' });
      }
    };
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      eachMatch(vs, (section, r, match, j) => checkMatch(vs, section, match, matchPath(section, r.index, j)));
    }
  },
});

/** True for `@request.auth.claims.x` / `@request.auth.claims[x]` header keys (jwt.ToRoutingClaim). */
export function isClaimKey(key: string): boolean {
  const prefix = '@request.auth.claims';
  if (!key.toLowerCase().startsWith(prefix)) return false;
  const rest = key.slice(prefix.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** Claim-based header matches of a VirtualService: path and key. */
export function claimMatches(vs: IndexedObject): readonly ClaimMatch[] {
  // kept with the walks (VS-MATCH-002 and VSX-JWT-001 ask), read from the http matches in place (as matchesOf has them)
  const w = walkOf(vs);
  return w.claims ?? readClaimMatches(vs, w);
}

/** Fills {@link VsWalk.claims} (apart from {@link claimMatches}, which stays small enough to inline in the rules' loops). */
function readClaimMatches(vs: IndexedObject, w: VsWalk): readonly ClaimMatch[] {
  let out: ClaimMatch[] | undefined;
  for (let rAt = 0, rList = rulesOf(vs, 'http'); rAt < rList.length; rAt++) {
    const r = rList[rAt];
    const list = asArray(r.rule.match);
    for (let j = 0; j < list.length; j++) {
      const m = list[j];
      if (!isRecord(m)) continue;
      for (let hfAt = 0, hfList = CLAIM_FIELDS; hfAt < hfList.length; hfAt++) {
        const hf = hfList[hfAt];
        const hv = m[hf];
        if (!isRecord(hv)) continue;
        for (const k of Object.keys(hv)) {
          if (isClaimKey(k)) (out ??= []).push({ path: `${matchPath('http', r.index, j)}.${hf}[${q(k)}]`, key: k, match: m });
        }
      }
    }
  }
  w.claims = out ?? NO_CLAIMS;
  return w.claims;
}

/** A claim-based header match (see {@link claimMatches}). */
export interface ClaimMatch {
  readonly path: string;
  readonly key: string;
  readonly match: Record<string, unknown>;
}

const CLAIM_FIELDS = ['headers', 'withoutHeaders'] as const;
const NO_CLAIMS: readonly ClaimMatch[] = Object.freeze([]);

export const VS_MATCH_002 = defineRule({
  id: 'VS-MATCH-002',
  severity: Severity.ERROR,
  summary: '`@request.auth.claims.*` header matches only work on gateways',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const gw = appliesToGateway(vs);
      const mesh = appliesToMesh(vs);
      if (gw && !mesh) continue;
      for (let cAt = 0, cList = claimMatches(vs); cAt < cList.length; cAt++) {
        const c = cList[cAt];
        // Rules whose matches are restricted to gateways by match.gateways never run on sidecars.
        const mg = asArray(c.match.gateways);
        if (gw && mg.length > 0 && !mg.includes('mesh')) continue;
        ctx.report({
          object: vs,
          path: c.path,
          message: gw
            ? `claim match ${q(c.key)} in a virtual service also bound to mesh: sidecars do not support JWT claim routing`
            : `claim match ${q(c.key)} in a virtual service bound only to the mesh: JWT claim routing is only supported on gateways`,
          fix: gw ? 'move the claim-based rules into a gateway-only virtual service, or restrict the match with match.gateways' : 'bind the virtual service to the ingress gateway (spec.gateways) and add a RequestAuthentication for the gateway pods',
          severity: gw ? Severity.WARNING : undefined,
        });
      }
    }
  },
});

export const VS_DEST_001 = defineRule({
  id: 'VS-DEST-001',
  severity: Severity.ERROR,
  summary: 'Destination host is not `*` and valid; subset a DNS label; port 1–65535',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      // a split over subsets names one host several times in a row: checked once per run
      let lastHost: string | undefined;
      let lastBad: string | undefined;
      for (let destinationAt = 0, destinationList = destinationsOf(vs); destinationAt < destinationList.length; destinationAt++) {
        const { destination: d, path } = destinationList[destinationAt];
        const host = d.host;
        if (typeof host === 'string') {
          if (host === '*') {
            ctx.report({ object: vs, path: `${path}.host`, message: 'destination.host "*" is not a service', fix: 'route to a concrete service host, e.g. reviews or reviews.bookinfo.svc.cluster.local' });
          } else {
            if (host !== lastHost) {
              lastHost = host;
              lastBad = wildcardDomainProblem(host);
            }
            const bad = lastBad;
            if (bad) ctx.report({ object: vs, path: `${path}.host`, message: `destination.host ${q(host)} ${bad}`, fix: 'use a service name (reviews), an FQDN (reviews.bookinfo.svc.cluster.local) or a ServiceEntry host' });
          }
        }
        if (typeof d.subset === 'string' && !isIstioDnsLabel(d.subset)) {
          ctx.report({ object: vs, path: `${path}.subset`, message: d.subset === '' ? 'destination.subset is empty' : `destination.subset ${q(d.subset)} is not a DNS-1123 label`, fix: 'use the name of a DestinationRule subset, e.g. v1' });
        }
        const n = asNumber(asRecord(d.port).number);
        if (n !== undefined && n !== 0 && (!Number.isInteger(n) || n < 1 || n > 65535)) {
          ctx.report({ object: vs, path: `${path}.port.number`, message: `destination.port.number ${n} is not in 1–65535`, fix: 'use the service port (1–65535)' });
        }
      }
    }
  },
});


export const VS_W_001 = defineRule({
  id: 'VS-W-001',
  severity: Severity.ERROR,
  summary: 'Weights ≥ 0; more than one destination needs a total weight > 0',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let sectionAt = 0, sectionList = SECTIONS; sectionAt < sectionList.length; sectionAt++) {
        const section = sectionList[sectionAt];
        for (let routeAt = 0, routeRules = rulesOf(vs, section); routeAt < routeRules.length; routeAt++) {
          const at = routeRules[routeAt];
          const route = asArray(at.rule.route);
          let total = 0;
          for (let k = 0; k < route.length; k++) {
            const rd = route[k];
            const w = (isRecord(rd) ? asNumber(rd.weight) : undefined) ?? 0;
            if (w < 0) ctx.report({ object: vs, path: `${at.path}.route[${k}].weight`, message: `weight ${w} is negative`, fix: 'use weights ≥ 0 (they are relative; 100 in total is conventional)' });
            total += w;
          }
          if (route.length > 1 && total === 0) {
            ctx.report({ object: vs, path: `${at.path}.route`, message: `${route.length} destinations with a total weight of 0`, fix: 'give the destinations positive weights, e.g. 90 and 10' });
          }
        }
      }
    }
  },
});

export const VS_W_002 = defineRule({
  id: 'VS-W-002',
  severity: Severity.WARNING,
  summary: 'Single destination weight 1–99 is treated as 100; same host+subset twice in one route',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const ns = nsOf(ctx.index, vs);
      for (let sectionAt = 0, sectionList = SECTIONS; sectionAt < sectionList.length; sectionAt++) {
        const section = sectionList[sectionAt];
        for (const at of rulesOf(vs, section)) checkRouteWeights(ctx, vs, ns, at);
      }
    }
  },
});

/** VS-W-002 on one rule's route list. */
function checkRouteWeights(ctx: RuleContext, vs: IndexedObject, ns: string, at: RuleAt): void {
  const route = asArray(at.rule.route);
  if (route.length === 1) {
    const w = asNumber(asRecord(route[0]).weight);
    if (w !== undefined && w >= 1 && w <= 99) {
      ctx.report({ object: vs, path: `${at.path}.route[0].weight`, message: `the only destination has weight ${w}, which is treated as 100`, fix: 'remove the weight, or add the other destinations that should share the traffic' });
    }
  }
  if (route.length < 2) return; // no duplicate in a list of one
  // the `host|subset` key of each position (host undefined: no key), searched in order for the first earlier entry with
  // the same key; kept as parts (no key string per destination), a Map of key strings only for long lists
  const seen = route.length > 16 ? new Map<string, number>() : undefined;
  // (short lists only, not filled: a slot not yet written reads undefined, "no key", and its subset is never read)
  const hosts: (string | undefined)[] = seen ? NO_KEYS : new Array(route.length);
  const subsets: string[] = seen ? NO_KEYS as string[] : new Array(route.length);
  for (let k = 0; k < route.length; k++) {
    const d = asRecord(asRecord(route[k]).destination);
    if (typeof d.host !== 'string') continue;
    const host = ctx.index.resolveHost(d.host, ns);
    const subset = asString(d.subset) ?? '';
    let prev = -1;
    if (seen) {
      const key = `${host}|${subset}`;
      prev = seen.get(key) ?? -1;
      if (prev < 0) seen.set(key, k);
    } else {
      for (let i = 0; i < k; i++) {
        const h = hosts[i];
        if (h !== undefined && sameRouteKey(h, subsets[i], host, subset)) {
          prev = i;
          break;
        }
      }
    }
    if (prev < 0) {
      if (!seen) {
        hosts[k] = host;
        subsets[k] = subset;
      }
      continue;
    }
    const path = `${at.path}.route`;
    ctx.report({
      object: vs,
      path: `${path}[${k}].destination`,
      message: `destination ${q(d.host)}${d.subset ? ` subset ${q(d.subset)}` : ''} is already ${path}[${prev}]`,
      fix: 'merge the two entries into one destination and add their weights',
    });
  }
}

/** The key lists of a long route (unused there: its keys are in the map); frozen, so a write would throw. */
const NO_KEYS = Object.freeze([]) as readonly (string | undefined)[] as (string | undefined)[];

/** True when the keys `h1|s1` and `h2|s2` are equal (without building them unless a `|` could make them so). */
function sameRouteKey(h1: string, s1: string, h2: string, s2: string): boolean {
  if (h1 === h2) return s1 === s2;
  return h1.length + s1.length === h2.length + s2.length && `${h1}|${s1}` === `${h2}|${s2}`;
}

export const VS_TLS_001 = defineRule({
  id: 'VS-TLS-001',
  severity: Severity.ERROR,
  summary: 'tls rule: ≥1 match, each with sniHosts ⊆ VS hosts; route required; IP SNI warned',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const tls = rulesOf(vs, 'tls');
      if (tls.length === 0) continue; // (no host list for the VirtualServices without tls rules)
      const hosts = hostsOf(vs);
      for (let ruleAt = 0, ruleList = tls; ruleAt < ruleList.length; ruleAt++) {
        const { rule, index, path } = ruleList[ruleAt];
        const matches = asArray(rule.match);
        if (matches.length === 0) {
          ctx.report({ object: vs, path: `${path}.match`, message: 'tls rule has no match; tls routes are selected by SNI', fix: 'add match: [{sniHosts: [<host>]}] (and port) to the tls rule' });
        }
        // loops, no closures (holes skipped, as forEach would); the paths (`spec.tls[i].match[j]` shared) built for a
        // finding only
        for (let j = 0; j < matches.length; j++) if (j in matches) checkSniHosts(ctx, vs, hosts, asRecord(matches[j]), matchPath('tls', index, j));
        if (asArray(rule.route).length === 0) {
          ctx.report({ object: vs, path: `${path}.route`, message: 'tls rule has no route', fix: 'add route: [{destination: {host: <service>, port: {number: 443}}}]' });
        }
      }
    }
  },
});

/** VS-TLS-001 on one tls match (`mp` its path). */
function checkSniHosts(ctx: RuleContext, vs: IndexedObject, hosts: readonly { host: string }[], m: Record<string, unknown>, mp: string): void {
  const sni = asArray(m.sniHosts);
  if (sni.length === 0) {
    ctx.report({ object: vs, path: `${mp}.sniHosts`, message: 'tls match has no sniHosts', fix: 'list the SNI names this rule routes, e.g. sniHosts: [app.example.com]' });
    return;
  }
  for (let k = 0; k < sni.length; k++) {
    const h = sni[k];
    if (typeof h !== 'string') continue;
    const bad = wildcardDomainProblem(h);
    if (bad) {
      if (isIpAddress(h)) {
        ctx.report({ object: vs, path: `${mp}.sniHosts[${k}]`, message: `sniHost ${q(h)} is an IP address; SNI carries names and most clients send none for IPs`, fix: 'use the DNS name clients connect to', severity: Severity.WARNING });
      } else {
        ctx.report({ object: vs, path: `${mp}.sniHosts[${k}]`, message: `sniHost ${q(h)} ${bad}`, fix: 'use a domain or *.domain' });
      }
      continue;
    }
    let within = false;
    for (let i = 0; i < hosts.length && !within; i++) within = nameSubsetOf(h, hosts[i].host);
    if (!within) {
      ctx.report({ object: vs, path: `${mp}.sniHosts[${k}]`, message: `sniHost ${q(h)} is not within the virtual service hosts [${hosts.map((vh) => vh.host).join(', ')}]`, fix: `add ${q(h)} (or a covering wildcard) to spec.hosts, or fix the sniHost` });
    }
  }
}

export const VS_TCP_001 = defineRule({
  id: 'VS-TCP-001',
  severity: Severity.ERROR,
  summary: 'tcp rule needs a route',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let ruleAt = 0, ruleList = rulesOf(vs, 'tcp'); ruleAt < ruleList.length; ruleAt++) {
        const { rule, path } = ruleList[ruleAt];
        if (asArray(rule.route).length > 0) continue;
        ctx.report({ object: vs, path: `${path}.route`, message: 'tcp rule has no route', fix: 'add route: [{destination: {host: <service>, port: {number: <port>}}}]' });
      }
    }
  },
});

// ----- VS-ORDER-001: unreachable rules and ineffective matches ----------------------------------------------------

/** JSON of a value with object keys sorted (the match without `name`), for duplicate detection. */
function canonical(v: unknown, skip?: string): string {
  // loops rather than filter/sort/map/join chains: VS-ORDER-001 keys every match of every VirtualService
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + canonical(v[i]);
    return `${out}]`;
  }
  if (isRecord(v)) {
    const keys = Object.keys(v);
    if (keys.length > 1) keys.sort();
    let out = '{';
    let first = true;
    for (const k of keys) {
      const x = v[k];
      if (x === undefined || x === null || k === skip) continue;
      out += `${first ? '' : ','}${JSON.stringify(k)}:${canonical(x)}`;
      first = false;
    }
    return `${out}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const IGNORED_MATCH_FIELDS = new Set(['name', 'statPrefix']);

/** True when field `k` with value `v` of a match restricts it (not a name, not empty or unset). */
function isCondition(k: string, v: unknown): boolean {
  if (IGNORED_MATCH_FIELDS.has(k) || v === undefined || v === null || v === false) return false;
  if ((k === 'port') && v === 0) return false;
  if (typeof v === 'string' && v === '') return false;
  if ((Array.isArray(v) || isRecord(v)) && !nonEmpty(v)) return false;
  return true;
}

/** The conditions of a match (the fields {@link isCondition} keeps) as a copy. */
function matchConditions(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (isCondition(k, v)) out[k] = v;
  }
  return out;
}

/**
 * The conditions of a match as {@link matchImplies} reads them: `undefined` stands for the match itself read through
 * {@link conditionOf} (no copy per match: VS-ORDER-001 asks for every match of every rule). Only a match with an own
 * `__proto__` key gets the copy, whose prototype that key then sets, so lookups in it behave as they always did.
 */
type Conditions = Record<string, unknown> | undefined;

function conditionsOf(m: Record<string, unknown>): Conditions {
  return Object.prototype.hasOwnProperty.call(m, '__proto__') ? matchConditions(m) : undefined;
}

/** An empty record: what a copy of the conditions answers for a field that is not one of them. */
const NO_CONDITIONS: Record<string, unknown> = {};

/** `matchConditions(m)[k]`, read from the match itself (see {@link Conditions}). */
function conditionOf(m: Record<string, unknown>, c: Conditions, k: string): unknown {
  if (c) return c[k];
  const v = m[k];
  return isCondition(k, v) ? v : NO_CONDITIONS[k];
}

/** True when StringMatch `a` matches every value StringMatch `b` matches. */
function stringMatchImplies(a: unknown, b: unknown, aIgnoreCase = false, bIgnoreCase = false): boolean {
  const ar = asRecord(a);
  const br = asRecord(b);
  if (!hasOwnKeys(ar)) return isRecord(b); // presence match
  if (bIgnoreCase && !aIgnoreCase) return false;
  if (typeof ar.exact === 'string') return typeof br.exact === 'string' && equalsCase(br.exact, ar.exact, aIgnoreCase);
  if (typeof ar.prefix === 'string') {
    if (typeof br.exact === 'string') return startsWithCase(br.exact, ar.prefix, aIgnoreCase);
    if (typeof br.prefix === 'string') return startsWithCase(br.prefix, ar.prefix, aIgnoreCase);
    return ar.prefix === '';
  }
  if (typeof ar.regex === 'string') {
    if (ar.regex === '.*') return true;
    return typeof br.regex === 'string' && br.regex === ar.regex;
  }
  return false;
}

const equalsCase = (x: string, y: string, ci: boolean): boolean => (ci ? x.toLowerCase() === y.toLowerCase() : x === y);
const startsWithCase = (x: string, p: string, ci: boolean): boolean => (ci ? x.toLowerCase().startsWith(p.toLowerCase()) : x.startsWith(p));

function mapImplies(a: unknown, b: unknown, ci: boolean): boolean {
  const bm = new Map<string, unknown>();
  for (const [k, v] of Object.entries(asRecord(b))) bm.set(ci ? k.toLowerCase() : k, v);
  for (const [k, v] of Object.entries(asRecord(a))) {
    const key = ci ? k.toLowerCase() : k;
    if (!bm.has(key) || !stringMatchImplies(v, bm.get(key))) return false;
  }
  return true;
}

/** True when every request match `b` selects is also selected by the earlier match `a` (conservative). */
function matchImplies(a: Record<string, unknown>, ac: Conditions, b: Record<string, unknown>, bc: Conditions): boolean {
  // ac, bc: conditionsOf a and b, computed once per match by the caller (this runs per pair)
  if (ac) {
    for (const [k, v] of Object.entries(ac)) if (!conditionImplied(a, k, v, b, bc)) return false;
    return true;
  }
  // own keys in Object.keys order, without the list (runs per pair of matches)
  for (const k in a) {
    if (!Object.prototype.hasOwnProperty.call(a, k)) continue;
    const v = a[k];
    if (isCondition(k, v) && !conditionImplied(a, k, v, b, bc)) return false;
  }
  return true;
}

/** True when condition `k` (value `v`) of match `a` holds for every request match `b` selects. */
function conditionImplied(a: Record<string, unknown>, k: string, v: unknown, b: Record<string, unknown>, bc: Conditions): boolean {
  switch (k) {
    case 'uri': {
      const bu = conditionOf(b, bc, 'uri');
      return isSet(bu) && stringMatchImplies(v, bu, a.ignoreUriCase === true, b.ignoreUriCase === true);
    }
    case 'ignoreUriCase':
      return true; // compared with uri
    case 'scheme': case 'method': case 'authority': {
      const bv = conditionOf(b, bc, k);
      return isSet(bv) && stringMatchImplies(v, bv);
    }
    case 'headers':
      return mapImplies(v, conditionOf(b, bc, 'headers'), true);
    case 'queryParams':
      return mapImplies(v, conditionOf(b, bc, 'queryParams'), false);
    case 'sourceLabels': {
      const bl = asRecord(conditionOf(b, bc, 'sourceLabels'));
      for (const [lk, lv] of Object.entries(asRecord(v))) if (bl[lk] !== lv) return false;
      return true;
    }
    case 'gateways': case 'sniHosts': case 'destinationSubnets': {
      const bl = asArray(conditionOf(b, bc, k));
      if (bl.length === 0) return false;
      const al = asArray(v);
      const covered = (x: unknown) => al.some((y) => (k === 'sniHosts' && typeof x === 'string' && typeof y === 'string' ? nameSubsetOf(x, y) : y === x));
      return bl.every(covered);
    }
    default:
      return canonical(v) === canonical(conditionOf(b, bc, k));
  }
}

/** True when the match's only condition (ignoreUriCase aside) is none, or a uri matching every path. */
function isCatchAll(m: Record<string, unknown>): boolean {
  // the conditions of matchConditions, read in place (no copy per match: asked for every match of every rule)
  let uri: unknown;
  for (const k in m) { // own keys in Object.keys order, without the list
    if (!Object.prototype.hasOwnProperty.call(m, k)) continue;
    const v = m[k];
    if (k === 'ignoreUriCase' || !isCondition(k, v)) continue;
    if (k !== 'uri') return false;
    uri = v;
  }
  if (uri === undefined) return true;
  const u = asRecord(uri);
  return u.prefix === '/' || u.prefix === '' || u.regex === '.*';
}

/** istioctl's string form of a StringMatch for the overlap pass: `exact:v`, `prefix:v`; regex (or nothing) → ''. */
function overlapString(v: unknown): string {
  const r = asRecord(v);
  if (typeof r.exact === 'string') return `exact:${r.exact}`;
  if (typeof r.prefix === 'string') return `prefix:${r.prefix}`;
  return '';
}

/** The overlap form of an absent header/query map (most matches have none). */
const NO_MAP: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A prefix match recorded for the overlap pass; the fields compared after the prefix are read on first use. */
interface OverlapMatch {
  readonly path: string;
  readonly prefix: string;
  readonly match: Record<string, unknown>;
  /** {@link overlapRest}, once a pair passes the prefix test (few do: most prefixes do not nest) */
  rest?: OverlapRest;
}

interface OverlapRest {
  readonly port: string;
  readonly method: string;
  readonly authority: string;
  readonly maps: readonly Record<string, string>[];
}

function overlapRecord(m: Record<string, unknown>, path: string): OverlapMatch | undefined {
  const prefix = asString(asRecord(m.uri).prefix);
  if (!prefix) return undefined;
  return { path, prefix, match: m, rest: undefined };
}

function overlapRest(o: OverlapMatch): OverlapRest {
  if (o.rest) return o.rest;
  const m = o.match;
  const mapOf = (x: unknown): Record<string, string> =>
    (isRecord(x) ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, overlapString(v)])) : NO_MAP);
  o.rest = {
    port: String(asNumber(m.port) ?? 0),
    method: isRecord(m.method) ? overlapString(m.method) : 'exact:GET',
    authority: overlapString(m.authority),
    maps: [mapOf(m.headers), mapOf(m.queryParams), mapOf(m.withoutHeaders)],
  };
  return o.rest;
}

/** ISTIOCTL-PARITY §5: B (later) is covered by A (earlier). */
function overlapCovers(ao: OverlapMatch, bo: OverlapMatch): boolean {
  if (ao.prefix === bo.prefix || !bo.prefix.startsWith(ao.prefix)) return false;
  const a = overlapRest(ao);
  const b = overlapRest(bo);
  if (a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return a.maps.every((am, i) => {
    const bm = b.maps[i];
    const ak = Object.keys(am).sort();
    const bk = Object.keys(bm).sort();
    if (ak.join('\u0000') !== bk.join('\u0000')) return false;
    return ak.every((k) => am[k] === bm[k] || am[k].startsWith(bm[k]));
  });
}

/** The match without `name`, serialized with sorted keys (istioctl compares the rest field by field). */
function parityMatchKey(m: Record<string, unknown>): string {
  return canonical(m, 'name');
}

/** A match of the duplicate pass, with its {@link parityMatchKey} once computed. */
interface ParityKeyed {
  readonly match: unknown;
  readonly path: string;
  key: string | undefined;
}

function parityKeyOf(e: ParityKeyed): string {
  return e.key ?? (e.key = parityMatchKey(asRecord(e.match)));
}

const URI_MATCH_FIELDS = ['prefix', 'exact', 'regex'] as const;

/**
 * True when the parity keys of two matches surely differ: both have a uri StringMatch, and a string field of the one
 * is not the same in the other (then their serializations differ). Most matches of a section differ in the uri, so
 * most sections need no key.
 */
function surelyDifferentMatches(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b)) return false;
  const au = a.uri;
  const bu = b.uri;
  if (!isRecord(au) || !isRecord(bu)) return false;
  for (let fAt = 0, fList = URI_MATCH_FIELDS; fAt < fList.length; fAt++) {
    const f = fList[fAt];
    const x = au[f];
    if (typeof x === 'string' && x !== bu[f]) return true;
  }
  return false;
}
/**
 * VS-ORDER-001. IST0130 / IST0131 as istioctl computes them (ISTIOCTL-PARITY §5), per section: a second match-less
 * rule, a rule with matches after a match-less one, a match equal (all fields but `name`) to an earlier one (IST0131),
 * a rule whose matches are all such duplicates (IST0130), and the HTTP prefix overlap pass (IST0131 per covered pair).
 * Uncoded: rules after a catch-all *match* (`prefix: /`) and matches shadowed by broader exact/regex/header matches.
 */
export const VS_ORDER_001 = defineRule({
  id: 'VS-ORDER-001',
  code: 'IST0130',
  severity: Severity.WARNING,
  istioctlLevel: 'IST0131 is info in istioctl — ours warning: the match is dead configuration',
  summary: 'Rules after a match-less rule and duplicate or overlapping matches never hit (IST0130, IST0131); uncoded: rules after a catch-all match, shadowed matches',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      for (let sectionAt = 0, sectionList = SECTIONS; sectionAt < sectionList.length; sectionAt++) {
        const section = sectionList[sectionAt];
        const rules = rulesOf(vs, section);
        if (rules.length > 0) checkSectionOrder(ctx, vs, section, rules); // nothing to walk otherwise
      }
    }
  },
});

/** An earlier match of the uncoded shadowing pass. */
interface EarlierMatch {
  readonly match: Record<string, unknown>;
  readonly cond: Conditions;
  readonly rule: number;
  readonly path: string;
}

/** VS-ORDER-001 on one non-empty section (plain loops, sets and records created only when needed: runs per VS). */
function checkSectionOrder(ctx: RuleContext, vs: IndexedObject, section: Section, rules: readonly RuleAt[]): void {
  let coded: Set<string> | undefined; // paths with a coded finding
  const report = (path: string, code: string, message: string, fix: string) => {
    (coded ??= new Set()).add(path);
    ctx.report({ object: vs, path, code, message, fix });
  };
  // --- istioctl's walk ---
  let matchless: string | undefined;
  // the distinct matches so far, each with its parity key once computed; a match compares with them in order (the
  // first equal one is the one a key → first path map would give), keyed only when no cheap test tells them apart;
  // a map of keys for long sections
  const distinct: ParityKeyed[] = [];
  let seen: Map<string, string> | undefined;
  let recorded: OverlapMatch[] | undefined;
  for (let rAt = 0, rList = rules; rAt < rList.length; rAt++) {
    const r = rList[rAt];
    const matches = asArray(r.rule.match);
    if (matches.length === 0) {
      if (matchless !== undefined) report(r.path, 'IST0130', `${section} rule ${r.path} is never used: only the last rule can have no matches (${matchless} has none)`, `merge it into ${matchless}, or give one of them a match`);
      matchless = r.path;
      continue;
    }
    if (matchless !== undefined) {
      report(r.path, 'IST0130', `${section} rule ${r.path} is never used: the route without matches ${matchless} is defined before it`, `move ${matchless} to the end of spec.${section}`);
      continue;
    }
    let dups = 0;
    for (let j = 0; j < matches.length; j++) {
      const m = matches[j];
      const mp = matchPath(section, r.index, j);
      const entry: ParityKeyed = { match: m, path: mp, key: undefined };
      let dup: string | undefined;
      if (seen === undefined && distinct.length >= 16) {
        seen = new Map();
        for (const e of distinct) seen.set(parityKeyOf(e), e.path);
      }
      if (seen !== undefined) {
        const key = parityKeyOf(entry);
        dup = seen.get(key);
        if (dup === undefined) seen.set(key, mp);
      } else {
        for (let eAt = 0, eList = distinct; eAt < eList.length; eAt++) {
          const e = eList[eAt];
          if (surelyDifferentMatches(e.match, m) || parityKeyOf(e) !== parityKeyOf(entry)) continue;
          dup = e.path;
          break;
        }
        if (dup === undefined) distinct.push(entry);
      }
      if (dup !== undefined) {
        dups++;
        report(mp, 'IST0131', `${section} match ${mp} duplicates ${dup}, so it is never used`, 'remove the duplicate match (or the rule)');
        continue;
      }
      if (section === 'http') {
        const o = overlapRecord(asRecord(m), mp);
        if (o) {
          recorded ??= [];
          if (recorded.length < 500) recorded.push(o);
        }
      }
    }
    if (dups === matches.length) report(r.path, 'IST0130', `${section} rule ${r.path} is never used: all its matches are used by prior rules`, 'remove the rule or reorder the rules');
  }
  if (recorded) {
    for (let i = 0; i < recorded.length; i++) {
      for (let j = i + 1; j < recorded.length; j++) {
        if (!overlapCovers(recorded[i], recorded[j])) continue;
        report(recorded[j].path, 'IST0131', `${section} match ${recorded[j].path} is covered by the earlier prefix match ${recorded[i].path}, so it is never used`, `move this rule before ${recorded[i].path.replace(/\.match\[\d+\]$/, '')} or make the earlier match more specific`);
      }
    }
  }
  // --- knowledge beyond istioctl (uncoded) ---
  const earlier: EarlierMatch[] = [];
  let catchAll: string | undefined;
  for (let rAt = 0, rList = rules; rAt < rList.length; rAt++) {
    const r = rList[rAt];
    const matches = asArray(r.rule.match);
    if (matches.length === 0) break; // istioctl's walk covers what follows a match-less rule
    if (catchAll !== undefined) {
      if (!coded?.has(r.path)) {
        ctx.report({
          object: vs,
          path: r.path,
          code: '',
          message: `${section} rule ${r.path} is never used: ${catchAll} before it matches every request`,
          fix: `move the catch-all rule ${catchAll} to the end of spec.${section}, or give it a match`,
        });
      }
      continue;
    }
    let anyCatchAll = false;
    for (let j = 0; j < matches.length; j++) {
      const m = matches[j];
      if (!isRecord(m)) continue;
      if (!anyCatchAll && isCatchAll(m)) anyCatchAll = true;
      const mp = matchPath(section, r.index, j);
      const cond = conditionsOf(m);
      let shadow: EarlierMatch | undefined;
      if (!coded?.has(mp) && earlier.length <= 500) {
        for (let eAt = 0, eList = earlier; eAt < eList.length; eAt++) {
          const e = eList[eAt];
          if (e.rule !== r.index && matchImplies(e.match, e.cond, m, cond)) {
            shadow = e;
            break;
          }
        }
      }
      if (shadow) {
        ctx.report({ object: vs, path: mp, code: '', message: `${section} match ${mp} is shadowed by the broader earlier match ${shadow.path}, so it is never used`, fix: `move this rule before ${shadow.path.replace(/\.match\[\d+\]$/, '')} or make the earlier match more specific` });
        continue;
      }
      earlier.push({ match: m, cond, rule: r.index, path: mp });
    }
    if (anyCatchAll) catchAll = `${r.path} (catch-all match)`;
  }
}

export const VS_EXP_001 = defineRule({
  id: 'VS-EXP-001',
  severity: Severity.ERROR,
  summary: 'exportTo: no duplicates; `*` alone; `.`, `*` or namespace names (no `~`)',
  check(ctx) {
    for (let vsAt = 0, vsList = ownVirtualServices(ctx.index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const list = asArray(vs.spec.exportTo);
      if (list.length === 0) continue; // nothing to check (most): no map per VirtualService
      const ns = nsOf(ctx.index, vs);
      const seen = new Map<string, string>();
      list.forEach((e, i) => {
        if (typeof e !== 'string') return;
        const p = `spec.exportTo[${i}]`;
        const key = e === '.' ? ns : e;
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.report({ object: vs, path: p, message: first !== e ? `exportTo lists both "." and the own namespace ${q(ns)}` : `exportTo lists ${q(e)} twice`, fix: 'remove the duplicate entry' });
          return;
        }
        if (e === '~') {
          ctx.report({ object: vs, path: p, message: 'exportTo "~" (no namespace) is not allowed for a virtual service', fix: 'use "." to keep it in its namespace, or delete the virtual service' });
          return;
        }
        if (e !== '*' && e !== '.' && !isIstioDnsLabel(e)) {
          ctx.report({ object: vs, path: p, message: `exportTo ${q(e)} is not ".", "*" or a namespace name`, fix: 'use ".", "*" or namespace names' });
          return;
        }
        seen.set(key, e);
      });
      if (seen.has('*') && seen.size > 1) {
        ctx.report({ object: vs, path: `spec.exportTo[${list.indexOf('*')}]`, message: `exportTo mixes "*" with other entries ${q(list.filter((e) => e !== '*'))}`, fix: 'use ["*"] alone to export everywhere, or list only the namespaces' });
      }
    }
  },
});

/** VS-* rules in spec order. */
export const VIRTUAL_SERVICE_RULES: readonly Rule[] = [
  VS_DEL_001, VS_GW_001, VS_HOST_001, VS_HOST_002, VS_HOST_003, VS_RT_001, VS_HTTP_001, VS_HTTP_002, VS_HTTP_003,
  VS_HTTP_004, VS_HTTP_005, VS_MATCH_001, VS_MATCH_002, VS_DEST_001, VS_W_001, VS_W_002, VS_TLS_001, VS_TCP_001,
  VS_ORDER_001, VS_EXP_001,
];
