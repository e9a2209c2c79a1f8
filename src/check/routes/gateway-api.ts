/**
 * Effective routes of Gateway API objects as Istio applies them: a Gateway binds to the workload behind its
 * `spec.addresses` Service (else Istio's automated `<name>-istio` deployment); routes attach to the listeners their
 * parentRefs name when the listener admits the route's namespace and kind and the hostnames intersect; HTTP rules are
 * split per match and ordered like istiod's sortHTTPRoutes (exact > prefix > regex, longer first, then method,
 * header and query match counts; ties keep route order: oldest, then namespace/name).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
import { RouteAction, RouteEntry, RouteRow, backendsWithPercent, canonicalRegex, headerChanges, HeaderChanges, narrowerHost, routeMatch, StringCompare } from './model';
import { hostsIntersect } from '../hosts';
import { IndexedObject, MeshIndex } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, isRecord } from '../model';

const GROUP = 'gateway.networking.k8s.io';

interface Listener {
  readonly gateway: IndexedObject;
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly hostname?: string;
  readonly spec: Record<string, unknown>;
}

function label(o: IndexedObject): string {
  return `${o.kind} ${o.namespace ?? ''}/${o.name}`;
}

function workloadsOf(index: MeshIndex, gw: IndexedObject): { id: string; listenPort: (port: number) => number }[] {
  const out: { id: string; listenPort: (port: number) => number }[] = [];
  for (const a of asArray(gw.spec.addresses).filter(isRecord)) {
    const value = asString(a.value) ?? '';
    const type = asString(a.type) ?? 'IPAddress';
    if (type !== 'Hostname') continue;
    const [name, ns] = value.split('.');
    const svc = index.servicesIn(ns ?? '').find((s) => s.name === name);
    if (!svc) continue;
    for (const w of index.workloadsForService(svc)) out.push({ id: w.id, listenPort: (p) => index.resolveServerPort(w, p).listenPort });
  }
  if (out.length === 0 && asArray(gw.spec.addresses).length === 0) {
    // Istio's automated deployment: Deployment and Service <name>-istio in the Gateway's namespace
    const svc = index.servicesIn(gw.namespace ?? index.defaultNamespace).find((s) => s.name === `${gw.name}-istio`);
    for (const w of svc ? index.workloadsForService(svc) : []) out.push({ id: w.id, listenPort: (p) => index.resolveServerPort(w, p).listenPort });
    if (out.length === 0) out.push({ id: `Deployment/${gw.namespace}/${gw.name}-istio`, listenPort: (p) => p });
  }
  return out;
}

function allowed(index: MeshIndex, l: Listener, routeKind: string, routeNs: string): boolean {
  const ar = asRecord(l.spec.allowedRoutes);
  const kinds = asArray(ar.kinds).filter(isRecord);
  const defaultKinds: Record<string, string[]> = { HTTP: ['HTTPRoute'], HTTPS: ['HTTPRoute'], TLS: ['TLSRoute'], TCP: ['TCPRoute'] };
  const okKind = kinds.length > 0
    ? kinds.some((k) => asString(k.kind) === routeKind && (asString(k.group) ?? GROUP) === GROUP)
    : (defaultKinds[l.protocol] ?? []).includes(routeKind);
  if (!okKind) return false;
  const nsSpec = asRecord(ar.namespaces);
  const from = asString(nsSpec.from) ?? 'Same';
  const gwNs = l.gateway.namespace ?? index.defaultNamespace;
  if (from === 'All') return true;
  if (from === 'Same') return routeNs === gwNs;
  const sel = asRecord(nsSpec.selector);
  const labels: Record<string, string> = { 'kubernetes.io/metadata.name': routeNs, ...(index.get('Namespace', undefined, routeNs)?.labels ?? {}) };
  for (const [k, v] of Object.entries(asRecord(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const e of asArray(sel.matchExpressions).filter(isRecord)) {
    const key = asString(e.key) ?? '';
    const values = asArray(e.values).map(String);
    const op = asString(e.operator);
    if (op === 'In' && !values.includes(labels[key])) return false;
    if (op === 'NotIn' && values.includes(labels[key])) return false;
    if (op === 'Exists' && labels[key] === undefined) return false;
    if (op === 'DoesNotExist' && labels[key] !== undefined) return false;
  }
  return true;
}

/** Listeners of `gw` a parentRef of `route` selects (before allowedRoutes and hostname checks). */
export function listenersForParentRef(index: MeshIndex, ref: Record<string, unknown>, route: IndexedObject):
{ gateway: IndexedObject; listeners: Listener[] } | undefined {
  if ((asString(ref.group) ?? GROUP) !== GROUP || (asString(ref.kind) ?? 'Gateway') !== 'Gateway') return undefined;
  const ns = asString(ref.namespace) ?? route.namespace ?? index.defaultNamespace;
  const gw = index.get(`Gateway.${GROUP}`, ns, asString(ref.name) ?? '');
  if (!gw) return undefined;
  const section = asString(ref.sectionName);
  const port = asNumber(ref.port);
  const listeners = listenersOf(gw).filter((l) => (section === undefined || l.name === section) && (port === undefined || l.port === port));
  return { gateway: gw, listeners };
}

/** The listeners of a Gateway API Gateway. */
export function listenersOf(gw: IndexedObject): Listener[] {
  return asArray(gw.spec.listeners).filter(isRecord).map((l) => ({
    gateway: gw,
    name: asString(l.name) ?? '',
    port: asNumber(l.port) ?? 0,
    protocol: (asString(l.protocol) ?? '').toUpperCase(),
    hostname: asString(l.hostname),
    spec: l,
  }));
}

function pathCompare(p: Record<string, unknown>): { cmp: StringCompare; rank: number; length: number } {
  const type = asString(p.type) ?? 'PathPrefix';
  const value = asString(p.value) ?? '/';
  if (type === 'Exact') return { cmp: { exact: value }, rank: 3, length: value.length };
  if (type === 'RegularExpression') return { cmp: canonicalRegex(value), rank: 1, length: value.length };
  const v = value.length > 1 ? value.replace(/\/+$/, '') : value;
  return { cmp: v === '/' ? { prefix: '/' } : { segmentPrefix: v }, rank: 2, length: v.length };
}

/** Header (names lower-cased) or query parameter (names kept: they are case-sensitive) matches. */
function compareList(v: unknown, lowerNames = true): Record<string, StringCompare> | undefined {
  const out: Record<string, StringCompare> = {};
  for (const h of asArray(v).filter(isRecord)) {
    const raw = asString(h.name) ?? '';
    const name = lowerNames ? raw.toLowerCase() : raw;
    if (name in out) continue; // later entries with an equivalent name are ignored
    const value = asString(h.value) ?? '';
    out[name] = asString(h.type) === 'RegularExpression' ? canonicalRegex(value) : { exact: value };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function backends(refs: unknown, routeNs: string): RouteAction['backends'] {
  const list = asArray(refs).filter(isRecord).map((b) => {
    const kind = asString(b.kind) ?? 'Service';
    const name = asString(b.name) ?? '';
    const host = kind === 'Service' ? `${name}.${asString(b.namespace) ?? routeNs}.svc.cluster.local` : name;
    return { host, port: asNumber(b.port), weight: asNumber(b.weight) ?? 1 };
  });
  return backendsWithPercent(list.length === 1 ? [{ ...list[0], weight: undefined }] : list);
}

function headerList(v: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const h of asArray(v).filter(isRecord)) {
    const name = asString(h.name);
    if (name !== undefined && !Object.keys(out).some((k) => k.toLowerCase() === name.toLowerCase())) out[name] = asString(h.value) ?? '';
  }
  return out;
}

/** A Request/ResponseHeaderModifier filter. */
function headerOps(v: unknown): HeaderChanges | undefined {
  const r = asRecord(v);
  return headerChanges(headerList(r.set), headerList(r.add), asArray(r.remove).map(String));
}

function httpAction(rule: Record<string, unknown>, routeNs: string): RouteAction {
  const out: { -readonly [K in keyof RouteAction]: RouteAction[K] } = {};
  for (const f of asArray(rule.filters).filter(isRecord)) {
    if (f.type === 'RequestRedirect' && isRecord(f.requestRedirect)) {
      const r = f.requestRedirect;
      const path = asRecord(r.path);
      out.redirect = {
        scheme: asString(r.scheme),
        host: asString(r.hostname),
        port: asNumber(r.port),
        path: asString(path.replaceFullPath),
        code: asNumber(r.statusCode) ?? 302,
      };
    }
    if (f.type === 'RequestHeaderModifier') {
      const h = headerOps(f.requestHeaderModifier);
      if (h) out.requestHeaders = h;
    }
    if (f.type === 'ResponseHeaderModifier') {
      const h = headerOps(f.responseHeaderModifier);
      if (h) out.responseHeaders = h;
    }
    if (f.type === 'URLRewrite' && isRecord(f.urlRewrite)) {
      out.rewrite = { path: asString(asRecord(f.urlRewrite.path).replaceFullPath), host: asString(f.urlRewrite.hostname) };
    }
  }
  if (!out.redirect) {
    const b = backends(rule.backendRefs, routeNs);
    if (b && b.length > 0) out.backends = b;
    else out.directResponse = { status: 500 };
  }
  const timeout = asString(asRecord(rule.timeouts).request);
  if (timeout) out.timeout = timeout;
  return out;
}

interface Attached { readonly route: IndexedObject; readonly host: string }

/** Rows of the Gateway API objects in the index. */
export function gatewayApiRows(index: MeshIndex): RouteRow[] {
  const routeKinds = ['HTTPRoute', 'TLSRoute', 'TCPRoute'];
  const routes = routeKinds.flatMap((k) => index.ofKind(`${k}.${GROUP}`))
    .sort((a, b) => a.order - b.order);
  const rows: RouteRow[] = [];
  const taken = new Set<string>();
  for (const gw of index.ofKind(`Gateway.${GROUP}`)) {
    const gwNs = gw.namespace ?? index.defaultNamespace;
    const frontend = asRecord(asRecord(gw.spec.tls).frontend);
    for (const w of workloadsOf(index, gw)) {
      for (const l of listenersOf(gw)) {
        const listenPort = w.listenPort(l.port);
        const lhost = (l.hostname ?? '*').toLowerCase();
        const attached: Attached[] = [];
        for (const r of routes) {
          const routeNs = r.namespace ?? index.defaultNamespace;
          const hit = asArray(r.spec.parentRefs).filter(isRecord).some((ref) => {
            const sel = listenersForParentRef(index, ref, r);
            return sel !== undefined && sel.gateway === gw && sel.listeners.some((x) => x.name === l.name);
          });
          if (!hit || !allowed(index, l, r.kind, routeNs)) continue;
          const hostnames = asArray(r.spec.hostnames).map((h) => String(h).toLowerCase());
          if (l.protocol === 'TCP') attached.push({ route: r, host: '*' });
          else if (hostnames.length === 0) attached.push({ route: r, host: lhost });
          else for (const h of hostnames) if (hostsIntersect(h, lhost)) attached.push({ route: r, host: narrowerHost(h, lhost) });
        }
        const tls = asRecord(l.spec.tls);
        const mode = asString(tls.mode) ?? (l.protocol === 'HTTPS' ? 'Terminate' : undefined);
        const cert = asArray(tls.certificateRefs).filter(isRecord)[0];
        const credential = cert ? `${asString(cert.namespace) ?? gwNs}/${asString(cert.name)}` : undefined;
        const perPort = asArray(frontend.perPort).filter(isRecord).find((p) => asNumber(p.port) === l.port);
        const validation = perPort ? asRecord(asRecord(perPort.tls).validation) : asRecord(asRecord(frontend.default).validation);
        const ca = asArray(validation.caCertificateRefs).filter(isRecord)[0];
        const terminated = mode === 'Terminate' && (l.protocol === 'HTTPS' || l.protocol === 'TLS');
        const istioMode = asString(asRecord(tls.options)['gateway.istio.io/tls-terminate-mode']);
        const tlsMode = l.protocol === 'HTTP' || l.protocol === 'TCP' ? undefined
          : mode === 'Passthrough' ? 'PASSTHROUGH'
            : istioMode === 'ISTIO_MUTUAL' || istioMode === 'MUTUAL' ? istioMode
              : ca && l.protocol === 'HTTPS' ? (asString(validation.mode) === 'AllowInsecureFallback' ? 'OPTIONAL_MUTUAL' : 'MUTUAL') : 'SIMPLE';
        const protocol = l.protocol === 'TLS' && mode === 'Passthrough' ? 'TLS' : l.protocol === 'TLS' ? 'TCP' : l.protocol;
        const byHost = new Map<string, { entry: RouteEntry; rank: number[] }[]>();
        const hosts = attached.length > 0 ? [...new Set(attached.map((a) => a.host))] : [lhost];
        for (const h of hosts) byHost.set(h, []);
        for (const a of attached) {
          const list = byHost.get(a.host)!;
          const routeNs = a.route.namespace ?? index.defaultNamespace;
          if (a.route.kind !== 'HTTPRoute') {
            if (list.length > 0) continue; // the oldest route takes the TCP listener / SNI host
            const rule = asArray(a.route.spec.rules).filter(isRecord)[0] ?? {};
            list.push({ entry: { action: { backends: backends(rule.backendRefs, routeNs) }, source: label(a.route) }, rank: [] });
            continue;
          }
          for (const rule of asArray(a.route.spec.rules).filter(isRecord)) {
            const matches = asArray(rule.matches).filter(isRecord);
            for (const m of matches.length > 0 ? matches : [{ path: { type: 'PathPrefix', value: '/' } }]) {
              const p = pathCompare(asRecord(m.path ?? { type: 'PathPrefix', value: '/' }));
              const headers = compareList(m.headers);
              const query = compareList(m.queryParams, false);
              list.push({
                entry: { match: routeMatch(p.cmp, asString(m.method), headers, query), action: httpAction(rule, routeNs), source: label(a.route) },
                rank: [p.rank, p.length, m.method ? 1 : 0, Object.keys(headers ?? {}).length, Object.keys(query ?? {}).length],
              });
            }
          }
        }
        for (const [h, list] of [...byHost.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const key = `${w.id}|${listenPort}|${protocol}|${h}`;
          if (taken.has(key)) continue; // a later listener with the same port and hostname is a conflict: the first wins
          taken.add(key);
          const sorted = protocol === 'HTTP' || protocol === 'HTTPS'
            ? list.map((x, i) => ({ ...x, i })).sort((a, b) => {
              for (let k = 0; k < a.rank.length; k++) if (a.rank[k] !== b.rank[k]) return b.rank[k] - a.rank[k];
              return a.i - b.i;
            })
            : list;
          rows.push({
            workload: w.id,
            port: listenPort,
            protocol,
            host: h,
            ...(tlsMode ? { tlsMode } : {}),
            ...(terminated && credential ? { credential } : {}),
            ...(ca && tlsMode !== undefined && tlsMode.endsWith('MUTUAL') ? { clientCa: `${asString(ca.namespace) ?? gwNs}/${asString(ca.name)}` } : {}),
            entries: sorted.map((x) => x.entry),
          });
        }
      }
    }
  }
  return rows;
}
