/**
 * Workloads: sets of pods a Gateway can select (a Pod, a pod template of a workload controller, an IstioOperator
 * gateway component, or the assumed install), with the Services their origin implies.
 */
import { asArray, asNumber, asRecord, asString, asStringMap, isRecord, selectorMatches } from '../model';
import { overlaidPodLabels, overlaidServiceSpec } from './iop-overlays';
import { containerEnv } from './mesh-config';
import type { IndexedObject } from './objects';
import { ownedByPresent } from './owners';
import type { ServiceInfo, ServicePortInfo } from './services';
import { push } from './util';

/**
 * What to assume about the cluster when the input declares no gateway workload at all.
 *
 * - `demo` (default): `istioctl install --set profile=demo`: the default ingress gateway (`istio: ingressgateway` in
 *   istio-system, LoadBalancer Service 15021, 80→8080, 443→8443, 31400, 15443, unprivileged pod) and the default egress gateway
 *   (`istio: egressgateway` in istio-system, ClusterIP Service 80→8080, 443→8443, unprivileged pod).
 * - `default`: `istioctl install` (profile default): the ingress gateway only.
 * - `none`: assume nothing; Gateways then select no workload unless the input declares one.
 *
 * The checker's form of the public `AssumeInstall` enum (same values).
 */
export type InstallAssumption = 'demo' | 'default' | 'none';

/** Role of a gateway workload, from its origin or its `istio` label. */
export type WorkloadRole = 'ingress' | 'egress' | 'unknown';

/** A set of gateway pods (a Pod, a pod template of a workload controller, an IOP component, or assumed). */
export interface WorkloadInfo {
  /** Stable identity, e.g. `Deployment/istio-system/istio-ingressgateway`. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** Pod labels. */
  readonly labels: Record<string, string>;
  /** Pods that drop listeners below 1024 (ISTIO_META_UNPRIVILEGED_POD=true). */
  readonly unprivileged: boolean;
  readonly role: WorkloadRole;
  /** Container ports by name (for named Service targetPorts). */
  readonly containerPorts: ReadonlyMap<string, number>;
  /** The manifest that declares it; undefined for the assumed install. */
  readonly object?: IndexedObject;
  readonly origin: 'pod' | 'controller' | 'istio-operator' | 'assumed';
  /** Services implied by the origin (IOP / assumed install); manifest Services are matched by selector. */
  readonly impliedServices: readonly ServiceInfo[];
}

const WORKLOAD_CONTROLLERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** True for the apps/v1 kinds whose pod template makes pods (Deployment, StatefulSet, DaemonSet, ReplicaSet). */
export function isWorkloadController(kind: string): boolean {
  return WORKLOAD_CONTROLLERS.has(kind);
}

const INGRESS_DEFAULT_LABELS = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
const EGRESS_DEFAULT_LABELS = { app: 'istio-egressgateway', istio: 'egressgateway' };
const INGRESS_DEFAULT_PORTS: ServicePortInfo[] = [
  { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
];
/** The demo profile's ingress Service adds tcp 31400 and tls 15443 (manifests/profiles/demo.yaml). */
const INGRESS_DEMO_PORTS: ServicePortInfo[] = [
  ...INGRESS_DEFAULT_PORTS,
  { name: 'tcp', port: 31400, targetPort: 31400, protocol: 'TCP' },
  { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
];
const EGRESS_DEFAULT_PORTS: ServicePortInfo[] = [
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
];

/** A port number given as a number or a numeric string. */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return asNumber(v);
}

function roleOf(labels: Record<string, string>): WorkloadRole {
  const istio = labels.istio ?? labels.app ?? '';
  if (istio.includes('egress')) return 'egress';
  if (istio.includes('ingress')) return 'ingress';
  return 'unknown';
}

export function podWorkload(
  o: IndexedObject, labels: Record<string, string>, annotations: Record<string, string>,
  podSpec: Record<string, unknown>, origin: 'pod' | 'controller', anyPod = false,
): WorkloadInfo | undefined {
  const containers = asArray(podSpec.containers);
  const injected = annotations['inject.istio.io/templates'] === 'gateway';
  const proxyImage = containers.some((c) => (asString(asRecord(c).image) ?? '').includes('proxyv2'));
  if (!anyPod && !injected && !proxyImage && labels.istio === undefined) return undefined;
  let unprivileged = false;
  const containerPorts = new Map<string, number>();
  for (const c of containers) {
    if (containerEnv(c).ISTIO_META_UNPRIVILEGED_POD?.toLowerCase() === 'true') unprivileged = true;
    for (const p of asArray(asRecord(c).ports)) {
      const name = asString(asRecord(p).name);
      const n = asNumber(asRecord(p).containerPort);
      if (name && n !== undefined && !containerPorts.has(name)) containerPorts.set(name, n);
    }
  }
  const namespace = o.namespace ?? 'default';
  return {
    id: `${o.kind}/${namespace}/${o.name}`,
    name: o.name,
    namespace,
    labels,
    unprivileged,
    role: roleOf(labels),
    containerPorts,
    object: o,
    origin,
    impliedServices: [],
  };
}

export function iopWorkloads(iop: IndexedObject): WorkloadInfo[] {
  const out: WorkloadInfo[] = [];
  const profile = asString(iop.spec.profile) ?? 'default';
  const components = asRecord(iop.spec.components);
  const values = asRecord(iop.spec.values);
  const gatewaysValues = asRecord(values.gateways);
  const iopNs = iop.namespace && iop.namespace !== 'default' ? iop.namespace : asString(asRecord(iop.raw.metadata).namespace) ?? 'istio-system';
  for (const role of ['ingress', 'egress'] as const) {
    const key = role === 'ingress' ? 'ingressGateways' : 'egressGateways';
    const entries = asArray(components[key]);
    const defaultName = role === 'ingress' ? 'istio-ingressgateway' : 'istio-egressgateway';
    const profileEnables = role === 'ingress' ? profile === 'default' || profile === 'demo' : profile === 'demo';
    const list: Record<string, unknown>[] = entries.filter(isRecord);
    if (!list.some((e) => asString(e.name) === defaultName) && profileEnables) list.unshift({ name: defaultName, enabled: true });
    for (const e of list) {
      const name = asString(e.name) ?? defaultName;
      const enabled = e.enabled === true || (e.enabled === undefined && name === defaultName && profileEnables);
      if (!enabled) continue;
      const namespace = asString(e.namespace) ?? iopNs;
      const labels = { ...(role === 'ingress' ? INGRESS_DEFAULT_LABELS : EGRESS_DEFAULT_LABELS), ...asStringMap(e.label) };
      const podLabels = overlaidPodLabels(e, name, labels);
      const gwValues = asRecord(gatewaysValues[role === 'ingress' ? 'istio-ingressgateway' : 'istio-egressgateway']);
      const runAsRoot = gwValues.runAsRoot === true;
      const k8s = asRecord(e.k8s);
      const declared = asRecord(k8s.service);
      const defaultPorts = role === 'ingress' ? (profile === 'demo' ? INGRESS_DEMO_PORTS : INGRESS_DEFAULT_PORTS) : EGRESS_DEFAULT_PORTS;
      const svcSpec = overlaidServiceSpec(e, name, {
        ...declared,
        ports: Array.isArray(declared.ports) ? declared.ports : defaultPorts.map((p) => ({ ...p })),
        selector: labels,
        type: asString(declared.type) ?? asString(gwValues.type) ?? (role === 'ingress' ? 'LoadBalancer' : 'ClusterIP'),
      });
      const ports: ServicePortInfo[] = asArray(svcSpec.ports).filter(isRecord).flatMap((p) => {
        const port = numeric(p.port);
        if (port === undefined) return [];
        const tp = numeric(p.targetPort) ?? port;
        return [{ name: asString(p.name), port, targetPort: tp, protocol: (asString(p.protocol) ?? 'TCP').toUpperCase(), nodePort: asNumber(p.nodePort) }];
      });
      const service: ServiceInfo = {
        name, namespace, selector: asStringMap(svcSpec.selector), type: asString(svcSpec.type) ?? 'ClusterIP', ports, object: iop, origin: 'istio-operator',
      };
      out.push({
        id: `IstioOperator/${iop.namespace ?? ''}/${iop.name}/${name}`,
        name,
        namespace,
        labels: podLabels,
        unprivileged: !runAsRoot,
        role,
        containerPorts: new Map(),
        object: iop,
        origin: 'istio-operator',
        impliedServices: [service],
      });
    }
  }
  return out;
}

/**
 * An IstioOperator gateway component and a controller of the same name+namespace whose pod labels carry the
 * component's labels are one workload: the Deployment is the concrete form of the component (istioctl renders it, or
 * the user declared it as context). The controller is kept; it inherits the component's implied Service when no
 * manifest Service of that name exists.
 */
export function dedupeOperatorWorkloads(found: WorkloadInfo[], hasService: (ns: string, name: string) => boolean): WorkloadInfo[] {
  const controllers = new Map<string, WorkloadInfo>();
  for (const w of found) if (w.origin === 'controller') controllers.set(`${w.namespace}/${w.name}`, w);
  const replaced = new Map<WorkloadInfo, WorkloadInfo>();
  const dropped = new Set<WorkloadInfo>();
  for (const w of found) {
    if (w.origin !== 'istio-operator') continue;
    const c = controllers.get(`${w.namespace}/${w.name}`);
    if (!c || !selectorMatches(w.labels, c.labels)) continue;
    dropped.add(w);
    if (!hasService(w.namespace, w.name)) {
      const base = replaced.get(c) ?? c;
      replaced.set(c, { ...base, impliedServices: [...base.impliedServices, ...w.impliedServices] });
    }
  }
  return found.filter((w) => !dropped.has(w)).map((w) => replaced.get(w) ?? w);
}

export function assumedGateway(role: 'ingress' | 'egress', namespace: string, demo = false): WorkloadInfo {
  const name = role === 'ingress' ? 'istio-ingressgateway' : 'istio-egressgateway';
  const labels = role === 'ingress' ? { ...INGRESS_DEFAULT_LABELS } : { ...EGRESS_DEFAULT_LABELS };
  const service: ServiceInfo = {
    name,
    namespace,
    selector: labels,
    type: role === 'ingress' ? 'LoadBalancer' : 'ClusterIP',
    ports: role === 'ingress' ? (demo ? INGRESS_DEMO_PORTS : INGRESS_DEFAULT_PORTS) : EGRESS_DEFAULT_PORTS,
    origin: 'assumed',
  };
  return {
    id: `assumed/${namespace}/${name}`,
    name,
    namespace,
    labels,
    unprivileged: true,
    role,
    containerPorts: new Map(),
    origin: 'assumed',
    impliedServices: [service],
  };
}

/** Describes a workload for messages: `istio=ingressgateway in istio-system`. */
export function describeWorkload(w: WorkloadInfo): string {
  const sel = w.labels.istio !== undefined ? `istio=${w.labels.istio}` : Object.entries(w.labels).map(([k, v]) => `${k}=${v}`).sort().join(',') || w.name;
  return `${sel} in ${w.namespace}`;
}

/**
 * The gateway workloads the input declares, in input order. Closed world (istioctl): every Pod, whatever it looks like,
 * and nothing else. Open world: Pods and pod templates of workload controllers that look like gateways (not those
 * whose owner is in the input), and IstioOperator gateway components (see {@link dedupeOperatorWorkloads}).
 */
export function findWorkloads(
  objects: readonly IndexedObject[], closedWorld: boolean, hasService: (ns: string, name: string) => boolean,
): WorkloadInfo[] {
  const found: WorkloadInfo[] = [];
  if (closedWorld) {
    for (const o of objects) {
      if (o.group === '' && o.kind === 'Pod') found.push(podWorkload(o, o.labels, o.annotations, o.spec, 'pod', true)!);
    }
    return found;
  }
  const owned = ownedByPresent(objects);
  for (const o of objects) {
    if (o.group === '' && o.kind === 'Pod') {
      if (owned(o)) continue;
      const w = podWorkload(o, o.labels, o.annotations, o.spec, 'pod');
      if (w) found.push(w);
    } else if (o.group === 'apps' && isWorkloadController(o.kind)) {
      if (o.kind === 'ReplicaSet' && owned(o)) continue;
      const tmpl = asRecord(o.spec.template);
      const tm = asRecord(tmpl.metadata);
      const w = podWorkload(o, asStringMap(tm.labels), asStringMap(tm.annotations), asRecord(tmpl.spec), 'controller');
      if (w) found.push(w);
    } else if (o.group === 'install.istio.io' && o.kind === 'IstioOperator') {
      for (const w of iopWorkloads(o)) found.push(w);
    }
  }
  return dedupeOperatorWorkloads(found, hasService);
}

/** The gateway workloads of the index (declared, or assumed), in input order, with a lookup by pod label. */
export class GatewayWorkloads {
  /** Every workload, in input order. */
  public readonly list: WorkloadInfo[] = [];
  private readonly byLabel = new Map<string, WorkloadInfo[]>();

  public add(w: WorkloadInfo): void {
    this.list.push(w);
    for (const [k, v] of Object.entries(w.labels)) push(this.byLabel, `${k}=${v}`, w);
  }

  /** Workloads whose pod labels match `selector` (all when empty), optionally only in `namespace`. */
  public matching(selector: Record<string, string>, namespace?: string): WorkloadInfo[] {
    let candidates: readonly WorkloadInfo[] = this.list;
    for (const [k, v] of Object.entries(selector)) {
      const l = this.byLabel.get(`${k}=${v}`) ?? [];
      if (l.length < candidates.length) candidates = l;
    }
    return candidates.filter((w) => selectorMatches(selector, w.labels) && (namespace === undefined || w.namespace === namespace));
  }
}
