/**
 * EGR-*: the egress gateway pattern (section 8 of shared/ISTIO-RULES.md), checked against istio.io's egress tasks:
 *
 *   ServiceEntry h ── sidecar ──(mesh leg VS: tls.match {gateways:[mesh], port:443, sniHosts:[h]})──► egress Service
 *   FQDN:443 ── egress gateway (Gateway 443/TLS PASSTHROUGH hosts:[h]) ──(gateway leg VS: match {gateways:
 *   [ns/egress-gw], port:443, sniHosts:[h]})──► h:443
 *
 * The pattern is detected from the input: a Gateway selecting an egress workload (role egress, e.g. `istio:
 * egressgateway`), and VirtualServices routing to the Service FQDN of an egress workload (mesh leg) or bound to an
 * egress Gateway (gateway leg). The shared model is built once per index ({@link egressModel}) and also used by the
 * SEX-* rules.
 */
import { Severity } from '../findings';
import { destinationRuleHosts } from '../index/destination-rules';
import { definesSubset } from '../index/subsets';
import { GatewayServer, WorkloadInfo, IndexedObject, MeshIndex, ServiceInfo } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, asStringArray, isRecord } from '../model';
import { Rule, defineRule } from '../rule';
import { destinationsOf, matchPath, routeDestinationPath, rulesOf } from './virtual-service';
import { VsGateways, ownVsGateways } from './virtual-service-cross';

const q = (v: unknown) => JSON.stringify(v);

// ---------------------------------------------------------------------------------------------------------------
// Shared model: VirtualService routes, egress gateways, egress Services
// ---------------------------------------------------------------------------------------------------------------

/** One destination of a VirtualService route. */
export interface RouteDest {
  /** e.g. `spec.tls[0].route[1].destination` */
  readonly path: string;
  readonly host?: string;
  /** host resolved in the VirtualService namespace */
  readonly resolvedHost?: string;
  readonly port?: number;
  readonly subset?: string;
}

/** One match of a VirtualService rule. */
export interface RouteMatch {
  /** e.g. `spec.tls[0].match[0]` */
  readonly path: string;
  /** raw `gateways` entries; empty = the rule's top-level gateways */
  readonly gateways: readonly string[];
  readonly sniHosts: readonly string[];
  readonly port?: number;
}

/** One rule (`http[i]`, `tls[i]`, `tcp[i]`) of a VirtualService. */
export interface RouteRule {
  readonly section: 'http' | 'tls' | 'tcp';
  /** e.g. `spec.tls[0]` */
  readonly path: string;
  readonly matches: RouteMatch[];
  readonly dests: RouteDest[];
}

const SECTIONS = ['http', 'tls', 'tcp'] as const;

/**
 * The rules of a VirtualService, flattened (malformed entries skipped, indices kept). The rule records and paths come
 * from the VS rules' shared walk ({@link rulesOf}) and path strings: only VirtualServices of the egress pattern are read.
 */
export function routeRules(index: MeshIndex, vs: IndexedObject): RouteRule[] {
  const ns = vs.namespace ?? index.defaultNamespace;
  const out: RouteRule[] = [];
  for (const section of SECTIONS) {
    for (const { rule: r, index: i, path } of rulesOf(vs, section)) {
      const matches: RouteMatch[] = [];
      const rawMatches = asArray(r.match);
      for (let k = 0; k < rawMatches.length; k++) {
        const m = rawMatches[k];
        if (!isRecord(m)) continue;
        matches.push({
          path: matchPath(section, i, k),
          gateways: stringsOf(m.gateways),
          sniHosts: stringsOf(m.sniHosts),
          port: asNumber(m.port),
        });
      }
      const dests: RouteDest[] = [];
      const route = asArray(r.route);
      for (let j = 0; j < route.length; j++) {
        const d = asRecord(asRecord(route[j]).destination);
        const host = asString(d.host);
        dests.push({
          path: routeDestinationPath(section, i, j),
          host,
          resolvedHost: host ? index.resolveHost(host, ns).toLowerCase() : undefined,
          port: asNumber(asRecord(d.port).number),
          subset: asString(d.subset),
        });
      }
      out.push({ section, path, matches, dests });
    }
  }
  return out;
}

/** {@link asStringArray}, without a copy when every entry is a string (the usual list, read-only here). */
function stringsOf(v: unknown): readonly string[] {
  if (!Array.isArray(v)) return asStringArray(v);
  for (const x of v) if (typeof x !== 'string') return asStringArray(v);
  return v as string[];
}

/** An egress gateway Service and the workloads behind it. */
export interface EgressService {
  readonly fqdn: string;
  readonly service: ServiceInfo;
  readonly workloads: WorkloadInfo[];
}

/** A VirtualService with its resolved facts. */
export interface VsFacts {
  readonly vs: IndexedObject;
  readonly namespace: string;
  readonly hasMesh: boolean;
  /** index in spec.gateways of `mesh` (undefined when mesh is implied by an absent list) */
  readonly meshIndex?: number;
  /** Egress Gateways the VS binds to (resolved). */
  readonly egressGateways: IndexedObject[];
  /** Resolved top-level gateway refs, excluding mesh, as `ns/name`. */
  readonly gatewayKeys: string[];
  readonly rules: RouteRule[];
}

export interface EgressModel {
  /** Istio Gateways that configure an egress workload (or select `istio: egressgateway`). */
  readonly gateways: IndexedObject[];
  readonly gatewaySet: Set<IndexedObject>;
  /** Workloads with role egress. */
  readonly workloads: WorkloadInfo[];
  /** Egress Services by lower-case FQDN. */
  readonly services: Map<string, EgressService>;
  /** Egress Service names (for short-host mistakes), name → Services. */
  readonly servicesByName: Map<string, EgressService[]>;
  /** Every own (non-context) VirtualService, with resolved facts. */
  readonly virtualServices: VsFacts[];
  /** VSs routing to an egress Service FQDN. */
  readonly meshLegs: VsFacts[];
  /**
   * VSs with a route destination (not a mirror) whose host is short (no dot) or an egress Service FQDN: those
   * EGR-VS-001 inspects (the other VirtualServices cannot route to an egress Service, rightly or wrongly); none when
   * the input has no egress workload or Gateway (EGR-VS-001 then checks nothing).
   */
  readonly egressOrShortRoutes: VsFacts[];
  /** VSs bound to an egress Gateway. */
  readonly gatewayLegs: VsFacts[];
}

const cache = new WeakMap<MeshIndex, EgressModel>();

/**
 * {@link VsFacts} over the VSX facts' walk ({@link ownVsGateways}), its route rules and gateway keys read on first use:
 * most VirtualServices take no part in the egress pattern.
 */
class LazyVsFacts implements VsFacts {
  private routes?: RouteRule[];
  private keys?: string[];

  constructor(private readonly index: MeshIndex, private readonly v: VsGateways, public readonly egressGateways: IndexedObject[]) {}

  public get vs(): IndexedObject {
    return this.v.vs;
  }

  public get namespace(): string {
    return this.v.ns;
  }

  /** spec.gateways absent, empty or listing `mesh` (as {@link MeshIndex.virtualServiceGateways} has a mesh ref) */
  public get hasMesh(): boolean {
    return this.v.mesh;
  }

  public get meshIndex(): number | undefined {
    const i = asArray(this.v.vs.spec.gateways).indexOf('mesh');
    return i >= 0 ? i : undefined;
  }

  public get gatewayKeys(): string[] {
    return this.keys ?? (this.keys = this.v.gateways.map((g) => g.key));
  }

  public get rules(): RouteRule[] {
    return this.routes ?? (this.routes = routeRules(this.index, this.v.vs));
  }
}

/**
 * What the route destinations (not mirrors) of a VirtualService route to: a short host (no dot), a host resolving (in
 * the VirtualService namespace, lower-cased) to an egress Service FQDN, both or neither.
 */
type RouteHosts = 'none' | 'short' | 'egress' | 'both';

/**
 * {@link RouteHosts} of a VirtualService, read in one pass over the shared destination walk, the hosts resolved as
 * {@link routeRules}' `dests` resolve them.
 */
function routeHosts(index: MeshIndex, vs: IndexedObject, ns: string, services: ReadonlyMap<string, unknown>): RouteHosts {
  let short = false;
  let egress = false;
  for (const d of destinationsOf(vs)) {
    if (d.mirror) continue;
    const host = asString(d.destination.host);
    if (!host) continue;
    // a host with a dot is its own resolution (only short names are resolved): no call for the usual FQDN
    const isShort = !host.includes('.');
    short ||= isShort;
    egress ||= services.size > 0 && services.has((isShort ? index.resolveHost(host, ns) : host).toLowerCase());
    if (short && egress) break;
  }
  return short ? (egress ? 'both' : 'short') : egress ? 'egress' : 'none';
}

function selectorLooksEgress(sel: Record<string, string>): boolean {
  return (sel.istio ?? '').includes('egress') || (sel.app ?? '').includes('egress');
}

const NO_GATEWAYS = Object.freeze([]) as readonly IndexedObject[] as IndexedObject[];

/** The egress Gateways a VirtualService names at top level, without duplicates (a shared empty list when none). */
function egressGatewaysOf(v: VsGateways, gatewaySet: ReadonlySet<IndexedObject>): IndexedObject[] {
  let out = NO_GATEWAYS;
  for (const { gateway: g } of v.gateways) {
    if (g && gatewaySet.has(g) && !out.includes(g)) out = [...out, g];
  }
  return out;
}

/** The egress model of an index, built once (linear in the input). */
export function egressModel(index: MeshIndex): EgressModel {
  const hit = cache.get(index);
  if (hit) return hit;
  const workloads = index.gatewayWorkloads().filter((w) => w.role === 'egress');
  const gateways: IndexedObject[] = [];
  for (const g of index.gateways()) {
    const sel = index.gatewaySelector(g);
    if (Object.keys(sel).length === 0) continue;
    if (index.workloadsFor(g).some((w) => w.role === 'egress') || selectorLooksEgress(sel)) gateways.push(g);
  }
  const gatewaySet = new Set(gateways);
  const services = new Map<string, EgressService>();
  const servicesByName = new Map<string, EgressService[]>();
  for (const w of workloads) {
    for (const svc of index.servicesFor(w)) {
      const fqdn = `${svc.name}.${svc.namespace}.svc.cluster.local`.toLowerCase();
      let e = services.get(fqdn);
      if (!e) {
        e = { fqdn, service: svc, workloads: [] };
        services.set(fqdn, e);
        const l = servicesByName.get(svc.name) ?? [];
        l.push(e);
        servicesByName.set(svc.name, l);
      }
      if (!e.workloads.includes(w)) e.workloads.push(w);
    }
  }
  const meshLegs: VsFacts[] = [];
  const egressOrShortRoutes: VsFacts[] = [];
  const gatewayLegs: VsFacts[] = [];
  // facts only for the VirtualServices of the pattern; the full list (SEX-REG-001 only) is made on first use
  const legs = new Map<IndexedObject, VsFacts>();
  // without egress workloads and Gateways no VirtualService takes part (and EGR-VS-001 has no egress Service for a
  // short host to miss): no walk, the usual input
  const pattern = workloads.length > 0 || gateways.length > 0;
  for (const v of pattern ? ownVsGateways(index) : []) {
    const egressGateways = egressGatewaysOf(v, gatewaySet);
    const routes = routeHosts(index, v.vs, v.ns, services);
    if (routes === 'none' && egressGateways.length === 0) continue;
    const facts = new LazyVsFacts(index, v, egressGateways);
    legs.set(v.vs, facts);
    if (routes === 'egress' || routes === 'both') meshLegs.push(facts);
    if (routes !== 'none') egressOrShortRoutes.push(facts);
    if (egressGateways.length > 0) gatewayLegs.push(facts);
  }
  let all: VsFacts[] | undefined;
  const model: EgressModel = {
    gateways,
    gatewaySet,
    workloads,
    services,
    servicesByName,
    meshLegs,
    egressOrShortRoutes,
    gatewayLegs,
    get virtualServices(): VsFacts[] {
      return all ?? (all = ownVsGateways(index).map((v) => legs.get(v.vs) ?? new LazyVsFacts(index, v, egressGatewaysOf(v, gatewaySet))));
    },
  };
  cache.set(index, model);
  return model;
}

/** Resolves a `match.gateways` entry to `mesh` or `ns/name`. */
function gatewayKey(index: MeshIndex, entry: string, vsNamespace: string): string | undefined {
  // an `ns/name` entry (not `./name`) is its own key: no ref and no string made for the usual entry
  const slash = entry.indexOf('/');
  if (slash >= 0 && !(slash === 1 && entry[0] === '.')) return entry;
  const r = index.resolveGatewayRef(entry, vsNamespace);
  if (!r) return undefined;
  return r.mesh ? 'mesh' : `${r.namespace}/${r.name}`;
}

/** The gateways (`mesh` or `ns/name`) a rule applies to: union of its matches' gateways, or the VS's. */
function ruleGatewayKeys(index: MeshIndex, f: VsFacts, rule: RouteRule): { keys: Set<string>; unscoped: boolean } {
  if (rule.matches.length === 0) return { keys: addTopKeys(new Set<string>(), f), unscoped: true };
  const keys = new Set<string>();
  let unscoped = false;
  for (const m of rule.matches) {
    if (m.gateways.length === 0) {
      unscoped = true;
      addTopKeys(keys, f);
    } else {
      for (const g of m.gateways) {
        const k = gatewayKey(index, g, f.namespace);
        if (k) keys.add(k);
      }
    }
  }
  return { keys, unscoped };
}

/** Adds the VirtualService's gateways (`mesh` first when bound to it) to `keys`. */
function addTopKeys(keys: Set<string>, f: VsFacts): Set<string> {
  if (f.hasMesh) keys.add('mesh');
  for (const k of f.gatewayKeys) keys.add(k);
  return keys;
}

/** Where to add `gateways` to a rule: the first match without it, or the rule's `match`. */
function unscopedPath(rule: RouteRule): string {
  const missing = rule.matches.find((x) => x.gateways.length === 0);
  if (missing) return `${missing.path}.gateways`;
  return rule.matches.length === 0 ? `${rule.path}.match` : `${rule.matches[0].path}.gateways`;
}

const keyOf = (g: IndexedObject) => `${g.namespace ?? ''}/${g.name}`;

/** tls blocks of a DestinationRule (top-level, port-level, subsets), with their paths. */
export function drTlsBlocks(dr: IndexedObject): { path: string; tls: Record<string, unknown>; mode: string }[] {
  const out: { path: string; tls: Record<string, unknown>; mode: string }[] = [];
  const policy = (tp: unknown, base: string) => {
    const p = asRecord(tp);
    if (isRecord(p.tls)) out.push({ path: `${base}.tls`, tls: p.tls, mode: (asString(p.tls.mode) ?? '').toUpperCase() });
    asArray(p.portLevelSettings).forEach((pl, i) => {
      const t = asRecord(pl).tls;
      if (isRecord(t)) out.push({ path: `${base}.portLevelSettings[${i}].tls`, tls: t, mode: (asString(t.mode) ?? '').toUpperCase() });
    });
  };
  policy(dr.spec.trafficPolicy, 'spec.trafficPolicy');
  asArray(dr.spec.subsets).forEach((s, i) => policy(asRecord(s).trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
  return out;
}

/**
 * DestinationRules for the egress Services, by the Service's lower-case FQDN (their resolved host), built once per
 * index (EGR-DR-001 and EGR-MTLS-001 ask, only about egress Services): read from the DestinationRule hosts the DR rules
 * share (index/destination-rules.ts), one lookup per egress Service.
 */
function drsByHost(index: MeshIndex): ReadonlyMap<string, readonly IndexedObject[]> {
  let m = drsByHostCache.get(index);
  if (!m) {
    const out = new Map<string, IndexedObject[]>();
    const byFqdn = destinationRuleHosts(index).byFqdn;
    for (const fqdn of egressModel(index).services.keys()) {
      // the entries added under exactly this host (lower-cased), in input order
      const drs = byFqdn.itemsAt(fqdn);
      if (drs.length > 0) out.set(fqdn, drs.map((r) => r.dr));
    }
    drsByHostCache.set(index, (m = out));
  }
  return m;
}
const drsByHostCache = new WeakMap<MeshIndex, ReadonlyMap<string, readonly IndexedObject[]>>();

// ---------------------------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------------------------

const TERMINATING = new Set(['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL']);

export const EGR_GW_001 = defineRule({
  id: 'EGR-GW-001',
  severity: Severity.ERROR,
  summary: 'Egress Gateway server: 443/TLS PASSTHROUGH (or ISTIO_MUTUAL) with hosts that a ServiceEntry declares',
  needsContext: true,
  check(ctx) {
    const m = egressModel(ctx.index);
    for (const gw of m.gateways) {
      if (gw.isContext) continue;
      const gwNs = gw.namespace ?? ctx.index.defaultNamespace;
      for (const s of ctx.index.serversOf(gw)) {
        if (s.tlsMode && (TERMINATING.has(s.tlsMode) || s.tlsMode === 'AUTO_PASSTHROUGH')) {
          ctx.report({
            object: gw,
            path: `${s.path}.tls.mode`,
            message: `egress gateway server on port ${s.port.number ?? '?'} uses tls.mode ${s.tlsMode}; the application's TLS (to ${s.hosts.map((h) => h.host).join(', ') || 'the external host'}) cannot be terminated or auto-routed at the egress gateway`,
            fix: 'use protocol TLS with tls.mode PASSTHROUGH on port 443 (and tls routes with sniHosts), or ISTIO_MUTUAL with a DestinationRule for the egress Service',
          });
        }
        for (const h of s.hosts) {
          if (h.host === '*' || h.host === '') continue;
          // ServiceEntries only: no need to index every Service for this
          const anywhere = ctx.index.lookupServiceEntryHost(h.host, gwNs).length > 0 || ctx.index.serviceEntryEntries(h.host).length > 0;
          if (anywhere || h.host.endsWith('.cluster.local')) continue;
          ctx.report({
            object: gw,
            path: `${s.path}.hosts[${h.index}]`,
            message: `egress gateway server host ${q(h.raw)} has no ServiceEntry; the egress gateway has no cluster for it`,
            fix: `add a ServiceEntry with hosts: [${q(h.host)}], the port (443/TLS) and resolution DNS, exported to the clients and to ${q(gwNs)}`,
          });
        }
      }
    }
  },
});

export const EGR_VS_001 = defineRule({
  id: 'EGR-VS-001',
  severity: Severity.ERROR,
  summary: 'Mesh leg: VS with mesh routes (match.gateways [mesh], port, sniHosts) to the egress Service FQDN and port',
  needsContext: true,
  check(ctx) {
    const m = egressModel(ctx.index);
    if (m.workloads.length === 0 && m.gateways.length === 0) return;
    // only destinations with a short host or the egress Service as host matter: the others are skipped unread
    for (const f of m.egressOrShortRoutes) {
      for (const rule of f.rules) {
        for (const d of rule.dests) {
          // short egress host from another namespace
          if (d.host && !d.host.includes('.') && d.resolvedHost && !m.services.has(d.resolvedHost)) {
            const cands = (m.servicesByName.get(d.host) ?? []).filter((e) => e.service.namespace !== f.namespace);
            if (cands.length > 0) {
              ctx.report({
                object: f.vs,
                path: `${d.path}.host`,
                message: `destination host ${q(d.host)} resolves to ${d.resolvedHost} (the VirtualService namespace), not the egress gateway Service ${cands[0].fqdn}`,
                fix: `use the fully qualified name ${q(cands[0].fqdn)}`,
              });
            }
            continue;
          }
          const egress = d.resolvedHost ? m.services.get(d.resolvedHost) : undefined;
          if (!egress) continue;
          if (!f.hasMesh) continue; // routed from a gateway: EGR-VS-002 reports loops
          const { keys } = ruleGatewayKeys(ctx.index, f, rule);
          if (!keys.has('mesh')) continue; // scoped to gateways only: EGR-VS-002
          const others = Array.from(keys).filter((k) => k !== 'mesh');
          if (others.length > 0) {
            ctx.report({
              object: f.vs,
              path: unscopedPath(rule),
              message: `rule routing to the egress gateway Service ${egress.fqdn} also applies to gateway ${others.join(', ')}; on the egress gateway it loops back to itself`,
              fix: 'add match.gateways: [mesh] to this rule (and match.gateways: [<ns>/<egress gateway>] to the rule that routes to the external host)',
            });
          }
          const ports = egress.service.ports.map((p) => p.port);
          if (d.port === undefined) {
            if (ports.length > 1) {
              ctx.report({
                object: f.vs,
                path: `${d.path}.port`,
                message: `destination ${egress.fqdn} has no port, but the egress Service has ports ${ports.join(', ')}`,
                fix: `set destination.port.number to the egress Gateway server port (443 for TLS passthrough${rule.section === 'http' ? ', 80 for HTTP' : ''})`,
              });
            }
          } else if (ports.length > 0 && !ports.includes(d.port)) {
            ctx.report({
              object: f.vs,
              path: `${d.path}.port.number`,
              message: `destination port ${d.port} is not a port of the egress gateway Service ${egress.fqdn} (${ports.join(', ')})`,
              fix: `use one of ${ports.join(', ')}, matching an egress Gateway server port`,
            });
          }
        }
      }
    }
  },
});

export const EGR_VS_002 = defineRule({
  id: 'EGR-VS-002',
  severity: Severity.ERROR,
  summary: 'Gateway leg: rules scoped with match.gateways [ns/egress-gw] route to the external host, not back to the egress Service',
  needsContext: true,
  check(ctx) {
    const m = egressModel(ctx.index);
    // the key of each egress Gateway once, not per gateway-leg VirtualService
    const keyOfGateway = new Map<IndexedObject, string>();
    for (const g of m.gateways) keyOfGateway.set(g, keyOf(g));
    for (const f of m.gatewayLegs) {
      const egressKeys = f.egressGateways.map((g) => keyOfGateway.get(g)!);
      const multi = f.gatewayKeys.length + (f.hasMesh ? 1 : 0) > 1;
      for (const rule of f.rules) {
        const { keys, unscoped } = ruleGatewayKeys(ctx.index, f, rule);
        const onEgress: string[] = [];
        for (const k of keys) if (egressKeys.includes(k)) onEgress.push(k);
        if (onEgress.length === 0) continue;
        const toEgress = rule.dests.filter((d) => d.resolvedHost !== undefined && m.services.has(d.resolvedHost));
        for (const d of toEgress) {
          ctx.report({
            object: f.vs,
            path: `${d.path}.host`,
            message: `rule applied on egress gateway ${onEgress.join(', ')} routes to the egress gateway Service ${d.resolvedHost} itself (a loop)`,
            fix: 'route the gateway leg to the external host (destination.host: <external host>, port 443) and scope it with match.gateways: [<ns>/<egress gateway>]',
          });
        }
        if (multi && unscoped && toEgress.length < rule.dests.length) {
          ctx.report({
            object: f.vs,
            path: unscopedPath(rule),
            message: `rule routing to ${rule.dests.map((d) => d.host ?? '?').join(', ')} has no match.gateways, so it applies to ${Array.from(keys).join(', ')}; sidecars then skip the egress gateway`,
            fix: `add match.gateways: [${q(onEgress[0])}] to this rule (the mesh leg gets match.gateways: [mesh])`,
          });
        }
      }
    }
  },
});

export const EGR_VS_003 = defineRule({
  id: 'EGR-VS-003',
  severity: Severity.ERROR,
  summary: 'Split egress VirtualServices: only the mesh leg lists mesh',
  check(ctx) {
    const m = egressModel(ctx.index);
    const involved = new Set<VsFacts>([...m.meshLegs, ...m.gatewayLegs]);
    const byHost = new Map<string, VsFacts[]>();
    for (const f of involved) {
      if (!f.hasMesh) continue;
      for (const h of asStringArray(f.vs.spec.hosts)) {
        const key = ctx.index.resolveHost(h, f.namespace).toLowerCase();
        const l = byHost.get(key) ?? [];
        if (!l.includes(f)) l.push(f);
        byHost.set(key, l);
      }
    }
    for (const [host, list] of byHost) {
      if (list.length < 2) continue;
      for (const f of list) {
        if (f.egressGateways.length === 0) continue;
        const others = list.filter((o) => o !== f).map((o) => `${o.namespace}/${o.vs.name}`);
        ctx.report({
          object: f.vs,
          path: f.meshIndex !== undefined ? `spec.gateways[${f.meshIndex}]` : 'spec.gateways',
          message: `gateway-leg VirtualService lists mesh for host ${host}, as does ${others.join(', ')}; sidecars use only one VirtualService per host, so the mesh leg may be ignored`,
          fix: 'remove mesh from this VirtualService\'s gateways (keep only the egress gateway); only the mesh-leg VirtualService lists mesh',
        });
      }
    }
  },
});

export const EGR_DR_001 = defineRule({
  id: 'EGR-DR-001',
  severity: Severity.ERROR,
  summary: 'DestinationRule for the egress Service FQDN defines the referenced subsets and is visible to client namespaces',
  needsContext: true,
  check(ctx) {
    const m = egressModel(ctx.index);
    if (m.services.size === 0) return;
    const drs = drsByHost(ctx.index);
    // short DR host meant for the egress Service of another namespace (read from the shared DestinationRule hosts)
    for (const { dr, host: h, namespace } of destinationRuleHosts(ctx.index).all) {
      if (h.includes('.') || dr.isContext) continue; // (the host first: most are FQDNs, and it is at hand)
      const cands = (m.servicesByName.get(h) ?? []).filter((e) => e.service.namespace !== namespace);
      if (cands.length === 0) continue;
      ctx.report({
        object: dr,
        path: 'spec.host',
        message: `host ${q(h)} resolves to ${ctx.index.resolveHost(h, namespace)}, not the egress gateway Service ${cands[0].fqdn}`,
        fix: `use the fully qualified name ${q(cands[0].fqdn)}`,
      });
    }
    for (const f of m.meshLegs) {
      for (const rule of f.rules) {
        for (const d of rule.dests) {
          if (!d.resolvedHost || !m.services.has(d.resolvedHost)) continue;
          const all = drs.get(d.resolvedHost) ?? [];
          // the mesh leg runs in the sidecars of the namespaces it is exported to (not implicitly its own)
          const clientNss = ctx.index.meshClientNamespaces(f.vs);
          const hiddenIn = clientNss.filter((ns) => !all.some((dr) => ctx.index.isExportedTo(dr, ns)));
          const visible = all.filter((dr) => clientNss.some((ns) => ctx.index.isExportedTo(dr, ns)));
          if (all.length > 0 && hiddenIn.length > 0) {
            for (const dr of all) {
              ctx.report({
                object: dr,
                path: Array.isArray(dr.spec.exportTo) ? 'spec.exportTo' : 'metadata.namespace',
                message: `destinationRule for the egress gateway Service ${d.resolvedHost} is not visible in namespace ${hiddenIn.map((n) => q(n)).join(', ')}, where VirtualService ${f.vs.name} routes to it; clients ignore its subsets and TLS settings`,
                fix: `add ${hiddenIn.map((n) => q(n)).join(', ')} to exportTo (or use "*"), or move it to the client namespace`,
              });
            }
          }
          const subset = d.subset;
          if (!subset) continue;
          const has = visible.some((dr) => definesSubset(dr, subset));
          if (has) continue;
          if (all.length > 0 && visible.length === 0) continue; // reported on the DR
          ctx.report({
            object: f.vs,
            path: `${d.path}.subset`,
            message: all.length === 0
              ? `subset ${q(d.subset)} of ${d.resolvedHost}: no DestinationRule for the egress gateway Service exists (503 NC)`
              : `subset ${q(d.subset)} is not defined by the DestinationRule(s) for ${d.resolvedHost} (${visible.map((x) => x.name).join(', ')}) (503 NC)`,
            fix: `add a DestinationRule with host ${q(d.resolvedHost)} and subsets: [{name: ${d.subset}}], exported to ${clientNss.map((n) => q(n)).join(', ')}`,
          });
        }
      }
    }
  },
});

export const EGR_MTLS_001 = defineRule({
  id: 'EGR-MTLS-001',
  severity: Severity.ERROR,
  summary: 'ISTIO_MUTUAL egress: server ISTIO_MUTUAL and DR for the egress Service ISTIO_MUTUAL with sni, together',
  needsContext: true,
  check(ctx) {
    const m = egressModel(ctx.index);
    if (m.services.size === 0) return;
    const drs = drsByHost(ctx.index);
    // workload → its ISTIO_MUTUAL servers; workload → its egress Services' DRs
    const mutualServers = new Map<WorkloadInfo, GatewayServer[]>();
    const anyServers = new Map<WorkloadInfo, number>();
    for (const w of m.workloads) {
      const list: GatewayServer[] = [];
      let n = 0;
      for (const g of ctx.index.gatewaysFor(w)) {
        for (const s of ctx.index.serversOf(g)) {
          n++;
          if (s.tlsMode === 'ISTIO_MUTUAL') list.push(s);
        }
      }
      mutualServers.set(w, list);
      anyServers.set(w, n);
    }
    const reportedServers = new Set<GatewayServer>();
    for (const e of m.services.values()) {
      const list = drs.get(e.fqdn) ?? [];
      const blocks = list.flatMap((dr) => drTlsBlocks(dr).map((b) => ({ dr, ...b })));
      const mutualBlocks = blocks.filter((b) => b.mode === 'ISTIO_MUTUAL');
      const servers = e.workloads.flatMap((w) => mutualServers.get(w) ?? []);
      const serverCount = e.workloads.reduce((a, w) => a + (anyServers.get(w) ?? 0), 0);
      if (servers.length > 0 && mutualBlocks.length === 0) {
        for (const s of servers) {
          if (reportedServers.has(s)) continue;
          reportedServers.add(s);
          ctx.report({
            object: s.gateway,
            path: `${s.path}.tls.mode`,
            message: `egress gateway server on port ${s.port.number ?? '?'} expects ISTIO_MUTUAL, but no DestinationRule for ${e.fqdn} sets tls.mode ISTIO_MUTUAL; sidecars send the application's traffic unwrapped and the handshake fails`,
            fix: `add a DestinationRule with host ${q(e.fqdn)} and trafficPolicy.tls: {mode: ISTIO_MUTUAL, sni: <external host>} (port-level for 443), or use PASSTHROUGH on the server`,
          });
        }
      }
      if (mutualBlocks.length > 0 && servers.length === 0 && serverCount > 0) {
        for (const b of mutualBlocks) {
          ctx.report({
            object: b.dr,
            path: `${b.path}.mode`,
            message: `tls.mode ISTIO_MUTUAL towards the egress gateway ${e.fqdn}, but its Gateway servers are not ISTIO_MUTUAL; the gateway sees an Istio mTLS handshake it does not terminate`,
            fix: 'set the egress Gateway server to protocol HTTPS/TLS with tls.mode ISTIO_MUTUAL, or remove the ISTIO_MUTUAL tls settings from this DestinationRule',
          });
        }
      }
      for (const b of mutualBlocks) {
        if (servers.length === 0) continue;
        if (asString(b.tls.sni)) continue;
        ctx.report({
          object: b.dr,
          path: `${b.path}.sni`,
          message: `tls.mode ISTIO_MUTUAL towards the egress gateway ${e.fqdn} without sni; the gateway selects its ISTIO_MUTUAL server by SNI`,
          fix: 'set tls.sni to the external host (e.g. edition.cnn.com), the host of the egress Gateway server',
        });
      }
    }
  },
});

export const EGRESS_RULES: readonly Rule[] = [EGR_GW_001, EGR_VS_001, EGR_VS_002, EGR_VS_003, EGR_DR_001, EGR_MTLS_001];
