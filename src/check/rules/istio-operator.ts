/**
 * IOP-*: IstioOperator (istioctl install input) and injected gateways; MESH-*: mesh-wide settings (section 10 of
 * shared/ISTIO-RULES.md).
 *
 * IOP-CTRL-001 decides "is this IstioOperator applied together with other resources?" from where objects came
 * from: in the CLI the file (`SourceRef.file`); at synth time the chart, i.e. the first construct path segment after
 * the app (`app/chart/...`; a two-segment path `chart/id` is taken as chart-first). Objects without any source are
 * one unit (a direct `analyze()` call on a list is a bundle that would be applied together).
 */
import { Severity } from '../findings';
import { isDnsLabel } from '../hosts';
import { overlaidPodLabels, overlaidServiceSpec } from '../index/iop-overlays';
import { IndexedObject, MeshIndex } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, asStringMap, isRecord } from '../model';
import { Rule, defineRule } from '../rule';
import { outboundPolicySources } from './service-entry';

const q = (v: unknown) => JSON.stringify(v);

function ownIops(index: MeshIndex): IndexedObject[] {
  return index.ofKind('IstioOperator').filter((o) => !o.isContext && o.group === 'install.istio.io');
}

function allIops(index: MeshIndex): IndexedObject[] {
  return index.ofKind('IstioOperator').filter((o) => o.group === 'install.istio.io');
}

type Role = 'ingress' | 'egress';
const DEFAULT_NAME: Record<Role, string> = { ingress: 'istio-ingressgateway', egress: 'istio-egressgateway' };
const DEFAULT_LABELS: Record<Role, Record<string, string>> = {
  ingress: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  egress: { app: 'istio-egressgateway', istio: 'egressgateway' },
};
const KEY: Record<Role, string> = { ingress: 'ingressGateways', egress: 'egressGateways' };

/** A gateway component of an IstioOperator: listed in spec.components or implied by the profile. */
interface Component {
  readonly iop: IndexedObject;
  readonly role: Role;
  /** `spec.components.ingressGateways[1]`; for an implied default, `spec.profile`. */
  readonly path: string;
  readonly implied: boolean;
  readonly name?: string;
  readonly namespace: string;
  /** explicit `namespace` field */
  readonly explicitNamespace?: string;
  /** not `enabled: false` (listed) / enabled by the profile (implied) */
  readonly active: boolean;
  /** `enabled: true`, or a default gateway the profile enables: what istioctl deploys (and the index models) */
  readonly deployed: boolean;
  readonly raw: Record<string, unknown>;
  readonly labels: Record<string, string>;
}

function profileOf(iop: IndexedObject): string {
  return asString(iop.spec.profile) ?? 'default';
}

/** The namespace istioctl installs into (components default to it). */
function installNamespace(iop: IndexedObject): string {
  const global = asRecord(asRecord(iop.spec.values).global);
  const metaNs = asString(asRecord(iop.raw.metadata).namespace);
  return asString(iop.spec.namespace) ?? asString(global.istioNamespace) ?? (metaNs && metaNs !== 'default' ? metaNs : 'istio-system');
}

const componentCache = new WeakMap<IndexedObject, Component[]>();

function componentsOf(iop: IndexedObject): Component[] {
  const hit = componentCache.get(iop);
  if (hit) return hit;
  const out: Component[] = [];
  const profile = profileOf(iop);
  const components = asRecord(iop.spec.components);
  const ns0 = installNamespace(iop);
  for (const role of ['ingress', 'egress'] as const) {
    const defaultName = DEFAULT_NAME[role];
    const profileEnables = role === 'ingress' ? profile === 'default' || profile === 'demo' : profile === 'demo';
    const entries = asArray(components[KEY[role]]);
    const listsDefault = entries.some((e) => isRecord(e) && asString(e.name) === defaultName);
    if (profileEnables && !listsDefault) {
      out.push({
        iop,
        role,
        path: 'spec.profile',
        implied: true,
        name: defaultName,
        namespace: ns0,
        active: true,
        deployed: true,
        raw: {},
        labels: { ...DEFAULT_LABELS[role] },
      });
    }
    entries.forEach((e, i) => {
      if (!isRecord(e)) return;
      const name = asString(e.name);
      const explicitNamespace = asString(e.namespace);
      const deployed = e.enabled === true || (e.enabled === undefined && name === defaultName && profileEnables);
      out.push({
        iop,
        role,
        path: `spec.components.${KEY[role]}[${i}]`,
        implied: false,
        name,
        namespace: explicitNamespace ?? ns0,
        explicitNamespace,
        active: e.enabled !== false,
        deployed,
        raw: e,
        labels: overlaidPodLabels(e, name ?? '', { ...DEFAULT_LABELS[role], ...asStringMap(e.label) }),
      });
    });
  }
  componentCache.set(iop, out);
  return out;
}

function installsIstiod(iop: IndexedObject): boolean {
  const pilot = asRecord(asRecord(iop.spec.components).pilot);
  return pilot.enabled === true || (profileOf(iop) !== 'empty' && profileOf(iop) !== 'remote' && pilot.enabled !== false);
}

/** Chart (synth) or file (CLI) an object came from; undefined when nothing is known. */
function unitOf(o: IndexedObject): string | undefined {
  if (o.source.file) return `file:${o.source.file}`;
  const cp = o.source.constructPath;
  if (cp) {
    const segs = cp.split('/').filter((s) => s !== '');
    if (segs.length >= 3) return `chart:${segs[1]}`;
    if (segs.length > 0) return `chart:${segs[0]}`;
  }
  return undefined;
}

export const IOP_CTRL_001 = defineRule({
  id: 'IOP-CTRL-001',
  severity: Severity.ERROR,
  summary: 'An IstioOperator applied with kubectl/Argo CD does nothing (the in-cluster operator is gone): keep it in its own file/chart as istioctl input',
  check(ctx) {
    const iops = ownIops(ctx.index);
    if (iops.length === 0) return;
    const others = new Map<string, IndexedObject[]>();
    for (const o of ctx.index.objects) {
      if (o.isContext || (o.kind === 'IstioOperator' && o.group === 'install.istio.io')) continue;
      const u = unitOf(o) ?? '';
      const l = others.get(u) ?? [];
      l.push(o);
      others.set(u, l);
    }
    for (const iop of iops) {
      const u = unitOf(iop) ?? '';
      const mates = others.get(u) ?? [];
      if (mates.length === 0) continue;
      const where = u.startsWith('file:') ? `file ${u.slice(5)}` : u.startsWith('chart:') ? `chart ${u.slice(6)}` : 'the same manifest set';
      const kinds = Array.from(new Set(mates.map((m) => m.kind || '?'))).sort().slice(0, 4).join(', ');
      ctx.report({
        object: iop,
        path: '',
        message: `istioOperator ${iop.name || '(unnamed)'} is in ${where} together with ${mates.length} other resource(s) (${kinds}) that kubectl/Argo CD apply; the in-cluster operator was removed in Istio 1.24, so an applied IstioOperator does nothing`,
        fix: 'move it to a file/chart of its own and run `istioctl install -f <file>`; deploy gateways Argo-natively (the GatewayWorkload construct) instead',
      });
    }
  },
});

export const IOP_NAME_001 = defineRule({
  id: 'IOP-NAME-001',
  severity: Severity.ERROR,
  summary: 'Gateway component name unique per namespace (across IstioOperators) and a valid Kubernetes name',
  check(ctx) {
    const seen = new Map<string, Component>();
    for (const iop of allIops(ctx.index)) {
      for (const c of componentsOf(iop)) {
        if (!c.active) continue;
        if (!c.implied && (c.name === undefined || c.name === '' || !isDnsLabel(c.name))) {
          ctx.report({
            object: iop,
            path: `${c.path}.name`,
            message: c.name ? `gateway component name ${q(c.name)} is not a DNS-1123 label (it names the Deployment and Service)` : 'gateway component has no name',
            fix: 'name it with lowercase letters, digits and \'-\', e.g. "my-ingressgateway"',
          });
          continue;
        }
        const key = `${c.namespace}/${c.name}`;
        const prev = seen.get(key);
        if (!prev) {
          seen.set(key, c);
          continue;
        }
        const where = prev.iop === iop ? prev.path : `IstioOperator ${prev.iop.name || '(unnamed)'} ${prev.implied ? `(profile ${profileOf(prev.iop)})` : prev.path}`;
        ctx.report({
          object: iop,
          path: c.implied ? c.path : `${c.path}.name`,
          message: `gateway ${q(c.name)} in namespace ${q(c.namespace)} is already declared by ${where}; both render the same Deployment and Service, and the later install overwrites (or prunes) the other`,
          fix: c.name === DEFAULT_NAME[c.role] ? 'give the additional gateway its own name (e.g. "my-ingressgateway"), or use profile: empty for a gateway-only IstioOperator' : 'give each gateway component a distinct name',
        });
      }
    }
  },
});

export const IOP_LBL_001 = defineRule({
  id: 'IOP-LBL-001',
  severity: Severity.ERROR,
  summary: 'Gateways the input installs (IstioOperator components, after k8s.overlays) have distinct `istio` labels: an additional gateway sets `label` with its own `istio` value',
  check(ctx) {
    const byIstio = new Map<string, Component[]>();
    const all: Component[] = [];
    for (const iop of allIops(ctx.index)) {
      for (const c of componentsOf(iop)) {
        // only what istioctl installs: a listed additional gateway without `enabled: true` is not deployed
        if (!c.deployed) continue;
        all.push(c);
        const v = c.labels.istio;
        byIstio.set(`${c.namespace}|${v}`, [...(byIstio.get(`${c.namespace}|${v}`) ?? []), c]);
      }
    }
    for (const c of all) {
      if (c.implied || c.name === DEFAULT_NAME[c.role]) continue;
      const v = c.labels.istio;
      const clash = (byIstio.get(`${c.namespace}|${v}`) ?? []).filter((o) => o !== c);
      if (clash.length === 0) continue;
      const o = clash[0];
      const hasLabel = isRecord(c.raw.label);
      const path = hasLabel ? `${c.path}.label.istio` : `${c.path}.label`;
      const fix = `set label: {istio: ${c.name || 'my-gateway'}} (and select it in Gateways with istio: ${c.name || 'my-gateway'})`;
      if (v === DEFAULT_LABELS[c.role].istio) {
        ctx.report({
          object: c.iop,
          path,
          message: `gateway ${q(c.name)} keeps the default label istio=${v} (labels merge over app=${DEFAULT_LABELS[c.role].app}, istio=${v}), as does gateway ${q(o.name)} that the input also installs in ${c.namespace}; Gateways and Services selecting istio: ${v} configure both`,
          fix,
        });
        continue;
      }
      ctx.report({
        object: c.iop,
        path,
        message: `gateway ${q(c.name)} has label istio=${v}, as does gateway ${q(o.name)} of IstioOperator ${o.iop.name || '(unnamed)'} in ${c.namespace}; Gateways selecting it configure both`,
        fix,
      });
    }
  },
});

export const IOP_OWN_001 = defineRule({
  id: 'IOP-OWN-001',
  severity: Severity.ERROR,
  summary: 'IstioOperators installed side by side have distinct metadata.name (istioctl prunes by owner name); one IstioOperator needs no name',
  check(ctx) {
    const groups = new Map<string, IndexedObject[]>();
    for (const iop of allIops(ctx.index)) {
      const key = `${iop.name}|${asString(iop.spec.revision) ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), iop]);
    }
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      const first = list[0];
      const rev = asString(first.spec.revision) ?? '';
      for (const iop of list.slice(1)) {
        ctx.report({
          object: iop,
          path: 'metadata.name',
          message: iop.name
            ? `istioOperator name ${q(iop.name)}${rev ? ` (revision ${rev})` : ''} is also used by another IstioOperator${first.namespace !== iop.namespace ? ` in ${first.namespace}` : ''}; istioctl install of either prunes the objects of the other (istio#36982)`
            : `istioOperator has no metadata.name, nor has another IstioOperator of the input${rev ? ` (revision ${rev})` : ''}; istioctl labels what it installs with the owner name and prunes objects of the same owner missing from a later install, so the two prune each other (a gateway-only install can delete istiod)`,
          fix: 'give each IstioOperator (control plane, each gateway set) a distinct metadata.name, e.g. "control-plane" and "ingress-gateways"',
        });
      }
    }
  },
});

/**
 * `k8s.service.ports` of a component after its Service overlays; undefined when the component keeps the default
 * ports (overlays may patch those; IOP-PORT-001 is about a list that replaces them).
 */
function servicePorts(c: Component): unknown[] | undefined {
  const declared = asRecord(asRecord(c.raw.k8s).service).ports;
  if (!Array.isArray(declared)) return undefined;
  const spec = overlaidServiceSpec(c.raw, c.name ?? '', { ports: declared });
  return Array.isArray(spec.ports) ? spec.ports : undefined;
}

function numericPort(v: unknown): number | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return asNumber(v);
}

export const IOP_PORT_001 = defineRule({
  id: 'IOP-PORT-001',
  severity: Severity.ERROR,
  summary: '`k8s.service.ports` replaces the default ports: include every Gateway port of the component and status-port 15021',
  needsContext: true,
  check(ctx) {
    for (const iop of ownIops(ctx.index)) {
      for (const c of componentsOf(iop)) {
        if (c.implied || !c.active) continue;
        const ports = servicePorts(c);
        if (!ports) continue;
        const path = `${c.path}.k8s.service.ports`;
        const declared = new Set<number>();
        for (const p of ports) {
          const r = asRecord(p);
          const n = numericPort(r.port);
          if (n !== undefined) declared.add(n);
          const t = numericPort(r.targetPort);
          if (t !== undefined) declared.add(t);
        }
        if (c.role === 'ingress' && !declared.has(15021)) {
          ctx.report({
            object: iop,
            path,
            message: `k8s.service.ports of gateway ${q(c.name)} replaces the default list and lacks status-port 15021; load balancer health checks and readiness fail`,
            fix: 'add {name: status-port, port: 15021, targetPort: 15021}',
          });
        }
        const w = ctx.index.gatewayWorkloads().find((x) => x.object === iop && x.origin === 'istio-operator' && x.name === c.name && x.namespace === c.namespace)
          ?? ctx.index.gatewayWorkloads().find((x) => x.object === iop && x.origin === 'istio-operator' && x.name === c.name);
        if (!w) continue;
        const missing = new Map<number, string>();
        for (const g of ctx.index.gatewaysFor(w)) {
          for (const s of ctx.index.serversOf(g)) {
            const n = s.port.number;
            if (n === undefined || declared.has(n) || missing.has(n)) continue;
            missing.set(n, `Gateway ${g.namespace ?? ''}/${g.name} ${s.path}`);
          }
        }
        for (const [n, where] of Array.from(missing.entries()).sort((a, b) => a[0] - b[0])) {
          ctx.report({
            object: iop,
            path,
            message: `k8s.service.ports of gateway ${q(c.name)} does not include port ${n} used by ${where}; the list replaces the defaults, so the port is unreachable`,
            fix: `add {name: port-${n}, port: ${n}, targetPort: ${n >= 1024 ? n : n + 8000}} (targets below 1024 need runAsRoot)`,
          });
        }
      }
    }
  },
});

function runAsRoot(c: Component): boolean {
  const gws = asRecord(asRecord(c.iop.spec.values).gateways);
  return asRecord(gws[DEFAULT_NAME[c.role]]).runAsRoot === true;
}

export const IOP_PORT_002 = defineRule({
  id: 'IOP-PORT-002',
  severity: Severity.ERROR,
  summary: 'Gateway targetPort < 1024 (or port ≤ 1024 without targetPort) needs runAsRoot',
  check(ctx) {
    for (const iop of ownIops(ctx.index)) {
      for (const c of componentsOf(iop)) {
        if (c.implied || !c.active || runAsRoot(c)) continue;
        const ports = servicePorts(c);
        if (!ports) continue;
        ports.forEach((p, j) => {
          const r = asRecord(p);
          const port = numericPort(r.port);
          const tp = numericPort(r.targetPort);
          const base = `${c.path}.k8s.service.ports[${j}]`;
          if (tp !== undefined ? tp >= 1024 : port === undefined || port > 1024) return;
          const n = tp ?? port!;
          ctx.report({
            object: iop,
            path: tp !== undefined ? `${base}.targetPort` : `${base}.port`,
            message: `gateway ${q(c.name)} ${tp !== undefined ? `targetPort ${tp}` : `port ${n} without targetPort`} is privileged; istioctl rejects it because gateway pods run unprivileged unless runAsRoot`,
            fix: `set targetPort: ${n + 8000} (e.g. 80→8080, 443→8443), or values.gateways.${DEFAULT_NAME[c.role]}.runAsRoot: true`,
          });
        });
      }
    }
  },
});

export const IOP_REPL_001 = defineRule({
  id: 'IOP-REPL-001',
  severity: Severity.WARNING,
  summary: '`replicaCount` together with autoscaling (autoscaleEnabled defaults to true)',
  check(ctx) {
    for (const iop of ownIops(ctx.index)) {
      const values = asRecord(iop.spec.values);
      const gws = asRecord(values.gateways);
      for (const c of componentsOf(iop)) {
        if (c.implied || !c.active) continue;
        const k8s = asRecord(c.raw.k8s);
        if (k8s.replicaCount === undefined) continue;
        if (asRecord(gws[DEFAULT_NAME[c.role]]).autoscaleEnabled === false) continue;
        ctx.report({
          object: iop,
          path: `${c.path}.k8s.replicaCount`,
          message: `gateway ${q(c.name)} sets k8s.replicaCount ${q(k8s.replicaCount)} while autoscaling is on (values.gateways.${DEFAULT_NAME[c.role]}.autoscaleEnabled defaults to true); the HPA overrides it`,
          fix: `use k8s.hpaSpec.minReplicas instead, or set values.gateways.${DEFAULT_NAME[c.role]}.autoscaleEnabled: false`,
        });
      }
      const pilotK8s = asRecord(asRecord(asRecord(iop.spec.components).pilot).k8s);
      if (pilotK8s.replicaCount !== undefined && asRecord(values.pilot).autoscaleEnabled !== false) {
        ctx.report({
          object: iop,
          path: 'spec.components.pilot.k8s.replicaCount',
          message: `istiod k8s.replicaCount ${q(pilotK8s.replicaCount)} is set while values.pilot.autoscaleEnabled is on (default); the HPA overrides it`,
          fix: 'use k8s.hpaSpec.minReplicas, or set values.pilot.autoscaleEnabled: false',
        });
      }
    }
  },
});

export const IOP_MESH_001 = defineRule({
  id: 'IOP-MESH-001',
  severity: Severity.ERROR,
  summary: 'meshConfig and istiod env only act in the IstioOperator that installs istiod',
  check(ctx) {
    for (const iop of ownIops(ctx.index)) {
      if (installsIstiod(iop)) continue;
      const why = `istioOperator ${iop.name || '(unnamed)'} does not install istiod (profile ${profileOf(iop)}${asRecord(asRecord(iop.spec.components).pilot).enabled === false ? ', pilot disabled' : ''})`;
      const mc = asRecord(iop.spec.meshConfig);
      if (Object.keys(mc).length > 0) {
        ctx.report({
          object: iop,
          path: 'spec.meshConfig',
          message: `${why}, so spec.meshConfig (${Object.keys(mc).sort().join(', ')}) is ignored; mesh config lives in the istio ConfigMap that the control-plane install renders`,
          fix: 'move meshConfig to the IstioOperator that installs istiod (or the istio ConfigMap); use Telemetry for per-gateway access logs',
        });
      }
      const values = asRecord(iop.spec.values);
      const vmc = asRecord(values.meshConfig);
      if (Object.keys(vmc).length > 0) {
        ctx.report({ object: iop, path: 'spec.values.meshConfig', message: `${why}, so spec.values.meshConfig is ignored`, fix: 'move it to the control-plane IstioOperator' });
      }
      const env = asRecord(asRecord(values.pilot).env);
      if (Object.keys(env).length > 0) {
        ctx.report({
          object: iop,
          path: 'spec.values.pilot.env',
          message: `${why}, so istiod env ${Object.keys(env).sort().join(', ')} is ignored`,
          fix: 'set istiod env in the control-plane IstioOperator (values.pilot.env)',
        });
      }
      const k8sEnv = asArray(asRecord(asRecord(asRecord(iop.spec.components).pilot).k8s).env);
      if (k8sEnv.length > 0) {
        ctx.report({ object: iop, path: 'spec.components.pilot.k8s.env', message: `${why}, so components.pilot.k8s.env is ignored`, fix: 'set istiod env in the control-plane IstioOperator' });
      }
    }
  },
});

const CONTROLLERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/**
 * IOP-INJ-001. istioctl codes, per finding (pkg/config/analysis/msg/messages.yaml, analyzer injection/image-auto.go):
 * IST0146 ImageAutoWithoutInjectionWarning = a Deployment with `image: auto` that no injection webhook selects;
 * IST0147 ImageAutoWithoutInjectionError = a Pod with `image: auto` (injection did not happen). Findings without an
 * istioctl counterpart (missing gateway template annotation, pinned proxy image, no istio-proxy container) carry no code.
 */
/** Pods and the pod controllers (apps group) of the input, in input order, read from their kinds' lists. */
function podsAndControllers(index: MeshIndex): IndexedObject[] {
  const out = index.ofKind('Pod').filter((o) => o.group === '');
  let kinds = 0;
  for (const kind of CONTROLLERS) {
    const list = index.ofKind(kind);
    for (const o of list) if (o.group === 'apps') out.push(o);
    if (list.length > 0) kinds++;
  }
  // objects[i].order === i: one sort brings the kinds back into input order
  return kinds > 0 ? out.sort((a, b) => a.order - b.order) : out;
}

export const IOP_INJ_001 = defineRule({
  id: 'IOP-INJ-001',
  severity: Severity.ERROR,
  summary: 'Injected gateway: pod label sidecar.istio.io/inject "true" (or istio.io/rev), annotation inject.istio.io/templates: gateway, image auto; namespace not istio-injection=disabled',
  needsContext: true,
  check(ctx) {
    for (const o of podsAndControllers(ctx.index)) {
      const isPod = o.group === '' && o.kind === 'Pod';
      if (o.isContext) continue;
      const tmpl = isPod ? { metadata: o.raw.metadata, spec: o.raw.spec } : asRecord(o.spec.template);
      const tm = asRecord(tmpl.metadata);
      const labels = asStringMap(tm.labels);
      const annotations = asStringMap(tm.annotations);
      const containers = asArray(asRecord(tmpl.spec).containers);
      const base = isPod ? 'metadata' : 'spec.template.metadata';
      const specBase = isPod ? 'spec' : 'spec.template.spec';
      const injectionCode = isPod ? 'IST0147' : o.kind === 'Deployment' ? 'IST0146' : undefined;
      const gatewayTemplate = (annotations['inject.istio.io/templates'] ?? '').split(',').map((s) => s.trim()).includes('gateway');
      const autoIdx = containers.findIndex((c) => asString(asRecord(c).image) === 'auto');
      if (!gatewayTemplate && autoIdx < 0) continue;
      const ns = o.namespace ?? ctx.index.defaultNamespace;
      const nsObj = ctx.index.get('Namespace', undefined, ns);
      const nsLabels = nsObj ? nsObj.labels : {};
      // open world: a Namespace the input does not declare may well be labelled for injection; only its absence in
      // a complete snapshot (closed world) means "not labelled"
      const nsUnknown = !nsObj && !ctx.index.closedWorld;
      const nsDisabled = nsLabels['istio-injection'] === 'disabled';
      const nsEnabled = nsLabels['istio-injection'] === 'enabled' || nsLabels['istio.io/rev'] !== undefined;
      const podLabel = labels['sidecar.istio.io/inject'];
      const targeted = podLabel === 'true' || labels['istio.io/rev'] !== undefined || nsEnabled;
      const what = gatewayTemplate ? 'injected gateway' : `container image "auto" in ${o.kind}`;
      if (nsDisabled) {
        ctx.report({
          object: o,
          path: 'metadata.namespace',
          ...(autoIdx >= 0 && injectionCode ? { code: injectionCode } : {}),
          message: `${what} ${o.name} is in namespace ${q(ns)}, labelled istio-injection=disabled; the injector skips it and the pod runs the literal image "auto" (ImagePullBackOff)`,
          fix: `deploy the gateway into a namespace without istio-injection=disabled, or relabel ${q(ns)}`,
        });
      } else if (podLabel === 'false') {
        ctx.report({
          object: o,
          path: `${base}.labels["sidecar.istio.io/inject"]`,
          ...(autoIdx >= 0 && injectionCode ? { code: injectionCode } : {}),
          message: `${what} ${o.name} has pod label sidecar.istio.io/inject: "false", so it is never injected`,
          fix: 'set the pod label sidecar.istio.io/inject: "true"',
        });
      } else if (!targeted && !nsUnknown) {
        ctx.report({
          object: o,
          path: `${base}.labels`,
          ...(autoIdx >= 0 && injectionCode ? { code: injectionCode } : {}),
          message: `${what} ${o.name} is not selected for injection: no pod label sidecar.istio.io/inject: "true" or istio.io/rev, and namespace ${q(ns)} is not labelled for injection`,
          fix: 'add the pod label sidecar.istio.io/inject: "true" (or istio.io/rev: <revision>)',
        });
      }
      if (!gatewayTemplate) {
        ctx.report({
          object: o,
          path: `${base}.annotations`,
          message: `pod template of ${o.kind} ${o.name} uses image "auto" without the pod annotation inject.istio.io/templates: gateway; the sidecar template would inject a second proxy`,
          fix: 'add the pod annotation inject.istio.io/templates: gateway',
        });
        continue;
      }
      const proxyIdx = containers.findIndex((c) => asString(asRecord(c).name) === 'istio-proxy');
      if (proxyIdx < 0) {
        ctx.report({
          object: o,
          path: `${specBase}.containers`,
          message: `injected gateway ${o.name} has no container named istio-proxy; the gateway template only fills in that container`,
          fix: 'declare a container {name: istio-proxy, image: auto}',
        });
      } else if (asString(asRecord(containers[proxyIdx]).image) !== 'auto') {
        ctx.report({
          object: o,
          path: `${specBase}.containers[${proxyIdx}].image`,
          message: `injected gateway ${o.name} pins istio-proxy image ${q(asRecord(containers[proxyIdx]).image)}; it should be "auto" so the injector sets the proxy image of the control plane`,
          fix: 'set image: auto',
        });
      }
    }
  },
});

export const IOP_NS_001 = defineRule({
  id: 'IOP-NS-001',
  severity: Severity.ERROR,
  summary: 'Gateway component namespace must exist (istioctl only creates its install namespace); checked when the input declares Namespaces',
  needsContext: true,
  check(ctx) {
    if (ctx.index.ofKind('Namespace').length === 0) return;
    for (const iop of ownIops(ctx.index)) {
      const own = installNamespace(iop);
      for (const c of componentsOf(iop)) {
        if (c.implied || !c.active || !c.explicitNamespace || c.explicitNamespace === own) continue;
        if (ctx.index.hasNamespaceObject(c.explicitNamespace)) continue;
        ctx.report({
          object: iop,
          path: `${c.path}.namespace`,
          message: `gateway ${q(c.name)} goes to namespace ${q(c.explicitNamespace)}, which is not declared; istioctl only creates ${q(own)} and the install fails`,
          fix: `add a Namespace ${q(c.explicitNamespace)} (applied before istioctl install), or install the gateway into ${q(own)}`,
        });
      }
    }
  },
});

const OTP_MODES = new Set(['ALLOW_ANY', 'REGISTRY_ONLY']);

export const MESH_OTP_001 = defineRule({
  id: 'MESH-OTP-001',
  severity: Severity.ERROR,
  summary: 'outboundTrafficPolicy.mode is ALLOW_ANY or REGISTRY_ONLY; a Sidecar policy without mode means REGISTRY_ONLY',
  check(ctx) {
    for (const src of outboundPolicySources(ctx.index)) {
      if (typeof src.mode === 'string' && OTP_MODES.has(src.mode)) continue;
      ctx.report({
        object: src.object,
        path: src.path,
        message: `outboundTrafficPolicy.mode ${q(src.mode)} is not ALLOW_ANY or REGISTRY_ONLY${src.path === 'data.mesh' ? ' (in the mesh config)' : ''}; istiod rejects the mesh config`,
        fix: 'use ALLOW_ANY (default: unknown hosts go to PassthroughCluster) or REGISTRY_ONLY (unknown hosts go to BlackHoleCluster), in upper case',
      });
    }
    for (const sc of ctx.index.ofKind('Sidecar')) {
      if (sc.group !== 'networking.istio.io' || !('outboundTrafficPolicy' in sc.spec)) continue;
      const otp = sc.spec.outboundTrafficPolicy;
      const mode = asRecord(otp).mode;
      if (mode === undefined || mode === null || mode === '') {
        ctx.report({
          object: sc,
          path: 'spec.outboundTrafficPolicy.mode',
          severity: Severity.WARNING,
          message: 'sidecar outboundTrafficPolicy has no mode, which means REGISTRY_ONLY (the API default), not the mesh default ALLOW_ANY',
          fix: 'set mode explicitly: REGISTRY_ONLY or ALLOW_ANY',
        });
      } else if (typeof mode !== 'string' || !OTP_MODES.has(mode)) {
        ctx.report({
          object: sc,
          path: 'spec.outboundTrafficPolicy.mode',
          message: `sidecar outboundTrafficPolicy.mode ${q(mode)} is not ALLOW_ANY or REGISTRY_ONLY`,
          fix: 'use ALLOW_ANY or REGISTRY_ONLY, in upper case',
        });
      }
    }
  },
});

const FILTER_ENV = 'PILOT_FILTER_GATEWAY_CLUSTER_CONFIG';
const truthy = (v: unknown) => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');

export const MESH_FILT_001 = defineRule({
  id: 'MESH-FILT-001',
  severity: Severity.WARNING,
  summary: 'PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: gateways only get clusters for destinations of their bound VirtualServices',
  check(ctx) {
    const sources: { object: IndexedObject; path: string }[] = [];
    for (const iop of allIops(ctx.index)) {
      if (!installsIstiod(iop)) continue;
      if (truthy(asRecord(asRecord(asRecord(iop.spec.values).pilot).env)[FILTER_ENV])) sources.push({ object: iop, path: `spec.values.pilot.env.${FILTER_ENV}` });
      asArray(asRecord(asRecord(asRecord(iop.spec.components).pilot).k8s).env).forEach((e, i) => {
        if (asRecord(e).name === FILTER_ENV && truthy(asRecord(e).value)) sources.push({ object: iop, path: `spec.components.pilot.k8s.env[${i}].value` });
      });
    }
    for (const d of ctx.index.ofKind('Deployment')) {
      if (d.name !== 'istiod' && !d.name.startsWith('istiod-')) continue;
      asArray(asRecord(asRecord(d.spec.template).spec).containers).forEach((c, ci) => {
        asArray(asRecord(c).env).forEach((e, i) => {
          if (asRecord(e).name === FILTER_ENV && truthy(asRecord(e).value)) sources.push({ object: d, path: `spec.template.spec.containers[${ci}].env[${i}].value` });
        });
      });
    }
    const filters = ctx.index.ofKind('EnvoyFilter').length;
    for (const s of sources) {
      ctx.report({
        object: s.object,
        path: s.path,
        message: `istiod env ${FILTER_ENV}=true (experimental): each gateway only gets clusters for the destinations of the VirtualServices bound to it (plus extension providers; AUTO_PASSTHROUGH servers are exempt); any other route to a service${filters > 0 ? ` — e.g. added by the ${filters} EnvoyFilter(s) in the input —` : ''} fails with 503 NC (no cluster)`,
        fix: 'keep it only if every gateway route comes from a bound VirtualService; route EnvoyFilter/ext-authz targets through a VirtualService or register them as extension providers',
      });
    }
  },
});

export const ISTIO_OPERATOR_RULES: readonly Rule[] = [
  IOP_CTRL_001, IOP_NAME_001, IOP_LBL_001, IOP_OWN_001, IOP_PORT_001, IOP_PORT_002, IOP_REPL_001, IOP_MESH_001,
  IOP_INJ_001, IOP_NS_001, MESH_OTP_001, MESH_FILT_001,
];
