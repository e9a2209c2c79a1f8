/**
 * Istio Gateways and the gateway workloads they configure: selection both ways, each Gateway's servers, the listener
 * buckets of the conflict rules and the per-Gateway host lookups.
 */
import { asStringMap } from '../model';
import type { IndexedObject, ObjectStore } from './objects';
import type { PortResolver, ResolvedPort } from './ports';
import { GatewayHosts, GatewayServer, GatewayServerHost, ListenerBucket, readServers } from './servers';
import { push } from './util';
import type { GatewayWorkloads, WorkloadInfo } from './workloads';

/** Gateways, their servers and workloads; every answer is computed once. */
export class GatewayIndex {
  private readonly gatewaysForCache = new Map<WorkloadInfo, IndexedObject[]>();
  private readonly workloadsForCache = new Map<IndexedObject, WorkloadInfo[]>();
  private readonly serversCache = new Map<IndexedObject, GatewayServer[]>();
  private bucketCache?: ListenerBucket[];
  private readonly hosts: GatewayHosts;

  constructor(
    private readonly store: ObjectStore,
    private readonly workloads: GatewayWorkloads,
    private readonly ports: PortResolver,
    /** PILOT_SCOPE_GATEWAY_TO_NAMESPACE */
    private readonly scopeToNamespace: boolean,
  ) {
    this.hosts = new GatewayHosts((g) => this.serversOf(g), store.defaultNamespace);
  }

  /** Istio Gateways (networking.istio.io), oldest first. */
  public gateways(): IndexedObject[] {
    return this.store.ofKind('Gateway').filter((g) => g.group === 'networking.istio.io');
  }

  /** The Gateway's `spec.selector` as a string map. */
  public gatewaySelector(gateway: IndexedObject): Record<string, string> {
    return asStringMap(gateway.spec.selector);
  }

  /**
   * Workloads a Gateway configures: selector matches pod labels in all namespaces (only the Gateway's namespace when
   * PILOT_SCOPE_GATEWAY_TO_NAMESPACE); empty selector = every gateway workload.
   */
  public workloadsFor(gateway: IndexedObject): readonly WorkloadInfo[] {
    let out = this.workloadsForCache.get(gateway);
    if (!out) {
      out = this.workloads.matching(this.gatewaySelector(gateway), this.scopeToNamespace ? gateway.namespace : undefined);
      this.workloadsForCache.set(gateway, out);
    }
    return out;
  }

  /** Gateways configuring a workload, oldest first. */
  public gatewaysFor(workload: WorkloadInfo): readonly IndexedObject[] {
    if (this.gatewaysForCache.size === 0) {
      for (const w of this.workloads.list) this.gatewaysForCache.set(w, []);
      for (const g of this.gateways()) {
        for (const w of this.workloadsFor(g)) this.gatewaysForCache.get(w)?.push(g);
      }
    }
    return this.gatewaysForCache.get(workload) ?? [];
  }

  /** A Gateway's servers, flattened (malformed entries are skipped; indices keep their place). */
  public serversOf(gateway: IndexedObject): readonly GatewayServer[] {
    let out = this.serversCache.get(gateway);
    if (!out) {
      out = readServers(gateway);
      this.serversCache.set(gateway, out);
    }
    return out;
  }

  /**
   * Servers of every Gateway bucketed per listener (workload, resolved port, bind), so conflict rules are linear.
   * Servers without a valid port number are left out. Buckets are ordered by workload then listen port then bind.
   */
  public listenerBuckets(): readonly ListenerBucket[] {
    if (!this.bucketCache) {
      const out: ListenerBucket[] = [];
      for (const workload of this.workloads.list) {
        const byKey = new Map<string, { server: GatewayServer; resolved: ResolvedPort }[]>();
        for (const gw of this.gatewaysFor(workload)) {
          for (const server of this.serversOf(gw)) {
            const n = server.port.number;
            if (n === undefined || !Number.isInteger(n) || n < 0 || n > 65535) continue;
            const resolved = this.ports.resolveServerPort(workload, n);
            push(byKey, `${resolved.listenPort}|${server.bind ?? ''}`, { server, resolved });
          }
        }
        const keys = Array.from(byKey.keys()).sort((a, b) => {
          const [pa, ba] = a.split('|');
          const [pb, bb] = b.split('|');
          return Number(pa) - Number(pb) || (ba < bb ? -1 : ba > bb ? 1 : 0);
        });
        for (const k of keys) {
          const [p, bind] = [Number(k.slice(0, k.indexOf('|'))), k.slice(k.indexOf('|') + 1)];
          out.push({ workload, listenPort: p, bind, servers: byKey.get(k)! });
        }
      }
      this.bucketCache = out;
    }
    return this.bucketCache;
  }

  /**
   * Servers of `gateway` whose hosts admit a VirtualService host `vsHost` from namespace `vsNamespace` (host
   * intersection plus the `ns/` scope of each server host); each server once, with the first admitting host.
   */
  public serversAdmitting(gateway: IndexedObject, vsHost: string, vsNamespace: string): { server: GatewayServer; host: GatewayServerHost }[] {
    return this.hosts.serversAdmitting(gateway, vsHost, vsNamespace);
  }
}
