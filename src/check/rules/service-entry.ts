/**
 * SE-*: rules on a single ServiceEntry (webhook/CEL semantics) and SEX-*: ServiceEntries across the input, the
 * REGISTRY_ONLY outbound policy and the egress pattern (section 7 of shared/ISTIO-RULES.md).
 */
import { Severity } from '../findings';
import { classifyHost, isDnsLabel, isIpAddress, isIpOrCidr } from '../hosts';
import { IndexedObject, MeshIndex, isHttpFamily } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, asStringArray, asStringMap, isRecord } from '../model';
import { Rule, RuleContext, defineRule } from '../rule';
import { drTlsBlocks, egressModel } from './egress';
import { readYamlValue } from '../yaml';

const q = (v: unknown) => JSON.stringify(v);

const SE_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'UDP', 'MONGO', 'REDIS', 'MYSQL']);
const RESOLUTIONS = new Set(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']);

/** Own (non-context) ServiceEntries, listed once per index (most SE rules start from them). */
function ownServiceEntries(index: MeshIndex): readonly IndexedObject[] {
  let l = ownCache.get(index);
  if (!l) ownCache.set(index, (l = index.ofKind('ServiceEntry').filter((o) => !o.isContext && o.group === 'networking.istio.io')));
  return l;
}
const ownCache = new WeakMap<MeshIndex, readonly IndexedObject[]>();

function resolutionOf(se: IndexedObject): string {
  return (asString(se.spec.resolution) ?? 'NONE').toUpperCase();
}

interface SePort {
  readonly index: number;
  readonly number?: number;
  readonly name?: string;
  readonly protocol: string;
  readonly raw: Record<string, unknown>;
}

/** The record ports of a ServiceEntry, read once per ServiceEntry (eight SE rules ask). */
function portsOf(se: IndexedObject): readonly SePort[] {
  let out = portsCache.get(se);
  if (!out) {
    const list: SePort[] = [];
    const raw = asArray(se.spec.ports);
    for (let index = 0; index < raw.length; index++) {
      const p = raw[index];
      if (!isRecord(p)) continue;
      list.push({ index, number: asNumber(p.number), name: asString(p.name), protocol: (asString(p.protocol) ?? '').toUpperCase(), raw: p });
    }
    portsCache.set(se, (out = list));
  }
  return out;
}
const portsCache = new WeakMap<IndexedObject, readonly SePort[]>();

function nonEmpty(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.keys(v).length > 0;
  return v !== undefined && v !== null && v !== '';
}

/** `*foo.com`: a wildcard that is not a whole leftmost label, the rest valid. */
function isPartialWildcard(h: string): boolean {
  const first = h.split('.')[0];
  if (!first.includes('*') || first === '*') return false;
  const rest = h.replace(/\*/g, 'x');
  return !('invalid' in classifyHost(rest));
}

export const SE_HOST_001 = defineRule({
  id: 'SE-HOST-001',
  severity: Severity.ERROR,
  summary: 'ServiceEntry has ≥1 valid host, not `*`; partial wildcards are warned (unless DYNAMIC_DNS)',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      const hosts = asArray(se.spec.hosts);
      if (hosts.length === 0) {
        ctx.report({ object: se, path: 'spec.hosts', message: 'spec.hosts is empty: a ServiceEntry needs at least one host', fix: 'list the external host(s), e.g. hosts: ["api.example.com"]' });
        continue;
      }
      hosts.forEach((h, i) => {
        const path = `spec.hosts[${i}]`;
        if (typeof h !== 'string') {
          ctx.report({ object: se, path, message: `host ${q(h)} is not a string`, fix: 'write the host as a string, e.g. "api.example.com"' });
          return;
        }
        if (h === '*') {
          ctx.report({ object: se, path, message: 'host "*" is not allowed in a ServiceEntry', fix: 'list the concrete hosts or a wildcard suffix such as "*.example.com"; for "any host" use outboundTrafficPolicy ALLOW_ANY' });
          return;
        }
        const c = classifyHost(h);
        if (!('invalid' in c)) return;
        if (isPartialWildcard(h)) {
          if (resolutionOf(se) === 'DYNAMIC_DNS') return;
          ctx.report({
            object: se,
            path,
            severity: Severity.WARNING,
            message: `host ${q(h)} has a partial wildcard; only a whole leftmost "*" label matches reliably`,
            fix: `use "*.${h.split('.').slice(1).join('.')}" or list the exact hosts`,
          });
          return;
        }
        ctx.report({ object: se, path, message: `host ${q(h)} ${c.invalid}`, fix: 'use an FQDN (api.example.com), a leading wildcard (*.example.com) or a short mesh name' });
      });
    }
  },
});

export const SE_SEL_001 = defineRule({
  id: 'SE-SEL-001',
  severity: Severity.ERROR,
  summary: 'workloadSelector xor endpoints',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      if (!nonEmpty(se.spec.workloadSelector) || !nonEmpty(se.spec.endpoints)) continue;
      ctx.report({
        object: se,
        path: 'spec.workloadSelector',
        message: 'spec.workloadSelector and spec.endpoints are both set; only one of them may be',
        fix: 'keep endpoints for static/DNS endpoints, or workloadSelector to select WorkloadEntries/pods, not both',
      });
    }
  },
});

export const SE_ADDR_001 = defineRule({
  id: 'SE-ADDR-001',
  severity: Severity.ERROR,
  summary: 'addresses are IPs or CIDRs; CIDRs only with resolution NONE/STATIC',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      const res = resolutionOf(se);
      asArray(se.spec.addresses).forEach((a, i) => {
        const path = `spec.addresses[${i}]`;
        if (typeof a !== 'string' || !isIpOrCidr(a)) {
          ctx.report({ object: se, path, message: `address ${q(a)} is not an IP address or CIDR block`, fix: 'use a virtual IP such as "240.240.0.1" or a CIDR such as "10.0.0.0/24", or remove it' });
          return;
        }
        const [ip, bits] = a.split('/');
        const hostRoute = bits === undefined || Number(bits) === (ip.includes(':') ? 128 : 32);
        if (!hostRoute && res !== 'NONE' && res !== 'STATIC') {
          ctx.report({ object: se, path, message: `address ${q(a)} is a CIDR range with resolution ${res}; CIDR ranges are only allowed with resolution NONE or STATIC`, fix: 'use resolution NONE (or STATIC with endpoints), or a single address' });
        }
      });
    }
  },
});

export const SE_PORT_001 = defineRule({
  id: 'SE-PORT-001',
  severity: Severity.ERROR,
  summary: 'Port names unique DNS labels; numbers unique in 1–65535; known protocol',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      const names = new Map<string, number>();
      const numbers = new Map<number, number>();
      for (const p of portsOf(se)) {
        const base = `spec.ports[${p.index}]`;
        const n = p.raw.number;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
          ctx.report({ object: se, path: `${base}.number`, message: `port number ${q(n)} is not in 1–65535`, fix: 'set number to the port clients connect to, e.g. 443' });
        } else if (numbers.has(n)) {
          ctx.report({ object: se, path: `${base}.number`, message: `port number ${n} is already declared by spec.ports[${numbers.get(n)}]`, fix: 'declare each port number once' });
        } else {
          numbers.set(n, p.index);
        }
        if (!p.name || !isDnsLabel(p.name)) {
          ctx.report({ object: se, path: `${base}.name`, message: p.name ? `port name ${q(p.name)} is not a DNS-1123 label` : 'port name is missing', fix: `name the port with a lowercase DNS label, e.g. ${q(`${(p.protocol || 'tcp').toLowerCase()}-${p.number ?? 443}`)}` });
        } else if (names.has(p.name)) {
          ctx.report({ object: se, path: `${base}.name`, message: `port name ${q(p.name)} is already used by spec.ports[${names.get(p.name)}]`, fix: 'give each port its own name' });
        } else {
          names.set(p.name, p.index);
        }
        if (p.raw.protocol !== undefined && !SE_PROTOCOLS.has(p.protocol)) {
          ctx.report({ object: se, path: `${base}.protocol`, message: `port protocol ${q(p.raw.protocol)} is not a known protocol`, fix: `use one of ${Array.from(SE_PROTOCOLS).join(', ')}` });
        }
      }
    }
  },
});

export const SE_RES_001 = defineRule({
  id: 'SE-RES-001',
  severity: Severity.ERROR,
  summary: 'NONE: no endpoints; STATIC: IP endpoints; DNS w/o endpoints: FQDN hosts; DNS_ROUND_ROBIN ≤1 endpoint; endpoint ports name SE ports',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      const raw = se.spec.resolution;
      const res = resolutionOf(se);
      if (raw !== undefined && !RESOLUTIONS.has(res)) {
        ctx.report({ object: se, path: 'spec.resolution', message: `resolution ${q(raw)} is not one of ${Array.from(RESOLUTIONS).join(', ')}`, fix: 'use DNS for external hostnames, STATIC with IP endpoints, or NONE' });
        continue;
      }
      const endpoints = asArray(se.spec.endpoints);
      if (res === 'NONE' && endpoints.length > 0) {
        ctx.report({ object: se, path: 'spec.endpoints', message: 'resolution NONE takes no endpoints (they are ignored)', fix: 'set resolution STATIC (IP endpoints) or DNS (hostname endpoints), or remove endpoints' });
      }
      if (res === 'STATIC') {
        endpoints.forEach((e, i) => {
          const addr = asString(asRecord(e).address);
          if (addr === undefined || isIpAddress(addr) || addr.startsWith('unix://')) return;
          ctx.report({ object: se, path: `spec.endpoints[${i}].address`, message: `endpoint address ${q(addr)} is not an IP address, which resolution STATIC requires`, fix: 'use resolution DNS for hostname endpoints, or an IP address' });
        });
      }
      if ((res === 'DNS' || res === 'DNS_ROUND_ROBIN') && endpoints.length === 0 && !nonEmpty(se.spec.workloadSelector)) {
        asArray(se.spec.hosts).forEach((h, i) => {
          if (typeof h !== 'string' || !h.includes('*')) return;
          ctx.report({ object: se, path: `spec.hosts[${i}]`, message: `wildcard host ${q(h)} with resolution ${res} and no endpoints: there is no name to resolve`, fix: 'use resolution NONE (or DYNAMIC_DNS) for wildcard hosts, list endpoints, or use exact hosts' });
        });
      }
      if (res === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
        ctx.report({ object: se, path: 'spec.endpoints', message: `resolution DNS_ROUND_ROBIN takes at most one endpoint, found ${endpoints.length}`, fix: 'use resolution DNS for several endpoints' });
      }
      const portNames = new Set(portsOf(se).map((p) => p.name).filter((n): n is string => !!n));
      endpoints.forEach((e, i) => {
        for (const name of Object.keys(asRecord(asRecord(e).ports))) {
          if (portNames.has(name)) continue;
          ctx.report({ object: se, path: `spec.endpoints[${i}].ports.${name}`, message: `endpoint port ${q(name)} names no port of spec.ports (${Array.from(portNames).join(', ') || 'none'})`, fix: 'key endpoint ports by the name of a ServiceEntry port' });
        }
      });
    }
  },
});

const DYNAMIC_DNS_PROTOCOLS = new Set(['HTTP', 'TLS', 'GRPC', 'HTTP2']);

export const SE_RES_002 = defineRule({
  id: 'SE-RES-002',
  severity: Severity.ERROR,
  summary: 'DYNAMIC_DNS: wildcard hosts, no addresses/endpoints, HTTP/TLS/GRPC/HTTP2 ports',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      if (resolutionOf(se) !== 'DYNAMIC_DNS') continue;
      asArray(se.spec.hosts).forEach((h, i) => {
        if (typeof h === 'string' && h.startsWith('*.')) return;
        ctx.report({ object: se, path: `spec.hosts[${i}]`, message: `host ${q(h)} is not a wildcard; resolution DYNAMIC_DNS needs wildcard hosts`, fix: 'use a wildcard such as "*.example.com", or resolution DNS for exact hosts' });
      });
      if (nonEmpty(se.spec.addresses)) ctx.report({ object: se, path: 'spec.addresses', message: 'resolution DYNAMIC_DNS takes no addresses', fix: 'remove addresses' });
      if (nonEmpty(se.spec.endpoints)) ctx.report({ object: se, path: 'spec.endpoints', message: 'resolution DYNAMIC_DNS takes no endpoints', fix: 'remove endpoints' });
      for (const p of portsOf(se)) {
        if (DYNAMIC_DNS_PROTOCOLS.has(p.protocol)) continue;
        ctx.report({ object: se, path: `spec.ports[${p.index}].protocol`, message: `port ${p.number ?? '?'} protocol ${q(p.protocol || 'unset')} is not allowed with resolution DYNAMIC_DNS`, fix: 'use HTTP, TLS, GRPC or HTTP2' });
      }
    }
  },
});

export const SE_MULTI_001 = defineRule({
  id: 'SE-MULTI-001',
  severity: Severity.ERROR,
  summary: '>1 host with a non-HTTP/TLS port requires resolution NONE',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      if (asArray(se.spec.hosts).length < 2 || resolutionOf(se) === 'NONE') continue;
      const bad = portsOf(se).find((p) => !isHttpFamily(p.protocol) && p.protocol !== 'HTTPS' && p.protocol !== 'TLS');
      if (!bad) continue;
      ctx.report({
        object: se,
        path: `spec.ports[${bad.index}].protocol`,
        message: `${asArray(se.spec.hosts).length} hosts share ${bad.protocol || 'TCP'} port ${bad.number ?? '?'} with resolution ${resolutionOf(se)}; without HTTP Host or TLS SNI the hosts cannot be told apart`,
        fix: 'split into one ServiceEntry per host, use resolution NONE, or declare the port as HTTP/TLS',
      });
    }
  },
});

/**
 * istioctl's test (ISTIOCTL-PARITY §7): ISTIO_META_DNS_CAPTURE exactly "true" and ISTIO_META_DNS_AUTO_ALLOCATE or
 * PILOT_ENABLE_IP_AUTOALLOCATE exactly "true" in meshConfig.defaultConfig.proxyMetadata.
 */
function meshAutoAllocates(index: MeshIndex): boolean {
  const pm = asStringMap(asRecord(asRecord(index.meshConfig.raw.defaultConfig).proxyMetadata));
  return pm.ISTIO_META_DNS_CAPTURE === 'true' && (pm.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || pm.PILOT_ENABLE_IP_AUTOALLOCATE === 'true');
}

/** Addresses istiod allocated (status.addresses), which istioctl honours. */
function statusAddresses(se: IndexedObject): boolean {
  return asArray(asRecord(se.raw.status).addresses).length > 0;
}

export const SE_ADDR_002 = defineRule({
  id: 'SE-ADDR-002',
  code: 'IST0134',
  severity: Severity.WARNING,
  istioctlLevel: 'warning — ours info (uncoded) when the ServiceEntry asks for allocation with networking.istio.io/enable-autoallocate-ip',
  summary: 'TCP/unset-protocol port without addresses or auto-allocation (IST0134, per port; uncoded when the SE label networking.istio.io/enable-autoallocate-ip, which istioctl ignores, asks for allocation)',
  check(ctx) {
    if (meshAutoAllocates(ctx.index)) return;
    for (const se of ownServiceEntries(ctx.index)) {
      if (nonEmpty(se.spec.addresses) || statusAddresses(se)) continue;
      const labelled = se.labels['networking.istio.io/enable-autoallocate-ip'] === 'true';
      for (const p of portsOf(se)) {
        if (p.protocol !== '' && p.protocol !== 'TCP') continue;
        ctx.report({
          object: se,
          path: `spec.ports[${p.index}]${p.protocol ? '.protocol' : ''}`,
          ...(labelled ? { code: '', severity: Severity.INFO } : {}),
          message: `port ${p.number ?? '?'} is ${p.protocol ? 'TCP' : 'without protocol (TCP)'} and the ServiceEntry has no addresses${labelled ? ' (the label networking.istio.io/enable-autoallocate-ip asks istiod to allocate one; istioctl analyze still reports IST0134)' : ''}; sidecars cannot tell its traffic apart from other TCP traffic on port ${p.number ?? '?'}`,
          fix: 'set spec.addresses (a virtual IP), enable DNS auto-allocation (ISTIO_META_DNS_AUTO_ALLOCATE) or declare the protocol (TLS/HTTP)',
        });
      }
    }
  },
});

export const SE_EXP_001 = defineRule({
  id: 'SE-EXP-001',
  severity: Severity.ERROR,
  summary: '`~` must be alone in exportTo',
  check(ctx) {
    for (const se of ownServiceEntries(ctx.index)) {
      const exp = asArray(se.spec.exportTo);
      const i = exp.indexOf('~');
      if (i < 0 || exp.length === 1) continue;
      ctx.report({ object: se, path: `spec.exportTo[${i}]`, message: `exportTo has "~" (export nowhere) together with ${exp.filter((e) => e !== '~').map(q).join(', ')}`, fix: 'use ["~"] alone to hide the ServiceEntry, or drop "~"' });
    }
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Cross-resource
// ---------------------------------------------------------------------------------------------------------------

/**
 * SEX-DUP-001. IST0177 as istioctl computes it (ISTIOCTL-PARITY §17): ServiceEntries indexed per export scope (`*` when
 * exportTo is empty or has `*`), host as written and port; a scoped key also takes the `*`-scoped entries of the same
 * host and port; ≥2 distinct protocols (upper-cased; empty is its own value) conflict, and every SE involved is reported
 * once. Uncoded: the same host and port in two ServiceEntries with one protocol (they merge unpredictably).
 */
export const SEX_DUP_001 = defineRule({
  id: 'SEX-DUP-001',
  code: 'IST0177',
  severity: Severity.WARNING,
  summary: 'Same host+port in several ServiceEntries: conflicting protocols (IST0177, each SE once); same protocol uncoded',
  check(ctx) {
    interface Entry { readonly se: IndexedObject; readonly port: SePort; readonly hostIndex: number; readonly host: string }
    const keys = new Map<string, Entry[]>();
    for (const se of ctx.index.ofKind('ServiceEntry')) {
      if (se.group !== 'networking.istio.io') continue;
      const ns = se.namespace ?? ctx.index.defaultNamespace;
      const exportTo = asStringArray(se.spec.exportTo);
      const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : Array.from(new Set(exportTo.map((e) => (e === '.' ? ns : e))));
      const ports = portsOf(se);
      asArray(se.spec.hosts).forEach((h, hostIndex) => {
        if (typeof h !== 'string') return;
        for (const port of ports) {
          if (port.number === undefined) continue;
          for (const sc of scopes) {
            const k = `${sc}|${h}|${port.number}`;
            const l = keys.get(k) ?? [];
            if (!l.some((e) => e.se === se)) l.push({ se, port, hostIndex, host: h });
            keys.set(k, l);
          }
        }
      });
    }
    const reported = new Set<IndexedObject>();
    const sameReported = new Set<IndexedObject>();
    const name = (e: Entry) => `${e.se.namespace ?? ''}/${e.se.name}`;
    for (const [k, list] of keys) {
      const bar = k.indexOf('|');
      // one entry and no mesh-wide (`*`) entries to merge with: neither a conflict nor a repeat (the usual key)
      if (list.length < 2 && ((bar === 1 && k[0] === '*') || !keys.has(`*${k.slice(bar)}`))) continue;
      const scope = k.slice(0, bar);
      const rest = k.slice(bar);
      const all = scope === '*' ? list : [...list, ...(keys.get(`*${rest}`) ?? []).filter((e) => !list.includes(e))];
      const protocols = new Set(all.map((e) => (asString(e.port.raw.protocol) ?? '').toUpperCase()));
      if (protocols.size >= 2) {
        for (const e of all) {
          if (reported.has(e.se)) continue;
          reported.add(e.se);
          const others = Array.from(new Set(all.filter((o) => o.se !== e.se).map((o) => `${name(o)} (${(asString(o.port.raw.protocol) ?? '').toUpperCase() || 'no protocol'})`)));
          ctx.report({
            object: e.se,
            path: `spec.ports[${e.port.index}].protocol`,
            message: `host ${q(e.host)} port ${e.port.number} is declared ${(asString(e.port.raw.protocol) ?? '').toUpperCase() || 'without protocol'} here but differently in ${others.slice(0, 10).join(', ')}${others.length > 10 ? ` and ${others.length - 10} more` : ''}; only one protocol wins`,
            fix: 'declare the port once, with the protocol the traffic really uses (TLS for application TLS on 443)',
          });
        }
      } else if (scope === '*' && all.length >= 2) {
        for (const e of all.slice(1)) {
          if (sameReported.has(e.se) || reported.has(e.se)) continue;
          sameReported.add(e.se);
          ctx.report({
            object: e.se,
            path: `spec.hosts[${e.hostIndex}]`,
            code: '',
            message: `host ${q(e.host)} port ${e.port.number} is also declared by ServiceEntry ${name(all[0])}; the entries merge unpredictably`,
            fix: `keep ${q(e.host)}:${e.port.number} in one ServiceEntry`,
          });
        }
      }
    }
  },
});

/** True for a host that names something outside the cluster (FQDN or wildcard, not cluster-local, not an IP). */
export function isExternalHost(h: string): boolean {
  if (!h || h === '*' || !h.includes('.') || isIpOrCidr(h)) return false;
  const l = h.toLowerCase();
  return !(l.endsWith('.cluster.local') || l.endsWith('.svc') || l.includes('.svc.'));
}

export const SEX_REG_001 = defineRule({
  id: 'SEX-REG-001',
  severity: Severity.ERROR,
  summary: 'REGISTRY_ONLY: every external host used needs a ServiceEntry visible to the clients and the egress gateway',
  needsContext: true,
  check(ctx) {
    const index = ctx.index;
    if (index.meshConfig.outboundTrafficPolicyMode !== 'REGISTRY_ONLY') return;
    const m = egressModel(index);
    // one finding per object and host, at the first place the host is used, naming every namespace that misses it
    const pending = new Map<string, { object: IndexedObject; path: string; host: string; what: string; missing: string[] }>();
    const need = (object: IndexedObject, path: string, host: string, namespaces: Iterable<string>, what: string) => {
      if (!isExternalHost(host)) return;
      const key = `${object.order}|${host.toLowerCase()}`;
      for (const ns of namespaces) {
        if (index.lookupHost(host, ns).length > 0) continue;
        let p = pending.get(key);
        if (!p) pending.set(key, (p = { object, path, host, what, missing: [] }));
        if (!p.missing.includes(ns)) p.missing.push(ns);
      }
    };
    for (const f of m.virtualServices) {
      const callers = new Set<string>();
      if (f.hasMesh) index.meshClientNamespaces(f.vs).forEach((n) => callers.add(n));
      const egressNs = new Set<string>();
      for (const g of f.egressGateways) for (const w of index.workloadsFor(g)) egressNs.add(w.namespace);
      egressNs.forEach((n) => callers.add(n));
      if (callers.size === 0) continue;
      asArray(f.vs.spec.hosts).forEach((h, i) => {
        if (typeof h === 'string') need(f.vs, `spec.hosts[${i}]`, h, callers, 'host');
      });
      for (const rule of f.rules) {
        for (const mt of rule.matches) mt.sniHosts.forEach((h, i) => need(f.vs, `${mt.path}.sniHosts[${i}]`, h, callers, 'sni host'));
        for (const d of rule.dests) if (d.host) need(f.vs, `${d.path}.host`, d.host, callers, 'destination');
      }
    }
    for (const g of m.gateways) {
      const nss = new Set(index.workloadsFor(g).filter((w) => w.role === 'egress').map((w) => w.namespace));
      for (const s of index.serversOf(g)) for (const h of s.hosts) need(g, `${s.path}.hosts[${h.index}]`, h.host, nss, 'egress gateway host');
    }
    for (const p of pending.values()) {
      const elsewhere = index.registryEntries(p.host).filter((e) => e.object);
      const nss = p.missing.map((n) => q(n)).join(', ');
      const hint = elsewhere.length > 0
        ? ` (ServiceEntry ${elsewhere[0].namespace}/${elsewhere[0].object!.name} exists but is not exported to ${nss})`
        : '';
      ctx.report({
        object: p.object,
        path: p.path,
        message: `${p.what} ${q(p.host)} has no ServiceEntry visible in namespace ${nss}${hint}; with outboundTrafficPolicy REGISTRY_ONLY its traffic goes to BlackHoleCluster (HTTP 502, TCP reset)`,
        fix: elsewhere.length > 0
          ? `add ${nss} to the ServiceEntry's exportTo (or use "*")`
          : `add a ServiceEntry for ${q(p.host)} with its port and protocol, exported to ${nss}`,
      });
    }
  },
});

function hasTlsOrigination(host: string, drByHost: Map<string, IndexedObject[]>): boolean {
  return (drByHost.get(host.toLowerCase()) ?? []).some((dr) => drTlsBlocks(dr).some((b) => b.mode === 'SIMPLE' || b.mode === 'MUTUAL'));
}

export const SEX_PROTO_001 = defineRule({
  id: 'SEX-PROTO-001',
  severity: Severity.WARNING,
  summary: 'ServiceEntry protocol matches the traffic: application TLS on 443 → TLS/HTTPS; plaintext → HTTP',
  check(ctx) {
    // DestinationRules by lower-case host, built only when a port needs them (rare: 443 declared HTTP); one array per
    // host, appended in place
    let drByHost: Map<string, IndexedObject[]> | undefined;
    const drsByHost = (): Map<string, IndexedObject[]> => {
      if (drByHost) return drByHost;
      drByHost = new Map();
      for (const dr of ctx.index.ofKind('DestinationRule')) {
        const h = asString(dr.spec.host);
        if (!h) continue;
        const k = h.toLowerCase();
        const l = drByHost.get(k);
        if (l) l.push(dr);
        else drByHost.set(k, [dr]);
      }
      return drByHost;
    };
    for (const se of ownServiceEntries(ctx.index)) {
      const hosts = asStringArray(se.spec.hosts);
      for (const p of portsOf(se)) {
        if (p.number === 443 && isHttpFamily(p.protocol)) {
          if (hosts.length > 0 && hosts.every((h) => hasTlsOrigination(h, drsByHost()))) continue;
          ctx.report({
            object: se,
            path: `spec.ports[${p.index}].protocol`,
            message: `port 443 is declared ${p.protocol}, but traffic to 443 is normally TLS from the application; Envoy will try to parse it as plaintext HTTP and fail`,
            fix: 'declare protocol TLS (application TLS, SNI routing) or HTTPS; keep HTTP only with TLS origination by a DestinationRule',
          });
        } else if (p.number === 80 && (p.protocol === 'HTTPS' || p.protocol === 'TLS')) {
          ctx.report({
            object: se,
            path: `spec.ports[${p.index}].protocol`,
            message: `port 80 is declared ${p.protocol}, but traffic to 80 is normally plaintext HTTP; TLS inspection finds no SNI and the traffic is not matched`,
            fix: 'declare protocol HTTP for plaintext traffic (and originate TLS with a DestinationRule if the upstream needs it)',
          });
        }
      }
    }
  },
});

/** The manifest that sets `outboundTrafficPolicy.mode` (IstioOperator meshConfig or the istio ConfigMap), if any. */
export function outboundPolicySources(index: MeshIndex): { object: IndexedObject; path: string; mode: unknown }[] {
  const out: { object: IndexedObject; path: string; mode: unknown }[] = [];
  for (const iop of index.ofKind('IstioOperator')) {
    if (iop.group !== 'install.istio.io') continue;
    const otp = asRecord(asRecord(iop.spec.meshConfig).outboundTrafficPolicy);
    if ('mode' in otp) out.push({ object: iop, path: 'spec.meshConfig.outboundTrafficPolicy.mode', mode: otp.mode });
  }
  for (const cm of index.ofKind('ConfigMap')) {
    if (cm.group !== '' || (cm.name !== 'istio' && !cm.name.startsWith('istio-'))) continue;
    const mesh = asString(asRecord(cm.raw.data).mesh);
    if (!mesh) continue;
    let parsed: unknown;
    try {
      parsed = readYamlValue(mesh, 'ConfigMap istio data.mesh');
    } catch {
      continue;
    }
    const otp = asRecord(asRecord(parsed).outboundTrafficPolicy);
    if ('mode' in otp) out.push({ object: cm, path: 'data.mesh', mode: otp.mode });
  }
  return out;
}

export const SEX_SECURE_001 = defineRule({
  id: 'SEX-SECURE-001',
  severity: Severity.WARNING,
  summary: 'REGISTRY_ONLY is not a security boundary; use an egress gateway plus NetworkPolicy',
  check(ctx: RuleContext) {
    if (ctx.index.meshConfig.outboundTrafficPolicyMode !== 'REGISTRY_ONLY') return;
    if (egressModel(ctx.index).gateways.length > 0) return;
    // Gateway API egress: a route whose parent is a ServiceEntry sends the mesh's traffic to an egress gateway
    const gatewayApiEgress = ['HTTPRoute', 'TLSRoute', 'TCPRoute'].some((k) => ctx.index.ofKind(`${k}.gateway.networking.k8s.io`)
      .some((r) => asArray(r.spec.parentRefs).some((p) => isRecord(p) && p.kind === 'ServiceEntry' && p.group === 'networking.istio.io')));
    if (gatewayApiEgress) return;
    const src = outboundPolicySources(ctx.index).find((s) => String(s.mode).toUpperCase() === 'REGISTRY_ONLY');
    if (!src) return;
    ctx.report({
      object: src.object,
      path: src.path,
      message: 'outboundTrafficPolicy REGISTRY_ONLY is set without an egress gateway: it only steers well-behaved sidecars; a pod without a sidecar (or one that bypasses it) still reaches any host',
      fix: 'route external traffic through an egress gateway (EgressRoute) and block direct egress with a NetworkPolicy that only allows the egress gateway namespace',
    });
  },
});

export const SERVICE_ENTRY_RULES: readonly Rule[] = [
  SE_HOST_001, SE_SEL_001, SE_ADDR_001, SE_PORT_001, SE_RES_001, SE_RES_002, SE_MULTI_001, SE_ADDR_002, SE_EXP_001,
  SEX_DUP_001, SEX_REG_001, SEX_PROTO_001, SEX_SECURE_001,
];
