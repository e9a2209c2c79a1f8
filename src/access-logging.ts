import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Telemetry as TelemetryL1, TelemetrySpec, toJson_TelemetrySpec } from '../imports/telemetry.istio.io';
import { installChecks } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import { AutomatedGatewayWorkload } from './gateway-api/automated-workload';
import { IGatewayWorkload } from './gateway-workload';
import { l1Props } from './internal/l1-props';
import { validateDnsLabel } from './internal/validate';

/** Props of {@link AccessLogging}. */
export interface AccessLoggingProps {
  /** The gateway workload whose Envoy access logs are turned on (its labels become the Telemetry selector). */
  readonly workload: IGatewayWorkload;
  /**
   * CEL expression that selects the requests to log, e.g. `response.code >= 400`.
   * @default - every request is logged
   */
  readonly filter?: string;
  /**
   * Access log provider: the built-in `envoy` (stdout of the gateway pods) or an extension provider of meshConfig.
   * @default 'envoy'
   */
  readonly provider?: string;
  /**
   * metadata.name of the Telemetry.
   * @default - generated from the construct path
   */
  readonly name?: string;
}

/**
 * Envoy access logs for one gateway workload only: a Telemetry (telemetry.istio.io/v1) in the workload's
 * namespace whose selector is the workload's labels and whose provider is `envoy`, optionally filtered by a CEL
 * expression.
 *
 * A Telemetry with a selector only matches pods in its own namespace, so the object is always placed in the
 * workload's namespace, whatever the chart's namespace. It replaces `meshConfig.accessLogFile` for the pods it
 * selects; use one AccessLogging per workload (two Telemetries selecting the same pods conflict, IST0159).
 *
 * @example
 * new AccessLogging(chart, 'ingress-logs', {
 *   workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'),
 *   filter: 'response.code >= 400',
 * });
 *
 * @see https://istio.io/latest/docs/tasks/observability/logs/access-log/
 * @see https://istio.io/latest/docs/reference/config/telemetry/
 */
export class AccessLogging extends Construct {
  /** metadata.name of the Telemetry. */
  public readonly name: string;
  /** Namespace of the Telemetry (the workload's). */
  public readonly namespace: string;
  /** The Telemetry object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: AccessLoggingProps) {
    super(scope, id);
    installChecks(this);
    if (!props || !props.workload) {
      throw new IstioGatewaysError(this, 'workload: access logging needs the gateway workload to log, e.g. GatewayWorkload.istioIngressGateway(this, "ingress")');
    }
    const selector = props.workload.selector;
    if (!selector || Object.keys(selector).length === 0) {
      throw new IstioGatewaysError(this, `workload: ${props.workload.node.path} has no labels, so the Telemetry would apply to every pod of its namespace; use a workload with a selector`);
    }
    const filter = props.filter;
    if (filter !== undefined && filter.trim() === '') {
      throw new IstioGatewaysError(this, `filter: "${filter}" is an empty CEL expression; give one such as response.code >= 400, or omit filter to log every request`);
    }
    const provider = props.provider ?? 'envoy';
    if (typeof provider !== 'string' || provider.trim() === '') {
      throw new IstioGatewaysError(this, `provider: "${String(provider)}" is not a provider name; use "envoy" or the name of a meshConfig extensionProvider`);
    }
    if (props.name !== undefined) validateDnsLabel(this, 'name', props.name);
    this.namespace = props.workload.namespace;
    // pods Istio deploys for a Gateway API Gateway are targeted through the Gateway, not their labels
    const gatewayApi = props.workload instanceof AutomatedGatewayWorkload ? props.workload : undefined;
    const spec: TelemetrySpec = {
      selector: gatewayApi ? undefined : { matchLabels: { ...selector } },
      targetRefs: gatewayApi ? [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gatewayApi.gatewayName }] : undefined,
      accessLogging: [{
        providers: [{ name: provider }],
        filter: filter !== undefined ? { expression: filter } : undefined,
      }],
    };
    this.apiObject = new ApiObject(this, 'Resource', l1Props(TelemetryL1.GVK, {
      metadata: props.name !== undefined ? { name: props.name, namespace: this.namespace } : { namespace: this.namespace },
      spec: Lazy.any({ produce: () => toJson_TelemetrySpec(spec) }),
    }));
    this.name = this.apiObject.name;
  }
}
