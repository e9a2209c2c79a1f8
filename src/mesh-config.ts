import { OutboundTrafficPolicyMode } from './istio-operator';

/** Props of {@link MeshConfig}. */
export interface MeshConfigProps {
  /**
   * What sidecars do with traffic to hosts outside the service registry (`outboundTrafficPolicy.mode`).
   * @default OutboundTrafficPolicyMode.ALLOW_ANY
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;
  /**
   * The mesh's root namespace (`rootNamespace`): where mesh-wide defaults (e.g. Telemetry) live.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * Mesh-wide access log path (`accessLogFile`), e.g. `/dev/stdout`.
   * @default - no mesh-wide access log
   */
  readonly accessLogFile?: string;
  /**
   * Namespaces Services and ServiceEntries without `exportTo` are visible in (`defaultServiceExportTo`).
   * @default ['*']
   */
  readonly defaultServiceExportTo?: string[];
  /**
   * Namespaces VirtualServices without `exportTo` are visible in (`defaultVirtualServiceExportTo`).
   * @default ['*']
   */
  readonly defaultVirtualServiceExportTo?: string[];
  /**
   * Namespaces DestinationRules without `exportTo` are visible in (`defaultDestinationRuleExportTo`).
   * @default ['*']
   */
  readonly defaultDestinationRuleExportTo?: string[];
  /**
   * istiod runs with `PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true`: a Gateway only selects gateway pods in its own namespace.
   * @default false
   */
  readonly scopeGatewayToNamespace?: boolean;
  /**
   * istiod runs with `PILOT_FILTER_GATEWAY_CLUSTER_CONFIG=true`: gateways only get the clusters their routes use.
   * @default false
   */
  readonly filterGatewayClusterConfig?: boolean;
}

/**
 * The mesh configuration the gateways run under, typed: the fields of the `mesh` key of the `istio` ConfigMap and the
 * istiod environment variables the synth-time checks depend on. Unset fields keep what the App declares (e.g. an
 * IstioOperator) or Istio's defaults.
 *
 * @example
 * new MeshConfig({ outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY, scopeGatewayToNamespace: true });
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/
 * @see https://istio.io/latest/docs/reference/commands/pilot-discovery/#envvars
 */
export class MeshConfig {
  constructor(private readonly props: MeshConfigProps = {}) {}

  /**
   * The settings in the shape the rule engine reads (MeshConfig keys, istiod env under `pilotEnv`).
   * @internal
   */
  public _toCheckSettings(): { [key: string]: unknown } {
    const p = this.props;
    const out: { [key: string]: unknown } = {};
    if (p.outboundTrafficPolicy !== undefined) out.outboundTrafficPolicy = { mode: p.outboundTrafficPolicy };
    if (p.rootNamespace !== undefined) out.rootNamespace = p.rootNamespace;
    if (p.accessLogFile !== undefined) out.accessLogFile = p.accessLogFile;
    if (p.defaultServiceExportTo !== undefined) out.defaultServiceExportTo = [...p.defaultServiceExportTo];
    if (p.defaultVirtualServiceExportTo !== undefined) out.defaultVirtualServiceExportTo = [...p.defaultVirtualServiceExportTo];
    if (p.defaultDestinationRuleExportTo !== undefined) out.defaultDestinationRuleExportTo = [...p.defaultDestinationRuleExportTo];
    const env: { [key: string]: string } = {};
    if (p.scopeGatewayToNamespace !== undefined) env.PILOT_SCOPE_GATEWAY_TO_NAMESPACE = String(p.scopeGatewayToNamespace);
    if (p.filterGatewayClusterConfig !== undefined) env.PILOT_FILTER_GATEWAY_CLUSTER_CONFIG = String(p.filterGatewayClusterConfig);
    if (Object.keys(env).length > 0) out.pilotEnv = env;
    return out;
  }
}
