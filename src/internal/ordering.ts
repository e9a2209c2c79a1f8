/**
 * Document order that does not depend on construct creation order.
 *
 * cdk8s writes a chart's objects in the topological order of their dependencies, visiting constructs in creation
 * order. So `addHttpHost('a'); addHttpHost('b')` and the reverse give the same documents in a different order, and
 * GitOps diffs get noisy. This module chains the objects this library creates, per chart, by explicit dependencies
 * in a sorted order (kind, namespace, name) and hangs the chain from one anchor construct created at the end of the
 * chart: cdk8s then writes them sorted, after the chart's other objects. Every added edge points from a later to an
 * earlier object of the sorted order, so edges added at earlier synths never form a cycle; objects that carry
 * dependencies of their own (or are the target of one) keep cdk8s's order and are left out of the chain.
 *
 * Internal: called by the synth hook before each validation pass.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

const ANCHOR_ID = 'cdk8s-istio-gateways.order';

/** Kinds in the order a reader expects them; others follow alphabetically. */
const KIND_RANK = [
  'Namespace', 'ServiceAccount', 'Secret', 'Certificate', 'Role', 'RoleBinding', 'ConfigMap', 'Service', 'Deployment',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'IstioOperator', 'Gateway', 'VirtualService', 'DestinationRule',
  'ServiceEntry', 'Telemetry',
];

/** Edges this module added, per dependent object (so later passes can tell them from the user's). */
const OUR_EDGES = new WeakMap<IConstruct, Set<IConstruct>>();

function rankOf(kind: string): number {
  const i = KIND_RANK.indexOf(kind);
  return i < 0 ? KIND_RANK.length : i;
}

function compare(a: ApiObject, b: ApiObject): number {
  const ka = rankOf(a.kind);
  const kb = rankOf(b.kind);
  if (ka !== kb) return ka - kb;
  const keys = (o: ApiObject) => [o.kind, o.metadata.namespace ?? '', o.name, o.apiVersion, o.node.path];
  const x = keys(a);
  const y = keys(b);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

function addEdge(from: IConstruct, to: IConstruct): void {
  let ours = OUR_EDGES.get(from);
  if (!ours) {
    ours = new Set();
    OUR_EDGES.set(from, ours);
  }
  if (ours.has(to)) return;
  ours.add(to);
  from.node.addDependency(to);
}

/**
 * Sorts the ApiObjects under `owners` (the library's L2 constructs) within each chart of the App rooted at `root`.
 * Idempotent; cost linear in the App plus n log n for the sort.
 */
export function orderOwnedObjects(root: IConstruct, owners: Iterable<IConstruct>): void {
  const owned = new Set<ApiObject>();
  for (const owner of owners) {
    for (const c of owner.node.findAll()) {
      if (ApiObject.isApiObject(c)) owned.add(c);
    }
  }
  if (owned.size === 0) return;

  // Objects under a construct that has (or is the target of) a dependency that is not ours keep cdk8s's order:
  // cdk8s turns construct dependencies into ApiObject dependencies, and a chain edge against one would be a cycle.
  const constrained = new Set<IConstruct>();
  const constrain = (c: IConstruct) => {
    for (const x of c.node.findAll()) {
      if (ApiObject.isApiObject(x)) constrained.add(x);
    }
  };
  for (const c of root.node.findAll()) {
    const ours = OUR_EDGES.get(c);
    for (const dep of c.node.dependencies) {
      if (ours?.has(dep)) continue;
      constrain(c);
      constrain(dep);
    }
  }

  const byChart = new Map<Chart, ApiObject[]>();
  for (const o of owned) {
    if (constrained.has(o)) continue;
    const chart = Chart.of(o);
    const list = byChart.get(chart);
    if (list) list.push(o);
    else byChart.set(chart, [o]);
  }

  for (const [chart, objects] of byChart) {
    if (objects.length < 2) continue;
    objects.sort(compare);
    for (let i = 1; i < objects.length; i++) addEdge(objects[i], objects[i - 1]);
    const anchor = chart.node.tryFindChild(ANCHOR_ID) ?? new Construct(chart, ANCHOR_ID);
    addEdge(anchor, objects[objects.length - 1]);
  }
}
