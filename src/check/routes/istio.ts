/**
 * Effective routes of Istio Gateways and VirtualServices, per listener bucket of the checker's index: servers on one
 * listener oldest Gateway first; for TLS/HTTPS hosts the oldest server keeps a host; plain HTTP hosts merge the
 * rules of every bound VirtualService oldest first; httpsRedirect answers every request with a 301 to https.
 */
import { RouteAction, RouteEntry, RouteRow, backendsWithPercent, canonicalRegex, headerChanges, HeaderChanges, narrowerHost, routeMatch, StringCompare } from './model';
import { hostsIntersect } from '../hosts';
import { GatewayServer, IndexedObject, MeshIndex } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, isRecord } from '../model';

function stringCompare(v: unknown): StringCompare | undefined {
  const r = asRecord(v);
  if (typeof r.exact === 'string') return { exact: r.exact };
  if (typeof r.prefix === 'string') return { prefix: r.prefix };
  if (typeof r.regex === 'string') return canonicalRegex(r.regex);
  return undefined;
}

/** Header (names lower-cased) or query parameter (names kept: they are case-sensitive) matches. */
function compareMap(v: unknown, lowerNames = true): Record<string, StringCompare> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, StringCompare> = {};
  for (const [k, x] of Object.entries(v)) {
    const s = stringCompare(x);
    if (s) out[lowerNames ? k.toLowerCase() : k] = s;
  }
  return out;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
}

/** `headers.request` / `headers.response` of a VirtualService http rule. */
function headerOps(v: unknown): HeaderChanges | undefined {
  const r = asRecord(v);
  return headerChanges(stringMap(r.set), stringMap(r.add), asArray(r.remove).map(String));
}

function destinations(index: MeshIndex, route: unknown, ns: string): RouteAction['backends'] {
  return backendsWithPercent(asArray(route).filter(isRecord).map((d) => {
    const dest = asRecord(d.destination);
    return {
      host: index.resolveHost(asString(dest.host) ?? '', ns),
      port: asNumber(asRecord(dest.port).number),
      subset: asString(dest.subset),
      weight: asNumber(d.weight),
    };
  }));
}

function httpAction(index: MeshIndex, rule: Record<string, unknown>, ns: string): RouteAction {
  const out: { -readonly [K in keyof RouteAction]: RouteAction[K] } = {};
  if (isRecord(rule.redirect)) {
    const r = rule.redirect;
    out.redirect = {
      scheme: asString(r.scheme),
      host: asString(r.authority),
      port: asNumber(r.port),
      path: asString(r.uri),
      code: asNumber(r.redirectCode) ?? 301,
    };
  } else if (isRecord(rule.directResponse)) {
    out.directResponse = { status: asNumber(rule.directResponse.status) ?? 0 };
  } else {
    out.backends = destinations(index, rule.route, ns);
  }
  if (isRecord(rule.rewrite)) out.rewrite = { path: asString(rule.rewrite.uri), host: asString(rule.rewrite.authority) };
  if (typeof rule.timeout === 'string') out.timeout = rule.timeout;
  const request = headerOps(asRecord(rule.headers).request);
  if (request) out.requestHeaders = request;
  const response = headerOps(asRecord(rule.headers).response);
  if (response) out.responseHeaders = response;
  return out;
}

function matchApplies(m: Record<string, unknown>, server: GatewayServer, gatewayRef: string): boolean {
  const port = asNumber(m.port);
  if (port !== undefined && port !== server.port.number) return false;
  const gws = asArray(m.gateways).map(String);
  return gws.length === 0 || gws.includes(gatewayRef) || gws.includes(gatewayRef.split('/')[1]);
}

/** VirtualServices bound to the server's Gateway whose hosts intersect `host` (oldest first), with the shared host. */
function boundVirtualServices(index: MeshIndex, server: GatewayServer, host: string, podNamespace: string): { vs: IndexedObject; host: string }[] {
  const gw = server.gateway;
  const out: { vs: IndexedObject; host: string }[] = [];
  for (const vs of index.ofKind('VirtualService')) {
    const ns = vs.namespace ?? index.defaultNamespace;
    const refs = index.virtualServiceGateways(vs);
    if (!refs.some((r) => !r.mesh && r.namespace === (gw.namespace ?? index.defaultNamespace) && r.name === gw.name)) continue;
    if (!index.isExportedTo(vs, podNamespace)) continue; // hidden from the gateway pods (VSX-GW-003)
    for (const h of asArray(vs.spec.hosts).map(String)) {
      const vh = index.resolveHost(h, ns);
      if (!hostsIntersect(vh, host)) continue;
      // the narrower of the two names is what the virtual host serves
      const shared = narrowerHost(vh, host);
      out.push({ vs, host: shared });
      break;
    }
  }
  return out;
}

function label(o: IndexedObject): string {
  return `${o.kind} ${o.namespace ?? ''}/${o.name}`;
}

/** Rows of the Istio API objects in the index. */
export function istioRows(index: MeshIndex): RouteRow[] {
  const rows: RouteRow[] = [];
  for (const bucket of index.listenerBuckets()) {
    const seen = new Map<string, { row: RouteRow; entries: RouteEntry[] }>();
    for (const { server } of bucket.servers) {
      const gw = server.gateway;
      const gwRef = `${gw.namespace ?? index.defaultNamespace}/${gw.name}`;
      const tls = server.tls ?? {};
      const credentialName = asString(tls.credentialName);
      const credential = credentialName ? `${bucket.workload.namespace}/${credentialName}` : undefined;
      const terminated = server.tlsMode !== undefined && ['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL', 'ISTIO_MUTUAL'].includes(server.tlsMode);
      const mutual = server.tlsMode === 'MUTUAL' || server.tlsMode === 'OPTIONAL_MUTUAL';
      const protocol = server.kind === 'http' ? (terminated ? 'HTTPS' : 'HTTP') : server.kind === 'tls' ? 'TLS' : 'TCP';
      const hosts = server.kind === 'tcp' ? ['*'] : server.hosts.map((h) => h.host);
      for (const host of hosts) {
        const rowHosts: { host: string; entries: RouteEntry[] }[] = [];
        if (server.kind === 'http' && tls.httpsRedirect === true && !terminated) {
          rowHosts.push({ host, entries: [{ match: routeMatch(undefined, undefined), action: { redirect: { scheme: 'https', code: 301 } }, source: label(gw) }] });
        } else {
          const byHost = new Map<string, RouteEntry[]>();
          for (const { vs, host: shared } of boundVirtualServices(index, server, host, bucket.workload.namespace)) {
            const ns = vs.namespace ?? index.defaultNamespace;
            const section = server.kind === 'http' ? 'http' : server.kind;
            if (asArray(vs.spec[section]).length === 0) continue; // no rules for this kind of server
            const key = server.kind === 'tcp' ? '*' : shared; // opaque TCP has no host
            const entries = byHost.get(key) ?? [];
            byHost.set(key, entries);
            for (const rule of asArray(vs.spec[section]).filter(isRecord)) {
              const matches = asArray(rule.match).filter(isRecord);
              if (server.kind === 'http') {
                if (matches.length === 0) {
                  entries.push({ match: routeMatch(undefined, undefined), action: httpAction(index, rule, ns), source: label(vs) });
                }
                for (const m of matches) {
                  if (!matchApplies(m, server, gwRef)) continue;
                  const query = compareMap(m.queryParams, false);
                  entries.push({
                    match: routeMatch(stringCompare(m.uri), asString(asRecord(m.method).exact), compareMap(m.headers), query),
                    action: httpAction(index, rule, ns),
                    source: label(vs),
                  });
                }
              } else if (server.kind === 'tls') {
                const ok = matches.some((m) => matchApplies(m, server, gwRef)
                  && asArray(m.sniHosts).map(String).some((s) => hostsIntersect(s, host)));
                if (ok && entries.length === 0) entries.push({ action: { backends: destinations(index, rule.route, ns) }, source: label(vs) });
              } else if (entries.length === 0 && (matches.length === 0 || matches.some((m) => matchApplies(m, server, gwRef)))) {
                // TCP: the first matching rule of the oldest VirtualService takes the listener
                entries.push({ action: { backends: destinations(index, rule.route, ns) }, source: label(vs) });
              }
            }
          }
          for (const [h, entries] of byHost) rowHosts.push({ host: h, entries });
          if (rowHosts.length === 0) rowHosts.push({ host, entries: [] }); // no VirtualService: 404 / no filter chain
        }
        for (const { host: h, entries } of rowHosts) {
          const key = `${protocol}|${h.toLowerCase()}`;
          const prev = seen.get(key);
          if (prev) {
            // plain HTTP merges oldest first; a TLS host belongs to the oldest server (GWX-DUP-001)
            if (protocol === 'HTTP' && !prev.row.entries.some((e) => e.action.redirect && e.source.startsWith('Gateway'))) prev.entries.push(...entries);
            continue;
          }
          const row: RouteRow = {
            workload: bucket.workload.id,
            port: bucket.listenPort,
            protocol,
            host: h.toLowerCase(),
            ...(server.tlsMode && protocol !== 'HTTP' && protocol !== 'TCP' ? { tlsMode: server.tlsMode } : {}),
            ...(credential && terminated ? { credential } : {}),
            ...(mutual && credential ? { clientCa: asString(tls.caCertCredentialName) ? `${bucket.workload.namespace}/${asString(tls.caCertCredentialName)}` : credential } : {}),
            entries,
          };
          seen.set(key, { row, entries });
          rows.push(row);
        }
      }
    }
  }
  return rows;
}
