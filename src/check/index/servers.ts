/**
 * Gateway servers, flattened once per Gateway, with their route kind (§0 Route kind per server) and per-Gateway host
 * lookups.
 */
import { ServerHost, hostsIntersect, parseServerHost, serverHostAdmitsNamespace } from '../hosts';
import { asArray, asNumber, asRecord, asString, isRecord } from '../model';
import { HostIndex } from './host-index';
import type { IndexedObject } from './objects';
import type { ResolvedPort } from './ports';
import type { WorkloadInfo } from './workloads';

/** What a server routes (§0 Route kind per server). */
export type RouteKind = 'http' | 'tcp' | 'tls' | 'none';

/** One host of a Gateway server. */
export interface GatewayServerHost extends ServerHost {
  /** The raw string, e.g. `./a.example.com`. */
  readonly raw: string;
  /** Index in `spec.servers[i].hosts`. */
  readonly index: number;
}

/** A Gateway server, flattened. */
export interface GatewayServer {
  readonly gateway: IndexedObject;
  /** Index in `spec.servers`. */
  readonly index: number;
  /** `spec.servers[i]`. */
  readonly path: string;
  readonly port: { readonly number?: number; readonly protocol: string; readonly name?: string };
  readonly bind?: string;
  readonly hosts: readonly GatewayServerHost[];
  readonly tls?: Record<string, unknown>;
  /** Upper-cased tls.mode, `PASSTHROUGH` when tls is present without mode, undefined without tls. */
  readonly tlsMode?: string;
  readonly kind: RouteKind;
}

/** Servers sharing one Envoy listener: same workload, resolved port and bind. */
export interface ListenerBucket {
  readonly workload: WorkloadInfo;
  readonly listenPort: number;
  readonly bind: string;
  /** Oldest gateway first, then server index. */
  readonly servers: readonly { readonly server: GatewayServer; readonly resolved: ResolvedPort }[];
}

const HTTP_FAMILY = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);

/** True for HTTP, HTTP2, GRPC, GRPC-WEB (Istio `Instance.IsHTTP`). */
export function isHttpFamily(protocol: string): boolean {
  return HTTP_FAMILY.has(protocol.toUpperCase());
}

/** Route kind of a server (§0): HTTP-family or HTTPS-terminated → http; TCP or TLS-terminated → tcp; PASSTHROUGH → tls. */
export function routeKindOf(protocol: string, tlsMode: string | undefined): RouteKind {
  const p = protocol.toUpperCase();
  if (HTTP_FAMILY.has(p)) return 'http';
  if (p === 'HTTPS' || p === 'TLS') {
    // No tls block at all is invalid (GW-TLS-001); classify by the protocol's intent.
    if (tlsMode === undefined) return p === 'HTTPS' ? 'http' : 'tls';
    if (tlsMode === 'AUTO_PASSTHROUGH') return 'none';
    if (tlsMode === 'PASSTHROUGH') return 'tls';
    return p === 'HTTPS' ? 'http' : 'tcp';
  }
  if (p === 'TCP' || p === 'MONGO' || p === 'REDIS' || p === 'MYSQL') return 'tcp';
  return 'none';
}

/** `spec.servers[i].hosts[index]`; undefined when not a string. */
function serverHost(raw: unknown, index: number): GatewayServerHost | undefined {
  if (typeof raw !== 'string') return undefined;
  const { namespace, host } = parseServerHost(raw);
  return { namespace, host, raw, index };
}

/** A Gateway's servers, flattened (malformed entries are skipped; indices keep their place). */
export function readServers(gateway: IndexedObject): GatewayServer[] {
  // plain loops and object literals of one shape: a tenant Gateway has thousands of servers and hosts
  const out: GatewayServer[] = [];
  const servers = asArray(gateway.spec.servers);
  for (let index = 0; index < servers.length; index++) {
    const s = servers[index];
    if (!isRecord(s)) continue;
    const port = asRecord(s.port);
    const protocol = (asString(port.protocol) ?? '').toUpperCase();
    const tls = isRecord(s.tls) ? s.tls : undefined;
    const tlsMode = tls ? (asString(tls.mode) ?? 'PASSTHROUGH').toUpperCase() : undefined;
    // map, not push: the list is sized to its hosts (a pushed one keeps room for 17), and every server keeps it
    const read = asArray(s.hosts).map(serverHost);
    const hosts = read.includes(undefined) ? read.filter((h): h is GatewayServerHost => h !== undefined) : (read as GatewayServerHost[]);
    out.push({
      gateway,
      index,
      path: `spec.servers[${index}]`,
      port: { number: asNumber(port.number), protocol, name: asString(port.name) },
      bind: asString(s.bind) || undefined,
      hosts,
      tls,
      tlsMode,
      kind: routeKindOf(protocol, tlsMode),
    });
  }
  return out;
}

/** Per-Gateway host lookups: which servers admit a VirtualService host. */
export class GatewayHosts {
  private readonly byGateway = new Map<IndexedObject, HostIndex<{ server: GatewayServer; host: GatewayServerHost }>>();

  constructor(
    private readonly serversOf: (gateway: IndexedObject) => readonly GatewayServer[],
    private readonly defaultNamespace: string,
  ) {}

  /**
   * Servers of `gateway` whose hosts admit a VirtualService host `vsHost` from namespace `vsNamespace` (host
   * intersection plus the `ns/` scope of each server host). Returns each server once with the first admitting host.
   */
  public serversAdmitting(gateway: IndexedObject, vsHost: string, vsNamespace: string): { server: GatewayServer; host: GatewayServerHost }[] {
    let idx = this.byGateway.get(gateway);
    if (!idx) {
      idx = new HostIndex();
      for (const server of this.serversOf(gateway)) {
        for (const host of server.hosts) idx.add(host.host, { server, host });
      }
      this.byGateway.set(gateway, idx);
    }
    // Asked per VirtualService host by several rules. The index answers in insertion order: servers by index, each
    // server's hosts together. So the hits come sorted by server, a server's hits next to each other: a server is
    // already kept exactly when it is the last one kept (no set, no sort).
    const out: { server: GatewayServer; host: GatewayServerHost }[] = [];
    const gatewayNamespace = gateway.namespace ?? this.defaultNamespace;
    for (const hit of idx.query(vsHost)) {
      if (out.length > 0 && out[out.length - 1].server === hit.server) continue;
      if (!serverHostAdmitsNamespace(hit.host, gatewayNamespace, vsNamespace)) continue;
      if (!hostsIntersect(hit.host.host, vsHost)) continue;
      out.push(hit);
    }
    return out;
  }
}
