/**
 * §0 Port translation: where Envoy listens for a Gateway server port on one workload, from the Services that select
 * the workload's pods.
 */
import type { ServiceInfo } from './services';
import type { WorkloadInfo } from './workloads';

/** Where Envoy listens for a Gateway server port on one workload (§0 Port translation). */
export interface ResolvedPort {
  /** The listener port: the Service targetPort when a Service port equals the server port, else the server port. */
  readonly listenPort: number;
  /** True when a Service selecting the pods has the port as `port` or `targetPort` (TCP). */
  readonly exposed: boolean;
  /** The Service port that translated it, if any. */
  readonly service?: ServiceInfo;
  /** True when the translating Service port has a named targetPort that no container declares. */
  readonly unresolvedTarget?: boolean;
}

interface PortMap {
  readonly byPort: Map<number, ResolvedPort>;
  readonly targets: Set<number>;
}

/** Translates server ports per workload; one map per workload, built on first use. */
export class PortResolver {
  private readonly cache = new Map<WorkloadInfo, PortMap>();

  constructor(private readonly servicesFor: (workload: WorkloadInfo) => readonly ServiceInfo[]) {}

  /**
   * §0 Port translation of a Gateway server port on a workload: if a Service selecting the pods has `port == N`
   * (TCP), Envoy listens on its targetPort; else if some Service has targetPort N, it listens on N (exposed); else
   * it listens on N, unexposed.
   */
  public resolveServerPort(workload: WorkloadInfo, serverPort: number): ResolvedPort {
    const map = this.portMap(workload);
    const hit = map.byPort.get(serverPort);
    if (hit) return hit;
    return { listenPort: serverPort, exposed: map.targets.has(serverPort) };
  }

  /** Ports the workload's Services expose (`port` values, TCP), in Service declaration order, for messages. */
  public exposedPorts(workload: WorkloadInfo): number[] {
    return Array.from(this.portMap(workload).byPort.keys());
  }

  private portMap(workload: WorkloadInfo): PortMap {
    let m = this.cache.get(workload);
    if (!m) {
      m = { byPort: new Map(), targets: new Set() };
      for (const svc of this.servicesFor(workload)) {
        for (const p of svc.ports) {
          if (p.protocol !== 'TCP') continue;
          let target = p.targetPort;
          if (target === undefined && p.targetPortName !== undefined) target = workload.containerPorts.get(p.targetPortName);
          if (target !== undefined) m.targets.add(target);
          if (!m.byPort.has(p.port)) {
            m.byPort.set(p.port, {
              listenPort: target ?? p.port,
              exposed: true,
              service: svc,
              unresolvedTarget: target === undefined ? true : undefined,
            });
          }
        }
      }
      this.cache.set(workload, m);
    }
    return m;
  }
}
