/**
 * The service registry: Kubernetes Services as `name.ns.svc.cluster.local` and ServiceEntry hosts, with lookups by
 * host that honour visibility.
 */
import { asArray, asNumber, asString, asStringArray, isRecord } from '../model';
import { HostIndex } from './host-index';
import type { IndexedObject } from './objects';
import type { ServiceInfo } from './services';
import { push } from './util';
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

/** Registry built on first use from the Services and ServiceEntries. */
export class ServiceRegistry {
  private registry?: { exact: Map<string, RegistryEntry[]>; hosts: HostIndex<RegistryEntry> };

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
    const reg = this.buildRegistry();
    const hits = reg.hosts.query(fqdn).filter((e) => !e.object || this.visibility.isExportedTo(e.object, fromNamespace));
    const exact = hits.filter((e) => e.host.toLowerCase() === fqdn.toLowerCase());
    const rest = hits.filter((e) => e.host.toLowerCase() !== fqdn.toLowerCase() && (e.host.startsWith('*') || fqdn.startsWith('*')));
    return [...exact, ...rest];
  }

  /** Every registry entry for a host regardless of visibility (for "exists but not exported" messages). */
  public registryEntries(fqdn: string): RegistryEntry[] {
    return this.buildRegistry().exact.get(fqdn.toLowerCase()) ?? [];
  }

  private buildRegistry(): { exact: Map<string, RegistryEntry[]>; hosts: HostIndex<RegistryEntry> } {
    if (!this.registry) {
      const exact = new Map<string, RegistryEntry[]>();
      const hosts = new HostIndex<RegistryEntry>();
      const add = (e: RegistryEntry) => {
        push(exact, e.host.toLowerCase(), e);
        hosts.add(e.host, e);
      };
      for (const list of this.services()) {
        for (const svc of list) {
          add({
            host: `${svc.name}.${svc.namespace}.svc.cluster.local`,
            namespace: svc.namespace,
            ports: svc.ports.map((p) => ({ number: p.port, name: p.name, protocol: p.protocol })),
            origin: 'service',
            object: svc.object && svc.object.kind === 'Service' ? svc.object : undefined,
            service: svc,
          });
        }
      }
      for (const se of this.serviceEntries()) {
        const ports = asArray(se.spec.ports).filter(isRecord).map((p) => ({
          number: asNumber(p.number) ?? 0, name: asString(p.name), protocol: asString(p.protocol)?.toUpperCase(),
        }));
        for (const h of asStringArray(se.spec.hosts)) {
          add({ host: h, namespace: se.namespace ?? this.defaultNamespace, ports, origin: 'service-entry', object: se });
        }
      }
      this.registry = { exact, hosts };
    }
    return this.registry;
  }
}
