/**
 * DR-* (webhook/CRD validation of one DestinationRule) and DRX-* (cross-resource) rules: sections 6 of
 * shared/ISTIO-RULES.md.
 *
 * A DestinationRule carries traffic policies in several places; every DR-* rule walks all of them: `spec.trafficPolicy`,
 * its `portLevelSettings[j]`, `spec.subsets[i].trafficPolicy` and that one's `portLevelSettings[j]`.
 */
import { Severity } from '../findings';
import { hostCovers, isDnsLabel, isDnsSubdomain, isIpAddress } from '../hosts';
import { DrHost, destinationRuleHosts, restrictedDestinationRuleHosts } from '../index/destination-rules';
import { HostIndex } from '../index/host-index';
import { GatewayRef, IndexedObject, MeshIndex, ServiceInfo, WorkloadInfo, allOrSome } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, asStringArray, asStringMap, isRecord, selectorMatches } from '../model';
import { RuleContext, defineRule } from '../rule';
import { RuleAt, destinationsOf, rulesOf } from './virtual-service';

const q = (v: unknown) => JSON.stringify(v);

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------------

/** Istio DestinationRules, oldest first. */
function destinationRules(index: MeshIndex): readonly IndexedObject[] {
  let l = drListCache.get(index);
  if (!l) {
    l = index.ofKind('DestinationRule').filter((d) => d.group === 'networking.istio.io');
    drListCache.set(index, l);
  }
  return l;
}

/** {@link destinationRules}, filtered once per index (every DR rule starts from it). */
const drListCache = new WeakMap<MeshIndex, readonly IndexedObject[]>();

/** One place a traffic policy can sit. */
interface PolicyAt {
  readonly dr: IndexedObject;
  readonly policy: Record<string, unknown>;
  /** `spec.trafficPolicy`, `spec.trafficPolicy.portLevelSettings[0]`, `spec.subsets[1].trafficPolicy`, … */
  readonly path: string;
  readonly level: 'top' | 'port' | 'subset' | 'subset-port';
}

/** Every trafficPolicy and portLevelSettings entry (records only) of the own DestinationRules, in order. */
function policies(index: MeshIndex): readonly PolicyAt[] {
  // listed once per index: six rules walk them, and most DestinationRules have no policy at all
  let out = policyCache.get(index);
  if (!out) {
    const list: PolicyAt[] = [];
    for (const dr of destinationRules(index)) {
      if (dr.isContext) continue;
      addPolicy(list, dr, dr.spec.trafficPolicy, undefined);
      const subsets = asArray(dr.spec.subsets);
      for (let i = 0; i < subsets.length; i++) {
        const s = subsets[i];
        if (isRecord(s) && isRecord(s.trafficPolicy)) addPolicy(list, dr, s.trafficPolicy, i);
      }
    }
    policyCache.set(index, (out = list));
  }
  return out;
}
const policyCache = new WeakMap<MeshIndex, readonly PolicyAt[]>();

function addPolicy(out: PolicyAt[], dr: IndexedObject, tp: unknown, subset: number | undefined): void {
  if (!isRecord(tp)) return;
  const inSubset = subset !== undefined;
  const path = inSubset ? `spec.subsets[${subset}].trafficPolicy` : 'spec.trafficPolicy';
  out.push({ dr, policy: tp, path, level: inSubset ? 'subset' : 'top' });
  asArray(tp.portLevelSettings).forEach((p, j) => {
    if (isRecord(p)) out.push({ dr, policy: p, path: `${path}.portLevelSettings[${j}]`, level: inSubset ? 'subset-port' : 'port' });
  });
}

/** Calls `fn` for every trafficPolicy and portLevelSettings entry (records only) of every own DestinationRule. */
function eachPolicy(ctx: RuleContext, fn: (p: PolicyAt) => void): void {
  for (const p of policies(ctx.index)) fn(p);
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;

/** Milliseconds of a Go/protobuf duration string (`1.5s`, `1m30s`, `100ms`), or undefined when it does not parse. */
export function durationMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  let rest = v;
  let total = 0;
  while (rest.length > 0) {
    const m = DURATION.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** A problem with a duration field (≥ 1ms), or undefined when it is fine or absent. */
function durationProblem(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const ms = durationMs(v);
  if (ms === undefined) return `${q(v)} is not a duration (use e.g. "10s", "500ms", "1m")`;
  if (ms < 1) return `${q(v)} is shorter than 1ms`;
  return undefined;
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let i = 3; i * i <= n; i += 2) if (n % i === 0) return false;
  return true;
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why a label key/value pair is invalid (Kubernetes label syntax), or undefined. */
function labelProblem(k: string, v: unknown): string | undefined {
  const name = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
  const prefix = k.includes('/') ? k.slice(0, k.indexOf('/')) : undefined;
  if (!QUALIFIED_NAME.test(k) || name.length > 63 || (prefix !== undefined && (prefix.length > 253 || !isDnsSubdomain(prefix)))) {
    return `label key ${q(k)} is not a valid qualified name`;
  }
  if (typeof v !== 'string') return `label ${k} has non-string value ${q(v)}`;
  if (v.length > 63 || !LABEL_VALUE.test(v)) return `label value ${q(v)} of ${k} is not a valid label value`;
  if (v === '*' || v.includes('*')) return `label ${k} uses a wildcard value`;
  return undefined;
}

/** {@link labelProblem} of string label pairs, each pair judged once. */
class LabelProblems {
  /** null: judged, no problem (one map read per known pair) */
  private readonly byKey = new Map<string, Map<string, string | null>>();

  public problem(k: string, v: string): string | undefined {
    let byValue = this.byKey.get(k);
    if (!byValue) this.byKey.set(k, (byValue = new Map()));
    const known = byValue.get(v);
    if (known !== undefined) return known ?? undefined;
    const p = labelProblem(k, v);
    byValue.set(v, p ?? null);
    return p;
  }
}

/** A DR with its host resolved in its namespace. */
interface ResolvedDr {
  readonly dr: IndexedObject;
  readonly namespace: string;
  /** The raw `spec.host`. */
  readonly host: string;
  /** Resolved FQDN (short names → `<h>.<ns>.svc.cluster.local`). */
  readonly fqdn: string;
}

interface DrFacts {
  /** DestinationRules with a valid host. */
  readonly resolved: readonly ResolvedDr[];
}

const drFactsCache = new WeakMap<MeshIndex, DrFacts>();

function drFacts(index: MeshIndex): DrFacts {
  let f = drFactsCache.get(index);
  if (f) return f;
  // the shared DestinationRule hosts (index/destination-rules.ts), without the invalid ones
  const resolved: ResolvedDr[] = [];
  for (const r of destinationRuleHosts(index).all) if (r.valid) resolved.push(r);
  f = { resolved };
  drFactsCache.set(index, f);
  return f;
}

/**
 * Service name → namespaces of the Services with that name (for short-name hints), built on the first short
 * DestinationRule host: most inputs use FQDNs and never need it.
 */
function serviceNamespaces(index: MeshIndex): Map<string, string[]> {
  let m = serviceNamespacesCache.get(index);
  if (!m) {
    m = new Map<string, string[]>();
    for (const s of index.ofKind('Service')) {
      if (s.group !== '' || !s.namespace) continue;
      const l = m.get(s.name);
      if (l) l.push(s.namespace);
      else m.set(s.name, [s.namespace]);
    }
    serviceNamespacesCache.set(index, m);
  }
  return m;
}
const serviceNamespacesCache = new WeakMap<MeshIndex, Map<string, string[]>>();

const SVC_SUFFIX = '.svc.cluster.local';

/**
 * DRX-SUB-001 (open world): the own DestinationRules with a valid host that names (lower-cased, as
 * `name.namespace.svc.cluster.local`) a Service of the input in a namespace with pods or pod templates, with that
 * Service, in input order. Found from those Services' hosts, not by reading every DestinationRule: most namespaces
 * have no pod in the input (no pod to match: the usual namespace of a Service alone).
 */
function drsOfServicesWithPods(index: MeshIndex): { r: DrHost; svc: ServiceInfo }[] {
  const byFqdn = destinationRuleHosts(index).byFqdn;
  const podNamespaces = new Set<string>();
  for (const p of index.pods()) podNamespaces.add(p.namespace);
  const out: { r: DrHost; svc: ServiceInfo }[] = [];
  for (const ns of podNamespaces) {
    if (!isHostLabel(ns)) continue;
    for (const svc of index.servicesIn(ns)) {
      // the Service that index.service() answers for the name (the last one of that name), once
      if (!isHostLabel(svc.name) || index.service(ns, svc.name) !== svc) continue;
      // the DestinationRules whose host lower-cases to exactly this one
      for (const r of byFqdn.itemsAt(`${svc.name}.${ns}${SVC_SUFFIX}`)) {
        if (r.valid && !r.dr.isContext) out.push({ r, svc });
      }
    }
  }
  return out.length > 1 ? out.sort((a, b) => a.r.seq - b.r.seq) : out;
}

/** A label of a lower-cased cluster-local host: non-empty, without dots, lower case. */
function isHostLabel(s: string): boolean {
  return s !== '' && !s.includes('.') && s === s.toLowerCase();
}

/** True for a record without keys (no key list made). */
function isEmpty(o: Record<string, unknown>): boolean {
  for (const _ in o) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// DR-*: one DestinationRule
// ---------------------------------------------------------------------------------------------------------------

export const DR_HOST_001 = defineRule({
  id: 'DR-HOST-001',
  severity: Severity.ERROR,
  summary: 'host is a valid (wildcard) host; a short host resolves in the DestinationRule\'s namespace',
  check(ctx) {
    // the hosts as the shared DestinationRule hosts classified them (index/destination-rules.ts): the same
    // DestinationRules in the same order, less those without a non-empty host, so read in step
    const hosts = destinationRuleHosts(ctx.index).all;
    let j = 0;
    for (const dr of destinationRules(ctx.index)) {
      const r = j < hosts.length && hosts[j].dr === dr ? hosts[j++] : undefined;
      if (dr.isContext) continue;
      if (!r) {
        const host = dr.spec.host;
        ctx.report({ object: dr, path: 'spec.host', message: `spec.host ${host === undefined ? 'is missing' : `${q(host)} is not a host`}`, fix: 'set spec.host to the service, e.g. reviews.bookinfo.svc.cluster.local' });
        continue;
      }
      const host = r.host;
      const c = r.hostClass;
      if ('invalid' in c) {
        ctx.report({ object: dr, path: 'spec.host', message: `host ${q(host)} ${c.invalid}`, fix: 'use a service name, an FQDN, or a wildcard such as *.example.com' });
        continue;
      }
      if (c.kind !== 'short') continue;
      const ns = dr.namespace ?? ctx.index.defaultNamespace;
      const elsewhere = (serviceNamespaces(ctx.index).get(host) ?? []).filter((n) => n !== ns);
      if (elsewhere.length === 0 || ctx.index.service(ns, host)) continue;
      ctx.report({
        object: dr,
        path: 'spec.host',
        message: `short host ${q(host)} resolves to ${host}.${ns}.svc.cluster.local (the DestinationRule's namespace), but service ${host} is in ${elsewhere.sort().join(', ')}`,
        fix: `use the FQDN ${host}.${elsewhere[0]}.svc.cluster.local`,
      });
    }
  },
});

const POLICY_FIELDS = ['connectionPool', 'outlierDetection', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol'];
const PORT_POLICY_FIELDS = ['connectionPool', 'outlierDetection', 'loadBalancer', 'tls'];

export const DR_TP_001 = defineRule({
  id: 'DR-TP-001',
  severity: Severity.ERROR,
  summary: 'trafficPolicy is non-empty; portLevelSettings need a port and a field; tunnel xor proxyProtocol',
  check(ctx) {
    eachPolicy(ctx, ({ dr, policy, path, level }) => {
      const port = level === 'port' || level === 'subset-port';
      const fields = port ? PORT_POLICY_FIELDS : POLICY_FIELDS;
      if (!fields.some((k) => policy[k] !== undefined && policy[k] !== null)) {
        ctx.report({
          object: dr,
          path,
          message: port ? `${path} sets no policy (needs connectionPool, outlierDetection, loadBalancer or tls)` : `${path} is empty`,
          fix: port ? 'add a policy for the port or remove the entry' : 'set a policy (connectionPool, outlierDetection, loadBalancer, tls, …) or remove trafficPolicy',
        });
      }
      if (port) {
        const n = asRecord(policy.port).number;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
          ctx.report({ object: dr, path: `${path}.port`, message: `${path}.port.number ${n === undefined ? 'is missing' : `${q(n)} is not a port in 1–65535`}`, fix: 'set port: {number: <service port>}' });
        }
      }
      if (isRecord(policy.tunnel) && policy.proxyProtocol !== undefined && policy.proxyProtocol !== null) {
        ctx.report({ object: dr, path: `${path}.tunnel`, message: 'tunnel and proxyProtocol are both set', fix: 'use either tunnel or proxyProtocol' });
      }
      if (isRecord(policy.tunnel)) {
        const t = policy.tunnel;
        if (typeof t.targetHost !== 'string' || t.targetHost === '') {
          ctx.report({ object: dr, path: `${path}.tunnel.targetHost`, message: 'tunnel.targetHost is missing', fix: 'set the host the tunnel connects to' });
        }
        const tp = t.targetPort;
        if (typeof tp !== 'number' || !Number.isInteger(tp) || tp < 1 || tp > 65535) {
          ctx.report({ object: dr, path: `${path}.tunnel.targetPort`, message: `tunnel.targetPort ${tp === undefined ? 'is missing' : `${q(tp)} is not a port`}`, fix: 'set tunnel.targetPort (1–65535)' });
        }
        const proto = asString(t.protocol);
        if (proto !== undefined && !['CONNECT', 'POST'].includes(proto.toUpperCase())) {
          ctx.report({ object: dr, path: `${path}.tunnel.protocol`, message: `tunnel.protocol ${q(proto)} is not CONNECT or POST`, fix: 'use CONNECT (default) or POST' });
        }
      }
    });
  },
});

const POOL_COUNTS: [string, string][] = [
  ['tcp', 'maxConnections'], ['http', 'http1MaxPendingRequests'], ['http', 'http2MaxRequests'],
  ['http', 'maxRequestsPerConnection'], ['http', 'maxRetries'], ['http', 'maxConcurrentStreams'],
];
const POOL_DURATIONS: string[][] = [
  ['tcp', 'connectTimeout'], ['tcp', 'idleTimeout'], ['tcp', 'maxConnectionDuration'], ['tcp', 'tcpKeepalive', 'time'],
  ['tcp', 'tcpKeepalive', 'interval'], ['http', 'idleTimeout'], ['http', 'http2KeepAlive', 'interval'], ['http', 'http2KeepAlive', 'timeout'],
];

function dig(o: Record<string, unknown>, keys: string[]): unknown {
  let cur: unknown = o;
  for (const k of keys) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export const DR_POOL_001 = defineRule({
  id: 'DR-POOL-001',
  severity: Severity.ERROR,
  summary: 'connectionPool has tcp or http; counts ≥ 0; durations ≥ 1ms; http2KeepAlive needs interval and timeout',
  check(ctx) {
    eachPolicy(ctx, ({ dr, policy, path }) => {
      const pool = policy.connectionPool;
      if (pool === undefined || pool === null) return;
      const base = `${path}.connectionPool`;
      if (!isRecord(pool) || (!isRecord(pool.tcp) && !isRecord(pool.http))) {
        ctx.report({ object: dr, path: base, message: `${base} sets neither tcp nor http`, fix: 'set connectionPool.tcp and/or connectionPool.http, or remove connectionPool' });
        return;
      }
      for (const [sec, key] of POOL_COUNTS) {
        const v = dig(pool, [sec, key]);
        if (v === undefined || v === null || isCount(v)) continue;
        ctx.report({ object: dr, path: `${base}.${sec}.${key}`, message: `${sec}.${key} ${q(v)} is not a count ≥ 0`, fix: `set ${key} to a non-negative integer (0 = envoy default)` });
      }
      for (const keys of POOL_DURATIONS) {
        const p = durationProblem(dig(pool, keys));
        if (p) ctx.report({ object: dr, path: `${base}.${keys.join('.')}`, message: `${keys.join('.')} ${p}`, fix: 'use a duration of at least 1ms, e.g. "30s"' });
      }
      const ka = dig(pool, ['http', 'http2KeepAlive']);
      if (isRecord(ka)) {
        for (const k of ['interval', 'timeout']) {
          if (ka[k] === undefined || ka[k] === null) {
            ctx.report({ object: dr, path: `${base}.http.http2KeepAlive`, message: `http.http2KeepAlive has no ${k}`, fix: 'set both http2KeepAlive.interval and http2KeepAlive.timeout' });
          }
        }
      }
    });
  },
});

const SIMPLE_LB = new Set(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']);

export const DR_POL_001 = defineRule({
  id: 'DR-POL-001',
  severity: Severity.ERROR,
  summary: 'outlierDetection (local-origin needs split, 0–100 %, durations) and loadBalancer (cookie, prime maglev, locality xor zoneAware) are valid',
  check(ctx) {
    eachPolicy(ctx, ({ dr, policy, path }) => {
      const report = (p: string, message: string, fix: string) => ctx.report({ object: dr, path: p, message, fix });
      const od = policy.outlierDetection;
      if (isRecord(od)) {
        const b = `${path}.outlierDetection`;
        const lof = od.consecutiveLocalOriginFailures;
        if (typeof lof === 'number' && lof > 0 && od.splitExternalLocalOriginErrors !== true) {
          report(`${b}.consecutiveLocalOriginFailures`, `consecutiveLocalOriginFailures ${lof} is set but splitExternalLocalOriginErrors is not true, so it is ignored`, 'set splitExternalLocalOriginErrors: true or remove consecutiveLocalOriginFailures');
        }
        for (const k of ['maxEjectionPercent', 'minHealthPercent']) {
          const v = od[k];
          if (v !== undefined && v !== null && !(typeof v === 'number' && v >= 0 && v <= 100)) report(`${b}.${k}`, `${k} ${q(v)} is not a percentage in 0–100`, `set ${k} between 0 and 100`);
        }
        for (const k of ['consecutiveErrors', 'consecutive5xxErrors', 'consecutiveGatewayErrors', 'consecutiveLocalOriginFailures']) {
          const v = od[k];
          if (v !== undefined && v !== null && !isCount(v)) report(`${b}.${k}`, `${k} ${q(v)} is not a count ≥ 0`, `set ${k} to a non-negative integer`);
        }
        for (const k of ['interval', 'baseEjectionTime']) {
          const p = durationProblem(od[k]);
          if (p) report(`${b}.${k}`, `${k} ${p}`, 'use a duration of at least 1ms, e.g. "10s"');
        }
      }
      const lb = policy.loadBalancer;
      if (!isRecord(lb)) return;
      const b = `${path}.loadBalancer`;
      const simple = lb.simple;
      if (simple !== undefined && (typeof simple !== 'string' || !SIMPLE_LB.has(simple))) {
        report(`${b}.simple`, `loadBalancer.simple ${q(simple)} is not a load balancer`, `use one of ${Array.from(SIMPLE_LB).slice(1).join(', ')}`);
      }
      const ch = lb.consistentHash;
      if (isRecord(ch)) {
        const cookie = ch.httpCookie;
        if (isRecord(cookie)) {
          if (typeof cookie.name !== 'string' || cookie.name === '') report(`${b}.consistentHash.httpCookie.name`, 'httpCookie has no name', 'set httpCookie.name, e.g. "session"');
          if (cookie.ttl === undefined || cookie.ttl === null) report(`${b}.consistentHash.httpCookie.ttl`, 'httpCookie has no ttl', 'set httpCookie.ttl ("0s" for a session cookie)');
        }
        const maglev = ch.maglev;
        if (isRecord(maglev) && maglev.tableSize !== undefined) {
          const t = maglev.tableSize;
          const n = typeof t === 'string' && /^\d+$/.test(t) ? Number(t) : asNumber(t);
          if (n === undefined || !Number.isInteger(n) || n <= 0 || n >= 5000011 || !isPrime(n)) {
            report(`${b}.consistentHash.maglev.tableSize`, `maglev.tableSize ${q(t)} is not a prime below 5000011`, 'use a prime such as 65537 (the envoy default)');
          }
        }
        if (ch.minimumRingSize !== undefined && (isRecord(ch.maglev) || isRecord(ch.ringHash))) {
          report(`${b}.consistentHash.minimumRingSize`, 'minimumRingSize is set together with maglev/ringHash', 'use ringHash.minimumRingSize only');
        }
      }
      if (isRecord(lb.localityLbSetting) && isRecord(lb.zoneAwareLbSetting)) {
        report(`${b}.zoneAwareLbSetting`, 'localityLbSetting and zoneAwareLbSetting are both set', 'use one of localityLbSetting or zoneAwareLbSetting');
      }
      const loc = lb.localityLbSetting;
      if (isRecord(loc) && asArray(loc.distribute).length > 0 && asArray(loc.failover).length > 0) {
        report(`${b}.localityLbSetting`, 'localityLbSetting sets both distribute and failover', 'use either distribute or failover');
      }
    });
  },
});

export const DR_SUB_001 = defineRule({
  id: 'DR-SUB-001',
  severity: Severity.ERROR,
  summary: 'Subset names are unique DNS-1123 labels; subset labels are valid',
  check(ctx) {
    // subsets repeat the same few labels (version: v1, …): each pair is judged once
    const knownLabels = new LabelProblems();
    for (const dr of destinationRules(ctx.index)) {
      if (dr.isContext) continue;
      const subsets = asArray(dr.spec.subsets);
      // first index of each valid name: a scan of the earlier subsets for the usual few, a map for long lists
      const seen = subsets.length > 16 ? new Map<string, number>() : undefined;
      for (let i = 0; i < subsets.length; i++) {
        const s = subsets[i];
        if (!isRecord(s)) {
          const path = `spec.subsets[${i}]`;
          ctx.report({ object: dr, path, message: `${path} is not an object`, fix: 'write subsets as {name, labels}' });
          continue;
        }
        const name = s.name;
        if (typeof name !== 'string' || !isDnsLabel(name)) {
          ctx.report({ object: dr, path: `spec.subsets[${i}].name`, message: `subset name ${name === undefined ? 'is missing' : `${q(name)} is not a DNS-1123 label`}`, fix: 'name the subset with lowercase letters, digits and \'-\', e.g. v1' });
        } else {
          const first = seen ? seen.get(name) : firstNamed(subsets, i, name);
          if (first !== undefined) {
            ctx.report({ object: dr, path: `spec.subsets[${i}].name`, message: `subset name ${q(name)} is already used by spec.subsets[${first}]`, fix: 'give each subset a unique name' });
          } else {
            seen?.set(name, i);
          }
        }
        const labels = s.labels;
        if (labels !== undefined && labels !== null) {
          if (!isRecord(labels)) {
            ctx.report({ object: dr, path: `spec.subsets[${i}].labels`, message: `subset labels ${q(labels)} is not a map`, fix: 'write labels as a map, e.g. {version: v1}' });
            continue;
          }
          for (const k in labels) {
            const v = labels[k];
            const p = typeof v === 'string' ? knownLabels.problem(k, v) : labelProblem(k, v);
            if (p) ctx.report({ object: dr, path: `spec.subsets[${i}].labels`, message: p, fix: 'use Kubernetes label syntax (the subset selects pods by label)' });
          }
        }
      }
    }
  },
});

/**
 * DR-SUB-001: the first of `subsets[0..i)` named `name` (a valid name, so that subset's name was valid too), or
 * undefined.
 */
function firstNamed(subsets: readonly unknown[], i: number, name: string): number | undefined {
  for (let j = 0; j < i; j++) {
    const s = subsets[j];
    if (isRecord(s) && s.name === name) return j;
  }
  return undefined;
}

const TLS_MODES = new Set(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']);

export const DR_TLS_001 = defineRule({
  id: 'DR-TLS-001',
  severity: Severity.ERROR,
  summary: 'Client TLS: credentialName excludes cert/key/CA/CRL; insecureSkipVerify excludes CA/SANs; MUTUAL without credentialName needs cert+key',
  check(ctx) {
    eachPolicy(ctx, ({ dr, policy, path }) => {
      const tls = policy.tls;
      if (!isRecord(tls)) return;
      const b = `${path}.tls`;
      const set = (k: string) => tls[k] !== undefined && tls[k] !== null && tls[k] !== '';
      const mode = asString(tls.mode);
      if (tls.mode !== undefined && (mode === undefined || !TLS_MODES.has(mode))) {
        ctx.report({ object: dr, path: `${b}.mode`, message: `tls.mode ${q(tls.mode)} is not a client tls mode`, fix: 'use DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL' });
      }
      if (set('credentialName')) {
        const clash = ['clientCertificate', 'privateKey', 'caCertificates', 'caCrl'].filter(set);
        if (clash.length > 0) {
          ctx.report({ object: dr, path: `${b}.credentialName`, message: `tls.credentialName ${q(tls.credentialName)} is set together with ${clash.join(', ')}`, fix: 'put the certificate, key and CA in the credential secret (tls.crt, tls.key, ca.crt) and drop the file fields' });
        }
      }
      if (tls.insecureSkipVerify === true) {
        const clash = ['caCertificates'].filter(set);
        if (asArray(tls.subjectAltNames).length > 0) clash.push('subjectAltNames');
        if (clash.length > 0) {
          ctx.report({ object: dr, path: `${b}.insecureSkipVerify`, message: `tls.insecureSkipVerify is true together with ${clash.join(', ')}, which it disables`, fix: 'remove insecureSkipVerify to verify the server, or remove the verification fields' });
        }
      }
      if (mode === 'MUTUAL' && !set('credentialName')) {
        const missing = ['clientCertificate', 'privateKey'].filter((k) => !set(k));
        if (missing.length > 0) {
          ctx.report({ object: dr, path: b, message: `tls.mode MUTUAL without credentialName needs ${missing.join(' and ')}`, fix: 'set tls.credentialName to a secret with the client certificate, or set clientCertificate and privateKey' });
        }
      }
    });
  },
});

export const DR_SEL_001 = defineRule({
  id: 'DR-SEL-001',
  severity: Severity.ERROR,
  summary: 'A DestinationRule with workloadSelector exports only to its own namespace',
  check(ctx) {
    for (const dr of destinationRules(ctx.index)) {
      if (dr.isContext || !isRecord(dr.spec.workloadSelector)) continue;
      const exportTo = dr.spec.exportTo;
      const list = asStringArray(exportTo);
      if (exportTo === undefined || exportTo === null || list.length === 0) {
        // default exportTo is "*" (mesh-wide): the webhook rejects it with a workloadSelector only when explicit;
        // istiod treats an absent exportTo with workloadSelector as the own namespace.
        continue;
      }
      list.forEach((e, k) => {
        if (e === '.' || e === dr.namespace) return;
        ctx.report({ object: dr, path: `spec.exportTo[${k}]`, message: `exportTo ${q(e)} is not allowed with workloadSelector`, fix: 'set exportTo: ["."] (a workload-scoped DestinationRule applies only in its namespace)' });
      });
    }
  },
});

// ---------------------------------------------------------------------------------------------------------------
// DRX-*: cross-resource
// ---------------------------------------------------------------------------------------------------------------

export const DRX_HOST_001 = defineRule({
  id: 'DRX-HOST-001',
  code: 'IST0174',
  severity: Severity.ERROR,
  istioctlLevel: 'warning — ours error when the host is a mistyped or partial name of a Service in the input (the rule applies to nothing while traffic goes on unpoliced)',
  needsContext: true,
  summary: 'The DestinationRule host matches a Service or ServiceEntry (IST0174: istioctl\'s scoped lookup with the DR exportTo; open world: only for namespaces the input describes)',
  check(ctx) {
    const index = ctx.index;
    for (const r of drFacts(index).resolved) {
      if (r.dr.isContext) continue;
      if (index.lookupScoped(r.namespace, asStringArray(r.dr.spec.exportTo), r.host)) continue;
      if (index.closedWorld) {
        ctx.report({
          object: r.dr,
          path: 'spec.host',
          severity: Severity.WARNING,
          message: `host ${q(r.host)} matches no Service or ServiceEntry of the input visible to the DestinationRule, so it applies to nothing`,
          fix: 'fix the host name, or add the Service / a ServiceEntry for it',
        });
        continue;
      }
      if (r.fqdn.startsWith('*') || isIpAddress(r.fqdn)) continue;
      const hidden = index.registryEntries(r.fqdn);
      if (hidden.length > 0) {
        ctx.report({
          object: r.dr,
          path: 'spec.host',
          message: `host ${q(r.fqdn)} is defined by ${hidden[0].object?.kind ?? 'a service'} ${hidden[0].namespace}/${hidden[0].object?.name ?? ''} but not exported to namespace ${r.namespace}`,
          fix: `add ${r.namespace} to the exportTo of that ServiceEntry, or move the DestinationRule`,
        });
        continue;
      }
      const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(r.fqdn.toLowerCase());
      if (m) {
        const known = index.servicesIn(m[2]).filter((s) => s.origin === 'manifest').map((s) => s.name);
        if (known.length === 0) continue; // that namespace is not described by the input
        ctx.report({
          object: r.dr,
          path: 'spec.host',
          message: `host ${q(r.host)} (${r.fqdn}) matches no service in ${m[2]} (services there: ${known.slice(0, 5).sort().join(', ')}${known.length > 5 ? ', …' : ''})`,
          fix: 'fix the host name, or create the Service',
        });
        continue;
      }
      const two = /^([^.]+)\.([^.]+)$/.exec(r.fqdn.toLowerCase());
      const hint = two && index.service(two[2], two[1]) ? `; did you mean ${two[1]}.${two[2]}.svc.cluster.local?` : '';
      ctx.report({
        object: r.dr,
        path: 'spec.host',
        severity: hint ? Severity.ERROR : Severity.WARNING,
        message: `host ${q(r.fqdn)} matches no Service or ServiceEntry in the input, so the DestinationRule applies to nothing${hint}`,
        fix: hint ? `use the FQDN ${two![1]}.${two![2]}.svc.cluster.local` : `add a ServiceEntry for ${r.fqdn} (external hosts need one for DestinationRules to apply)`,
      });
    }
  },
});

/**
 * (host, subset) pairs some VirtualService route or mirror sends traffic to, keyed `fqdn|subset` (short hosts resolved
 * in the VirtualService namespace, lower-cased).
 */
function targetedSubsets(index: MeshIndex): Set<string> {
  let out = targetedCache.get(index);
  if (!out) {
    out = new Set();
    for (const vs of index.ofKind('VirtualService')) {
      if (vs.group !== 'networking.istio.io') continue;
      const ns = vs.namespace ?? index.defaultNamespace;
      for (const d of destinationsOf(vs)) {
        const host = asString(d.destination.host);
        const subset = asString(d.destination.subset);
        if (host && subset) out.add(`${index.resolveHost(host, ns).toLowerCase()}|${subset}`);
      }
    }
    targetedCache.set(index, out);
  }
  return out;
}
const targetedCache = new WeakMap<MeshIndex, Set<string>>();

/** Pod labels augmented with the topology of their Node (ISTIOCTL-PARITY §15). */
function augmentedPodLabels(index: MeshIndex): Record<string, string>[] {
  return index.pods().map((p) => {
    if (!p.nodeName) return p.labels;
    const labels: Record<string, string> = { ...p.labels, 'kubernetes.io/hostname': p.nodeName };
    const node = index.get('Node', undefined, p.nodeName);
    if (node) {
      const region = node.labels['topology.kubernetes.io/region'];
      const zone = node.labels['topology.kubernetes.io/zone'];
      const subzone = node.labels['topology.istio.io/subzone'];
      if (region) labels['topology.kubernetes.io/region'] = region;
      if (zone) {
        labels['topology.kubernetes.io/zone'] = zone;
        if (subzone) labels['topology.istio.io/subzone'] = subzone;
      }
    }
    return labels;
  });
}

const SUBSET_FIX = 'fix the subset labels to match pod labels, or deploy the missing version; routes to this subset get 503 (no healthy upstream)';

/**
 * DRX-SUB-001 (IST0173). Severity rule: a subset that selects no pods is an error only when a VirtualService route or
 * mirror sends traffic to it (503 no healthy upstream); otherwise a warning (istioctl: Error), as in Istio's own
 * destination-rule-all.yaml, which defines subsets for versions not deployed.
 *
 * Closed world (ISTIOCTL-PARITY §15): DestinationRules whose host the scoped registry lookup finds; every Pod in the
 * input, in any namespace, with Node topology labels; the subset selector merges a ServiceEntry workloadSelector.
 * Open world: Pods and pod templates of the host's Service, in its namespace, checked only when some are in the input.
 */
export const DRX_SUB_001 = defineRule({
  id: 'DRX-SUB-001',
  code: 'IST0173',
  severity: Severity.ERROR,
  istioctlLevel: 'error — ours error only when a route or mirror sends traffic to the subset (503 no healthy upstream), else warning (e.g. bookinfo\'s destination-rule-all.yaml)',
  needsContext: true,
  summary: 'Subset labels select pods (error when a route or mirror uses the subset, else warning; checked only when pods of the host are in the input)',
  check(ctx) {
    const index = ctx.index;
    const f = drFacts(index);
    // which subsets routes use matters only for a subset that selects no pods: computed on the first such subset
    let targeted: Set<string> | undefined;
    const severityOf = (fqdn: string, name: string) => ((targeted ??= targetedSubsets(index)).has(`${fqdn.toLowerCase()}|${name}`) ? Severity.ERROR : Severity.WARNING);
    const usedNote = (sev: Severity) => (sev === Severity.ERROR ? '; a route or mirror sends traffic to it' : '; no route uses it yet');
    if (index.closedWorld) {
      const pods = augmentedPodLabels(index);
      for (const r of f.resolved) {
        if (r.dr.isContext) continue;
        const entry = index.lookupScoped(r.namespace, asStringArray(r.dr.spec.exportTo), r.host);
        if (!entry) continue;
        asArray(r.dr.spec.subsets).forEach((s, i) => {
          if (!isRecord(s)) return;
          const name = asString(s.name) ?? '';
          const sel = { ...entry.workloadLabels, ...asStringMap(s.labels) };
          if (pods.some((p) => selectorMatches(sel, p))) return;
          const sev = severityOf(r.fqdn, name);
          ctx.report({
            object: r.dr,
            path: `spec.subsets[${i}]`,
            severity: sev,
            message: `subset ${q(name)} (${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') || 'no labels'}) selects no pod of the input${usedNote(sev)}`,
            fix: SUBSET_FIX,
          });
        });
      }
      return;
    }
    const gatewayHosts = gatewayServiceHosts(index);
    for (const { r, svc } of drsOfServicesWithPods(index)) {
      if (isEmpty(svc.selector)) continue;
      const pods = index.podsMatching(svc.selector, svc.namespace).map((p) => p.labels);
      if (pods.length === 0) continue;
      asArray(r.dr.spec.subsets).forEach((s, i) => {
        if (!isRecord(s)) return;
        const labels = asStringMap(s.labels);
        const name = asString(s.name) ?? `#${i}`;
        if (Object.keys(labels).length === 0) {
          if (gatewayHosts.has(r.fqdn.toLowerCase())) return; // egress-gateway subset: all endpoints is the point
          ctx.report({
            object: r.dr,
            path: `spec.subsets[${i}]`,
            severity: Severity.WARNING,
            code: '',
            message: `subset ${q(name)} has no labels, so it selects every pod of service ${svc.namespace}/${svc.name}`,
            fix: 'add labels that tell this subset apart (e.g. version: v1), or route without a subset',
          });
          return;
        }
        if (pods.some((p) => selectorMatches(labels, p))) return;
        const seen = Array.from(new Set(pods.flatMap((p) => Object.keys(labels).filter((k) => p[k] !== undefined).map((k) => `${k}=${p[k]}`)))).sort();
        const sev = severityOf(r.fqdn, name);
        ctx.report({
          object: r.dr,
          path: `spec.subsets[${i}].labels`,
          severity: sev,
          message: `subset ${q(name)} labels ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')} select none of the ${pods.length} pod(s) or pod template(s) of service ${svc.namespace}/${svc.name}` +
            (seen.length ? ` (they carry ${seen.join(', ')})` : '') + usedNote(sev),
          fix: SUBSET_FIX,
        });
      });
    }
  },
});

/** Lower-case FQDNs of the Services in front of gateway workloads. */
function gatewayServiceHosts(index: MeshIndex): Set<string> {
  const out = new Set<string>();
  for (const w of index.gatewayWorkloads()) {
    for (const s of index.servicesFor(w)) out.add(`${s.name}.${s.namespace}.svc.cluster.local`.toLowerCase());
  }
  return out;
}

export const DRX_DUP_001 = defineRule({
  id: 'DRX-DUP-001',
  severity: Severity.WARNING,
  summary: 'DestinationRules for one host (same namespace and exportTo) merge: first trafficPolicy wins, duplicate subsets are dropped',
  check(ctx) {
    // groups by namespace, host and exportTo, in order of creation; the usual DestinationRule, exported everywhere,
    // is grouped by namespace and host without a key string
    // DestinationRules merge only when they share a host: the usual input, one DestinationRule per host, needs no groups
    if (!destinationRuleHosts(ctx.index).hostRepeats) return;
    const resolved = drFacts(ctx.index).resolved;
    const groups: ResolvedDr[][] = [];
    const everywhere = new Map<string, Map<string, ResolvedDr[]>>();
    const restricted = new Map<string, ResolvedDr[]>();
    for (const r of resolved) {
      if (isRecord(r.dr.spec.workloadSelector)) continue;
      const list = asStringArray(r.dr.spec.exportTo);
      const exportTo = list.length === 0 ? '*' : list.map((e) => (e === '.' ? r.namespace : e)).sort().join(',') || '*';
      const host = r.fqdn.toLowerCase();
      let byHost: Map<string, ResolvedDr[]> | undefined = restricted;
      let key: string;
      if (exportTo === '*') {
        byHost = everywhere.get(r.namespace);
        if (!byHost) everywhere.set(r.namespace, (byHost = new Map()));
        key = host;
      } else {
        key = `${r.namespace}|${host}|${exportTo}`;
      }
      const l = byHost.get(key);
      if (l) {
        l.push(r);
      } else {
        const created = [r];
        byHost.set(key, created);
        groups.push(created);
      }
    }
    for (const list of groups) {
      if (list.length < 2) continue;
      let policyOwner: IndexedObject | undefined;
      const subsetOwner = new Map<string, IndexedObject>();
      for (const r of list) {
        if (isRecord(r.dr.spec.trafficPolicy)) {
          if (policyOwner) {
            ctx.report({
              object: r.dr,
              path: 'spec.trafficPolicy',
              message: `trafficPolicy is ignored: destinationrule ${policyOwner.name} for ${r.fqdn} is older and its trafficPolicy wins when they merge`,
              fix: `move the policy into ${policyOwner.name}, or keep one DestinationRule per host`,
            });
          } else {
            policyOwner = r.dr;
          }
        }
        asArray(r.dr.spec.subsets).forEach((s, i) => {
          const name = asString(asRecord(s).name);
          if (!name) return;
          const owner = subsetOwner.get(name);
          if (!owner) {
            subsetOwner.set(name, r.dr);
          } else if (owner !== r.dr) {
            ctx.report({
              object: r.dr,
              path: `spec.subsets[${i}].name`,
              message: `subset ${q(name)} is dropped: destinationrule ${owner.name} for ${r.fqdn} already defines it and is older`,
              fix: 'rename the subset or keep one definition',
            });
          }
        });
      }
    }
  },
});

export const DRX_VIS_001 = defineRule({
  id: 'DRX-VIS-001',
  severity: Severity.ERROR,
  needsContext: true,
  summary: 'The DestinationRule is exported to the calling proxy\'s namespace (gateway pods for ingress, clients for egress)',
  check(ctx) {
    const index = ctx.index;
    const restricted = restrictedDestinationRuleHosts(index);
    if (!restricted) return; // every DestinationRule is seen by every caller
    const drHosts = destinationRuleHosts(index).byFqdn;
    const reported = new Set<string>();
    for (const vs of index.ofKind('VirtualService')) {
      const vsNs = vs.namespace ?? index.defaultNamespace;
      // the callers are worked out only for a host whose DestinationRules are all restricted by exportTo (a rule
      // visible everywhere is seen by every caller)
      let callers: Map<string, GatewayRef | null> | undefined;
      for (const host of restrictedDestinationHosts(vs, vsNs, index, restricted)) {
        const fqdn = index.resolveHost(host, vsNs);
        const candidates = allOrSome(drHosts.query(fqdn), (r) => r.valid && hostCovers(r.fqdn, fqdn) && !isRecord(r.dr.spec.workloadSelector));
        if (candidates.length === 0 || candidates.some((r) => index.isExportedEverywhere(r.dr))) continue;
        callers ??= callerNamespaces(index, vs);
        for (const [ns, caller] of callers) {
          if (candidates.some((r) => index.isExportedTo(r.dr, ns))) continue;
          const who = caller === null || caller.mesh ? `clients of virtualservice ${vsNs}/${vs.name}` : `gateway ${caller.namespace}/${caller.name} pods`;
          for (const r of candidates) {
            const key = `${r.dr.order}|${ns}`;
            if (reported.has(key)) continue;
            reported.add(key);
            ctx.report({
              object: r.dr,
              path: Array.isArray(r.dr.spec.exportTo) ? 'spec.exportTo' : 'spec',
              message: `destinationrule for ${r.fqdn} is not exported to namespace ${ns}, where ${who} call it; its subsets and policies do not apply there (subset routes fail with 503 NC)`,
              fix: `add ${q(ns)} to exportTo (or use "*"), or create a DestinationRule for ${r.fqdn} in ${ns}`,
            });
          }
        }
      }
    }
  },
});

/**
 * DRX-VIS-001: namespace → who calls a VirtualService's destinations from there: the gateway reference, or null for the
 * mesh clients of the VirtualService (the description is written only for a finding).
 */
function callerNamespaces(index: MeshIndex, vs: IndexedObject): Map<string, GatewayRef | null> {
  const callers = new Map<string, GatewayRef | null>();
  for (const ref of index.virtualServiceGateways(vs)) {
    if (ref.mesh) {
      // sidecars of the namespaces the VirtualService is exported to (not implicitly its own)
      for (const ns of index.meshClientNamespaces(vs)) callers.set(ns, null);
      continue;
    }
    const gw = index.gatewayByRef(ref);
    if (!gw) continue;
    for (const w of index.workloadsFor(gw) as WorkloadInfo[]) callers.set(w.namespace, ref);
  }
  return callers;
}

const NO_HOSTS: readonly string[] = Object.freeze([]);

/**
 * DRX-VIS-001: the destination and mirror hosts of a VirtualService (http, tcp, tls routes), first occurrences in
 * order, that some DestinationRule restricted by exportTo may cover (resolved in `vsNs`; the others have candidates
 * visible everywhere, if any). Asked for every VirtualService, and the answer is usually none: the hosts are checked
 * before any list is made.
 */
function restrictedDestinationHosts(vs: IndexedObject, vsNs: string, index: MeshIndex, restricted: HostIndex<DrHost>): readonly string[] {
  let hits: string[] | undefined;
  // read from the destination walk the VirtualService rules share (built once per VirtualService), unless a tcp/tls
  // rule carries a mirror: the walk reads mirrors of http rules only
  if (hasNonHttpMirror(vs)) {
    for (const h of specDestinationHosts(vs.spec)) {
      if (restricted.query(index.resolveHost(h, vsNs)).length > 0) (hits ??= []).push(h);
    }
    return hits ?? NO_HOSTS;
  }
  for (const d of destinationsOf(vs)) {
    const h = d.destination.host;
    if (typeof h !== 'string' || h === '') continue;
    if (restricted.query(index.resolveHost(h, vsNs)).length > 0) (hits ??= []).push(h);
  }
  return hits ? firstOccurrences(hits) : NO_HOSTS;
}

function hasNonHttpMirror(vs: IndexedObject): boolean {
  // the record rules of the shared walk (read by destinationsOf already), not the spec again
  return rulesMirror(rulesOf(vs, 'tcp')) || rulesMirror(rulesOf(vs, 'tls'));
}

function rulesMirror(rules: readonly RuleAt[]): boolean {
  for (const { rule } of rules) {
    if (rule.mirror !== undefined || rule.mirrors !== undefined) return true;
  }
  return false;
}

/** {@link destinationHosts} read from the spec, mirrors of every section included. */
function specDestinationHosts(spec: Record<string, unknown>): string[] {
  // no closure, no Set for the usual handful of hosts (asked for every VirtualService); first occurrences, in order
  const out: string[] = [];
  for (const section of ROUTE_SECTIONS) {
    for (const rule of asArray(spec[section])) {
      if (!isRecord(rule)) continue;
      for (const rt of asArray(rule.route)) addHost(out, isRecord(rt) ? rt.destination : undefined);
      addHost(out, rule.mirror);
      for (const m of asArray(rule.mirrors)) addHost(out, isRecord(m) ? m.destination : undefined);
    }
  }
  return firstOccurrences(out);
}

/** `list` without repeats, first occurrences in order (no Set for the usual handful). */
function firstOccurrences(list: string[]): string[] {
  if (list.length <= 16) return list.filter((h, i) => list.indexOf(h) === i);
  return Array.from(new Set(list));
}

const ROUTE_SECTIONS = ['http', 'tcp', 'tls'] as const;

function addHost(out: string[], d: unknown): void {
  const h = isRecord(d) ? d.host : undefined;
  if (typeof h === 'string' && h !== '') out.push(h);
}

/**
 * DRX-TLS-001. IST0128 / IST0129 as istioctl computes them (ISTIOCTL-PARITY §4): `spec.trafficPolicy.tls` (IST0128) and
 * each `spec.trafficPolicy.portLevelSettings[]` tls (IST0129) with mode SIMPLE or MUTUAL and no caCertificates, unless
 * credentialName is set and the DR has a workloadSelector. Uncoded: the same at subset level, which istioctl does not
 * check, only when neither sni nor subjectAltNames pins the server identity.
 */
export const DRX_TLS_001 = defineRule({
  id: 'DRX-TLS-001',
  code: 'IST0128',
  severity: Severity.WARNING,
  summary: 'TLS origination (SIMPLE/MUTUAL) without caCertificates verifies against system roots (IST0128 destination level, IST0129 port level; uncoded at subset level without sni/subjectAltNames)',
  check(ctx) {
    eachPolicy(ctx, ({ dr, policy, path, level }) => {
      const tls = policy.tls;
      if (!isRecord(tls)) return;
      const mode = asString(tls.mode);
      if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return;
      if (asString(tls.caCertificates)) return;
      const coded = level === 'top' || level === 'port';
      if (coded) {
        if (asString(tls.credentialName) && isRecord(dr.spec.workloadSelector)) return;
      } else {
        if (asString(tls.credentialName) || tls.insecureSkipVerify === true) return;
        if (asString(tls.sni) && asArray(tls.subjectAltNames).length > 0) return;
      }
      const portLevel = level === 'port' || level === 'subset-port';
      const missing = [!asString(tls.sni) ? 'sni' : '', asArray(tls.subjectAltNames).length === 0 ? 'subjectAltNames' : ''].filter(Boolean);
      ctx.report({
        object: dr,
        path: `${path}.tls`,
        code: coded ? (portLevel ? 'IST0129' : 'IST0128') : '',
        message: `tls.mode ${mode}${portLevel ? ' at port level' : ''} has no caCertificates, so the server certificate is verified against the proxy's system roots` +
          (missing.length ? `, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: the server identity is not pinned to the intended name` : ''),
        fix: missing.length
          ? `set ${missing.join(' and ')} to the server's name (e.g. sni: <host>, subjectAltNames: [<host>]); set caCertificates (or credentialName with ca.crt) for a private CA`
          : 'set caCertificates (or credentialName with ca.crt) when the server uses a private CA; for a public server, system roots are what you want',
      });
    });
  },
});

/** Connection-pool limits at or below this look like global caps (DRX-POOL-001). */
export const POOL_CAP_THRESHOLD = 10;
const POOL_LIMITS: [string, string][] = [['tcp', 'maxConnections'], ['http', 'http1MaxPendingRequests'], ['http', 'http2MaxRequests']];

export const DRX_POOL_001 = defineRule({
  id: 'DRX-POOL-001',
  severity: Severity.WARNING,
  summary: `connectionPool limits are per calling Envoy, not global (warned for limits ≤ ${POOL_CAP_THRESHOLD})`,
  check(ctx) {
    // both only for the message: built on the first finding
    let gatewayHosts: Set<string> | undefined;
    let fqdnOf: Map<IndexedObject, string> | undefined;
    eachPolicy(ctx, ({ dr, policy, path }) => {
      const pool = asRecord(policy.connectionPool);
      for (const [sec, key] of POOL_LIMITS) {
        const v = dig(pool, [sec, key]);
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > POOL_CAP_THRESHOLD) continue;
        gatewayHosts ??= gatewayServiceHosts(ctx.index);
        fqdnOf ??= new Map(drFacts(ctx.index).resolved.map((r) => [r.dr, r.fqdn.toLowerCase()]));
        const viaGateway = gatewayHosts.has(fqdnOf.get(dr) ?? '');
        ctx.report({
          object: dr,
          path: `${path}.connectionPool.${sec}.${key}`,
          message: `${sec}.${key} ${v} is a limit per calling envoy (each sidecar${viaGateway ? ' of every client' : ' and gateway'} pod gets its own pool), not a global cap: the service may see ${v} × callers`,
          fix: 'size it per caller replica; enforce a global limit with rate limiting (global ratelimit service) instead',
        });
        return; // one finding per policy
      }
    });
  },
});

export const DESTINATION_RULE_RULES = [
  DR_HOST_001, DR_TP_001, DR_POOL_001, DR_POL_001, DR_SUB_001, DR_TLS_001, DR_SEL_001,
  DRX_HOST_001, DRX_SUB_001, DRX_DUP_001, DRX_VIS_001, DRX_TLS_001, DRX_POOL_001,
];
