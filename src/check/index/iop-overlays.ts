/**
 * IstioOperator `k8s.overlays`: patches istioctl applies to the rendered objects of a component (its Deployment,
 * Service, …) before installing them. The checker applies them to the parts it models (pod labels, Service ports,
 * selector and type), so labels and ports are judged as installed.
 *
 * Patch paths are dot-separated; `[key:value]` selects the list element whose field `key` equals `value`, `[N]` the
 * N-th element, and `\.` escapes a dot inside a key (label keys such as `app\.kubernetes\.io/name`). A patch without
 * `value` removes what the path names. See https://istio.io/latest/docs/reference/config/istio.operator.v1alpha1/#K8sObjectOverlay
 */
import { asArray, asRecord, asString, isRecord } from '../model';

/** Splits a patch path into segments, honouring `\.` and brackets. */
export function overlayPathSegments(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\' && path[i + 1] === '.') {
      cur += '.';
      i++;
    } else if (ch === '[') {
      depth++;
      cur += ch;
    } else if (ch === ']') {
      depth = Math.max(0, depth - 1);
      cur += ch;
    } else if (ch === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.filter((s) => s !== '');
}

/** Index of the list element a `[N]` or `[key:value]` segment names, -1 when none. */
function elementIndex(list: unknown[], seg: string): number {
  const inner = seg.slice(1, -1);
  if (/^\d+$/.test(inner)) return Number(inner) < list.length ? Number(inner) : -1;
  const colon = inner.indexOf(':');
  if (colon < 0) return list.findIndex((e) => String(e) === inner);
  const k = inner.slice(0, colon);
  const v = inner.slice(colon + 1);
  return list.findIndex((e) => isRecord(e) && e[k] !== undefined && String(e[k]) === v);
}

const isElement = (seg: string) => seg.startsWith('[') && seg.endsWith(']');

/**
 * Applies one patch to `root` in place (root is a private deep copy). Missing maps on the way are created; a path
 * through a missing list element is ignored (istioctl fails the install on it; IOP rules do not model that).
 */
export function applyOverlayPatch(root: Record<string, unknown>, path: string, value: unknown, hasValue: boolean): void {
  const segs = overlayPathSegments(path);
  if (segs.length === 0) return;
  let node: unknown = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    if (Array.isArray(node)) {
      if (!isElement(seg)) return;
      const at = elementIndex(node, seg);
      if (at < 0) return;
      if (last) {
        if (hasValue) node[at] = value;
        else node.splice(at, 1);
        return;
      }
      node = node[at];
      continue;
    }
    if (!isRecord(node) || isElement(seg)) return;
    if (last) {
      if (hasValue) node[seg] = value;
      else delete node[seg];
      return;
    }
    if (node[seg] === undefined || node[seg] === null) node[seg] = isElement(segs[i + 1]) ? [] : {};
    node = node[seg];
  }
}

/**
 * The overlays of a component entry (`components.ingressGateways[i]`) for one rendered kind and name, applied to a
 * copy of `base`.
 */
export function applyOverlays(entry: Record<string, unknown>, kind: string, name: string, base: Record<string, unknown>): Record<string, unknown> {
  const overlays = asArray(asRecord(entry.k8s).overlays).filter(isRecord);
  const mine = overlays.filter((o) => asString(o.kind) === kind && asString(o.name) === name);
  if (mine.length === 0) return base;
  const out = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  for (const o of mine) {
    for (const p of asArray(o.patches)) {
      const r = asRecord(p);
      const path = asString(r.path);
      if (path) applyOverlayPatch(out, path, r.value, 'value' in r);
    }
  }
  return out;
}

/** Pod labels of a gateway component's Deployment after its overlays. */
export function overlaidPodLabels(entry: Record<string, unknown>, name: string, labels: Record<string, string>): Record<string, string> {
  const out = applyOverlays(entry, 'Deployment', name, { spec: { template: { metadata: { labels } } } });
  const got = asRecord(asRecord(asRecord(asRecord(out.spec).template).metadata).labels);
  const res: Record<string, string> = {};
  for (const [k, v] of Object.entries(got)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') res[k] = String(v);
  return res;
}

/** The Service spec of a gateway component (`k8s.service` merged over the defaults) after its overlays. */
export function overlaidServiceSpec(entry: Record<string, unknown>, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return asRecord(applyOverlays(entry, 'Service', name, { spec }).spec);
}
