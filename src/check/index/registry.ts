/**
 * The service registry: Kubernetes Services as `name.ns.svc.cluster.local` and ServiceEntry hosts, with lookups by
 * host that honour visibility.
 */
import { asArray, asNumber, asRecord, asString, asStringArray, asStringMap, isRecord } from '../model';
import { HostIndex } from './host-index';
import type { IndexedObject } from './objects';
import type { ServiceInfo } from './services';
import type { Visibility } from './visibility';

/** A host in the service registry. */
export interface RegistryEntry {
  /** The registered host (may be a wildcard for ServiceEntries). */
  readonly host: string;
  readonly namespace: string;
  readonly ports: readonly { readonly number: number; readonly name?: string; readonly protocol?: string }[];
  readonly origin: 'service' | 'service-entry';
  readonly object?: IndexedObject;
  readonly service?: ServiceInfo;
}

/** An entry of istioctl's scoped registry (ISTIOCTL-PARITY §0): the ports, and the workloadSelector of a ServiceEntry. */
export interface ScopedEntry {
  readonly host: string;
  readonly ports: readonly number[];
  readonly workloadLabels: Record<string, string>;
  readonly object?: IndexedObject;
}

/** `fqdn(ns, h)` of ISTIOCTL-PARITY §0: wildcards and dotted hosts unchanged, short names in `ns`; no lower-casing. */
export function parityFqdn(ns: string, h: string): string {
  return h.startsWith('*') || h.includes('.') ? h : `${h}.${ns}.svc.cluster.local`;
}

/** istioctl's scoped registry: entries by export scope, then host; wildcard entries in key order. */
interface ScopedRegistry {
  readonly byScope: Map<string, Map<string, ScopedEntry>>;
  /** `byScope.get('*')`: every lookup asks it first */
  readonly everywhere?: Map<string, ScopedEntry>;
  /** `scope/host` keys, kept only when a scope or host contains `/` (then they, not byScope, are istioctl's keys) */
  readonly keys?: Map<string, ScopedEntry>;
  readonly wild: readonly { readonly scope: string; readonly entry: ScopedEntry }[];
}

/** The scopes of a Service without the exportTo annotation, and its (absent) workload selector: shared, frozen. */
const EVERYWHERE: readonly string[] = Object.freeze(['*']);
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function scopedGet(reg: ScopedRegistry, scope: string, host: string): ScopedEntry | undefined {
  return reg.keys ? reg.keys.get(`${scope}/${host}`) : reg.byScope.get(scope)?.get(host);
}

/** Registry built on first use from the Services and ServiceEntries. */
export class ServiceRegistry {
  private registry?: HostIndex<RegistryEntry>;
  /** The ServiceEntry hosts alone: most inputs have far fewer of them than Services, and some lookups want only them. */
  private serviceEntryRegistry?: HostIndex<RegistryEntry>;
  private serviceEntryList?: readonly RegistryEntry[];
  private scoped?: ScopedRegistry;

  constructor(
    private readonly services: () => Iterable<readonly ServiceInfo[]>,
    private readonly serviceEntries: () => readonly IndexedObject[],
    private readonly visibility: Visibility,
    private readonly defaultNamespace: string,
  ) {}

  /**
   * Registry entries (Kubernetes Services as `name.ns.svc.cluster.local`, ServiceEntry hosts) matching an FQDN and
   * visible from `fromNamespace`. Wildcard ServiceEntry hosts match. Exact entries first.
   */
  public lookupHost(fqdn: string, fromNamespace: string): RegistryEntry[] {
    return this.lookupIn(this.buildRegistry(), fqdn, fromNamespace);
  }

  /** {@link lookupHost} restricted to ServiceEntry hosts (same entries, same order, without the Services). */
  public lookupServiceEntryHost(fqdn: string, fromNamespace: string): RegistryEntry[] {
    return this.lookupIn(this.buildServiceEntryRegistry(), fqdn, fromNamespace);
  }

  private lookupIn(hosts: HostIndex<RegistryEntry>, fqdn: string, fromNamespace: string): RegistryEntry[] {
    // one pass, one lower-casing of the query (asked per host and namespace by several rules)
    const lower = fqdn.toLowerCase();
    const wildQuery = fqdn.startsWith('*');
    const exact: RegistryEntry[] = [];
    let rest: RegistryEntry[] | undefined;
    for (const e of hosts.query(fqdn)) {
      if (e.object && !this.visibility.isExportedTo(e.object, fromNamespace)) continue;
      if (e.host.toLowerCase() === lower) exact.push(e);
      else if (e.host.startsWith('*') || wildQuery) (rest ??= []).push(e);
    }
    return rest ? exact.concat(rest) : exact;
  }

  /** Every registry entry for a host regardless of visibility (for "exists but not exported" messages). */
  public registryEntries(fqdn: string): readonly RegistryEntry[] {
    // the entries added under that host: the host index keeps them (no second map of every host)
    return this.buildRegistry().itemsAt(fqdn);
  }

  /** {@link registryEntries} restricted to ServiceEntry hosts. */
  public serviceEntryEntries(fqdn: string): readonly RegistryEntry[] {
    return this.buildServiceEntryRegistry().itemsAt(fqdn);
  }

  private buildRegistry(): HostIndex<RegistryEntry> {
    if (!this.registry) {
      const hosts = new HostIndex<RegistryEntry>();
      for (const list of this.services()) {
        for (const svc of list) {
          const host = `${svc.name}.${svc.namespace}.svc.cluster.local`;
          hosts.add(host, {
            host,
            namespace: svc.namespace,
            ports: svc.ports.map((p) => ({ number: p.port, name: p.name, protocol: p.protocol })),
            origin: 'service',
            object: svc.object && svc.object.kind === 'Service' ? svc.object : undefined,
            service: svc,
          });
        }
      }
      for (const e of this.serviceEntryHosts()) hosts.add(e.host, e);
      this.registry = hosts;
    }
    return this.registry;
  }

  private buildServiceEntryRegistry(): HostIndex<RegistryEntry> {
    if (!this.serviceEntryRegistry) {
      const hosts = new HostIndex<RegistryEntry>();
      for (const e of this.serviceEntryHosts()) hosts.add(e.host, e);
      this.serviceEntryRegistry = hosts;
    }
    return this.serviceEntryRegistry;
  }

  /** The registry entries of the ServiceEntry hosts, in input order (shared by both host indexes). */
  private serviceEntryHosts(): readonly RegistryEntry[] {
    if (!this.serviceEntryList) {
      const out: RegistryEntry[] = [];
      for (const se of this.serviceEntries()) {
        const ports = asArray(se.spec.ports).filter(isRecord).map((p) => ({
          number: asNumber(p.number) ?? 0, name: asString(p.name), protocol: asString(p.protocol)?.toUpperCase(),
        }));
        for (const h of asStringArray(se.spec.hosts)) {
          out.push({ host: h, namespace: se.namespace ?? this.defaultNamespace, ports, origin: 'service-entry', object: se });
        }
      }
      this.serviceEntryList = out;
    }
    return this.serviceEntryList;
  }

  /**
   * istioctl's registry lookup `lookup(sourceNs, exportTo, h)` (ISTIOCTL-PARITY §0): the scoped key `*` first, then
   * the referencing object's own exportTo scopes (its namespace when it has none), then wildcard entries visible to
   * `*` or `sourceNs`. Case-sensitive, no host filtering.
   */
  public lookupScoped(sourceNs: string, exportTo: readonly string[], host: string): ScopedEntry | undefined {
    // asked once per destination and DestinationRule: the usual path (a dotted host, no `/` anywhere) makes no call
    // but the map lookups, and no key string
    const reg = this.scoped ?? this.buildScoped();
    const h = host.charCodeAt(0) === 42 /* '*' */ || host.includes('.') ? host : parityFqdn(sourceNs, host);
    const hit = reg.keys ? reg.keys.get(`*/${h}`) : reg.everywhere?.get(h);
    if (hit) return hit;
    if (exportTo.length === 0) {
      const e = reg.keys ? reg.keys.get(`${sourceNs}/${h}`) : reg.byScope.get(sourceNs)?.get(h);
      if (e) return e;
    }
    for (const x of exportTo) {
      const e = scopedGet(reg, x === '.' ? sourceNs : x, h);
      if (e) return e;
    }
    if (reg.wild.length === 0) return undefined;
    const bare = h.replace(/^\*/, '');
    for (const w of reg.wild) {
      if (w.scope !== '*' && w.scope !== sourceNs) continue;
      if (bare.endsWith(w.entry.host.slice(1))) return w.entry;
    }
    return undefined;
  }

  private buildScoped(): ScopedRegistry {
    if (!this.scoped) {
      const byScope = new Map<string, Map<string, ScopedEntry>>();
      let ambiguous = false;
      // the flat `scope/host` keys of the wildcard hosts (the only ones `wild` lists), in first-put order with the
      // last entry put: made as the entries are put, so no key string per exact host
      const wildKeys = new Map<string, ScopedEntry>();
      // entries come in runs of one scope (most are `*`): the previous scope's map is reused
      let lastScope: string | undefined;
      let lastMap = new Map<string, ScopedEntry>();
      const hostSlash = this.putScopedEntries((scope, entry) => {
        if (scope !== lastScope) {
          // a `/` in a scope makes `scope/host` ambiguous (tested once per run of one scope)
          if (scope.includes('/')) ambiguous = true;
          let m = byScope.get(scope);
          if (!m) byScope.set(scope, (m = new Map()));
          lastScope = scope;
          lastMap = m;
        }
        lastMap.set(entry.host, entry);
        if (entry.host.charCodeAt(0) === 42 /* '*' */) wildKeys.set(`${scope}/${entry.host}`, entry);
      });
      // a `/` in a scope or host makes `scope/host` ambiguous: lookups then use the flat keys of every entry, as
      // istioctl does; they are made by putting the entries again (rare: never for valid names)
      let keys = wildKeys;
      if (ambiguous || hostSlash) {
        const all = new Map<string, ScopedEntry>();
        this.putScopedEntries((scope, entry) => all.set(`${scope}/${entry.host}`, entry));
        keys = all;
      }
      const wild: { scope: string; entry: ScopedEntry }[] = [];
      for (const [k, entry] of keys) {
        if (!entry.host.startsWith('*')) continue;
        wild.push({ scope: k.slice(0, k.indexOf('/')), entry });
      }
      this.scoped = { byScope, everywhere: byScope.get('*'), keys: ambiguous || hostSlash ? keys : undefined, wild };
    }
    return this.scoped;
  }

  /**
   * Puts every entry of istioctl's scoped registry under each of its export scopes, in istioctl's order: ServiceEntry
   * hosts, then Services. True when the host of an entry put contains `/`.
   */
  private putScopedEntries(put: (scope: string, entry: ScopedEntry) => void): boolean {
    let hostSlash = false;
    // most Services have one port, and many the same one: one shared (read-only) list per such port number
    const onePort = new Map<number, readonly number[]>();
    const portNumbers = (svc: ServiceInfo): readonly number[] => {
      if (svc.ports.length !== 1) return svc.ports.map((p) => p.port);
      const n = svc.ports[0].port;
      let list = onePort.get(n);
      if (!list) onePort.set(n, (list = [n]));
      return list;
    };
    for (const se of this.serviceEntries()) {
      const ns = se.namespace ?? this.defaultNamespace;
      const ports = asArray(se.spec.ports).filter(isRecord).map((p) => asNumber(p.number) ?? 0);
      const workloadLabels = asStringMap(asRecord(se.spec.workloadSelector).labels);
      const exportTo = asStringArray(se.spec.exportTo);
      for (const h of asStringArray(se.spec.hosts)) {
        const entry: ScopedEntry = { host: parityFqdn(ns, h), ports, workloadLabels, object: se };
        // (every entry of a ServiceEntry is put under one scope at least)
        if (entry.host.includes('/')) hostSlash = true;
        if (exportTo.length === 0) put('*', entry);
        for (const e of exportTo) {
          if (e === '*') {
            put('*', entry);
            break;
          }
          put(e === '.' ? ns : e, entry);
        }
      }
    }
    // Services come by namespace: `.ns.svc.cluster.local` is made once per namespace, each host is name + suffix
    let suffixNs: string | undefined;
    let suffix = '';
    for (const list of this.services()) {
      for (const svc of list) {
        // implied Services (IstioOperator components, the assumed install) are exported everywhere
        const a = svc.origin === 'manifest' && svc.object ? svc.object.annotations['networking.istio.io/exportTo'] : undefined;
        const scopes = a === undefined ? EVERYWHERE : a.split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => (x === '.' ? svc.namespace : x));
        if (svc.namespace !== suffixNs) {
          suffixNs = svc.namespace;
          suffix = `.${svc.namespace}.svc.cluster.local`;
        }
        const entry: ScopedEntry = { host: svc.name + suffix, ports: portNumbers(svc), workloadLabels: NO_LABELS, object: svc.origin === 'manifest' ? svc.object : undefined };
        // (an annotation may name no scope: the entry is then never put)
        if (scopes.length > 0 && entry.host.includes('/')) hostSlash = true;
        for (const sc of scopes) put(sc, entry);
      }
    }
    return hostSlash;
  }
}
