/**
 * VSX-*: VirtualService rules across resources (section 5 of shared/ISTIO-RULES.md): gateway binding (name
 * resolution, host coverage with `ns/` scoping, route kind per server, match.port/match.gateways, exportTo to the
 * gateway pod namespace), conflicts between VirtualServices (mesh IST0109, per gateway KIA1106, TCP first-wins, SNI
 * duplicates) and destinations (registry hosts and ports IST0101/IST0112, DestinationRule subsets, ingress vs mesh
 * subset routing IST0140, JWT claim routing IST0149).
 *
 * Everything is bucketed (per gateway, per host, per listener) so the cost stays linear in the input.
 *
 * Loops run per VirtualService, server or host are indexed, not `for...of` (see virtual-service.ts): most of this code
 * runs once per object before the JIT optimizes it.
 */
import { Severity } from '../findings';
import { hostsIntersect, isIpAddress, resolveShortName } from '../hosts';
import { DrHost, destinationRuleHosts, restrictedDestinationRuleHosts } from '../index/destination-rules';
import { definesSubset, subsetNames } from '../index/subsets';
import { GatewayRef, GatewayServer, HostIndex, IndexedObject, MeshIndex, RouteKind, ScopedEntry, parityFqdn, resolveGatewayName } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, asStringArray, asStringMap, isRecord, selectorMatches } from '../model';
import { Rule, RuleContext, defineRule } from '../rule';
import { ParityHostSet, parityOverlap } from './parity-hosts';
import {
  DestinationUse, Section, SECTIONS, appliesToMesh, claimMatches, destinationsOf, eachMatch, gatewayMatchesOf, matchPath, nameSubsetOf,
  nsOf, ownVirtualServices, q, refKey, rulesOf, topGateways, virtualServices,
} from './virtual-service';

// ---------------------------------------------------------------------------------------------------------------
// Facts shared by the VSX rules, derived once per index
// ---------------------------------------------------------------------------------------------------------------

interface GatewayUse {
  readonly ref: Exclude<GatewayRef, { mesh: true }>;
  readonly raw: string;
  /** index in spec.gateways */
  readonly index: number;
  readonly key: string;
  /** the Istio Gateway, when it is in the input */
  readonly gateway?: IndexedObject;
}

interface Binding {
  /** the Istio Gateway */
  readonly gw: IndexedObject;
  /** servers of the gateway admitting at least one VS host, without duplicates, in first-admitted order */
  readonly servers: readonly GatewayServer[];
  /** indices (in spec.hosts) of the VS hosts some server admits, ascending */
  readonly hosts: readonly number[];
}

interface VsFacts {
  readonly vs: IndexedObject;
  readonly ns: string;
  /** spec.hosts with short names resolved in the VS namespace */
  readonly hosts: readonly { host: string; index: number; resolved: string }[];
  readonly mesh: boolean;
  /** non-mesh top-level gateways */
  readonly gateways: readonly GatewayUse[];
  /** {@link parityEntriesOf}, read on first use */
  parityEntries?: readonly ParityGatewayEntry[];
  /** {@link callerNamespaces} of its rules that match on any gateway of the VS, computed on first use */
  callers?: readonly { ns: string; who: string }[];
  /** {@link binding} per gateway, created on first use: the first alone, a list once there are two */
  bindings?: Binding | Binding[];
  /** {@link scopedEntries}: the registry entry of each destination, computed on first use */
  scoped?: readonly (ScopedEntry | undefined)[];
}

interface Facts {
  readonly all: readonly VsFacts[];
  /** {@link all} but context objects: the VirtualServices rules report on (as ownVirtualServices, no lookup each) */
  readonly own: readonly VsFacts[];
  /** VSs naming a Gateway at top level, oldest first */
  readonly byGateway: Map<IndexedObject, VsFacts[]>;
  /** Istio Gateways by metadata.name */
  readonly gatewaysByName: Map<string, IndexedObject[]>;
  /** {@link ParityTarget} of each `ns/name` gateway entry, filled on use */
  readonly parityTargets: Map<string, ParityTarget>;
  /** the last answer of {@link parityServerHosts} */
  lastParityHosts?: { readonly gw: IndexedObject; readonly entryNs: string; readonly out: ParityServerHosts };
}

const factsCache = new WeakMap<MeshIndex, Facts>();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const gatewayOf = (index: MeshIndex, ref: GatewayRef): IndexedObject | undefined => index.gatewayByRef(ref);

/** A `ns/name` gateway entry, resolved once for every VirtualService naming it. */
interface QualifiedEntry {
  readonly ref: Exclude<GatewayRef, { mesh: true }>;
  readonly key: string;
  readonly gateway?: IndexedObject;
  /** the gateway list of a VirtualService naming only this entry */
  alone?: readonly GatewayUse[];
}

function facts(index: MeshIndex): Facts {
  let f = factsCache.get(index);
  if (f) return f;
  const all: VsFacts[] = [];
  const byGateway = new Map<IndexedObject, VsFacts[]>();
  const gatewaysByName = new Map<string, IndexedObject[]>();
  for (const g of index.gateways()) push(gatewaysByName, g.name, g);
  // `ns/name` entries resolve alike in every VirtualService: resolved once per entry string (tenants share a gateway)
  // (and a VirtualService naming only such an entry, first, shares its one-entry list: the lists are never changed)
  const qualified = new Map<string, QualifiedEntry>();
  for (let vsAt = 0, vsList = virtualServices(index); vsAt < vsList.length; vsAt++) {
    const vs = vsList[vsAt];
    const ns = nsOf(index, vs);
    let gateways: GatewayUse[] = [];
    // topGateways without its list: the entries other than `mesh` that resolve
    const list = asArray(vs.spec.gateways);
    for (let i = 0; i < list.length; i++) {
      const raw = list[i];
      if (typeof raw !== 'string' || raw === 'mesh') continue;
      const shareable = raw.indexOf('/') > 0 && !raw.startsWith('./');
      let r = shareable ? qualified.get(raw) : undefined;
      if (!r) {
        const ref = resolveGatewayName(raw, ns);
        if (!ref || ref.mesh) continue;
        r = { ref, key: refKey(ref), gateway: gatewayOf(index, ref) };
        if (shareable) qualified.set(raw, r);
      }
      if (shareable && i === 0 && list.length === 1) {
        gateways = (r.alone ??= Object.freeze([Object.freeze({ ref: r.ref, raw, index: i, key: r.key, gateway: r.gateway })])) as GatewayUse[];
        continue;
      }
      gateways.push({ ref: r.ref, raw, index: i, key: r.key, gateway: r.gateway });
    }
    const vf: VsFacts = {
      vs,
      ns,
      mesh: appliesToMesh(vs),
      gateways,
      bindings: undefined,
      callers: undefined,
      parityEntries: undefined,
      scoped: undefined,
      hosts: resolvedHostsOf(vs, ns),
    };
    all.push(vf);
    let seen: Set<IndexedObject> | undefined; // only for a VS naming several gateways
    for (let gAt = 0, gList = gateways; gAt < gList.length; gAt++) {
      const g = gList[gAt];
      if (!g.gateway) continue;
      if (gateways.length > 1) {
        seen ??= new Set();
        if (seen.has(g.gateway)) continue;
        seen.add(g.gateway);
      }
      push(byGateway, g.gateway, vf);
    }
  }
  f = { all, own: all.filter((vf) => !vf.vs.isContext), byGateway, gatewaysByName, parityTargets: new Map(), lastParityHosts: undefined };
  factsCache.set(index, f);
  return f;
}

/** A VirtualService with its namespace and resolved top-level gateways, as {@link ownVsGateways} gives it. */
export interface VsGateways {
  readonly vs: IndexedObject;
  readonly ns: string;
  /** {@link appliesToMesh} */
  readonly mesh: boolean;
  /** the entries of spec.gateways other than `mesh` that resolve, in order (duplicates kept), as `ns/name` keys */
  readonly gateways: readonly { readonly key: string; readonly gateway?: IndexedObject }[];
}

/**
 * The VirtualServices rules report on (not context objects), oldest first, with their resolved gateways: the walk of
 * the VSX facts, shared with the egress model (one gateway resolution per VirtualService for both).
 */
export function ownVsGateways(index: MeshIndex): readonly VsGateways[] {
  return facts(index).own;
}

/** `spec.hosts` strings with their indices and short names resolved in `ns` (one object per host). */
function resolvedHostsOf(vs: IndexedObject, ns: string): { host: string; index: number; resolved: string }[] {
  const hosts = asArray(vs.spec.hosts);
  // exactly as many slots as strings (kept for the whole analysis; `push` would give a one-host list 17)
  let n = 0;
  for (let i = 0; i < hosts.length; i++) if (typeof hosts[i] === 'string') n++;
  if (n > 64) {
    const long: { host: string; index: number; resolved: string }[] = [];
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i];
      if (typeof h === 'string') long.push({ host: h, index: i, resolved: resolveShortName(h, ns) });
    }
    return long;
  }
  const out = new Array<{ host: string; index: number; resolved: string }>(n);
  let k = 0;
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i];
    if (typeof h === 'string') out[k++] = { host: h, index: i, resolved: resolveShortName(h, ns) };
  }
  return out;
}

/** Servers of `gw` admitting the VS's hosts (host intersection with `ns/` scoping), cached. */
function binding(index: MeshIndex, vf: VsFacts, gw: IndexedObject): Binding {
  const known = vf.bindings;
  // one binding per gateway the VS names, kept for the whole analysis: a VS names one gateway or two, so the first is
  // kept alone, a list only for the second
  if (known !== undefined) {
    if (!Array.isArray(known)) {
      if (known.gw === gw) return known;
    } else {
      for (let i = 0; i < known.length; i++) if (known[i].gw === gw) return known[i];
    }
  }
  return readBinding(index, vf, gw, known);
}

/** Computes and keeps the {@link binding} of `vf` to `gw` (apart from the lookup, which stays small enough to inline). */
function readBinding(index: MeshIndex, vf: VsFacts, gw: IndexedObject, known: Binding | Binding[] | undefined): Binding {
  // arrays, not Sets, and built as one-entry literals (exact size; `push` gives a short list 17 slots): they are tiny
  // (shared empty lists when nothing binds, shared `[i]` for one admitted host)
  let servers = NO_SERVERS as GatewayServer[];
  let hosts = NO_HOSTS;
  let ownHosts: number[] | undefined; // once a second host is admitted
  let many: Set<GatewayServer> | undefined; // dedup set only for unusually long lists
  for (let hAt = 0, hList = vf.hosts; hAt < hList.length; hAt++) {
    const h = hList[hAt];
    const hits = index.serversAdmitting(gw, h.resolved, vf.ns);
    if (hits.length === 0) continue;
    if (ownHosts) ownHosts.push(h.index);
    else if (hosts === NO_HOSTS) hosts = oneHost(h.index);
    else hosts = ownHosts = [hosts[0], h.index];
    for (let hitAt = 0, hitList = hits; hitAt < hitList.length; hitAt++) {
      const hit = hitList[hitAt];
      if (many ? many.has(hit.server) : servers.includes(hit.server)) continue;
      if (servers === NO_SERVERS) servers = [hit.server];
      else servers.push(hit.server);
      if (many) many.add(hit.server);
      else if (servers.length > 32) many = new Set(servers);
    }
  }
  const b: Binding = { gw, servers, hosts };
  if (known === undefined) vf.bindings = b;
  else if (Array.isArray(known)) known.push(b);
  else vf.bindings = [known, b];
  return b;
}

const NO_SERVERS: readonly GatewayServer[] = Object.freeze([]);
const NO_HOSTS: readonly number[] = Object.freeze([]);
/** Shared `[i]` lists for small host indices (most VirtualServices have one host, at index 0). */
const ONE_HOST: readonly (readonly number[])[] = Array.from({ length: 8 }, (_, i) => Object.freeze([i]));
const oneHost = (i: number): readonly number[] => (i < ONE_HOST.length ? ONE_HOST[i] : [i]);

/**
 * True when the VSX facts cover `vs`, a VirtualService of the index (its `ofKind('VirtualService')`): those of
 * networking.istio.io, as {@link virtualServices} selects them (see {@link boundServers}). Read from the object: no
 * map from VirtualService to facts is kept for this one question.
 */
export function hasBindingFacts(vs: IndexedObject): boolean {
  return vs.group === 'networking.istio.io';
}

/**
 * The servers of Istio Gateway `gw` that some VirtualService covered by the VSX facts binds (names `gw` at top level,
 * and a host the server admits, short hosts resolved): the same bindings the VSX rules use, so GWX-VS-001 and the
 * VSX rules compute them once.
 */
export function boundServers(index: MeshIndex, gw: IndexedObject): ReadonlyMap<GatewayServer, unknown> {
  const f = facts(index);
  return boundToServer(index, f, gw);
}

const boundCache = new WeakMap<Facts, Map<IndexedObject, Map<GatewayServer, VsFacts[]>>>();

/**
 * The VirtualServices bound to each server of `gw` (those naming `gw` whose hosts the server admits), oldest first:
 * the inverse of {@link binding}, so per-server loops do not scan every VirtualService of the gateway (quadratic on a
 * shared gateway with one server per tenant).
 */
function boundToServer(index: MeshIndex, f: Facts, gw: IndexedObject): Map<GatewayServer, VsFacts[]> {
  let perGw = boundCache.get(f);
  if (!perGw) {
    perGw = new Map();
    boundCache.set(f, perGw);
  }
  let m = perGw.get(gw);
  if (!m) {
    m = new Map();
    for (let vfAt = 0, vfList = f.byGateway.get(gw) ?? []; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      for (const s of binding(index, vf, gw).servers) push(m, s, vf);
    }
    perGw.set(gw, m);
  }
  return m;
}

/** exportTo as written, for messages (`*` when the object and the meshConfig default leave it unset). */
function exportToOf(index: MeshIndex, o: IndexedObject): string[] {
  const e = index.exportNamespaces(o);
  return e === '*' ? ['*'] : e;
}

const vsVisibleIn = (index: MeshIndex, vs: IndexedObject, ns: string) => index.isExportedTo(vs, ns);
const drVisibleIn = (index: MeshIndex, dr: IndexedObject, ns: string) => index.isExportedTo(dr, ns);

/** Namespaces of the gateway pods a Gateway configures (empty when no workload is known). */
function podNamespaces(index: MeshIndex, gw: IndexedObject): readonly string[] {
  let nss = podNsCache.get(gw);
  if (!nss) {
    nss = Array.from(new Set(index.workloadsFor(gw).map((w) => w.namespace))).sort();
    podNsCache.set(gw, nss);
  }
  return nss;
}

/** {@link podNamespaces} per Gateway (indexed objects belong to one index, so the key implies the index). */
const podNsCache = new WeakMap<IndexedObject, readonly string[]>();

/** True when gateway pods of `gw` can see the VS (istiod's VirtualServicesForGateway uses the pod namespace). */
function visibleToGateway(index: MeshIndex, vs: IndexedObject, gw: IndexedObject): boolean {
  const nss = podNamespaces(index, gw);
  return nss.length === 0 || nss.some((ns) => vsVisibleIn(index, vs, ns));
}

const gwName = (g: IndexedObject) => `${g.namespace ?? ''}/${g.name}`;

/** L4 match (tcp/tls) against a server port and gateway (istiod l4SingleMatch). */
function l4Matches(m: Record<string, unknown>, port: number | undefined, gwKey: string, vsNs: string): boolean {
  const mp = asNumber(m.port);
  if (mp !== undefined && mp !== 0 && mp !== port) return false;
  const gws = asArray(m.gateways);
  if (gws.length > 0 && !gws.some((g) => {
    const r = resolveGatewayName(g, vsNs);
    return r !== undefined && refKey(r) === gwKey;
  })) return false;
  return true;
}

function sectionOfKind(kind: RouteKind): Section | undefined {
  return kind === 'none' ? undefined : kind;
}

// ---------------------------------------------------------------------------------------------------------------
// Gateway binding
// ---------------------------------------------------------------------------------------------------------------

/** Marker of the internal Gateways istiod generates for Kubernetes Gateway API Gateways (IST0165). */
const INTERNAL_GATEWAY = '~istio-autogenerated-k8s-gateway~';

/** A top-level `spec.gateways` entry resolved as istioctl resolves it (ISTIOCTL-PARITY §1 `gateway`). */
interface ParityGatewayEntry {
  readonly raw: string;
  readonly index: number;
  readonly namespace: string;
  readonly name: string;
  readonly internal: boolean;
  /** The Istio Gateway with exactly that namespace/name. */
  readonly istio?: IndexedObject;
  /** The Gateway API Gateway with exactly that namespace/name. */
  readonly k8s?: IndexedObject;
}

/**
 * Top-level gateway entries other than `mesh`: `a/b` is namespace a, name b (a leading `./` is not special), anything
 * else is `<VS namespace>/<entry>` (the legacy dotted form is not rewritten).
 */
function parityEntriesOf(index: MeshIndex, vf: VsFacts): readonly ParityGatewayEntry[] {
  return vf.parityEntries ?? (vf.parityEntries = readParityGatewayEntries(index, vf.vs, facts(index).parityTargets));
}

/**
 * What a `ns/name` entry resolves to, the same in every VirtualService naming it (its {@link ParityGatewayEntry}), and
 * the entry list of a VirtualService naming only it (`alone`, shared: tenants name one gateway, and the lists are
 * never changed).
 */
type ParityTarget = Omit<ParityGatewayEntry, 'raw' | 'index'> & { alone?: readonly ParityGatewayEntry[] };

function readParityGatewayEntries(index: MeshIndex, vs: IndexedObject, shared: Map<string, ParityTarget>): readonly ParityGatewayEntry[] {
  const list = asArray(vs.spec.gateways);
  const only = list.length === 1 && typeof list[0] === 'string' && list[0].indexOf('/') >= 0 ? shared.get(list[0]) : undefined;
  if (only?.alone) return only.alone;
  const vsNs = nsOf(index, vs);
  // one entry per string other than `mesh`, in a list of that size (kept with the facts; `push` gives one entry 17 slots)
  let size = 0;
  for (let i = 0; i < list.length; i++) if (typeof list[i] === 'string' && list[i] !== 'mesh') size++;
  const out = size <= 64 ? new Array<ParityGatewayEntry>(size) : [];
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (typeof e !== 'string' || e === 'mesh') continue;
    const slash = e.indexOf('/');
    // an entry with a namespace resolves alike in every VirtualService: looked up once (tenants share a gateway)
    let t = slash >= 0 ? shared.get(e) : undefined;
    if (!t) {
      const namespace = slash >= 0 ? e.slice(0, slash) : vsNs;
      const name = slash >= 0 ? e.slice(slash + 1) : e;
      const istio = index.get('Gateway', namespace, name);
      t = {
        namespace,
        name,
        internal: name.includes(INTERNAL_GATEWAY),
        istio: istio && istio.group === 'networking.istio.io' ? istio : undefined,
        k8s: index.get('Gateway.gateway.networking.k8s.io', namespace, name),
      };
      if (slash >= 0) shared.set(e, t);
    }
    out[n++] = { raw: e, index: i, namespace: t.namespace, name: t.name, internal: t.internal, istio: t.istio, k8s: t.k8s };
    if (list.length === 1 && slash >= 0) return (t.alone = Object.freeze(out));
  }
  return out;
}

/**
 * Open world: a Gateway of a namespace the input does not describe (no object in it) may be installed from elsewhere,
 * so its absence is unknown. The VirtualService's own namespace is always described.
 */
function gatewayAbsenceKnown(index: MeshIndex, vs: IndexedObject, ns: string): boolean {
  if (index.closedWorld || ns === nsOf(index, vs)) return true;
  return describedNamespaces(index).has(ns);
}
const describedCache = new WeakMap<MeshIndex, Set<string>>();
function describedNamespaces(index: MeshIndex): Set<string> {
  let s = describedCache.get(index);
  if (!s) {
    s = new Set(index.namespaces());
    describedCache.set(index, s);
  }
  return s;
}

/**
 * VSX-GW-001. IST0101 (`gateway`) as istioctl computes it (ISTIOCTL-PARITY §1): a top-level entry names neither an
 * Istio Gateway nor a Gateway API Gateway. Error, except when istiod's own resolution (legacy `name.ns`, `./name`)
 * finds the Gateway: then traffic works and the finding is a warning. Uncoded: `match.gateways` entries that name no
 * Gateway (istioctl does not check them; the match never applies).
 */
export const VSX_GW_001 = defineRule({
  id: 'VSX-GW-001',
  code: 'IST0101',
  severity: Severity.ERROR,
  istioctlLevel: 'error — ours warning when istiod\'s own resolution (legacy name.ns, ./name) finds the Gateway: traffic works',
  summary: 'Referenced gateway exists (IST0101: top-level entries, Istio or Gateway API Gateway, `ns/name` or the VS namespace); uncoded for match.gateways',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      const ns = nsOf(index, vs);
      for (let eAt = 0, eList = parityEntriesOf(index, vf); eAt < eList.length; eAt++) {
        const e = eList[eAt];
        if (e.internal || e.istio || e.k8s || !gatewayAbsenceKnown(index, vs, e.namespace)) continue;
        const ours = resolveGatewayName(e.raw, ns);
        const resolved = ours && !ours.mesh ? gatewayOf(index, ours) : undefined;
        const elsewhere = (f.gatewaysByName.get(e.name) ?? []).filter((o) => o.namespace !== e.namespace);
        ctx.report({
          object: vs,
          path: `spec.gateways[${e.index}]`,
          refType: 'gateway',
          severity: resolved ? Severity.WARNING : Severity.ERROR,
          message: resolved
            ? `gateway ${q(e.raw)} is looked up as ${e.namespace}/${e.name} by istioctl analyze, which reports it missing; istiod resolves the legacy form to ${gwName(resolved)}`
            : `gateway ${q(e.raw)} resolves to ${e.namespace}/${e.name}, which is not in the input${elsewhere.length ? ` (a Gateway ${q(e.name)} exists in ${elsewhere.map((o) => o.namespace).join(', ')})` : ''}`,
          fix: resolved
            ? `write it as ${q(gwName(resolved))}`
            : elsewhere.length
              ? `reference it with its namespace: ${q(`${elsewhere[0].namespace}/${e.name}`)}`
              : 'create the Gateway, fix the name (<namespace>/<name> for another namespace), or pass it as context if it is installed elsewhere',
        });
      }
      for (let mAt = 0, mList = gatewayMatchesOf(vs); mAt < mList.length; mAt++) {
        const m = mList[mAt];
        const list = asArray(m.match.gateways);
        for (let k = 0; k < list.length; k++) {
          const g = list[k];
          const ref = resolveGatewayName(g, ns);
          if (!ref || ref.mesh || gatewayOf(index, ref) || index.get('Gateway.gateway.networking.k8s.io', ref.namespace, ref.name)) continue;
          if (!gatewayAbsenceKnown(index, vs, ref.namespace)) continue;
          ctx.report({
            object: vs,
            path: `${m.path}.gateways[${k}]`,
            code: '',
            message: `match gateway ${q(g)} resolves to ${ref.namespace}/${ref.name}, which is not in the input, so this match never applies`,
            fix: 'name a gateway of spec.gateways as <namespace>/<name>',
          });
        }
      }
    }
  },
});

/** A gateway's server hosts as istioctl reads them for IST0132: unscoped ones and those scoped to one namespace. */
interface ParityServerHosts {
  readonly any: ParityHostSet;
  readonly byNamespace: Map<string, ParityHostSet>;
}

const parityHostsCache = new WeakMap<MeshIndex, Map<IndexedObject, Map<string, ParityServerHosts>>>();

/** The server hosts of `gw` (named from namespace `entryNs`, which `./` refers to), cached per index. */
function parityServerHosts(index: MeshIndex, f: Facts, gw: IndexedObject, entryNs: string): ParityServerHosts {
  // tenants name one shared gateway from one namespace: the last answer usually serves (no three lookups per entry)
  const last = f.lastParityHosts;
  if (last !== undefined && last.gw === gw && last.entryNs === entryNs) return last.out;
  const out = parityServerHostsOf(index, gw, entryNs);
  f.lastParityHosts = { gw, entryNs, out };
  return out;
}

function parityServerHostsOf(index: MeshIndex, gw: IndexedObject, entryNs: string): ParityServerHosts {
  let perGw = parityHostsCache.get(index);
  if (!perGw) {
    perGw = new Map();
    parityHostsCache.set(index, perGw);
  }
  let perNs = perGw.get(gw);
  if (!perNs) {
    perNs = new Map();
    perGw.set(gw, perNs);
  }
  let out = perNs.get(entryNs);
  if (out) return out;
  out = { any: new ParityHostSet(), byNamespace: new Map() };
  const servers = asArray(gw.spec.servers);
  for (let i = 0; i < servers.length; i++) {
    const srv = servers[i];
    // the hosts as written: non-strings are skipped (no filtered copy per server; a shared gateway has thousands)
    const hosts = isRecord(srv) ? asArray(srv.hosts) : asArray(undefined);
    if (hosts.includes('*/*')) {
      out.any.add('*');
      continue;
    }
    for (let rawAt = 0, rawList = hosts; rawAt < rawList.length; rawAt++) {
      const raw = rawList[rawAt];
      if (typeof raw !== 'string') continue;
      let h = raw;
      if (h.startsWith('./')) h = `${entryNs}/${h.slice(2)}`;
      else if (h.startsWith('*/')) h = h.slice(2);
      const slash = h.indexOf('/');
      let ns = '*';
      if (slash >= 0) {
        ns = h.slice(0, slash);
        h = h.slice(slash + 1);
      }
      if (ns === '*') {
        out.any.add(h);
      } else {
        let set = out.byNamespace.get(ns);
        if (!set) {
          set = new ParityHostSet();
          out.byNamespace.set(ns, set);
        }
        set.add(h);
      }
    }
  }
  perNs.set(entryNs, out);
  return out;
}

/**
 * True when a Gateway of the VirtualService (top level, in the input) admits its host at index `host` of spec.hosts,
 * or (`host` -1) any of its hosts.
 */
function someGatewayAdmits(index: MeshIndex, vf: VsFacts, host: number): boolean {
  for (let gAt = 0, gList = vf.gateways; gAt < gList.length; gAt++) {
    const g = gList[gAt];
    if (g.gateway === undefined) continue;
    const admitted = binding(index, vf, g.gateway).hosts;
    if (host < 0 ? admitted.length > 0 : admitted.includes(host)) return true;
  }
  return false;
}

/** ISTIOCTL-PARITY §6: does a gateway entry admit any VS host (istioctl's IST0132 test)? */
function parityEntryMatches(index: MeshIndex, f: Facts, vf: VsFacts, e: ParityGatewayEntry): boolean {
  // vf.hosts: the string hosts of spec.hosts, in order
  const vsHosts = vf.hosts;
  if (!e.istio && e.k8s) {
    const listeners = asArray(e.k8s.spec.listeners).map(asRecord);
    if (listeners.some((l) => !asString(l.hostname))) return true;
    return listeners.some((l) => vsHosts.some((h) => parityOverlap(asString(l.hostname) ?? '', h.host)));
  }
  if (!e.istio) return false;
  const gwHosts = parityServerHosts(index, f, e.istio, e.namespace);
  const scoped = gwHosts.byNamespace.get(vf.ns);
  for (const h of vsHosts) if (gwHosts.any.overlapsAny(h.host) || (scoped !== undefined && scoped.overlapsAny(h.host))) return true;
  return false;
}

/**
 * VSX-GW-006. IST0165 (ISTIOCTL-PARITY §14): a top-level gateway entry names an internal Gateway that istiod generates
 * for a Gateway API Gateway; such Gateways are not for users to bind to.
 */
export const VSX_GW_006 = defineRule({
  id: 'VSX-GW-006',
  code: 'IST0165',
  severity: Severity.WARNING,
  summary: 'VirtualService binds to an internal gateway istiod generates for a Gateway API Gateway (`~istio-autogenerated-k8s-gateway~`)',
  check(ctx) {
    for (let vfAt = 0, vfList = facts(ctx.index).own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      for (let eAt = 0, eList = parityEntriesOf(ctx.index, vf); eAt < eList.length; eAt++) {
        const e = eList[eAt];
        if (!e.internal) continue;
        ctx.report({
          object: vs,
          path: `spec.gateways[${e.index}]`,
          message: `gateway ${q(e.raw)} is an internal gateway istiod generates for a Kubernetes Gateway API Gateway; binding to it is unsupported and may break on upgrade`,
          fix: 'bind to the Gateway API Gateway itself (spec.gateways: ["<namespace>/<name>"] of the gateway.networking.k8s.io Gateway) or use an HTTPRoute',
        });
      }
    }
  },
});

function serverHostList(index: MeshIndex, gw: IndexedObject): string {
  const hosts = new Set<string>();
  for (const s of index.serversOf(gw)) for (const h of s.hosts) hosts.add(h.raw);
  return Array.from(hosts).join(', ') || 'none';
}

/** Why no server admits `host`: a scoped server host intersects but excludes the namespace. */
function scopeHint(index: MeshIndex, gw: IndexedObject, host: string, vsNs: string): string {
  for (const s of index.serversOf(gw)) {
    for (const h of s.hosts) {
      if (h.namespace !== '*' && hostsIntersect(h.host, host)) {
        const only = h.namespace === '.' ? gw.namespace ?? '' : h.namespace;
        if (only !== vsNs) return `; server host ${q(h.raw)} only admits virtual services from ${only}`;
      }
    }
  }
  return '';
}

/**
 * VSX-GW-002. IST0132 as istioctl computes it (ISTIOCTL-PARITY §6): one message per top-level gateway entry (not
 * `mesh`, not internal) whose Gateway admits none of the VirtualService's hosts as written, missing Gateways, Gateways
 * without servers and VirtualServices without hosts included; Gateway API Gateways by listener hostname. Error (istioctl:
 * Warning) because the binding is ignored, warning when the Gateway is missing (IST0101 is the error then). Uncoded:
 * single hosts no referenced Gateway admits while others are (short hosts resolved, `ns/` scoping explained).
 */
export const VSX_GW_002 = defineRule({
  id: 'VSX-GW-002',
  code: 'IST0132',
  severity: Severity.ERROR,
  istioctlLevel: 'warning — ours error: the gateway ignores the VirtualService for that binding, so its hosts are not routed there (warning when the gateway is missing: IST0101 is the error)',
  summary: 'Each referenced gateway admits a VirtualService host (IST0132, per gateway entry, missing gateways included); uncoded per host when only some hosts are admitted',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      for (let eAt = 0, eList = parityEntriesOf(index, vf); eAt < eList.length; eAt++) {
        const e = eList[eAt];
        if (e.internal) continue;
        const exists = e.istio !== undefined || e.k8s !== undefined;
        if (!exists && !gatewayAbsenceKnown(index, vs, e.namespace)) continue;
        if (parityEntryMatches(index, f, vf, e)) continue;
        const hosts = vf.hosts.map((h) => h.host);
        const hint = e.istio ? vf.hosts.map((h) => scopeHint(index, e.istio!, h.resolved, vf.ns)).find((x) => x !== '') ?? '' : '';
        ctx.report({
          object: vs,
          path: `spec.gateways[${e.index}]`,
          severity: exists ? Severity.ERROR : Severity.WARNING,
          message: !exists
            ? `gateway ${q(e.raw)} (${e.namespace}/${e.name}) is not in the input, so no host of the virtual service [${hosts.join(', ')}] is served by it`
            : hosts.length === 0
              ? `the virtual service has no hosts, so gateway ${e.namespace}/${e.name} serves none of it`
              : `no host of the virtual service [${hosts.join(', ')}] matches a ${e.istio ? `server host of gateway ${gwName(e.istio)} (${serverHostList(index, e.istio)})` : `listener hostname of Gateway API gateway ${gwName(e.k8s!)}`}${hint}, so the virtual service is not attached to it`,
          fix: exists
            ? 'use a host the gateway serves, add the host to a gateway server (hosts: ["<ns>/<host>"]), or remove the gateway from spec.gateways'
            : 'fix the gateway reference (<namespace>/<name>), or create the Gateway',
        });
      }
      // knowledge beyond istioctl: hosts that no referenced gateway admits while the VS is attached through others
      if (vf.mesh || vf.hosts.length === 0) continue;
      // (no list or set per VirtualService: a VirtualService names one gateway or two)
      if (!someGatewayAdmits(index, vf, -1)) continue;
      for (let hAt = 0, hList = vf.hosts; hAt < hList.length; hAt++) {
        const h = hList[hAt];
        if (someGatewayAdmits(index, vf, h.index)) continue;
        const existing = vf.gateways.filter((g) => g.gateway !== undefined);
        ctx.report({
          object: vs,
          path: `spec.hosts[${h.index}]`,
          code: '',
          severity: Severity.WARNING,
          message: `host ${q(h.host)} matches no server host of the referenced gateways (${existing.map((g) => gwName(g.gateway!)).join(', ')})${existing.map((g) => scopeHint(index, g.gateway!, h.resolved, vf.ns)).find((x) => x !== '') ?? ''}, so requests for it are not routed by them`,
          fix: 'remove the host, or add it to a server of one of the gateways',
        });
      }
    }
  },
});

export const VSX_GW_003 = defineRule({
  id: 'VSX-GW-003',
  severity: Severity.ERROR,
  summary: 'Gateway-bound VirtualService is exported to the gateway pod namespace',
  needsContext: true,
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      if (vf.gateways.length === 0 || index.isExportedEverywhere(vs)) continue; // then every gateway pod sees it
      let missing: Map<string, string[]> | undefined; // created for a finding only
      for (let gAt = 0, gList = vf.gateways; gAt < gList.length; gAt++) {
        const g = gList[gAt];
        if (!g.gateway) continue;
        for (const ns of podNamespaces(index, g.gateway)) {
          if (!vsVisibleIn(index, vs, ns)) push((missing ??= new Map()), ns, gwName(g.gateway));
        }
      }
      if (missing === undefined) continue;
      const exportTo = exportToOf(index, vs);
      const nss = Array.from(missing.keys()).sort();
      ctx.report({
        object: vs,
        path: 'spec.exportTo',
        message: `exportTo ${q(exportTo)} hides the virtual service from the gateway pods in ${nss.join(', ')} (${nss.map((n) => Array.from(new Set(missing.get(n))).join(', ')).join('; ')}), so the gateway ignores it`,
        fix: `add ${nss.map((n) => q(n)).join(', ')} to spec.exportTo (or remove exportTo to export everywhere)`,
      });
    }
  },
});

/** True for hosts of the cluster registry form (`name.ns.svc.cluster.local` / `name.ns.svc`). */
function isClusterLocal(fqdn: string): boolean {
  return /\.svc(\.cluster\.local)?$/.test(fqdn);
}

export const VSX_GW_004 = defineRule({
  id: 'VSX-GW-004',
  severity: Severity.WARNING,
  summary: '`gateways` omitted = sidecars only; naming gateways drops sidecars unless `mesh` is listed',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    // both indexes below are built on first use: many inputs never ask (no gateway VS for a cluster service, no
    // mesh VS omitting gateways for an external host), and a shared gateway has a server per tenant
    // mesh-bound hosts, for "gateway-only VS on a cluster service"
    let meshHostSet: Set<string> | undefined;
    const meshHosts = () => {
      if (!meshHostSet) {
        meshHostSet = new Set<string>();
        for (const vf of f.all) if (vf.mesh) for (const h of vf.hosts) meshHostSet.add(h.resolved.toLowerCase());
      }
      return meshHostSet;
    };
    // gateway server hosts (not `*`) and, per gateway, the hosts bound by gateway VSs
    type ServerHost = { gw: IndexedObject; server: GatewayServer; host: { namespace: string; host: string } };
    let serverHostIndex: HostIndex<ServerHost> | undefined;
    const serverHosts = () => {
      if (!serverHostIndex) {
        serverHostIndex = new HostIndex<ServerHost>();
        for (const gw of index.gateways()) {
          for (const s of index.serversOf(gw)) for (const h of s.hosts) if (h.host !== '*' && h.host !== '') serverHostIndex.add(h.host, { gw, server: s, host: h });
        }
      }
      return serverHostIndex;
    };
    const boundHosts = new Map<IndexedObject, HostIndex<VsFacts>>();
    const boundOn = (gw: IndexedObject) => {
      let hi = boundHosts.get(gw);
      if (!hi) {
        hi = new HostIndex();
        for (const vf of f.byGateway.get(gw) ?? []) for (const h of vf.hosts) hi.add(h.resolved, vf);
        boundHosts.set(gw, hi);
      }
      return hi;
    };
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      if (vf.hosts.length === 0) continue;
      if (!vf.mesh) {
        for (let hAt = 0, hList = vf.hosts; hAt < hList.length; hAt++) {
          const h = hList[hAt];
          if (!isClusterLocal(h.resolved) || meshHosts().has(h.resolved.toLowerCase())) continue;
          ctx.report({
            object: vs,
            path: vf.gateways.length ? `spec.gateways[${vf.gateways[0].index}]` : 'spec.gateways',
            message: `virtual service for the mesh service ${q(h.resolved)} is bound only to gateways [${vf.gateways.map((g) => g.raw).join(', ')}], so sidecars calling it ignore its rules`,
            fix: 'add "mesh" to spec.gateways if sidecars should apply these rules too (or add a separate mesh virtual service)',
          });
          break;
        }
        continue;
      }
      if (asArray(vs.spec.gateways).length > 0) continue; // `mesh` listed explicitly: deliberate
      for (let hAt = 0, hList = vf.hosts; hAt < hList.length; hAt++) {
        const h = hList[hAt];
        if (h.host === '*' || isClusterLocal(h.resolved) || isIpAddress(h.host)) continue;
        const hits = serverHosts().query(h.resolved).filter((e) => {
          const ns = e.host.namespace;
          const admits = ns === '*' || (ns === '.' ? e.gw.namespace === vf.ns : ns === vf.ns);
          return admits && hostsIntersect(e.host.host, h.resolved);
        });
        const unbound = hits.find((e) => boundOn(e.gw).query(h.resolved).length === 0);
        if (!unbound) continue;
        ctx.report({
          object: vs,
          path: 'spec.gateways',
          message: `spec.gateways is omitted, so the virtual service applies only to sidecars, but gateway ${gwName(unbound.gw)} serves ${q(h.host)} and no virtual service binds it there`,
          fix: `add gateways: [${q(`${unbound.gw.namespace}/${unbound.gw.name}`)}] (plus "mesh" if sidecars should keep using it)`,
        });
        break;
      }
    }
  },
});

export const VSX_GW_005 = defineRule({
  id: 'VSX-GW-005',
  severity: Severity.ERROR,
  summary: '`match.gateways` ⊆ top-level `gateways`',
  check(ctx) {
    const { index } = ctx;
    for (let vsAt = 0, vsList = ownVirtualServices(index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      const matches = gatewayMatchesOf(vs);
      if (matches.length === 0) continue; // no match.gateways: nothing to compare with the top-level list
      const ns = nsOf(index, vs);
      const top = topGateways(index, vs);
      const keys = new Set(top.map((t) => refKey(t.ref)));
      for (let mAt = 0, mList = matches; mAt < mList.length; mAt++) {
        const m = mList[mAt];
        const list = asArray(m.match.gateways);
        for (let k = 0; k < list.length; k++) {
          const g = list[k];
          const r = resolveGatewayName(g, ns);
          if (!r || keys.has(refKey(r))) continue;
          ctx.report({
            object: vs,
            path: `${m.path}.gateways[${k}]`,
            message: `match gateway ${q(g)} is not in spec.gateways [${top.map((t) => t.raw).join(', ')}], so this match never applies`,
            fix: `add ${q(g)} to spec.gateways, or remove it from the match`,
          });
        }
      }
    }
  },
});

/** Gateways a match applies to: its match.gateways if set, else the top-level ones. Mesh included as `mesh`. */
function matchGateways(vf: VsFacts, m: Record<string, unknown>, index: MeshIndex): { mesh: boolean; gateways: IndexedObject[] } {
  const mg = asArray(m.gateways);
  if (mg.length === 0) return { mesh: vf.mesh, gateways: vf.gateways.map((g) => g.gateway).filter((g): g is IndexedObject => g !== undefined) };
  let mesh = false;
  const gateways: IndexedObject[] = [];
  for (const e of mg) {
    const r = resolveGatewayName(e, vf.ns);
    if (!r) continue;
    if (r.mesh) {mesh = true;} else {
      const g = gatewayOf(index, r);
      if (g) gateways.push(g);
    }
  }
  return { mesh, gateways };
}

export const VSX_PORT_001 = defineRule({
  id: 'VSX-PORT-001',
  severity: Severity.ERROR,
  summary: '`match.port` equals a bound Gateway server port (pre-translation)',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      if (vf.gateways.length === 0) continue;
      eachMatch(vs, (section, r, match, j) => {
        const port = asNumber(match.port);
        if (port !== undefined && port !== 0) checkMatchPort(ctx, vf, section, match, matchPath(section, r.index, j), port);
      });
    }
  },
});

/** VSX-PORT-001 on one match with a port. */
function checkMatchPort(ctx: RuleContext, vf: VsFacts, section: Section, match: Record<string, unknown>, path: string, port: number): void {
  const { index } = ctx;
  const { mesh, gateways } = matchGateways(vf, match, index);
  if (mesh || gateways.length === 0) return;
  const ports = new Set<number>();
  let anyServer = false;
  for (const gw of gateways) {
    for (const s of binding(index, vf, gw).servers) {
      if (sectionOfKind(s.kind) !== section || s.port.number === undefined) continue;
      anyServer = true;
      ports.add(s.port.number);
    }
  }
  if (!anyServer || ports.has(port)) return;
  const list = Array.from(ports).sort((a, b) => a - b);
  ctx.report({
    object: vf.vs,
    path: `${path}.port`,
    message: `match.port ${port} is not the port of any ${section} server of ${gateways.map(gwName).join(', ')} serving these hosts (${list.join(', ')}); match.port compares with the Gateway server port, not the Service targetPort or container port`,
    fix: `use match.port ${list.length === 1 ? list[0] : `one of ${list.join(', ')}`}, or remove match.port`,
  });
}

export const VSX_KIND_001 = defineRule({
  id: 'VSX-KIND-001',
  severity: Severity.ERROR,
  summary: 'Route sections fit the bound servers (http: HTTP/HTTPS-terminated; tcp: TCP/TLS-terminated; tls: PASSTHROUGH)',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      if (vf.mesh || vf.gateways.length === 0) continue;
      const kinds = new Set<Section>();
      let anyServer = false;
      for (let gAt = 0, gList = vf.gateways; gAt < gList.length; gAt++) {
        const g = gList[gAt];
        if (!g.gateway) continue;
        for (const s of binding(index, vf, g.gateway).servers) {
          anyServer = true;
          const sec = sectionOfKind(s.kind);
          if (sec) kinds.add(sec);
        }
      }
      if (!anyServer) continue;
      const serverDesc = () => {
        const out: string[] = [];
        for (const g of vf.gateways) {
          if (!g.gateway) continue;
          for (const s of binding(index, vf, g.gateway).servers) {
            out.push(`${gwName(g.gateway)} ${s.port.number ?? '?'}/${s.port.protocol || '?'}${s.tlsMode ? ` ${s.tlsMode}` : ''}`);
          }
        }
        return out.join(', ');
      };
      for (let secAt = 0, secList = SECTIONS; secAt < secList.length; secAt++) {
        const sec = secList[secAt];
        if (asArray(vs.spec[sec]).length === 0 || kinds.has(sec)) continue;
        const want = sec === 'http' ? 'an HTTP server or an HTTPS server terminating TLS' : sec === 'tcp' ? 'a TCP server or a TLS server terminating TLS (SIMPLE/MUTUAL)' : 'a server with tls.mode PASSTHROUGH';
        const used = Array.from(kinds);
        ctx.report({
          object: vs,
          path: `spec.${sec}`,
          message: `${sec} routes are ignored: no bound server uses them (${serverDesc()}; ${sec} routes need ${want})`,
          fix: used.length ? `move these rules into spec.${used[0]}, which the bound servers use, or bind a gateway with ${want}` : `bind a gateway with ${want}, or rewrite the rules for the server kind`,
        });
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Conflicts between VirtualServices
// ---------------------------------------------------------------------------------------------------------------

export const VSX_TCP_001 = defineRule({
  id: 'VSX-TCP-001',
  severity: Severity.WARNING,
  summary: 'Only the first (oldest) VirtualService with a matching tcp rule serves a TCP/TLS-terminated server',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    for (const gw of index.gateways()) {
      const bound = f.byGateway.get(gw) ?? [];
      if (bound.length < 2) continue;
      const key = `${gw.namespace ?? ''}/${gw.name}`;
      for (const s of index.serversOf(gw)) {
        if (s.kind !== 'tcp') continue;
        let winner: { vf: VsFacts; path: string } | undefined;
        for (const vf of boundToServer(index, f, gw).get(s) ?? []) {
          if (!visibleToGateway(index, vf.vs, gw)) continue;
          const hit = rulesOf(vf.vs, 'tcp').find((r) => {
            const ms = asArray(r.rule.match).filter(isRecord);
            return asArray(r.rule.match).length === 0 || ms.some((m) => l4Matches(m, s.port.number, key, vf.ns));
          });
          if (!hit) continue;
          if (!winner) {
            winner = { vf, path: hit.path };
            continue;
          }
          if (winner.vf === vf) continue;
          ctx.report({
            object: vf.vs,
            path: hit.path,
            message: `tcp rule for server port ${s.port.number ?? '?'} of gateway ${key} is ignored: the older virtual service ${winner.vf.ns}/${winner.vf.vs.name} (${winner.path}) already serves it`,
            fix: `merge the tcp routes into ${winner.vf.ns}/${winner.vf.vs.name}, or use a separate server port`,
          });
        }
      }
    }
  },
});

export const VSX_SNI_001 = defineRule({
  id: 'VSX-SNI-001',
  severity: Severity.ERROR,
  summary: 'Duplicate sniHost on one gateway port: the later tls rule is skipped',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    // listener buckets of PASSTHROUGH servers: (workload, resolved port, bind), or (gateway, port, bind) without pods
    const buckets = new Map<string, { gw: IndexedObject; server: GatewayServer }[]>();
    for (const gw of index.gateways()) {
      if (!f.byGateway.has(gw)) continue;
      const workloads = index.workloadsFor(gw);
      for (const s of index.serversOf(gw)) {
        if (s.kind !== 'tls' || s.port.number === undefined) continue;
        const keys = workloads.length
          ? workloads.map((w) => `${w.id}|${index.resolveServerPort(w, s.port.number!).listenPort}|${s.bind ?? ''}`)
          : [`gw:${gwName(gw)}|${s.port.number}|${s.bind ?? ''}`];
        for (const k of new Set(keys)) push(buckets, k, { gw, server: s });
      }
    }
    for (const entries of buckets.values()) {
      const known = new Map<string, { vf: VsFacts; path: string }>();
      const done = new Set<string>();
      for (const { gw, server } of entries) {
        const key = gwName(gw);
        for (const vf of boundToServer(index, f, gw).get(server) ?? []) {
          if (!visibleToGateway(index, vf.vs, gw)) continue;
          for (const r of rulesOf(vf.vs, 'tls')) {
            asArray(r.rule.match).forEach((m, j) => {
              if (!isRecord(m)) return;
              const mp = `${r.path}.match[${j}]`;
              const id = `${vf.ns}/${vf.vs.name}|${mp}`;
              if (done.has(id) || !l4Matches(m, server.port.number, key, vf.ns)) return;
              done.add(id);
              const sni = asArray(m.sniHosts);
              const dupIdx = sni.findIndex((h) => typeof h === 'string' && known.has(h));
              if (dupIdx < 0) {
                sni.forEach((h, k) => {
                  if (typeof h === 'string') known.set(h, { vf, path: `${mp}.sniHosts[${k}]` });
                });
                return;
              }
              const h = sni[dupIdx] as string;
              const prev = known.get(h)!;
              ctx.report({
                object: vf.vs,
                path: `${mp}.sniHosts[${dupIdx}]`,
                message: `sniHost ${q(h)} on port ${server.port.number} of gateway ${key} is already routed by ${prev.vf === vf ? prev.path : `${prev.vf.ns}/${prev.vf.vs.name} ${prev.path}`}, so istiod skips this tls rule`,
                fix: 'route each SNI host once per gateway port: merge the rules or remove the duplicate sniHost',
              });
            });
          }
        }
      }
    }
  },
});

/**
 * VSX-DUP-001. IST0109 as istioctl computes it (ISTIOCTL-PARITY §2): mesh VirtualServices keyed by each export scope
 * (`*` when exportTo is empty or has `*`) and host as written (short hosts in the VS namespace); a scoped key also
 * conflicts with every `*`-scoped VS whose host overlaps it; each VS of a conflict set of ≥2 entries is reported once
 * overall, with a bounded list of the others (a VS listing a host twice conflicts with itself).
 */
export const VSX_DUP_001 = defineRule({
  id: 'VSX-DUP-001',
  code: 'IST0109',
  severity: Severity.ERROR,
  summary: 'At most one mesh VirtualService per host and export scope (IST0109, once per VirtualService; wildcards of `*`-exported VirtualServices overlap)',
  check(ctx) {
    const { index } = ctx;
    interface Member { readonly vs: IndexedObject; readonly index: number; readonly host: string }
    const keys = new Map<string, Member[]>();
    const starHosts = new Map<string, Member[]>();
    for (let vsAt = 0, vsList = virtualServices(index); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      if (!appliesToMesh(vs)) continue;
      const ns = nsOf(index, vs);
      const exportTo = asStringArray(vs.spec.exportTo);
      const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : Array.from(new Set(exportTo.map((e) => (e === '.' ? ns : e))));
      asArray(vs.spec.hosts).forEach((h, i) => {
        if (typeof h !== 'string') return;
        const host = parityFqdn(ns, h);
        for (const sc of scopes) {
          const m: Member = { vs, index: i, host };
          push(keys, `${sc}/${host}`, m);
          if (sc === '*') push(starHosts, host, m);
        }
      });
    }
    const starWild = Array.from(starHosts.keys()).filter((h) => h.startsWith('*'));
    const reported = new Set<IndexedObject>();
    for (const [key, list] of keys) {
      const scope = key.slice(0, key.indexOf('/'));
      const host = key.slice(key.indexOf('/') + 1);
      let set = list;
      if (scope !== '*') {
        const extra: Member[] = [...(starHosts.get(host) ?? [])];
        const candidates = host.startsWith('*') ? Array.from(starHosts.keys()) : starWild;
        for (const h of candidates) if (h !== host && parityOverlap(h, host)) extra.push(...(starHosts.get(h) ?? []));
        set = [...list, ...extra];
      }
      if (set.length < 2) continue;
      for (const m of set) {
        if (reported.has(m.vs)) continue;
        reported.add(m.vs);
        const others = Array.from(new Set(set.filter((o) => o !== m).map((o) => `${nsOf(index, o.vs)}/${o.vs.name}`)));
        ctx.report({
          object: m.vs,
          path: `spec.hosts[${m.index}]`,
          message: `mesh virtual services ${bounded(others)} also define host ${q(m.host)}${scope === '*' ? '' : ` for namespace ${scope}`}; sidecars use only one of them`,
          fix: 'merge the rules into one virtual service per host for the mesh (or export them to different namespaces)',
        });
      }
    }
  },
});

/** "a, b, c and N more": at most 10 names. */
function bounded(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export const VSX_DUP_002 = defineRule({
  id: 'VSX-DUP-002',
  severity: Severity.WARNING,
  summary: 'More than one VirtualService for one host on one gateway: routes merge oldest-first',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    const groups = new Map<string, { vf: VsFacts; index: number; gw: string }[]>();
    for (let vfAt = 0, vfList = f.all; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      // a Set only when the VS could repeat a key (usually one gateway and one host)
      const seen = vf.gateways.length * vf.hosts.length > 1 ? new Set<string>() : undefined;
      for (let gAt = 0, gList = vf.gateways; gAt < gList.length; gAt++) {
        const g = gList[gAt];
        for (let hAt = 0, hList = vf.hosts; hAt < hList.length; hAt++) {
          const h = hList[hAt];
          const key = `${g.key}|${h.resolved.toLowerCase()}`;
          if (seen) {
            if (seen.has(key)) continue;
            seen.add(key);
          }
          push(groups, key, { vf, index: h.index, gw: g.key });
        }
      }
    }
    for (const [key, list] of groups) {
      if (list.length < 2) continue;
      const names = list.map((e) => `${e.vf.ns}/${e.vf.vs.name}`);
      const host = key.slice(key.indexOf('|') + 1);
      for (const e of list) {
        ctx.report({
          object: e.vf.vs,
          path: `spec.hosts[${e.index}]`,
          message: `virtual services ${names.join(', ')} all bind host ${q(host)} on gateway ${e.gw}; their rules merge oldest first, so an earlier catch-all hides later rules`,
          fix: 'keep one virtual service per host and gateway (merge the rules), or use distinct hosts',
        });
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Destinations
// ---------------------------------------------------------------------------------------------------------------

interface Registry {
  /** Service names → namespaces with a manifest Service of that name */
  readonly serviceNamespaces: Map<string, Set<string>>;
  readonly hasServiceEntries: boolean;
}

const registryCache = new WeakMap<MeshIndex, Registry>();

function registry(index: MeshIndex): Registry {
  let r = registryCache.get(index);
  if (!r) {
    const serviceNamespaces = new Map<string, Set<string>>();
    for (const o of index.ofKind('Service')) {
      if (o.group !== '') continue;
      const ns = o.namespace ?? index.defaultNamespace;
      const s = serviceNamespaces.get(o.name) ?? new Set<string>();
      s.add(ns);
      serviceNamespaces.set(o.name, s);
    }
    r = { serviceNamespaces, hasServiceEntries: index.ofKind('ServiceEntry').some((o) => o.group === 'networking.istio.io') };
    registryCache.set(index, r);
  }
  return r;
}

const CLUSTER_HOST = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/i;

/**
 * Whether the input declares enough of the registry to call `fqdn` missing: for `name.ns.svc.cluster.local`, the input
 * declares an application Service (not a gateway's) in `ns` or a Service named `name` elsewhere (short-name mis-resolution); for other hosts, the
 * input declares at least one ServiceEntry.
 */
function registryKnown(index: MeshIndex, fqdn: string): boolean {
  const reg = registry(index);
  const m = CLUSTER_HOST.exec(fqdn);
  if (m) {
    // the namespace's application Services are in the input: a gateway's own Service (or a declared fact) does not say so
    if (index.servicesIn(m[2]).some((s) => s.origin === 'manifest' && !s.object?.isContext && index.workloadsForService(s).length === 0)) return true;
    return (reg.serviceNamespaces.get(m[1])?.size ?? 0) > 0;
  }
  return reg.hasServiceEntries;
}

function destHost(d: DestinationUse): string | undefined {
  const h = asString(d.destination.host);
  if (!h || h === '*' || isIpAddress(h)) return undefined;
  return h;
}

/** The VirtualService's own exportTo as written (the lookup scopes of ISTIOCTL-PARITY §0). */
const ownExportTo = (vs: IndexedObject): string[] => asStringArray(vs.spec.exportTo);

/**
 * istioctl's scoped registry lookup (ISTIOCTL-PARITY §0) of each destination host of {@link destinationsOf} as written
 * (`''` when absent), in the same order: VSX-DEST-001 and VSX-DEST-002 ask the same questions, so they are answered
 * once per VirtualService.
 */
function scopedEntries(index: MeshIndex, vf: VsFacts): readonly (ScopedEntry | undefined)[] {
  if (vf.scoped) return vf.scoped;
  const dests = destinationsOf(vf.vs);
  const out: (ScopedEntry | undefined)[] = new Array(dests.length);
  if (dests.length > 0) {
    const exportTo = ownExportTo(vf.vs);
    // a split over subsets names one host several times in a row: looked up once per run
    let last: string | undefined;
    let entry: ScopedEntry | undefined;
    for (let i = 0; i < dests.length; i++) {
      const host = asString(dests[i].destination.host) ?? '';
      if (host !== last) {
        last = host;
        entry = index.lookupScoped(vf.ns, exportTo, host);
      }
      out[i] = entry;
    }
  }
  vf.scoped = out;
  return out;
}

/**
 * VSX-DEST-001. IST0101 `host` / `mirror host` as istioctl computes it (ISTIOCTL-PARITY §1): the scoped registry lookup
 * with the VirtualService's namespace and own exportTo finds nothing. Closed world: every destination, IP and `*`
 * hosts included. Open world: only when the input declares enough of the registry (an application Service of the
 * host's namespace, a Service of that name elsewhere, or any ServiceEntry for other hosts); IP and `*` hosts skipped.
 */
export const VSX_DEST_001 = defineRule({
  id: 'VSX-DEST-001',
  code: 'IST0101',
  severity: Severity.ERROR,
  summary: 'Destination and mirror hosts are in the registry (IST0101 host / mirror host: Service or ServiceEntry, scoped by the VirtualService exportTo); short names resolve in the VS namespace',
  needsContext: true,
  check(ctx) {
    const { index } = ctx;
    const reg = registry(index);
    const f = facts(index);
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      const ns = vf.ns;
      const dests = destinationsOf(vs);
      if (dests.length === 0) continue;
      const scoped = scopedEntries(index, vf);
      for (let i = 0; i < dests.length; i++) {
        if (scoped[i]) continue; // in the registry (most destinations)
        const d = dests[i];
        const raw = asString(d.destination.host) ?? '';
        // (open world: destHost is the raw host or undefined, so the lookup was the shared one)
        const host = index.closedWorld ? raw : destHost(d);
        if (host === undefined) continue;
        const refType = d.mirror ? 'mirror host' : 'host';
        const what = d.mirror ? 'mirror host' : 'destination host';
        const fqdn = parityFqdn(ns, host);
        const hidden = index.registryEntries(resolveShortName(host, ns));
        if (hidden.length > 0) {
          const e = hidden[0];
          ctx.report({
            object: vs,
            path: `${d.path}.host`,
            refType,
            message: `${what} ${q(host)} is ${e.origin === 'service' ? 'a Service' : 'a ServiceEntry host'} in ${e.namespace} that is not exported to ${ns}`,
            fix: `add ${q(ns)} to the exportTo of ${e.object ? `${e.object.kind} ${e.namespace}/${e.object.name}` : 'the registry entry'}`,
          });
          continue;
        }
        // hosts like reviews.bookinfo / reviews.bookinfo.svc name a Service but are not registry hosts
        const partial = /^([^.]+)\.([^.]+)(\.svc)?$/.exec(host);
        if (partial && index.service(partial[2], partial[1])) {
          ctx.report({
            object: vs,
            path: `${d.path}.host`,
            refType,
            message: `${what} ${q(host)} is not a registry host; the Service is ${partial[1]}.${partial[2]}.svc.cluster.local`,
            fix: `use ${q(`${partial[1]}.${partial[2]}.svc.cluster.local`)}${partial[2] === ns ? ` or the short name ${q(partial[1])}` : ''}`,
          });
          continue;
        }
        if (!index.closedWorld && !registryKnown(index, resolveShortName(host, ns))) continue;
        const m = CLUSTER_HOST.exec(fqdn);
        const elsewhere = m && host === m[1] ? Array.from(reg.serviceNamespaces.get(m[1]) ?? []).filter((n) => n !== m[2]).sort() : [];
        ctx.report({
          object: vs,
          path: `${d.path}.host`,
          refType,
          message: elsewhere.length
            ? `${what} ${q(host)} resolves to ${q(fqdn)} (short names resolve in the virtual service namespace ${ns}), but the Service ${q(host)} is in ${elsewhere.join(', ')}`
            : `${what} ${q(host)}${fqdn !== host ? ` (${fqdn})` : ''} matches no Service or ServiceEntry`,
          fix: elsewhere.length
            ? `use the FQDN ${q(`${host}.${elsewhere[0]}.svc.cluster.local`)}`
            : m ? 'fix the host name, or add the Service (pass it as context if it is deployed elsewhere)' : 'add a ServiceEntry for the external host, or fix the host name',
        });
      }
    }
  },
});

/**
 * VSX-DEST-002. For a destination the scoped registry lookup finds (ISTIOCTL-PARITY §1, §3): IST0112 when it has no
 * `port` field and the entry has more than one port; IST0101 `host:port` when `port` is present (even 0) and no port of
 * the entry has that number. Every Service port counts, whatever its protocol; the single entry found is used.
 */
export const VSX_DEST_002 = defineRule({
  id: 'VSX-DEST-002',
  code: 'IST0112',
  severity: Severity.ERROR,
  summary: 'Destination of a multi-port host names a port (IST0112), and the port exists (IST0101 host:port)',
  needsContext: true,
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      const dests = destinationsOf(vs);
      if (dests.length === 0) continue;
      const scoped = scopedEntries(index, vf);
      for (let i = 0; i < dests.length; i++) {
        const d = dests[i];
        const entry = scoped[i];
        if (!entry) continue;
        const host = asString(d.destination.host) ?? '';
        if (!('port' in d.destination)) {
          if (hasTwoPorts(entry.ports)) {
            const list = sortedPorts(entry);
            ctx.report({
              object: vs,
              path: d.path,
              message: `destination ${q(host)} exposes several ports (${list.join(', ')}) but destination.port is not set`,
              fix: `set destination.port.number to one of ${list.join(', ')}`,
            });
          }
          continue;
        }
        const port = asNumber(asRecord(d.destination.port).number) ?? 0;
        if (entry.ports.includes(port)) continue;
        const list = sortedPorts(entry);
        ctx.report({
          object: vs,
          path: `${d.path}.port.number`,
          code: 'IST0101',
          refType: 'host:port',
          message: `destination ${q(host)} has no port ${port} (ports: ${list.join(', ') || 'none'})`,
          fix: `use one of the ports ${list.join(', ')} (the Service port, not the targetPort)`,
        });
      }
    }
  },
});

/** The distinct ports of an entry, sorted (only for a finding: most destinations have none). */
function sortedPorts(entry: ScopedEntry): number[] {
  return Array.from(new Set(entry.ports)).sort((a, b) => a - b);
}

/** True when `ports` holds at least two distinct numbers. */
function hasTwoPorts(ports: readonly number[]): boolean {
  for (let i = 1; i < ports.length; i++) if (ports[i] !== ports[0]) return true;
  return false;
}

/** True when one of the DestinationRules is visible in every namespace (so to every calling proxy). */
function someExportedEverywhere(index: MeshIndex, drs: readonly { readonly dr: IndexedObject }[]): boolean {
  for (const e of drs) if (index.isExportedEverywhere(e.dr)) return true;
  return false;
}

/** Namespaces of the proxies that apply a rule: gateway pod namespaces, and the VS namespace for the mesh. */
function callerNamespaces(index: MeshIndex, vf: VsFacts, rule: Record<string, unknown>, section: Section): readonly { ns: string; who: string }[] {
  // asked once per destination of the rule: computed once per (VirtualService, rule), keyed by the rule record (one
  // WeakMap, not a Map per VirtualService; a record shared by two VirtualServices through a YAML alias is recomputed)
  if (!ruleScopedCallers(rule, section)) {
    // the usual case: the rule applies where the VirtualService does, so one answer serves all its rules
    return vf.callers ?? (vf.callers = computeCallerNamespaces(index, vf, rule, section));
  }
  let hit = callerCache.get(rule);
  if (!hit || hit.vf !== vf || hit.section !== section) {
    hit = { vf, section, out: computeCallerNamespaces(index, vf, rule, section) };
    callerCache.set(rule, hit);
  }
  return hit.out;
}

const callerCache = new WeakMap<Record<string, unknown>, { vf: VsFacts; section: Section; out: readonly { ns: string; who: string }[] }>();

/** True when the rule's matches narrow the gateways it applies to (http rules whose every match lists gateways). */
function ruleScopedCallers(rule: Record<string, unknown>, section: Section): boolean {
  if (section !== 'http') return false;
  let records = 0;
  for (const m of asArray(rule.match)) {
    if (!isRecord(m)) continue;
    records++;
    if (asArray(m.gateways).length === 0) return false;
  }
  return records > 0;
}

function computeCallerNamespaces(index: MeshIndex, vf: VsFacts, rule: Record<string, unknown>, section: Section): { ns: string; who: string }[] {
  let mesh = vf.mesh;
  let gws = vf.gateways.map((g) => g.gateway).filter((g): g is IndexedObject => g !== undefined);
  if (ruleScopedCallers(rule, section)) {
    const matches = asArray(rule.match).filter(isRecord);
    mesh = false;
    const set = new Set<IndexedObject>();
    for (const m of matches) {
      const mg = matchGateways(vf, m, index);
      if (mg.mesh) mesh = true;
      for (const g of mg.gateways) set.add(g);
    }
    gws = Array.from(set);
  }
  const out = new Map<string, string>();
  if (mesh) for (const n of index.meshClientNamespaces(vf.vs)) out.set(n, 'sidecars');
  for (const g of gws) {
    const nss = podNamespaces(index, g);
    for (const n of nss.length ? nss : [g.namespace ?? index.defaultNamespace]) if (!out.has(n)) out.set(n, `gateway ${gwName(g)}`);
  }
  return Array.from(out.entries()).map(([ns, who]) => ({ ns, who }));
}

/** `key(ns, h)` of ISTIOCTL-PARITY §1: `name.ns.svc.cluster.local` → (ns, name), else (ns, h). */
function subsetKey(ns: string, h: string): string {
  return clusterSubsetKey(h) ?? `${ns}/${h}`;
}

const CLUSTER_SUFFIX = '.svc.cluster.local';
const CLUSTER_KEY = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/**
 * `ns/name` of `name.ns.svc.cluster.local` as {@link CLUSTER_KEY} splits it (the name greedy: the last dot that leaves a
 * non-empty namespace), or null. Without the regex on the usual host (one per DestinationRule): it backtracks.
 */
function clusterSubsetKey(h: string): string | null {
  if (!h.endsWith(CLUSTER_SUFFIX)) return null;
  // the name and namespace part h[0, end) read in place, no copy of it: the suffix has no line terminator, and the
  // search below reaches into it only when end < 2, where it finds at most index 0, which gives null as well
  const end = h.length - CLUSTER_SUFFIX.length;
  if (/[\n\r\u2028\u2029]/.test(h)) { // `.` of the regex does not match line terminators
    const m = CLUSTER_KEY.exec(h);
    return m ? `${m[2]}/${m[1]}` : null;
  }
  const dot = h.lastIndexOf('.', end - 2);
  return dot >= 1 ? `${h.slice(dot + 1, end)}/${h.slice(0, dot)}` : null;
}

/**
 * The (key(ns, host), subset) pairs DestinationRules define, as istioctl's `key|subset` strings; held as the
 * DestinationRules with subsets by key, asked through {@link definesSubset} (no set of names per DestinationRule, no
 * pair string per route), unless a key or name contains `|` (then the pair strings).
 */
interface DefinedSubsets {
  /** one DestinationRule, or several in order, per key */
  readonly byKey: Map<string, IndexedObject | IndexedObject[]>;
  readonly pairs?: Set<string>;
}

const definedSubsetsCache = new WeakMap<MeshIndex, DefinedSubsets>();
function definedSubsets(index: MeshIndex): DefinedSubsets {
  let out = definedSubsetsCache.get(index);
  if (!out) {
    const byKey = new Map<string, IndexedObject | IndexedObject[]>();
    let ambiguous = false;
    for (const dr of index.ofKind('DestinationRule')) {
      if (dr.group !== 'networking.istio.io') continue;
      const subsets = asArray(dr.spec.subsets);
      if (subsets.length === 0) continue;
      const key = subsetKey(dr.namespace ?? index.defaultNamespace, asString(dr.spec.host) ?? '');
      const known = byKey.get(key);
      if (known === undefined) byKey.set(key, dr);
      else if (Array.isArray(known)) known.push(dr);
      else byKey.set(key, [known, dr]);
      if (ambiguous) continue; // (the names need no look once one `|` is found)
      if (key.includes('|')) {
        ambiguous = true;
        continue;
      }
      for (const sub of subsets) {
        const name = isRecord(sub) ? sub.name : undefined;
        if (typeof name === 'string' && name.includes('|')) ambiguous = true;
      }
    }
    let pairs: Set<string> | undefined;
    if (ambiguous) {
      pairs = new Set();
      for (const [key, drs] of byKey) {
        for (const dr of Array.isArray(drs) ? drs : [drs]) {
          for (const sub of asArray(dr.spec.subsets)) pairs.add(`${key}|${asString(asRecord(sub).name) ?? ''}`);
        }
      }
    }
    out = { byKey, pairs };
    definedSubsetsCache.set(index, out);
  }
  return out;
}

/** True when a DestinationRule under `key` defines `subset` (a non-empty name, as routes give it). */
function isDefinedSubset(d: DefinedSubsets, key: string, subset: string): boolean {
  if (d.pairs) return d.pairs.has(`${key}|${subset}`);
  return keyDefinesSubset(d.byKey.get(key), subset);
}

/** True when one of the DestinationRules of a key ({@link DefinedSubsets.byKey}) defines `subset`. */
function keyDefinesSubset(drs: IndexedObject | IndexedObject[] | undefined, subset: string): boolean {
  if (drs === undefined) return false;
  if (!Array.isArray(drs)) return definesSubset(drs, subset);
  for (const dr of drs) if (definesSubset(dr, subset)) return true;
  return false;
}

/**
 * VSX-SUB-001. IST0101 `host+subset in destinationrule` / `mirror+subset in destinationrule` as istioctl computes it
 * (ISTIOCTL-PARITY §1): the (key(VS namespace, host), subset) pair is defined by no DestinationRule (exportTo,
 * workloadSelector and wildcards not consulted). When istiod would still find it (a wildcard or cross-namespace
 * DestinationRule), the coded finding is a warning. Uncoded: the defining DestinationRule is not exported to a
 * calling proxy's namespace.
 */
export const VSX_SUB_001 = defineRule({
  id: 'VSX-SUB-001',
  code: 'IST0101',
  severity: Severity.ERROR,
  istioctlLevel: 'error — ours warning when a wildcard or cross-namespace DestinationRule defines the subset: istiod applies it',
  summary: 'Destination subset is defined in a DestinationRule for the host (IST0101 host+subset) and visible to the calling proxy (uncoded)',
  needsContext: true,
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    const drs = destinationRuleHosts(index).byFqdn;
    const defined = definedSubsets(index);
    const restricted = restrictedDestinationRuleHosts(index);
    const last: SubsetHost = { host: '', fqdn: '', key: '', keyed: undefined, candidates: undefined, restricted: undefined };
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      // a split over subsets routes to one host several times in a row: its lookups serve the whole run (in the one
      // record `last`, refilled per run: checkSubset keeps nothing of it)
      let known = false; // whether `last` describes a host of this VirtualService
      for (let dAt = 0, dList = destinationsOf(vs); dAt < dList.length; dAt++) {
        const d = dList[dAt];
        const subset = asString(d.destination.subset);
        if (!subset) continue;
        const host = asString(d.destination.host) ?? '';
        if (!known || last.host !== host) {
          known = true;
          last.host = host;
          last.fqdn = resolveShortName(host, vf.ns);
          last.key = subsetKey(vf.ns, host);
          last.keyed = defined.pairs ? undefined : defined.byKey.get(last.key);
          last.candidates = undefined;
          last.restricted = undefined;
        }
        checkSubset(ctx, index, vf, d, subset, last, defined, drs, restricted);
      }
    }
  },
});

/** The lookups of a destination host for VSX-SUB-001. */
interface SubsetHost {
  host: string;
  /** the host resolved in the VirtualService namespace */
  fqdn: string;
  /** DestinationRules whose host intersects fqdn, queried on first use */
  candidates: readonly DrHost[] | undefined;
  /** whether a DestinationRule not visible everywhere intersects fqdn, queried on first use */
  restricted: boolean | undefined;
  /** {@link subsetKey} of the host */
  key: string;
  /** the DestinationRules under key (when {@link DefinedSubsets.byKey} answers) */
  keyed: IndexedObject | IndexedObject[] | undefined;
}

const NO_DRS: readonly DrHost[] = Object.freeze([]);

/** The candidates whose host covers `fqdn` and that define `subset` (the list itself when all do, as allOrSome). */
function definingDrs(candidates: readonly DrHost[], fqdn: string, subset: string): readonly DrHost[] {
  // a loop, not allOrSome with a closure per destination
  for (let i = 0; i < candidates.length; i++) {
    const e = candidates[i];
    if (nameSubsetOf(fqdn, e.fqdn) && definesSubset(e.dr, subset)) continue;
    const out = candidates.slice(0, i);
    for (let j = i + 1; j < candidates.length; j++) {
      const x = candidates[j];
      if (nameSubsetOf(fqdn, x.fqdn) && definesSubset(x.dr, subset)) out.push(x);
    }
    return out;
  }
  return candidates;
}

/** VSX-SUB-001 on one destination with a subset. */
function checkSubset(
  ctx: RuleContext, index: MeshIndex, vf: VsFacts, d: DestinationUse, subset: string, h: SubsetHost, defined: DefinedSubsets,
  drs: HostIndex<DrHost>, restricted: HostIndex<DrHost> | undefined,
): void {
  const { host, fqdn } = h;
  const vs = vf.vs;
  const keyed = defined.pairs ? isDefinedSubset(defined, h.key, subset) : keyDefinesSubset(h.keyed, subset);
  // defined, and no DestinationRule for the host hides from a namespace: whichever defines it, every caller sees it
  if (keyed && !(h.restricted ??= restricted !== undefined && restricted.query(fqdn).length > 0)) return;
  const candidates = h.candidates ?? (h.candidates = host ? drs.query(fqdn) : NO_DRS);
  const refType = d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule';
  const defining = host ? definingDrs(candidates, fqdn, subset) : NO_DRS;
  if (!keyed) {
    if (defining.length > 0) {
      ctx.report({
        object: vs,
        path: `${d.path}.subset`,
        refType,
        severity: Severity.WARNING,
        message: `subset ${q(subset)} of ${q(host)} is defined only by DestinationRule ${defining.map((e) => `${e.dr.namespace}/${e.dr.name}`).join(', ')} for ${q(defining[0].fqdn)}, which istioctl analyze does not match to this host (it reports the subset missing); istiod applies it`,
        fix: `define the subset in a DestinationRule whose host is ${q(host)}${CLUSTER_HOST.test(fqdn) ? '' : ` in namespace ${vf.ns}`}, if istioctl analyze runs in CI`,
      });
    } else {
      const any = host ? candidates.filter((e) => nameSubsetOf(fqdn, e.fqdn)) : [];
      ctx.report({
        object: vs,
        path: `${d.path}.subset`,
        refType,
        message: any.length
          ? `subset ${q(subset)} of ${q(host)} is not defined by DestinationRule ${any.map((e) => `${e.dr.namespace}/${e.dr.name}`).join(', ')} (subsets: ${Array.from(new Set(any.flatMap((e) => subsetNames(e.dr)))).join(', ') || 'none'}); requests fail with 503 NC`
          : `subset ${q(subset)} of ${q(host)} is not defined: no DestinationRule for ${q(fqdn)} is in the input; requests fail with 503 NC`,
        fix: any.length ? `add subset ${q(subset)} (with its labels) to the DestinationRule, or fix the subset name` : `add a DestinationRule for ${q(fqdn)} with subset ${q(subset)}`,
      });
    }
    return;
  }
  if (defining.length === 0 || someExportedEverywhere(index, defining)) return; // then every caller sees one
  const callers = callerNamespaces(index, vf, d.rule, d.section);
  const seenBy = (c: { ns: string }) => defining.some((e) => drVisibleIn(index, e.dr, c.ns));
  if (callers.every(seenBy)) return;
  const hidden = callers.filter((c) => !seenBy(c));
  ctx.report({
    object: vs,
    path: `${d.path}.subset`,
    code: '',
    message: `subset ${q(subset)} of ${q(host)} is defined in DestinationRule ${defining.map((e) => `${e.dr.namespace}/${e.dr.name}`).join(', ')}, which is not exported to ${hidden.map((c) => `${c.ns} (${c.who})`).join(', ')}`,
    fix: `add ${hidden.map((c) => q(c.ns)).join(', ')} to the DestinationRule exportTo (or remove exportTo)`,
  });
}

/**
 * VSX-ING-001. IST0140 as istioctl computes it (ISTIOCTL-PARITY §9): a VirtualService R with non-empty spec.gateways
 * routes (http) to a host without subset, and some VirtualService V (R included) routes that exact host string — one
 * of V's own hosts as written — to a subset: once per (R, V). Uncoded: the same with FQDN-normalised or wildcard hosts,
 * for ingress-bound R and mesh V only.
 */
export const VSX_ING_001 = defineRule({
  id: 'VSX-ING-001',
  code: 'IST0140',
  severity: Severity.WARNING,
  summary: 'Gateway VirtualService to a host whose mesh VirtualService splits subsets: the mesh rules do not apply to ingress traffic (IST0140 on exact host strings; uncoded with FQDN/wildcard matching)',
  check(ctx) {
    const { index } = ctx;
    const f = facts(index);
    const coded = new Set<string>();
    const subsetDests = new Map<string, IndexedObject[]>();
    for (let vAt = 0, vList = virtualServices(index); vAt < vList.length; vAt++) {
      const v = vList[vAt];
      // spec.hosts as written: non-string entries never equal a host string, so no filtered copy per VirtualService
      const list = asArray(v.spec.hosts);
      if (list.length === 0) continue; // no host of V to route to
      // a Set only for VirtualServices with many hosts (one per VirtualService would be most of this loop)
      const many = list.length > 8 ? new Set(list) : undefined;
      // http route destinations, from the shared walk
      for (let useAt = 0, useList = destinationsOf(v); useAt < useList.length; useAt++) {
        const use = useList[useAt];
        if (use.section !== 'http') break; // http destinations come first
        if (use.mirror) continue;
        const d = use.destination;
        const h = asString(d.host);
        if (h && asString(d.subset) && (many ? many.has(h) : list.includes(h))) push(subsetDests, h, v);
      }
    }
    for (let ownAt = 0, ownList = ownVirtualServices(index); ownAt < ownList.length; ownAt++) {
      const vs = ownList[ownAt];
      if (asArray(vs.spec.gateways).length === 0) continue;
      // http route destinations from the shared walk (a route entry without a destination record has host '', which
      // no VirtualService routes to a subset)
      for (let useAt = 0, useList = destinationsOf(vs); useAt < useList.length; useAt++) {
        const use = useList[useAt];
        if (use.section !== 'http') break; // http destinations come first
        if (use.mirror) continue;
        const d = use.destination;
        if (asString(d.subset)) continue;
        const h = asString(d.host) ?? '';
        const vsList = subsetDests.get(h);
        if (vsList === undefined) continue;
        for (const v of vsList) {
          const key = `${vs.order}|${v.order}`;
          if (coded.has(key)) continue;
          coded.add(key);
          ctx.report({
            object: vs,
            path: `${use.path}.host`,
            message: `traffic of this gateway virtual service to ${q(h)} does not use the subset routing of virtual service ${nsOf(index, v)}/${v.name}: gateways apply only their own virtual service`,
            fix: 'repeat the subset split (destination subsets and weights) in this gateway virtual service, or add the gateway to the mesh virtual service gateways',
          });
        }
      }
    }
    // mesh VSs whose subset destinations are subsets of the VS host itself (reviews → reviews v1/v2). The egress
    // pattern's mesh leg (edition.cnn.com → egress gateway Service, subset cnn) splits the gateway Service, not the host.
    const splitting = new HostIndex<VsFacts>();
    for (let vfAt = 0, vfList = f.all; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      if (!vf.mesh) continue;
      let split: Set<string> | undefined;
      for (let dAt = 0, dList = destinationsOf(vf.vs); dAt < dList.length; dAt++) {
        const d = dList[dAt];
        if (d.mirror || !asString(d.destination.subset)) continue;
        const dh = destHost(d);
        if (!dh) continue;
        const dfqdn = resolveShortName(dh, vf.ns);
        for (const h of vf.hosts) if (nameSubsetOf(dfqdn, h.resolved) || nameSubsetOf(h.resolved, dfqdn)) (split ??= new Set()).add(h.resolved);
      }
      if (split) for (const h of split) splitting.add(h, vf);
    }
    // IST0140 concerns ingress: a VS bound only to egress gateways forwards to the external host by design
    // (answered once per Gateway: tenants share one)
    const ingress = new Map<IndexedObject, boolean>();
    const ingressBound = (vf: VsFacts) => {
      for (let gAt = 0, gList = vf.gateways; gAt < gList.length; gAt++) {
        const g = gList[gAt];
        if (!g.gateway) return true;
        let yes = ingress.get(g.gateway);
        if (yes === undefined) {
          const ws = index.workloadsFor(g.gateway);
          ingress.set(g.gateway, (yes = ws.length === 0 || ws.some((w) => w.role !== 'egress')));
        }
        if (yes) return true;
      }
      return false;
    };
    for (let vfAt = 0, vfList = f.own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      if (vf.gateways.length === 0 || !ingressBound(vf)) continue;
      for (let dAt = 0, dList = destinationsOf(vs); dAt < dList.length; dAt++) {
        const d = dList[dAt];
        if (d.mirror || asString(d.destination.subset)) continue;
        const host = destHost(d);
        if (!host) continue;
        const fqdn = resolveShortName(host, vf.ns);
        const splitters = splitting.query(fqdn);
        if (splitters.length === 0) continue; // the usual answer: no filter (and closure) per destination
        const mesh = splitters.filter((m) => m !== vf && m.hosts.some((h) => nameSubsetOf(fqdn, h.resolved)) && !coded.has(`${vs.order}|${m.vs.order}`));
        if (mesh.length === 0) continue;
        ctx.report({
          object: vs,
          path: `${d.path}.host`,
          code: '',
          message: `gateway traffic to ${q(host)} does not use the subset routing of mesh virtual service ${mesh.map((m) => `${m.ns}/${m.vs.name}`).join(', ')}: gateways apply only their own virtual service`,
          fix: 'repeat the subset split (destination subsets and weights) in this gateway virtual service, or add the gateway to the mesh virtual service gateways',
        });
      }
    }
  },
});

/**
 * VSX-JWT-001. IST0149 as istioctl computes it (ISTIOCTL-PARITY §11): a VirtualService with a JWT claim match, for each
 * top-level gateway entry naming an Istio Gateway, each Pod matching the Gateway selector that no RequestAuthentication
 * covers (candidates in istio-system and the Pod's namespace; `selector.matchLabels` matches, an absent selector —
 * targetRef included — matches all): one finding per (gateway entry, Pod). Open world: pod templates count as Pods.
 */
export const VSX_JWT_001 = defineRule({
  id: 'VSX-JWT-001',
  code: 'IST0149',
  severity: Severity.ERROR,
  summary: 'JWT claim routing needs a RequestAuthentication on the gateway pods (IST0149, per gateway entry and pod)',
  needsContext: true,
  check(ctx) {
    const { index } = ctx;
    const ras = index.ofKind('RequestAuthentication').filter((o) => o.group === 'security.istio.io');
    const covered = (ns: string, labels: Record<string, string>) => ras.some((ra) => {
      const raNs = ra.namespace ?? index.defaultNamespace;
      if (raNs !== 'istio-system' && raNs !== ns) return false;
      return selectorMatches(asStringMap(asRecord(ra.spec.selector).matchLabels), labels);
    });
    for (let vfAt = 0, vfList = facts(index).own; vfAt < vfList.length; vfAt++) {
      const vf = vfList[vfAt];
      const vs = vf.vs;
      const claims = claimMatches(vs);
      if (claims.length === 0) continue;
      for (let eAt = 0, eList = parityEntriesOf(index, vf); eAt < eList.length; eAt++) {
        const e = eList[eAt];
        if (!e.istio) continue;
        for (const pod of index.podsMatching(index.gatewaySelector(e.istio))) {
          if (covered(pod.namespace, pod.labels)) continue;
          const podName = `${pod.object?.kind ?? 'pod'} ${pod.namespace}/${pod.object?.name ?? pod.origin}`;
          ctx.report({
            object: vs,
            path: claims[0].path,
            message: `claim match ${q(claims[0].key)} needs a RequestAuthentication for ${podName} of gateway ${gwName(e.istio)} (entry ${q(e.raw)}), but none applies to it, so the claim is never set and the rule never matches`,
            fix: `add a RequestAuthentication in ${pod.namespace} (or istio-system) whose selector matches the gateway pods (e.g. ${Object.entries(pod.labels).slice(0, 1).map(([k, v]) => `${k}: ${v}`).join('') || 'their labels'}) with the issuer's jwtRules`,
          });
        }
      }
    }
  },
});

/** VSX-* rules in spec order. */
export const VIRTUAL_SERVICE_CROSS_RULES: readonly Rule[] = [
  VSX_GW_001, VSX_GW_002, VSX_GW_003, VSX_GW_004, VSX_GW_005, VSX_GW_006, VSX_PORT_001, VSX_KIND_001, VSX_TCP_001, VSX_SNI_001,
  VSX_DEST_001, VSX_DEST_002, VSX_SUB_001, VSX_DUP_001, VSX_DUP_002, VSX_ING_001, VSX_JWT_001,
];
