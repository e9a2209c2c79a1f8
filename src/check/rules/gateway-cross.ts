/**
 * GWX-*: Gateway rules that need other objects (section 2 of shared/ISTIO-RULES.md): workloads, Services, other
 * Gateways on the same listener, VirtualServices. All conflict rules walk {@link MeshIndex.listenerBuckets}, so they
 * are linear in the number of servers.
 *
 * Loops run per VirtualService, server or host are indexed, not `for...of` (see virtual-service.ts): most of this code
 * runs once per object before the JIT optimizes it.
 */
import { Severity } from '../findings';
import { hostCovers } from '../hosts';
import {
  GatewayServer, GatewayServerHost, WorkloadInfo, HostIndex, IndexedObject, ListenerBucket, MeshIndex,
  describeWorkload, isHttpFamily,
} from '../mesh-index';
import { asArray, asNumber, asRecord, asString, asStringArray, isRecord, selectorMatches } from '../model';
import { Rule, RuleContext, defineRule } from '../rule';
import { egressModel } from './egress';
import { ownGateways } from './gateway';
import { boundServers, hasBindingFacts } from './virtual-service-cross';

const q = (v: unknown) => JSON.stringify(v);
const selectorText = (sel: Record<string, string>) =>
  Object.keys(sel).length ? `{${Object.entries(sel).map(([k, v]) => `${k}: ${v}`).join(', ')}}` : '{}';
const gwName = (g: IndexedObject) => `${g.namespace}/${g.name}`;
const where = (s: GatewayServer, self: IndexedObject) =>
  s.gateway === self ? `${s.path} of this gateway` : `gateway ${gwName(s.gateway)} ${s.path}`;
const isTlsProtocol = (p: string) => p === 'HTTPS' || p === 'TLS';

function validPort(s: GatewayServer): number | undefined {
  const n = s.port.number;
  return n !== undefined && Number.isInteger(n) && n > 0 && n <= 65535 && !(s.bind ?? '').startsWith('unix://') ? n : undefined;
}

/** Reports once per key (a server may sit on several workloads). */
function once(): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

/**
 * GWX-SEL-001. IST0101 (`selector`) as istioctl computes it (ISTIOCTL-PARITY §1): no Pod anywhere carries the selector's
 * labels (namespace and gateway-ness irrelevant; an empty selector needs any Pod). Pods are Pod objects in the closed
 * world; pod templates, IstioOperator gateways and the assumed install count too in the open world. Uncoded warning:
 * the selector matches only pods that do not look like gateways (no proxyv2 image, gateway injection template or
 * `istio` label), so no gateway proxy applies the Gateway.
 */
export const GWX_SEL_001 = defineRule({
  id: 'GWX-SEL-001',
  code: 'IST0101',
  severity: Severity.ERROR,
  summary: 'Gateway selector matches at least one pod (IST0101, any pod with those labels), else the Gateway does nothing; uncoded warning when it matches only pods that do not look like gateways',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    for (const gw of ownGateways(ix)) {
      const sel = ix.gatewaySelector(gw);
      const pods = ix.podsMatching(sel);
      if (pods.length === 0) {
        const known = ix.gatewayWorkloads().map(describeWorkload);
        ctx.report({
          object: gw,
          path: 'spec.selector',
          refType: 'selector',
          message: `selector ${selectorText(sel)} (${selectorString(sel)}) matches no pod${ix.closedWorld ? ' of the input' : ' or pod template of the input'} (${known.length ? `known gateway workloads: ${bounded(known)}` : 'no gateway workload is declared'})`,
          fix: 'select the labels of an installed gateway (e.g. istio: ingressgateway), or declare the gateway workload (Deployment/Service or IstioOperator) as context',
        });
        continue;
      }
      if (ix.closedWorld || ix.workloadsMatching(sel).length > 0) continue;
      ctx.report({
        object: gw,
        path: 'spec.selector',
        code: '',
        severity: Severity.WARNING,
        message: `selector ${selectorText(sel)} matches only pods that do not look like gateways (${bounded(pods.map((p) => `${p.object?.kind ?? 'pod'} ${p.namespace}/${p.object?.name ?? ''}`))}); sidecars ignore Gateways, so this one does nothing unless those pods run a gateway proxy`,
        fix: 'select the labels of a gateway deployment (proxyv2 image, inject.istio.io/templates: gateway, or an istio label)',
      });
    }
  },
});

export const GWX_SEL_002 = defineRule({
  id: 'GWX-SEL-002',
  severity: Severity.ERROR,
  summary: 'Two gateway deployments matching one Gateway or Service selector share config/endpoints',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    for (const gw of ownGateways(ix)) {
      const sel = ix.gatewaySelector(gw);
      if (Object.keys(sel).length === 0) continue; // GW-SEL-001
      const ws = ix.workloadsFor(gw);
      if (ws.length < 2) continue;
      ctx.report({
        object: gw,
        path: 'spec.selector',
        message: `selector ${selectorText(sel)} matches ${ws.length} gateway deployments (${ws.map(describeWorkload).join('; ')}), which all get this configuration`,
        fix: 'give each gateway deployment a distinct istio label (IstioOperator: label: {istio: <name>}) and select that label',
      });
    }
    // a Service selects gateway workloads of its own namespace only: namespaces with fewer than two have nothing to say
    const perNs = new Map<string, number>();
    for (const w of ix.gatewayWorkloads()) perNs.set(w.namespace, (perNs.get(w.namespace) ?? 0) + 1);
    for (const ns of ix.namespaces()) {
      if ((perNs.get(ns) ?? 0) < 2) continue;
      for (const svc of ix.servicesIn(ns)) {
        if (svc.origin !== 'manifest' || !svc.object || svc.object.isContext) continue;
        const ws = ix.workloadsForService(svc);
        if (ws.length < 2) continue;
        ctx.report({
          object: svc.object,
          path: 'spec.selector',
          message: `service selector ${selectorText(svc.selector)} matches ${ws.length} gateway deployments (${ws.map(describeWorkload).join('; ')}), so traffic is spread across all of them`,
          fix: 'select the distinct istio label of one gateway deployment',
        });
      }
    }
  },
});

export const GWX_SEL_003 = defineRule({
  id: 'GWX-SEL-003',
  severity: Severity.ERROR,
  summary: 'With PILOT_SCOPE_GATEWAY_TO_NAMESPACE the Gateway must sit in the gateway pods\' namespace',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    if (!ix.meshConfig.scopeGatewayToNamespace) return;
    for (const gw of ownGateways(ix)) {
      if (ix.workloadsFor(gw).length > 0) continue;
      const elsewhere = ix.workloadsMatching(ix.gatewaySelector(gw));
      if (elsewhere.length === 0) continue;
      const nss = Array.from(new Set(elsewhere.map((w) => w.namespace))).sort();
      ctx.report({
        object: gw,
        path: 'metadata.namespace',
        message: `the gateway in ${q(gw.namespace)} only selects pods in its own namespace because PILOT_SCOPE_GATEWAY_TO_NAMESPACE is on; the matching pods are in ${nss.join(', ')}`,
        fix: `move the Gateway to ${nss[0]} (VirtualServices then reference it as ${nss[0]}/${gw.name})`,
      });
    }
  },
});

/**
 * GWX-PORT-001. IST0162 as istioctl computes it (ISTIOCTL-PARITY §13): for Gateways whose selector matches a Pod, the
 * accepted ports are the TCP ports of every Service in a matching Pod's namespace that selects that Pod (a non-zero
 * numeric targetPort is accepted and its port maps to it; otherwise the port itself); one message per server whose
 * port is neither. Closed world: Service ports without `protocol` are not TCP (no API defaulting); open world: they are
 * (the API server defaults them when the manifest is applied). Error (istioctl: Warning): the port is unreachable.
 */
export const GWX_PORT_001 = defineRule({
  id: 'GWX-PORT-001',
  code: 'IST0162',
  severity: Severity.ERROR,
  istioctlLevel: 'warning — ours error: no Service port reaches the listener, so the server is unreachable',
  summary: 'Server port is a TCP port or targetPort of a Service selecting the gateway pods (IST0162, one finding per server)',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    for (const gw of ownGateways(ix)) {
      const pods = ix.podsMatching(ix.gatewaySelector(gw));
      if (pods.length === 0) continue; // GWX-SEL-001
      const accepted = new Set<number>();
      const mapped = new Set<number>();
      const services: string[] = [];
      const servicePorts: number[] = [];
      for (const pod of pods) {
        for (const svc of ix.servicesIn(pod.namespace)) {
          if (!selectorMatches(svc.selector, pod.labels)) continue;
          const name = `${svc.namespace}/${svc.name}`;
          if (!services.includes(name)) services.push(name);
          const rawPorts = svc.object && svc.origin === 'manifest' ? asArray(svc.object.spec.ports).filter(isRecord) : undefined;
          svc.ports.forEach((p) => {
            const raw = rawPorts?.find((r) => asNumber(r.port) === p.port);
            const declared = raw ? asString(raw.protocol) : p.protocol;
            const protocol = ix.closedWorld ? declared ?? '' : (declared ?? 'TCP').toUpperCase();
            if (protocol !== 'TCP') return;
            if (!servicePorts.includes(p.port)) servicePorts.push(p.port);
            const rawTarget = raw ? raw.targetPort : p.targetPort;
            const target = typeof rawTarget === 'number' ? rawTarget : typeof rawTarget === 'string' && /^\d+$/.test(rawTarget) ? Number(rawTarget) : 0;
            if (target !== 0) {
              accepted.add(target);
              mapped.add(p.port);
            } else {
              accepted.add(p.port);
            }
          });
        }
      }
      for (const s of ix.serversOf(gw)) {
        const n = s.port.number;
        if (n === undefined || accepted.has(n) || mapped.has(n)) continue;
        const ports = servicePorts;
        ctx.report({
          object: gw,
          path: `${s.path}.port.number`,
          message: `port ${n} is not exposed by any Service selecting the gateway pods (` + (services.length
            ? `${bounded(services)} ${services.length === 1 ? 'exposes' : 'expose'} ${ports.join(', ') || 'no TCP port'})`
            : `${bounded(Array.from(new Set(pods.map((p) => `${p.namespace}/${p.object?.name ?? p.origin}`))))} has no Service)`),
          fix: services.length
            ? `use one of the exposed ports (${ports.join(', ')}) or add port ${n} to the gateway Service (IstioOperator: k8s.service.ports)`
            : `declare the gateway Service (as context if installed elsewhere) with port ${n}`,
        });
      }
    }
  },
});

export const GWX_PORT_002 = defineRule({
  id: 'GWX-PORT-002',
  severity: Severity.ERROR,
  summary: 'A listener below 1024 on an unprivileged gateway pod is dropped',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    for (const gw of ownGateways(ix)) {
      for (const w of ix.workloadsFor(gw)) {
        if (!w.unprivileged) continue;
        for (const s of ix.serversOf(gw)) {
          const n = validPort(s);
          if (n === undefined) continue;
          const r = ix.resolveServerPort(w, n);
          if (!r.exposed || r.listenPort >= 1024 || r.unresolvedTarget) continue;
          const via = r.service ? ` (Service ${r.service.name} maps ${n}→${r.listenPort})` : '';
          ctx.report({
            object: gw,
            path: `${s.path}.port.number`,
            message: `port ${n} makes Envoy listen on ${r.listenPort}${via}, but the pods (${describeWorkload(w)}) run unprivileged and cannot bind below 1024, so the listener is dropped`,
            fix: 'use the Service port that maps to a high targetPort (istioctl default: 80→8080, 443→8443), or run the gateway as root (values.gateways.<gw>.runAsRoot)',
          });
        }
      }
    }
  },
});

/** Buckets that contain at least one own (non-context) server. */
function buckets(ix: MeshIndex): ListenerBucket[] {
  return ix.listenerBuckets().filter((b) => b.servers.some((x) => !x.server.gateway.isContext));
}

export const GWX_PORT_003 = defineRule({
  id: 'GWX-PORT-003',
  severity: Severity.WARNING,
  summary: 'Server ports N and M that resolve to the same listener M share it; conflicts apply to resolved ports',
  needsContext: true,
  check(ctx) {
    const first = once();
    for (const b of buckets(ctx.index)) {
      const holder = b.servers[0];
      for (const x of b.servers.slice(1)) {
        if (x.server.port.number === holder.server.port.number) continue;
        if (!first(`${x.server.gateway.order}|${x.server.index}|${b.listenPort}`)) continue;
        ctx.report({
          object: x.server.gateway,
          path: `${x.server.path}.port.number`,
          message: `port ${x.server.port.number} and port ${holder.server.port.number} of ${where(holder.server, x.server.gateway)} both end on listener ${b.listenPort} of ${describeWorkload(b.workload)}`,
          fix: `use the same server port for both, or a port whose Service targetPort differs from ${b.listenPort}`,
        });
      }
    }
  },
});

export const GWX_PORT_004 = defineRule({
  id: 'GWX-PORT-004',
  severity: Severity.ERROR,
  summary: 'On one listener only HTTP-family plaintext servers merge; TCP/TLS/HTTPS newcomers on a plaintext port are skipped',
  needsContext: true,
  check(ctx) {
    const first = once();
    for (const b of buckets(ctx.index)) {
      const servers = b.servers.filter((x) => x.server.port.protocol !== '');
      const holder = servers[0];
      if (!holder) continue;
      const hp = holder.server.port.protocol;
      const holderPlain = !isTlsProtocol(hp);
      for (const x of servers.slice(1)) {
        const s = x.server;
        const p = s.port.protocol;
        let why: string | undefined;
        if (holderPlain && !(isHttpFamily(hp) && isHttpFamily(p))) {
          why = `the listener is held by the older plaintext ${hp} server`;
        } else if (!holderPlain && !s.tls) {
          why = `the listener is held by the older ${hp} server and this server has no tls to tell it apart by SNI`;
        }
        if (!why || !first(`${s.gateway.order}|${s.index}`)) continue;
        ctx.report({
          object: s.gateway,
          path: s.path,
          message: `server on port ${s.port.number} (${p}) is skipped by istiod: ${why} (${where(holder.server, s.gateway)}) on listener ${b.listenPort} of ${describeWorkload(b.workload)}`,
          fix: 'serve it on another port (and expose that port on the gateway Service), or make both servers HTTP',
        });
      }
    }
  },
});

/** Canonical selector string of ISTIOCTL-PARITY §0: `k1=v1,k2=v2`, keys sorted; empty for an empty selector. */
export function selectorString(sel: Record<string, string>): string {
  return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
}

/** True when some Pod (of this world) carries the labels of both selectors. */
function podMatchesBoth(ix: MeshIndex, a: Record<string, string>, b: Record<string, string>): boolean {
  for (const k of Object.keys(a)) if (k in b && b[k] !== a[k]) return false;
  return ix.podsMatching({ ...a, ...b }).length > 0;
}

/** The last server of a Gateway under a (selector, port) key; its host → bind map is built when another Gateway asks. */
interface KeyedServer {
  readonly server: GatewayServer;
  hosts?: Map<string, string>;
}

function keyedHosts(ks: KeyedServer): Map<string, string> {
  return (ks.hosts ??= new Map(ks.server.hosts.map((h) => [h.raw, ks.server.bind ?? ''])));
}

/**
 * IST0145 as istioctl computes it (ISTIOCTL-PARITY §10): servers keyed by (canonical selector, port as written);
 * a server of G conflicts with another Gateway under a related key (equal selector, or one selector string contains
 * the other and a Pod matches both) when a host string is equal and the bind is identical. One message per server,
 * on both Gateways of a pair. Returns the reported servers.
 */
function reportConflictingGateways(ctx: RuleContext): Set<GatewayServer> {
  const ix = ctx.index;
  const reported = new Set<GatewayServer>();
  // by canonical selector, then port as written (0 when absent): no key string per server
  const byKey = new Map<string, Map<number, Map<IndexedObject, KeyedServer>>>();
  const selectors = new Map<string, Record<string, string>>();
  for (const g of ix.gateways()) {
    const sel = ix.gatewaySelector(g);
    const ss = selectorString(sel);
    selectors.set(ss, sel);
    let byPort = byKey.get(ss);
    if (!byPort) byKey.set(ss, (byPort = new Map()));
    for (let srvAt = 0, srvList = ix.serversOf(g); srvAt < srvList.length; srvAt++) {
      const srv = srvList[srvAt];
      const port = srv.port.number ?? 0;
      let m = byPort.get(port);
      if (!m) byPort.set(port, (m = new Map()));
      m.set(g, { server: srv, hosts: undefined });
    }
  }
  const related = new Map<string, string[]>();
  const relatedOf = (ss: string): string[] => {
    let r = related.get(ss);
    if (!r) {
      const sel = selectors.get(ss) ?? {};
      r = Array.from(selectors.keys()).filter((o) =>
        o === ss || ((o.includes(ss) || ss.includes(o)) && podMatchesBoth(ix, sel, selectors.get(o) ?? {})));
      related.set(ss, r);
    }
    return r;
  };
  for (const g of ownGateways(ix)) {
    const ss = selectorString(ix.gatewaySelector(g));
    for (let srvAt = 0, srvList = ix.serversOf(g); srvAt < srvList.length; srvAt++) {
      const srv = srvList[srvAt];
      const port = srv.port.number ?? 0;
      const bind = srv.bind ?? '';
      const others: IndexedObject[] = [];
      let anyTls = false;
      let hostHit = '';
      for (let rsAt = 0, rsList = relatedOf(ss); rsAt < rsList.length; rsAt++) {
        const rs = rsList[rsAt];
        const m = byKey.get(rs)?.get(port);
        if (!m) continue;
        for (const [x, ks] of m) {
          if (x === g || others.includes(x)) continue;
          const hosts = keyedHosts(ks);
          const h = srv.hosts.find((hh) => hosts.has(hh.raw) && hosts.get(hh.raw) === bind);
          if (!h) continue;
          others.push(x);
          hostHit ||= h.raw;
          anyTls ||= ks.server.tls !== undefined;
        }
      }
      if (others.length === 0) continue;
      reported.add(srv);
      const tls = anyTls && srv.tls !== undefined;
      ctx.report({
        object: g,
        path: srv.path,
        severity: tls ? Severity.ERROR : Severity.WARNING,
        message: `server on port ${port} declares host ${q(hostHit)}${bind ? ` (bind ${bind})` : ''} that ${bounded(others.map(gwName))} also declare${others.length === 1 ? 's' : ''} for the same workload selector and port` +
          (tls ? '; with tls, istiod keeps the older server and drops the newer' : '; plaintext routes of both concatenate oldest first'),
        fix: 'serve each host from one Gateway per port and selector: merge the servers, or remove the host from one of them',
      });
    }
  }
  return reported;
}

/** "a, b, c and N more": at most 10 names. */
export function bounded(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export const GWX_DUP_001 = defineRule({
  id: 'GWX-DUP-001',
  code: 'IST0145',
  severity: Severity.ERROR,
  istioctlLevel: 'error — ours warning when neither server has tls: plaintext routes of both Gateways concatenate and traffic still flows',
  summary: 'Same host and bind on the same port and selector in ≥2 Gateways (istioctl IST0145, both Gateways; error with tls, else warning); uncoded: the same tls host on one listener reached through port translation or overlapping selectors',
  needsContext: true,
  check(ctx) {
    const coded = reportConflictingGateways(ctx);
    const first = once();
    for (const b of buckets(ctx.index)) {
      const seen = new Map<string, GatewayServer>();
      for (let serverAt = 0, serverList = b.servers; serverAt < serverList.length; serverAt++) {
        const { server: s } = serverList[serverAt];
        if (!s.tls) continue;
        for (let hAt = 0, hList = s.hosts; hAt < hList.length; hAt++) {
          const h = hList[hAt];
          const older = seen.get(h.raw);
          if (!older) {
            seen.set(h.raw, s);
            continue;
          }
          if (older === s || coded.has(s) || !first(`${s.gateway.order}|${s.index}|${h.index}`)) continue;
          ctx.report({
            object: s.gateway,
            path: `${s.path}.hosts[${h.index}]`,
            code: '',
            message: `host ${q(h.raw)} on port ${s.port.number} is already served with tls by ${where(older, s.gateway)} (older) on the same listener ${b.listenPort} of ${describeWorkload(b.workload)}, so this server is dropped`,
            fix: 'serve each host with TLS from one server only: merge the servers, or remove the host here',
          });
        }
      }
    }
  },
});

export const GWX_DUP_002 = defineRule({
  id: 'GWX-DUP-002',
  severity: Severity.WARNING,
  summary: 'Overlapping hosts on one plain HTTP listener in ≥2 Gateways: routes concatenate oldest-first',
  needsContext: true,
  check(ctx) {
    const first = once();
    for (const b of buckets(ctx.index)) {
      const idx = new HostIndex<{ server: GatewayServer; host: GatewayServerHost }>();
      // at most two gateways per host string keep the index linear in distinct hosts
      const kept = new Map<string, IndexedObject[]>();
      for (let serverAt = 0, serverList = b.servers; serverAt < serverList.length; serverAt++) {
        const { server: s } = serverList[serverAt];
        if (s.tls || !isHttpFamily(s.port.protocol)) continue;
        for (let hAt = 0, hList = s.hosts; hAt < hList.length; hAt++) {
          const h = hList[hAt];
          const older = idx.query(h.host).find((o) => o.server.gateway !== s.gateway);
          if (older && first(`${s.gateway.order}|${s.index}|${h.index}`)) {
            ctx.report({
              object: s.gateway,
              path: `${s.path}.hosts[${h.index}]`,
              message: `host ${q(h.raw)} on port ${s.port.number} overlaps host ${q(older.host.raw)} of ${where(older.server, s.gateway)} on ${describeWorkload(b.workload)}: VirtualService routes of both concatenate oldest first and a catch-all route of the older hides the rest`,
              fix: 'serve each host from one Gateway, or use distinct, non-overlapping hosts',
            });
          }
          const k = h.host.toLowerCase();
          const gws = kept.get(k) ?? [];
          if (gws.length < 2 && !gws.includes(s.gateway)) {
            gws.push(s.gateway);
            kept.set(k, gws);
            idx.add(h.host, { server: s, host: h });
          }
        }
      }
    }
  },
});

/**
 * GWX-CERT-001. IST0138 as istioctl computes it (ISTIOCTL-PARITY §8): servers with a tls block (any mode) of two
 * Gateways share a certificate (equal non-empty credentialName, or both without one and equal non-empty
 * serverCertificate and privateKey); reported on G for every other Gateway X whose selector contains G's (G's empty
 * selector: any X; with PILOT_SCOPE_GATEWAY_TO_NAMESPACE only X in G's namespace). Pods are not consulted. In the
 * closed world one finding per (G, X), as istioctl; in the open world one per G naming a bounded list of the others.
 */
export const GWX_CERT_001 = defineRule({
  id: 'GWX-CERT-001',
  code: 'IST0138',
  severity: Severity.WARNING,
  summary: 'Same certificate on two Gateways whose selectors overlap (IST0138, on the Gateway whose selector is contained): HTTP/2 connection reuse leads to 404s',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    const byCert = new Map<string, { gw: IndexedObject; server: GatewayServer }[]>();
    for (const gw of ix.gateways()) {
      for (let sAt = 0, sList = ix.serversOf(gw); sAt < sList.length; sAt++) {
        const s = sList[sAt];
        if (!s.tls) continue;
        const cn = typeof s.tls.credentialName === 'string' ? s.tls.credentialName : '';
        const cert = typeof s.tls.serverCertificate === 'string' ? s.tls.serverCertificate : '';
        const key = typeof s.tls.privateKey === 'string' ? s.tls.privateKey : '';
        const k = cn ? `cred:${cn}` : cert && key ? `file:${cert}|${key}` : undefined;
        if (!k) continue;
        // (a one-entry literal for a new key: most certificates serve one server)
        const l = byCert.get(k);
        if (l) l.push({ gw, server: s });
        else byCert.set(k, [{ gw, server: s }]);
      }
    }
    const hits = new Map<IndexedObject, { server: GatewayServer; label: string; others: Set<string> }>();
    const subset = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).every((k) => b[k] === a[k]);
    for (const [k, list] of byCert) {
      if (list.length < 2) continue; // one server, one Gateway (most certificates)
      const gws = Array.from(new Set(list.map((e) => e.gw)));
      if (gws.length < 2) continue;
      for (const e of list) {
        if (e.gw.isContext) continue;
        const sel = ix.gatewaySelector(e.gw);
        for (const x of gws) {
          if (x === e.gw) continue;
          if (ix.meshConfig.scopeGatewayToNamespace && x.namespace !== e.gw.namespace) continue;
          if (!subset(sel, ix.gatewaySelector(x))) continue;
          let h = hits.get(e.gw);
          if (!h) hits.set(e.gw, (h = { server: e.server, label: k.startsWith('cred:') ? `credentialName ${q(k.slice(5))}` : `certificate file ${q(k.slice(5, k.indexOf('|')))}`, others: new Set() }));
          h.others.add(gwName(x));
        }
      }
    }
    for (const [gw, h] of hits) {
      const others = Array.from(h.others);
      const cn = h.label.startsWith('credentialName');
      // closed world: one message per (G, X), as istioctl; open world: one per G with a bounded list (no n² output)
      for (const group of ix.closedWorld ? others.map((o) => [o]) : [others]) {
        ctx.report({
          object: gw,
          path: `${h.server.path}.tls.${cn ? 'credentialName' : 'serverCertificate'}`,
          message: `${h.label} is also used by gateway ${bounded(group)}, which ${group.length === 1 ? 'selects' : 'select'} the same gateway pods; browsers reuse one HTTP/2 connection for both hosts and get 404s`,
          fix: 'serve hosts that share a certificate from one Gateway, or give each Gateway its own certificate',
        });
      }
    }
  },
});

/** (gateway, host) pairs that have a VirtualService answering 421 (the mTLS-bypass guard of GWX-CERT-002). */
function misdirectedGuards(ix: MeshIndex): Set<string> {
  const out = new Set<string>();
  for (const vs of ix.ofKind('VirtualService')) {
    const answers421 = asArray(vs.spec.http).some((r) => {
      const rr = asRecord(r);
      return asNumber(asRecord(rr.directResponse).status) === 421 || asNumber(asRecord(asRecord(rr.fault).abort).httpStatus) === 421;
    });
    if (!answers421) continue;
    for (const ref of ix.virtualServiceGateways(vs)) {
      const gw = ix.gatewayByRef(ref);
      if (!gw) continue;
      for (const h of asStringArray(vs.spec.hosts)) out.add(`${gw.order}|${h.toLowerCase()}`);
    }
  }
  return out;
}

export const GWX_CERT_002 = defineRule({
  id: 'GWX-CERT-002',
  severity: Severity.WARNING,
  summary: 'SIMPLE `*.x.com` beside MUTUAL `a.x.com` on one port: the Host header bypasses mTLS unless a 421 VS guards it',
  needsContext: true,
  check(ctx) {
    const first = once();
    let guards: Set<string> | undefined;
    for (const b of buckets(ctx.index)) {
      const mutual = new HostIndex<{ server: GatewayServer; host: GatewayServerHost }>();
      for (const { server: s } of b.servers) {
        if (s.tlsMode === 'MUTUAL' && s.port.protocol === 'HTTPS') for (const h of s.hosts) mutual.add(h.host, { server: s, host: h });
      }
      for (let serverAt = 0, serverList = b.servers; serverAt < serverList.length; serverAt++) {
        const { server: s } = serverList[serverAt];
        if (s.tlsMode !== 'SIMPLE' || s.port.protocol !== 'HTTPS') continue;
        for (let hAt = 0, hList = s.hosts; hAt < hList.length; hAt++) {
          const h = hList[hAt];
          if (!h.host.startsWith('*')) continue;
          for (const m of mutual.query(h.host)) {
            if (m.server === s || !hostCovers(h.host, m.host.host) || m.host.host.startsWith('*')) continue;
            guards ??= misdirectedGuards(ctx.index);
            if (guards.has(`${s.gateway.order}|${m.host.host.toLowerCase()}`)) continue;
            if (!first(`${s.gateway.order}|${s.index}|${h.index}|${m.host.host}`)) continue;
            ctx.report({
              object: s.gateway,
              path: `${s.path}.hosts[${h.index}]`,
              message: `host ${q(h.raw)} (tls SIMPLE) covers ${q(m.host.host)}, which ${where(m.server, s.gateway)} serves with MUTUAL on the same port: a client with a ${h.host} connection can send Host: ${m.host.host} and skip client-certificate checks`,
              fix: `bind a VirtualService for ${m.host.host} to gateway ${gwName(s.gateway)} that answers 421 (directResponse: {status: 421})`,
            });
          }
        }
      }
    }
  },
});

export const GWX_SVC_001 = defineRule({
  id: 'GWX-SVC-001',
  severity: Severity.WARNING,
  summary: 'Ingress needs a LoadBalancer/NodePort Service (or external LB); the egress gateway\'s is ClusterIP',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    // egress workloads that sidecars route to (the mesh leg of the egress pattern): their Gateways serve egress
    const em = egressModel(ix);
    const routedTo = new Set<WorkloadInfo>();
    for (const f of em.meshLegs) {
      for (const r of f.rules) {
        for (const d of r.dests) {
          const e = d.resolvedHost ? em.services.get(d.resolvedHost) : undefined;
          if (e) e.workloads.forEach((w) => routedTo.add(w));
        }
      }
    }
    for (const gw of ownGateways(ix)) {
      for (const w of ix.workloadsFor(gw)) {
        if (w.role === 'egress') {
          if (routedTo.has(w)) continue;
          const publicHosts = ix.serversOf(gw).flatMap((s) => s.hosts).filter((h) =>
            h.host !== '*' && !h.host.endsWith('.svc.cluster.local') && ix.lookupServiceEntryHost(h.host, w.namespace).length === 0,
          );
          if (publicHosts.length === 0 || ix.isExternallyExposed(w)) continue;
          ctx.report({
            object: gw,
            path: 'spec.selector',
            message: `gateway selects the egress gateway (${describeWorkload(w)}), whose Service is ClusterIP, for host ${q(publicHosts[0].raw)} that no ServiceEntry declares: clients outside the cluster cannot reach it`,
            fix: 'select the ingress gateway (istio: ingressgateway) for incoming traffic; for egress declare a ServiceEntry for the external host',
          });
        } else if (w.role === 'ingress') {
          const svcs = ix.servicesFor(w);
          if (svcs.length === 0 || ix.isExternallyExposed(w)) continue;
          ctx.report({
            object: gw,
            path: 'spec.selector',
            message: `ingress workload ${describeWorkload(w)} has only ClusterIP Services (${svcs.map((x) => x.name).join(', ')}), so it is not reachable from outside the cluster`,
            fix: 'make the gateway Service type LoadBalancer or NodePort, or suppress this if an external load balancer or Ingress fronts it',
          });
        }
      }
    }
  },
});

export const GWX_VS_001 = defineRule({
  id: 'GWX-VS-001',
  severity: Severity.WARNING,
  summary: 'Server without any bound VirtualService: HTTP 404, TCP/TLS no filter chain',
  check(ctx) {
    const ix = ctx.index;
    // servers bound by VirtualServices outside the VSX facts; the others' bindings are read per gateway (shared)
    const bound = new Set<GatewayServer>();
    for (let vsAt = 0, vsList = ix.ofKind('VirtualService'); vsAt < vsList.length; vsAt++) {
      const vs = vsList[vsAt];
      if (hasBindingFacts(vs)) continue;
      const ns = vs.namespace ?? ix.defaultNamespace;
      const hosts = asStringArray(vs.spec.hosts);
      for (const ref of ix.virtualServiceGateways(vs)) {
        const gw = ix.gatewayByRef(ref);
        if (!gw) continue;
        for (const h of hosts) for (const hit of ix.serversAdmitting(gw, ix.resolveHost(h, ns), ns)) bound.add(hit.server);
      }
    }
    for (const gw of ownGateways(ix)) {
      const byServer = boundServers(ix, gw);
      for (let sAt = 0, sList = ix.serversOf(gw); sAt < sList.length; sAt++) {
        const s = sList[sAt];
        if (bound.has(s) || byServer.has(s) || s.kind === 'none' || s.hosts.length === 0) continue;
        if (isHttpFamily(s.port.protocol) && s.tls?.httpsRedirect === true) continue;
        ctx.report({
          object: gw,
          path: s.path,
          message: `no VirtualService binds to this server (port ${s.port.number ?? '?'} ${s.port.protocol}, hosts ${s.hosts.map((h) => h.raw).join(', ')}): ${s.kind === 'http' ? 'requests get 404' : 'connections are reset (no filter chain)'}`,
          fix: `add a VirtualService with gateways: [${gwName(gw)}] and a host of this server, with ${s.kind === 'http' ? 'http' : s.kind} routes`,
        });
      }
    }
  },
});

export const GWX_REDIR_001 = defineRule({
  id: 'GWX-REDIR-001',
  severity: Severity.WARNING,
  summary: '`httpsRedirect` for a host needs a TLS server for that host on the same gateway pods',
  needsContext: true,
  check(ctx) {
    const ix = ctx.index;
    const tlsHosts = new Map<WorkloadInfo, HostIndex<string>>();
    const tlsIndex = (w: WorkloadInfo) => {
      let idx = tlsHosts.get(w);
      if (!idx) {
        idx = new HostIndex<string>();
        for (const g of ix.gatewaysFor(w)) {
          for (const s of ix.serversOf(g)) if (isTlsProtocol(s.port.protocol)) for (const h of s.hosts) idx.add(h.host, h.host);
        }
        tlsHosts.set(w, idx);
      }
      return idx;
    };
    for (const gw of ownGateways(ix)) {
      for (let sAt = 0, sList = ix.serversOf(gw); sAt < sList.length; sAt++) {
        const s = sList[sAt];
        if (!isHttpFamily(s.port.protocol) || !isRecord(s.tls) || s.tls.httpsRedirect !== true) continue;
        for (let hAt = 0, hList = s.hosts; hAt < hList.length; hAt++) {
          const h = hList[hAt];
          const missing = ix.workloadsFor(gw).find((w) => !tlsIndex(w).query(h.host).some((t) => hostCovers(t, h.host)));
          if (!missing) continue;
          ctx.report({
            object: gw,
            path: `${s.path}.hosts[${h.index}]`,
            message: `httpsRedirect sends ${q(h.raw)} to https, but no HTTPS/TLS server on ${describeWorkload(missing)} serves that host`,
            fix: 'add an HTTPS server for the host (port 443); if a load balancer terminates TLS in front of the gateway, drop httpsRedirect (it would loop)',
          });
        }
      }
    }
  },
});

/** GWX-* rules in spec order. */
export const GATEWAY_CROSS_RULES: readonly Rule[] = [
  GWX_SEL_001, GWX_SEL_002, GWX_SEL_003, GWX_PORT_001, GWX_PORT_002, GWX_PORT_003, GWX_PORT_004, GWX_DUP_001,
  GWX_DUP_002, GWX_CERT_001, GWX_CERT_002, GWX_SVC_001, GWX_VS_001, GWX_REDIR_001,
];

