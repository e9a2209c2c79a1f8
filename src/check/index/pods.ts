/**
 * Pods as each world sees them, for the checks that ask "does any Pod carry these labels?" (Gateway selectors,
 * DestinationRule subsets, Service selectors):
 * - closed world: Kubernetes Pod objects only (istioctl's implicit ingress Pod included), whatever they look like;
 * - open world: Pods, the pod templates of workload controllers (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 *   CronJob), and the gateway workloads an IstioOperator installs or the assumed install provides.
 */
import { asRecord, asString, asStringMap, selectorMatches } from '../model';
import type { IndexedObject } from './objects';
import { ownedByPresent } from './owners';
import { push } from './util';
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
  const owned = ownedByPresent(objects);
  for (const o of objects) {
    const namespace = o.namespace ?? defaultNamespace;
    if (o.group === '' && o.kind === 'Pod') {
      if (!closedWorld && owned(o)) continue;
      out.push({ namespace, labels: o.labels, nodeName: asString(o.spec.nodeName), object: o, origin: 'pod' });
    } else if (!closedWorld && (o.group === 'apps' || o.group === 'batch') && TEMPLATE_KINDS.has(o.kind)) {
      if (o.kind === 'ReplicaSet' && owned(o)) continue;
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

/** Up to this many candidate pods, {@link PodCatalog.podsMatching} scans them rather than use the label maps. */
const SCAN_PODS = 32;

/** {@link PodCatalog.podsIn} of a namespace without pods: shared, frozen. */
const NO_PODS: readonly PodInfo[] = Object.freeze([]);

/** The pods of one world, read on first use, with lookups by namespace and by label. */
export class PodCatalog {
  private podList?: PodInfo[];
  /** pods by namespace, in input order (so per-namespace lookups stay linear) */
  private readonly podsByNs = new Map<string, PodInfo[]>();
  /**
   * pods by `label=value` and by `namespace/label=value`, in input order, built on the first lookup that needs them
   * (most lookups name a namespace with few pods, which is scanned directly)
   */
  private podsByLabelMap?: Map<string, PodInfo[]>;
  private podsByNsLabelMap?: Map<string, PodInfo[]>;

  constructor(
    private readonly objects: readonly IndexedObject[],
    private readonly closedWorld: boolean,
    private readonly defaultNamespace: string,
    private readonly workloads: readonly WorkloadInfo[],
  ) {}

  /** Pods as this world sees them, in input order. */
  public pods(): readonly PodInfo[] {
    if (!this.podList) {
      this.podList = readPods(this.objects, this.closedWorld, this.defaultNamespace, this.workloads);
      for (const p of this.podList) push(this.podsByNs, p.namespace, p);
    }
    return this.podList;
  }

  /** Pods of one namespace as this world sees them, in input order. */
  public podsIn(namespace: string): readonly PodInfo[] {
    this.pods();
    return this.podsByNs.get(namespace) ?? NO_PODS;
  }

  /** Pods whose labels match `selector` (every Pod when it is empty), optionally only in `namespace`. */
  public podsMatching(selector: Record<string, string>, namespace?: string): PodInfo[] {
    // Any candidate list in input order that holds every match gives the same answer: the smallest is cheapest.
    let candidates = this.pods();
    if (namespace !== undefined) candidates = this.podsByNs.get(namespace) ?? [];
    if (candidates.length > SCAN_PODS) {
      const { byLabel, byNsLabel } = this.labelMaps();
      for (const [k, v] of Object.entries(selector)) {
        const l = (namespace === undefined ? byLabel.get(`${k}=${v}`) : byNsLabel.get(`${namespace}/${k}=${v}`)) ?? [];
        if (l.length < candidates.length) candidates = l;
      }
    }
    return candidates.filter((p) => (namespace === undefined || p.namespace === namespace) && selectorMatches(selector, p.labels));
  }

  /** The label maps of {@link podsMatching}, built once on first need. */
  private labelMaps(): { byLabel: Map<string, PodInfo[]>; byNsLabel: Map<string, PodInfo[]> } {
    if (!this.podsByLabelMap || !this.podsByNsLabelMap) {
      const byLabel = new Map<string, PodInfo[]>();
      const byNsLabel = new Map<string, PodInfo[]>();
      for (const p of this.pods()) {
        for (const [k, v] of Object.entries(p.labels)) {
          push(byLabel, `${k}=${v}`, p);
          push(byNsLabel, `${p.namespace}/${k}=${v}`, p);
        }
      }
      this.podsByLabelMap = byLabel;
      this.podsByNsLabelMap = byNsLabel;
    }
    return { byLabel: this.podsByLabelMap, byNsLabel: this.podsByNsLabelMap };
  }
}
