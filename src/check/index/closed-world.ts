/**
 * The closed world's view of the input (istioctl analyze): objects of the namespaces istioctl ignores are dropped, and
 * istioctl's implicit ingress Pod and Service (implicit.ts) join the context.
 */
import { KubeObject, SourceRef, asRecord, asString } from '../model';
import { implicitIngressObjects } from './implicit';
import type { ObjectStoreInput } from './objects';

/** Namespaces istioctl analyze ignores entirely. */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** The objects (and their sources) of `input` as the closed world sees them, with `mesh` the MeshConfig read from it. */
export function closedWorldInput(input: ObjectStoreInput, mesh: Record<string, unknown>): ObjectStoreInput {
  const kept = (o: KubeObject) => !IGNORED_NAMESPACES.has(asString(asRecord(o.metadata).namespace) ?? '');
  const keep = (list: readonly KubeObject[], src?: readonly (SourceRef | undefined)[]) => {
    const idx = list.map((o, i) => (kept(o) ? i : -1)).filter((i) => i >= 0);
    return { objects: idx.map((i) => list[i]), sources: src ? idx.map((i) => src[i]) : undefined };
  };
  const m = keep(input.manifests, input.sources);
  const c = keep(input.context, input.contextSources);
  const implicit = implicitIngressObjects(mesh);
  return {
    ...input,
    manifests: m.objects,
    sources: m.sources,
    context: [...c.objects, ...implicit],
    contextSources: c.sources ? [...c.sources, ...implicit.map(() => undefined)] : undefined,
  };
}
