/**
 * Pods as each world sees them, for the checks that ask "does any Pod carry these labels?" (Gateway selectors,
 * DestinationRule subsets, Service selectors):
 * - closed world: Kubernetes Pod objects only (istioctl's implicit ingress Pod included), whatever they look like;
 * - open world: Pods, the pod templates of workload controllers (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 *   CronJob), and the gateway workloads an IstioOperator installs or the assumed install provides.
 */
import { asArray, asRecord, asString, asStringMap } from '../model';
import type { IndexedObject } from './objects';
import type { WorkloadInfo } from './workloads';

/** A pod, or a template of pods. */
export interface PodInfo {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** `spec.nodeName` of a Pod. */
  readonly nodeName?: string;
  /** The Pod, controller or IstioOperator; undefined for the assumed install. */
  readonly object?: IndexedObject;
  readonly origin: 'pod' | 'template' | 'istio-operator' | 'assumed';
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** The pods of the input in one world, in input order. */
export function readPods(
  objects: readonly IndexedObject[], closedWorld: boolean, defaultNamespace: string, workloads: readonly WorkloadInfo[],
): PodInfo[] {
  const out: PodInfo[] = [];
  let present: Set<string> | undefined;
  const ownedByPresent = (o: IndexedObject) =>
    asArray(asRecord(o.raw.metadata).ownerReferences).some((r) => {
      const rr = asRecord(r);
      present ??= new Set(objects.map((x) => `${x.kind}|${x.namespace ?? ''}|${x.name}`));
      return present.has(`${asString(rr.kind) ?? ''}|${o.namespace ?? ''}|${asString(rr.name) ?? ''}`);
    });
  for (const o of objects) {
    const namespace = o.namespace ?? defaultNamespace;
    if (o.group === '' && o.kind === 'Pod') {
      if (!closedWorld && ownedByPresent(o)) continue;
      out.push({ namespace, labels: o.labels, nodeName: asString(o.spec.nodeName), object: o, origin: 'pod' });
    } else if (!closedWorld && (o.group === 'apps' || o.group === 'batch') && TEMPLATE_KINDS.has(o.kind)) {
      if (o.kind === 'ReplicaSet' && ownedByPresent(o)) continue;
      const spec = o.kind === 'CronJob' ? asRecord(asRecord(o.spec.jobTemplate).spec) : o.spec;
      out.push({ namespace, labels: asStringMap(asRecord(asRecord(spec.template).metadata).labels), object: o, origin: 'template' });
    }
  }
  if (!closedWorld) {
    for (const w of workloads) {
      if (w.origin === 'istio-operator' || w.origin === 'assumed') {
        out.push({ namespace: w.namespace, labels: w.labels, object: w.object, origin: w.origin });
      }
    }
  }
  return out;
}
