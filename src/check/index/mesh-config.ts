/**
 * Mesh-wide settings (MeshConfig and istiod environment) as the input declares them: the `istio` ConfigMap, the
 * istiod Deployment env, an IstioOperator that installs istiod, then explicit options.
 */
import { asArray, asRecord, asString, asStringMap, isRecord } from '../model';
import type { ObjectStore } from './objects';
import { readYamlValue } from '../yaml';

/** Mesh-wide settings (meshConfig + istiod env) the rules depend on. */
export interface MeshSettings {
  /** `ALLOW_ANY` (default) or `REGISTRY_ONLY` (or whatever the input says, upper-cased). */
  readonly outboundTrafficPolicyMode: string;
  /** istiod env PILOT_SCOPE_GATEWAY_TO_NAMESPACE. */
  readonly scopeGatewayToNamespace: boolean;
  /** istiod env PILOT_FILTER_GATEWAY_CLUSTER_CONFIG. */
  readonly filterGatewayClusterConfig: boolean;
  /** meshConfig.rootNamespace, default istio-system. */
  readonly rootNamespace: string;
  /** meshConfig.accessLogFile, if set. */
  readonly accessLogFile?: string;
  /** The merged raw MeshConfig. */
  readonly raw: Record<string, unknown>;
}

/** Environment variables of a container spec (literal values only). */
export function containerEnv(c: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of asArray(asRecord(c).env)) {
    const r = asRecord(e);
    const name = asString(r.name);
    const value = r.value;
    if (name && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) out[name] = String(value);
  }
  return out;
}

/** Reads the mesh settings from the input; `explicit` (MeshConfig plus `pilotEnv`) wins. */
export function readMeshSettings(store: ObjectStore, explicit: Record<string, unknown> | undefined): MeshSettings {
  let raw: Record<string, unknown> = {};
  let env: Record<string, string> = {};
  // 1. the `istio` ConfigMap (key `mesh`, YAML)
  for (const cm of store.ofKind('ConfigMap')) {
    if (cm.group !== '' || (cm.name !== 'istio' && !cm.name.startsWith('istio-'))) continue;
    const mesh = asString(asRecord(cm.raw.data).mesh);
    if (!mesh) continue;
    try {
      const parsed: unknown = readYamlValue(mesh, 'ConfigMap istio data.mesh');
      if (isRecord(parsed)) raw = { ...raw, ...parsed };
    } catch {
      // malformed mesh config: ignored (a ConfigMap rule may report it)
    }
  }
  // 2. istiod Deployment env
  for (const d of store.ofKind('Deployment')) {
    if (d.name !== 'istiod' && !d.name.startsWith('istiod-')) continue;
    for (const c of asArray(asRecord(asRecord(d.spec.template).spec).containers)) env = { ...env, ...containerEnv(c) };
  }
  // 3. IstioOperator installing istiod (profile not `empty`, or pilot enabled)
  for (const iop of store.ofKind('IstioOperator')) {
    if (iop.group !== 'install.istio.io') continue;
    const profile = asString(iop.spec.profile) ?? 'default';
    const pilot = asRecord(asRecord(iop.spec.components).pilot);
    const installsIstiod = pilot.enabled === true || (profile !== 'empty' && pilot.enabled !== false);
    if (!installsIstiod) continue;
    if (isRecord(iop.spec.meshConfig)) raw = { ...raw, ...iop.spec.meshConfig };
    env = { ...env, ...asStringMap(asRecord(asRecord(asRecord(iop.spec.values).pilot).env)) };
  }
  // 4. explicit options win
  if (explicit) {
    const { pilotEnv, ...rest } = explicit;
    raw = { ...raw, ...rest };
    env = { ...env, ...asStringMap(pilotEnv) };
  }
  const truthy = (v: string | undefined) => v !== undefined && v.toLowerCase() === 'true';
  return {
    outboundTrafficPolicyMode: (asString(asRecord(raw.outboundTrafficPolicy).mode) ?? 'ALLOW_ANY').toUpperCase(),
    scopeGatewayToNamespace: truthy(env.PILOT_SCOPE_GATEWAY_TO_NAMESPACE),
    filterGatewayClusterConfig: truthy(env.PILOT_FILTER_GATEWAY_CLUSTER_CONFIG),
    rootNamespace: asString(raw.rootNamespace) ?? 'istio-system',
    accessLogFile: asString(raw.accessLogFile),
    raw,
  };
}
