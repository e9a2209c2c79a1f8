/**
 * Kubernetes Services as the checker sees them: from manifests, from IstioOperator gateway components, or from the
 * assumed install.
 */
import { asArray, asNumber, asString, asStringMap, isRecord } from '../model';
import type { IndexedObject, ObjectStore } from './objects';

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
