import { IConstruct } from 'constructs';
import { Finding } from './check/findings';
import { WARNING_METADATA, addSuppression, configureChecks, currentFindings } from './check/synth-hook';
import { MeshConfig } from './mesh-config';

/** What to assume about the cluster when no gateway workload is declared (no IngressGateway/GatewayWorkload context). */
export enum AssumeInstall {
  /** `istioctl install --set profile=demo`: default ingress and egress gateways in istio-system. */
  DEMO = 'demo',
  /** `istioctl install` (profile default): the default ingress gateway only. */
  DEFAULT = 'default',
  /** Nothing: Gateways select no workload unless one is declared. */
  NONE = 'none',
}

/**
 * Receives the warning findings of the synth-time checks (instead of stderr), e.g. to collect them in a test or to
 * forward them to a logger. Implement it in any jsii language.
 */
export interface IWarningSink {
  /**
   * Called during validation with the warnings of the App, once per distinct set of warnings (a repeated synth of an
   * unchanged App does not call it again).
   *
   * @param warnings the warning findings, sorted (severity, resource, path, rule)
   * @param text the same warnings as the lines that would have been printed to stderr
   */
  warn(warnings: Finding[], text: string): void;
}

/** App-wide options of the synth-time checks. */
export interface ChecksOptions {
  /**
   * Fail synth on warnings too.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Turn the checks off for this App (benchmarks, or as a last resort).
   * @default false
   */
  readonly disabled?: boolean;
  /**
   * The mesh configuration the gateways run under (the `mesh` key of the `istio` ConfigMap and the istiod
   * environment variables the checks depend on), e.g.
   * `new MeshConfig({ outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY })`.
   * @default - Istio defaults, or what an IstioOperator in the App declares
   * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/
   */
  readonly meshConfig?: MeshConfig;
  /**
   * What to assume when no gateway workload is declared.
   * @default AssumeInstall.DEMO
   */
  readonly assumeInstall?: AssumeInstall;
  /**
   * Rule IDs not to run anywhere in the App (prefer `Checks.suppress` with a reason on one construct).
   * @default - all rules run
   */
  readonly disabledRules?: string[];
  /**
   * Receives warnings instead of stderr. Whatever the sink, each warning is also recorded as construct metadata
   * (type `Checks.WARNING_METADATA`) on the construct it is attributed to (see `Checks.warningsOf`).
   * @default - warnings are printed to stderr
   */
  readonly warningSink?: IWarningSink;
}

/**
 * Controls the Istio checks that run on every synth of the App.
 *
 * Errors fail synth with the rule ID, the object, the field and the construct path; warnings are printed.
 * @see https://github.com/cdk8s-istio-gateways/cdk8s-istio-gateways#rules
 */
export class Checks {
  /** Construct metadata type of the warnings recorded on constructs (`node.metadata`, entry data is the message). */
  public static readonly WARNING_METADATA: string = WARNING_METADATA;

  /**
   * Suppresses one rule on every Kubernetes object under `scope`, with a reason that is written into the
   * `checks.cdk8s-istio-gateways.io/suppress` annotation (visible to reviewers in the YAML).
   *
   * Annotation format (also for hand-written YAML checked by the CLI): one `RULE-ID: reason` per line; only newlines
   * separate entries, so a reason may contain `;`, `:` and commas. Whitespace in `reason` (newlines included) is
   * collapsed to single spaces so the reason stays on its line.
   *
   * @param scope construct whose objects the suppression applies to (also objects added later)
   * @param ruleId rule ID such as `GWX-DUP-002`
   * @param reason why the finding is acceptable (required, non-empty)
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    addSuppression(scope, ruleId, reason);
  }

  /** Sets App-wide options (merged with earlier calls). */
  public static configure(scope: IConstruct, options: ChecksOptions): void {
    configureChecks(scope, {
      strict: options.strict,
      disabled: options.disabled,
      meshConfig: options.meshConfig?._toCheckSettings(),
      assumeInstall: options.assumeInstall === undefined ? undefined : (`${options.assumeInstall}` as 'demo' | 'default' | 'none'),
      disabledRules: options.disabledRules,
      warningSink: options.warningSink,
    });
  }

  /** The findings of the App that contains `scope`, as of its current state (the same as the next synth reports). */
  public static findings(scope: IConstruct): Finding[] {
    return currentFindings(scope);
  }

  /**
   * The warnings recorded on `scope` itself by past synths (construct metadata of type `Checks.WARNING_METADATA`),
   * each as `<rule> (<code>) <kind> <ns>/<name> <path>: <message> — fix: <fix>`.
   */
  public static warningsOf(scope: IConstruct): string[] {
    return scope.node.metadata.filter((m) => m.type === WARNING_METADATA).map((m) => String(m.data));
  }

  private constructor() {}
}
