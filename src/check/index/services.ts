/**
 * Kubernetes Services as the checker sees them: from manifests, from IstioOperator gateway components, or from the
 * assumed install.
 */
import { asArray, asNumber, asString, isRecord, selectorMatches, stringMap } from '../model';
import { NamespacedNames } from './namespaced-names';
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

/** A port of a Service manifest; undefined when malformed. */
function servicePort(p: unknown): ServicePortInfo | undefined {
  if (!isRecord(p)) return undefined;
  const port = asNumber(p.port);
  if (port === undefined) return undefined;
  const tp = p.targetPort;
  const named = typeof tp === 'string' && !/^\d+$/.test(tp) ? tp : undefined;
  const targetPort = named !== undefined ? undefined : typeof tp === 'string' ? Number(tp) : asNumber(tp) ?? port;
  return {
    name: asString(p.name),
    port,
    targetPort,
    targetPortName: named,
    protocol: (asString(p.protocol) ?? 'TCP').toUpperCase(),
    nodePort: asNumber(p.nodePort),
  };
}

/** The Kubernetes Services (core group) of the input. */
export function readServices(store: ObjectStore): ServiceInfo[] {
  const out: ServiceInfo[] = [];
  for (const o of store.ofKind('Service')) {
    if (o.group !== '') continue;
    // map, not push: the list is sized to its ports (a pushed one keeps room for 17), and every Service keeps it
    const read = asArray(o.spec.ports).map(servicePort);
    const ports = read.includes(undefined) ? read.filter((p): p is ServicePortInfo => p !== undefined) : (read as ServicePortInfo[]);
    const svc: ServiceInfo = {
      name: o.name,
      namespace: o.namespace ?? store.defaultNamespace,
      selector: stringMap(o.spec.selector),
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
  /** manifest Services by namespace and name; the last of one namespace and name (rules ask per DestinationRule) */
  private readonly byName = new NamespacedNames<ServiceInfo>((s) => s.namespace);
  private readonly forWorkload = new Map<WorkloadInfo, ServiceInfo[]>();

  constructor(store: ObjectStore) {
    for (const svc of readServices(store)) {
      this.add(svc);
      this.byName.set(svc.name, svc, true);
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
    return this.byName.get(namespace, name);
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
