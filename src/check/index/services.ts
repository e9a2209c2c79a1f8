/**
 * Kubernetes Services as the checker sees them: from manifests, from IstioOperator gateway components, or from the
 * assumed install.
 */
import { asArray, asNumber, asString, asStringMap, isRecord, selectorMatches } from '../model';
import type { IndexedObject, ObjectStore } from './objects';
import { push } from './util';
import type { WorkloadInfo } from './workloads';

/** A port of a Kubernetes Service (or of a Service implied by an IstioOperator / the assumed install). */
export interface ServicePortInfo {
  readonly name?: string;
  readonly port: number;
  /**
   * Where traffic goes on the pod: a number, or undefined when the targetPort is named and no container declares
   * that name (unknown). Defaults to `port` when the Service sets no targetPort.
   */
  readonly targetPort?: number;
  /** The raw named targetPort when it was a name. */
  readonly targetPortName?: string;
  /** Upper-cased; default `TCP`. */
  readonly protocol: string;
  readonly nodePort?: number;
}

/** A Service: from a manifest, an IstioOperator gateway component, or the assumed install. */
export interface ServiceInfo {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  /** `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`. */
  readonly type: string;
  readonly ports: readonly ServicePortInfo[];
  /** The Service manifest, or the IstioOperator that implies it; undefined for the assumed install. */
  readonly object?: IndexedObject;
  readonly origin: 'manifest' | 'istio-operator' | 'assumed';
}

/** The Kubernetes Services (core group) of the input. */
export function readServices(store: ObjectStore): ServiceInfo[] {
  const out: ServiceInfo[] = [];
  for (const o of store.ofKind('Service')) {
    if (o.group !== '') continue;
    const ports: ServicePortInfo[] = [];
    for (const p of asArray(o.spec.ports)) {
      if (!isRecord(p)) continue;
      const port = asNumber(p.port);
      if (port === undefined) continue;
      const tp = p.targetPort;
      const named = typeof tp === 'string' && !/^\d+$/.test(tp) ? tp : undefined;
      const targetPort = named !== undefined ? undefined : typeof tp === 'string' ? Number(tp) : asNumber(tp) ?? port;
      ports.push({
        name: asString(p.name),
        port,
        targetPort,
        targetPortName: named,
        protocol: (asString(p.protocol) ?? 'TCP').toUpperCase(),
        nodePort: asNumber(p.nodePort),
      });
    }
    const svc: ServiceInfo = {
      name: o.name,
      namespace: o.namespace ?? store.defaultNamespace,
      selector: asStringMap(o.spec.selector),
      type: asString(o.spec.type) ?? 'ClusterIP',
      ports,
      object: o,
      origin: 'manifest',
    };
    out.push(svc);
  }
  return out;
}

/**
 * The Services of the index: manifest Services by namespace and by name, plus the Services implied by gateway workloads
 * (IstioOperator components, the assumed install), and per workload the Services that select its pods.
 */
export class ServiceCatalog {
  private readonly byNs = new Map<string, ServiceInfo[]>();
  /** manifest Services by namespace, then name (no key string per lookup: rules ask per DestinationRule) */
  private readonly byName = new Map<string, Map<string, ServiceInfo>>();
  private readonly forWorkload = new Map<WorkloadInfo, ServiceInfo[]>();

  constructor(store: ObjectStore) {
    for (const svc of readServices(store)) {
      this.add(svc);
      let byName = this.byName.get(svc.namespace);
      if (!byName) this.byName.set(svc.namespace, (byName = new Map()));
      byName.set(svc.name, svc);
    }
  }

  /** Adds a Service a workload implies (not looked up by name). */
  public add(svc: ServiceInfo): void {
    push(this.byNs, svc.namespace, svc);
  }

  /** Every Service, by namespace, in input order. */
  public byNamespace(): Iterable<readonly ServiceInfo[]> {
    return this.byNs.values();
  }

  /** Services by namespace (manifest Services and implied ones), in input order. */
  public servicesIn(namespace: string): readonly ServiceInfo[] {
    return this.byNs.get(namespace) ?? [];
  }

  /** A manifest Service by namespace/name. */
  public service(namespace: string, name: string): ServiceInfo | undefined {
    return this.byName.get(namespace)?.get(name);
  }

  /** Same-namespace Services whose non-empty selector matches the workload's pod labels (plus its implied Services). */
  public servicesFor(workload: WorkloadInfo): readonly ServiceInfo[] {
    let out = this.forWorkload.get(workload);
    if (!out) {
      const matching = (this.byNs.get(workload.namespace) ?? []).filter(
        (s) => s.origin === 'manifest' && Object.keys(s.selector).length > 0 && selectorMatches(s.selector, workload.labels),
      );
      out = [...workload.impliedServices, ...matching];
      this.forWorkload.set(workload, out);
    }
    return out;
  }
}
