/**
 * Manifest builders for rule tests. Every builder returns a plain object exactly as it would appear in YAML, with an
 * explicit namespace, so tests read like the manifests they check.
 *
 *   const gw = gateway('web', { servers: [server(80, 'HTTP', ['a.example.com'])] });
 *   const f = check([gw, vs('web', ['a.example.com'], { gateways: ['istio-system/web'] })]);
 *   expect(only(f, 'GWX-VS-001')).toEqual([]);
 *
 * Defaults: Istio objects live in `istio-system` (Gateways) or `default`; the gateway selector is
 * `istio: ingressgateway`, which the assumed istioctl install (see MeshIndex `assumeInstall`) provides.
 */
import { analyze, AnalyzeOptions } from '../../src/check/analyze';
import { Finding } from '../../src/check/findings';
import { KubeObject } from '../../src/check/model';

export type Obj = Record<string, unknown>;

/** Common metadata options. */
export interface MetaOptions {
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** ISO timestamp; objects with older timestamps win Istio's oldest-first merges. */
  readonly creationTimestamp?: string;
}

function metadata(name: string, defaultNs: string | undefined, o: MetaOptions = {}): Obj {
  const m: Obj = { name };
  const ns = o.namespace ?? defaultNs;
  if (ns !== undefined) m.namespace = ns;
  if (o.labels) m.labels = o.labels;
  if (o.annotations) m.annotations = o.annotations;
  if (o.creationTimestamp) m.creationTimestamp = o.creationTimestamp;
  return m;
}

/** A Gateway server: `server(443, 'HTTPS', ['a.com'], { tls: { mode: 'SIMPLE', credentialName: 'a' } })`. */
export function server(port: number, protocol: string, hosts: string[], extra: Obj = {}): Obj {
  return { port: { number: port, protocol, name: `${protocol.toLowerCase()}-${port}` }, hosts, ...extra };
}

/** networking.istio.io/v1 Gateway in istio-system with selector `istio: ingressgateway` unless given. */
export function gateway(name: string, spec: { selector?: Record<string, string>; servers?: unknown } & Obj, o: MetaOptions = {}): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: metadata(name, 'istio-system', o),
    spec: { selector: { istio: 'ingressgateway' }, ...spec },
  };
}

/** networking.istio.io/v1 VirtualService in `default` with one catch-all HTTP route to `backend` unless `spec` says otherwise. */
export function vs(name: string, hosts: string[], spec: Obj = {}, o: MetaOptions = {}): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: metadata(name, 'default', o),
    spec: { hosts, http: [{ route: [{ destination: { host: 'backend' } }] }], ...spec },
  };
}

/** A Service port: `{ port, targetPort?, name?, protocol? }`. */
export interface PortSpec {
  readonly port: number;
  readonly targetPort?: number | string;
  readonly name?: string;
  readonly protocol?: string;
  readonly nodePort?: number;
}

/** v1 Service. */
export function service(name: string, spec: { selector?: Record<string, string>; type?: string; ports: PortSpec[] }, o: MetaOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(name, 'default', o),
    spec: {
      ...(spec.type ? { type: spec.type } : {}),
      ...(spec.selector ? { selector: spec.selector } : {}),
      ports: spec.ports.map((p) => ({ name: p.name ?? `p-${p.port}`, ...p })),
    },
  };
}

/** apps/v1 Deployment whose pod template carries `labels`; options add env, image, annotations, container ports. */
export function deployment(
  name: string,
  spec: {
    labels: Record<string, string>;
    env?: Record<string, string>;
    image?: string;
    podAnnotations?: Record<string, string>;
    /** Extra pod-template labels (not part of the selector). */
    podLabels?: Record<string, string>;
    containerPorts?: { name: string; containerPort: number }[];
  },
  o: MetaOptions = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(name, 'default', o),
    spec: {
      selector: { matchLabels: spec.labels },
      template: {
        metadata: { labels: { ...spec.labels, ...spec.podLabels }, ...(spec.podAnnotations ? { annotations: spec.podAnnotations } : {}) },
        spec: {
          containers: [{
            name: 'istio-proxy',
            image: spec.image ?? 'auto',
            ...(spec.env ? { env: Object.entries(spec.env).map(([k, v]) => ({ name: k, value: v })) } : {}),
            ...(spec.containerPorts ? { ports: spec.containerPorts } : {}),
          }],
        },
      },
    },
  };
}

/**
 * An injected gateway as the Helm `gateway` chart / GatewayWorkload deploys it: Deployment (privileged ports OK) +
 * LoadBalancer Service 80→80, 443→443 (override with `ports`).
 */
export function injectedGateway(name: string, ns: string, labels: Record<string, string>, ports?: PortSpec[], type = 'LoadBalancer'): KubeObject[] {
  return [
    deployment(name, {
      labels, podLabels: { 'sidecar.istio.io/inject': 'true' }, podAnnotations: { 'inject.istio.io/templates': 'gateway' },
    }, { namespace: ns }),
    service(name, { selector: labels, type, ports: ports ?? [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] }, { namespace: ns }),
  ];
}

/** The istioctl-default ingress gateway as manifests (unprivileged Deployment + LoadBalancer 15021, 80→8080, 443→8443). */
export function istioctlIngress(ns = 'istio-system'): KubeObject[] {
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  return [
    deployment('istio-ingressgateway', { labels, image: 'docker.io/istio/proxyv2:1.24.0', env: { ISTIO_META_UNPRIVILEGED_POD: 'true' } }, { namespace: ns }),
    service('istio-ingressgateway', {
      selector: labels,
      type: 'LoadBalancer',
      ports: [{ port: 15021, name: 'status-port' }, { port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }],
    }, { namespace: ns }),
  ];
}

/** install.istio.io/v1alpha1 IstioOperator. */
export function istioOperator(name: string, spec: Obj, o: MetaOptions = {}): KubeObject {
  return { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: metadata(name, 'istio-system', o), spec };
}

/** networking.istio.io/v1 ServiceEntry. */
export function serviceEntry(name: string, spec: Obj, o: MetaOptions = {}): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: metadata(name, 'default', o), spec };
}

/** networking.istio.io/v1 DestinationRule. */
export function destinationRule(name: string, spec: Obj, o: MetaOptions = {}): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: metadata(name, 'default', o), spec };
}

/** v1 Secret with string data (base64-encoded here). */
export function secret(name: string, data: Record<string, string>, o: MetaOptions & { type?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(name, 'istio-system', o),
    type: o.type ?? 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** v1 Namespace. */
export function namespace(name: string, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(name, undefined, { labels }) };
}

/** telemetry.istio.io/v1 Telemetry. */
export function telemetry(name: string, spec: Obj, o: MetaOptions = {}): KubeObject {
  return { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: metadata(name, 'istio-system', o), spec };
}

/** analyze() with a fixed clock (2026-01-01) so certificate tests are stable. */
export function check(manifests: KubeObject[], options: AnalyzeOptions = {}): Finding[] {
  return analyze(manifests, { now: new Date('2026-01-01T00:00:00Z'), ...options });
}

/** Findings of one rule. */
export function only(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

/** Compact `{rule, code, name, path}` views for toEqual assertions. */
export function brief(findings: Finding[]): { rule: string; code?: string; kind: string; name: string; path: string }[] {
  return findings.map((f) => ({ rule: f.rule, ...(f.code ? { code: f.code } : {}), kind: f.resource.kind, name: f.resource.name, path: f.path }));
}

/** ISO timestamp `minutes` after a fixed epoch, for ordering Gateways oldest-first. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, minutes)).toISOString();
}
