/**
 * Document order that does not depend on construct creation order.
 *
 * cdk8s writes a chart's objects in the topological order of their dependencies, visiting constructs in creation
 * order. So `addHttpHost('a'); addHttpHost('b')` and the reverse give the same documents in a different order, and
 * GitOps diffs get noisy. Before each synth this module gives every chart one fresh anchor construct (created last,
 * so it is visited last) that depends on the library's objects in sorted order (kind, namespace, name): cdk8s then
 * writes them in that order, after the chart's other objects. The anchor fans out (depth 1, no chain), so cdk8s's
 * cycle check and topological walk stay linear, and since nothing depends on the anchor it can never close a cycle;
 * where the user made one object depend on another, cdk8s still writes the dependency first.
 *
 * Internal: called by the synth hook before each validation pass that evaluates the checks.
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

/**
 * Sorts the ApiObjects under `owners` (the library's L2 constructs) within each chart.
 * Idempotent; cost linear in the App plus n log n for the sort.
 */
export function orderOwnedObjects(owners: Iterable<IConstruct>): void {
  const owned = new Set<ApiObject>();
  for (const owner of owners) {
    for (const c of owner.node.findAll()) {
      if (ApiObject.isApiObject(c)) owned.add(c);
    }
  }
  if (owned.size === 0) return;

  const byChart = new Map<Chart, ApiObject[]>();
  for (const o of owned) {
    const chart = Chart.of(o);
    const list = byChart.get(chart);
    if (list) list.push(o);
    else byChart.set(chart, [o]);
  }

  for (const [chart, objects] of byChart) {
    chart.node.tryRemoveChild(ANCHOR_ID);
    if (objects.length < 2) continue;
    objects.sort(compare);
    const anchor = new Construct(chart, ANCHOR_ID);
    for (const o of objects) anchor.node.addDependency(o);
  }
}
