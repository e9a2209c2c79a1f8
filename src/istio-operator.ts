import { ApiObject, App, Chart, Lazy, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioGatewaysError } from './errors';
import { GatewayRole, GatewayServicePort, GatewayServiceType, IGatewayWorkload } from './gateway-workload';
import { defaultPortName, validateDnsLabel, validatePort } from './internal/validate';

/** `istioctl` installation profiles (`spec.profile`). */
export enum IstioProfile {
  /** Production defaults: istiod and the `istio-ingressgateway`. */
  DEFAULT = 'default',
  /** Evaluation: istiod, ingress and egress gateways, extra ports (31400, 15443) on the ingress Service. */
  DEMO = 'demo',
  /** istiod only. */
  MINIMAL = 'minimal',
  /** Nothing: the base for a gateway-only IstioOperator (no istiod, so no meshConfig). */
  EMPTY = 'empty',
}

/** What sidecars do with traffic to hosts that are not in the service registry (`meshConfig.outboundTrafficPolicy.mode`). */
export enum OutboundTrafficPolicyMode {
  /** Let unknown hosts through (PassthroughCluster); Istio's default. */
  ALLOW_ANY = 'ALLOW_ANY',
  /** Block hosts without a ServiceEntry (BlackHoleCluster: HTTP 502, TCP reset). Not a security boundary on its own. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
}

/** Props of {@link IstioOperator}. */
export interface IstioOperatorProps {
  /**
   * metadata.name of the IstioOperator. Required and distinct per install (control plane, each gateway-only
   * install): `istioctl install` prunes the objects of an install with the same name that its manifest lacks
   * (IOP-OWN-001).
   */
  readonly name: string;
  /**
   * metadata.namespace: where istioctl installs, and the default namespace of the gateway components.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /** @default IstioProfile.DEFAULT */
  readonly profile?: IstioProfile;
  /**
   * Control plane revision (`spec.revision`).
   * @default - no revision
   */
  readonly revision?: string;
  /**
   * `meshConfig.outboundTrafficPolicy.mode`. Not allowed with `IstioProfile.EMPTY` (no istiod reads it).
   * @default - Istio's default, ALLOW_ANY (not rendered)
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;
  /**
   * `meshConfig.accessLogFile`: mesh-wide Envoy access logs, e.g. `/dev/stdout`. Not allowed with
   * `IstioProfile.EMPTY`. For one gateway only, prefer {@link AccessLogging} (a Telemetry object).
   * @default - no mesh-wide access log
   */
  readonly accessLogFile?: string;
  /**
   * Sets istiod's `PILOT_FILTER_GATEWAY_CLUSTER_CONFIG` (`values.pilot.env`): gateways only get clusters for
   * the destinations of the VirtualServices bound to them. Experimental. Not allowed with `IstioProfile.EMPTY`.
   * @default - not set (istiod's default: false)
   */
  readonly filterGatewayClusterConfig?: boolean;
  /**
   * Run the gateway pods as root (`values.gateways.istio-ingressgateway.runAsRoot` and
   * `istio-egressgateway.runAsRoot`), which allows Service targetPorts below 1024.
   * @default false
   */
  readonly gatewaysRunAsRoot?: boolean;
}

/** Options for {@link IstioOperator.enableIngressGateway} / {@link IstioOperator.enableEgressGateway}. */
export interface DefaultGatewayComponentOptions {
  /**
   * Service ports (`k8s.service.ports`). The list replaces the profile's ports; for the ingress gateway the
   * status port 15021 is added when missing (load balancer health checks need it). targetPorts must be ≥ 1024
   * unless `gatewaysRunAsRoot`.
   * @default - the profile's ports (ingress 15021, 80→8080, 443→8443, plus 31400 and 15443 in the demo profile;
   * egress 80→8080, 443→8443), not rendered
   */
  readonly ports?: GatewayServicePort[];
}

/** Options for {@link IstioOperator.addIngressGateway} / {@link IstioOperator.addEgressGateway}. */
export interface IstioOperatorGatewayOptions {
  /**
   * Component name: the gateway's Deployment and Service name. Must not be `istio-ingressgateway` or
   * `istio-egressgateway` (the control plane install owns those) and must be unique in the IstioOperator.
   */
  readonly name: string;
  /**
   * Namespace of the gateway. istioctl creates only the IstioOperator's own namespace: create this one elsewhere.
   * @default - the IstioOperator's namespace
   */
  readonly namespace?: string;
  /**
   * Pod labels, merged over the defaults (`app: istio-ingressgateway, istio: ingressgateway`). Must set a distinct
   * `istio` label, or Gateways for the default gateway would select these pods too.
   * @default { istio: <name> }
   */
  readonly label?: { [key: string]: string };
  /**
   * Service ports (`k8s.service.ports`, which replaces the default list). For ingress gateways the status port
   * 15021 is added when missing. targetPorts must be ≥ 1024 unless `gatewaysRunAsRoot`.
   * @default - 80→8080 and 443→8443 (plus 15021 for ingress)
   */
  readonly ports?: GatewayServicePort[];
  /**
   * Service type (`k8s.service.type`).
   * @default - LoadBalancer for ingress, ClusterIP for egress (not rendered)
   */
  readonly serviceType?: GatewayServiceType;
}

/* Wire format of the parts of install.istio.io/v1alpha1 IstioOperator this construct sets (no CRD is vendored). */
interface IopServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: string;
}
interface IopGatewayComponent {
  readonly name: string;
  readonly namespace?: string;
  readonly enabled: boolean;
  readonly label?: { [key: string]: string };
  readonly k8s?: { readonly service: { readonly type?: string; readonly ports?: IopServicePort[] } };
}
interface IopSpec {
  readonly profile: string;
  readonly revision?: string;
  readonly meshConfig?: {
    readonly accessLogFile?: string;
    readonly outboundTrafficPolicy?: { readonly mode: string };
  };
  readonly values?: {
    readonly pilot?: { readonly env: { [key: string]: string } };
    readonly gateways?: { [key: string]: { readonly runAsRoot: boolean } };
  };
  readonly components?: {
    readonly ingressGateways?: IopGatewayComponent[];
    readonly egressGateways?: IopGatewayComponent[];
  };
}

const DEFAULT_NAMES: Record<GatewayRole, string> = {
  [GatewayRole.INGRESS]: 'istio-ingressgateway',
  [GatewayRole.EGRESS]: 'istio-egressgateway',
};
const DEFAULT_LABELS: Record<GatewayRole, string> = {
  [GatewayRole.INGRESS]: 'ingressgateway',
  [GatewayRole.EGRESS]: 'egressgateway',
};
const STATUS_PORT: GatewayServicePort = { port: 15021, targetPort: 15021, name: 'status-port' };

interface WorkloadFacts {
  readonly selector: { [key: string]: string };
  readonly namespace: string;
  readonly serviceName: string;
  readonly role: GatewayRole;
  readonly ports: GatewayServicePort[];
}

/**
 * A gateway declared by this IstioOperator, as a Gateway sees it: the same facts as
 * `GatewayWorkload.fromInstalled`, but without registering a Deployment/Service as checker context — the checker
 * derives the gateway's Deployment and Service from the IstioOperator object itself, and a second copy would count
 * as a second workload with the same labels.
 */
class IstioOperatorGatewayWorkload extends Construct implements IGatewayWorkload {
  public readonly selector: { [key: string]: string };
  public readonly namespace: string;
  public readonly role: GatewayRole;
  public readonly serviceName: string;
  public readonly serviceFqdn: string;
  public readonly deployed = false;
  private readonly _ports: GatewayServicePort[];

  constructor(scope: Construct, id: string, facts: WorkloadFacts) {
    super(scope, id);
    this.selector = { ...facts.selector };
    this.namespace = facts.namespace;
    this.role = facts.role;
    this.serviceName = facts.serviceName;
    this.serviceFqdn = `${facts.serviceName}.${facts.namespace}.svc.cluster.local`;
    this._ports = facts.ports.map((p) => ({ ...p }));
  }

  public get ports(): GatewayServicePort[] {
    return this._ports.map((p) => ({ ...p }));
  }

  /** The IstioOperator's port list is fixed when the gateway is declared: reports whether `port` is in it. */
  public exposePort(port: number, _targetPort?: number): boolean {
    return this._ports.some((p) => p.port === port || (p.targetPort ?? p.port) === port);
  }
}

interface ComponentState {
  readonly role: GatewayRole;
  readonly component: IopGatewayComponent;
}

/**
 * An `IstioOperator` (install.istio.io/v1alpha1): the input of `istioctl install -f`, in a chart of its own.
 *
 * The in-cluster operator is gone (deprecated in 1.23, removed in 1.24): an IstioOperator applied with kubectl
 * or Argo CD does nothing (IOP-CTRL-001). This construct therefore *is* a Chart, so the object lands in its own
 * output: its own folder with `YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE` (recommended for Argo CD: one
 * Application per folder, none for this one), its own file `<id>.k8s.yaml` with `FILE_PER_CHART`. Synth fails if
 * anything else is added to the chart, or if the App writes one file per App or per resource in one folder (the
 * IstioOperator would be applied with the rest).
 *
 * It sets the mesh's outbound traffic policy, the mesh-wide access log, `PILOT_FILTER_GATEWAY_CLUSTER_CONFIG`,
 * the default gateways' ports, and extra ingress/egress gateways. Each gateway it declares is returned as an
 * {@link IGatewayWorkload} (labels, namespace, Service ports) that Gateways can bind to.
 *
 * @example
 * const iop = new IstioOperator(app, 'istio-install', {
 *   name: 'control-plane',
 *   outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
 *   accessLogFile: '/dev/stdout',
 * });
 * const egress = iop.enableEgressGateway('egress');
 *
 * @see https://istio.io/latest/docs/reference/config/istio.operator.v1alpha1/
 * @see https://istio.io/latest/docs/setup/install/istioctl/
 */
export class IstioOperator extends Chart {
  /** The IstioOperator object. */
  public readonly apiObject: ApiObject;
  /** metadata.name. */
  public readonly name: string;
  /** The installation profile. */
  public readonly profile: IstioProfile;
  private readonly iopNamespace: string;
  private readonly props: IstioOperatorProps;
  private readonly components: ComponentState[] = [];

  constructor(scope: Construct, id: string, props: IstioOperatorProps) {
    const namespace = props?.namespace ?? 'istio-system';
    super(scope, id, { namespace });
    this.props = props;
    this.iopNamespace = namespace;
    validateDnsLabel(this, 'namespace', namespace);
    if (!props || typeof props.name !== 'string' || props.name.length === 0) {
      throw new IstioGatewaysError(this, 'name: an IstioOperator needs a distinct metadata.name (e.g. "control-plane"), or istioctl install prunes the objects of other unnamed installs (IOP-OWN-001)');
    }
    validateDnsLabel(this, 'name', props.name);
    this.name = props.name;
    this.profile = props.profile ?? IstioProfile.DEFAULT;
    if (!Object.values(IstioProfile).includes(this.profile)) {
      throw new IstioGatewaysError(this, `profile: "${String(this.profile)}" is not an IstioProfile; use IstioProfile.DEFAULT, DEMO, MINIMAL or EMPTY`);
    }
    if (props.revision !== undefined) validateDnsLabel(this, 'revision', props.revision);
    if (props.outboundTrafficPolicy !== undefined && !Object.values(OutboundTrafficPolicyMode).includes(props.outboundTrafficPolicy)) {
      throw new IstioGatewaysError(this, `outboundTrafficPolicy: "${String(props.outboundTrafficPolicy)}" is not a mode; use OutboundTrafficPolicyMode.ALLOW_ANY or REGISTRY_ONLY`);
    }
    if (props.accessLogFile !== undefined && props.accessLogFile.trim() === '') {
      throw new IstioGatewaysError(this, 'accessLogFile: "" turns access logs off the same way as omitting it; give a path such as /dev/stdout or omit the prop');
    }
    if (this.profile === IstioProfile.EMPTY) {
      const meshProps = (['outboundTrafficPolicy', 'accessLogFile', 'filterGatewayClusterConfig'] as const).filter((k) => props[k] !== undefined);
      if (meshProps.length > 0) {
        throw new IstioGatewaysError(this, `${meshProps.join(', ')}: ${meshProps.length > 1 ? 'are' : 'is'} mesh (istiod) settings, which a profile "empty" install ignores because it deploys no istiod (IOP-MESH-001); set ${meshProps.length > 1 ? 'them' : 'it'} on the control plane's IstioOperator`);
      }
    }

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      metadata: { name: props.name, namespace },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.node.addValidation({
      validate: () => this.node.findAll()
        .filter((c) => c instanceof ApiObject && c !== this.apiObject)
        .map((c) => `${c.node.path}: an IstioOperator chart holds only the IstioOperator (an istioctl install -f input that Argo CD cannot apply); move this object to another chart`),
    });
    this.node.addValidation({ validate: () => this.outputLayoutErrors() });
  }

  /**
   * The IstioOperator must not land in a file or folder that Argo CD applies: with one file per App, or one file per
   * resource in one folder, it would be mixed with the manifests of the other charts.
   */
  private outputLayoutErrors(): string[] {
    let type: YamlOutputType | undefined;
    try {
      type = App.of(this).yamlOutputType;
    } catch {
      return [];
    }
    if (type !== YamlOutputType.FILE_PER_APP && type !== YamlOutputType.FILE_PER_RESOURCE) return [];
    return [`the App's yamlOutputType ${type} writes the IstioOperator (istioctl input) next to the manifests Argo CD applies; use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE (one folder per chart: point one Argo CD Application at each folder except this one) or FILE_PER_CHART`];
  }

  /**
   * Enables the control plane's `istio-ingressgateway` (optionally with its own Service ports) and returns it as
   * a gateway workload. Not with `IstioProfile.EMPTY`: a gateway-only install must not own the control plane's
   * gateway (IOP-OWN-001).
   */
  public enableIngressGateway(id: string, options: DefaultGatewayComponentOptions = {}): IGatewayWorkload {
    return this.enableDefault(id, GatewayRole.INGRESS, options);
  }

  /**
   * Enables the control plane's `istio-egressgateway` (optionally with its own Service ports) and returns it as
   * a gateway workload. Not with `IstioProfile.EMPTY`.
   */
  public enableEgressGateway(id: string, options: DefaultGatewayComponentOptions = {}): IGatewayWorkload {
    return this.enableDefault(id, GatewayRole.EGRESS, options);
  }

  /** Adds an extra ingress gateway (`components.ingressGateways`) and returns it as a gateway workload. */
  public addIngressGateway(id: string, options: IstioOperatorGatewayOptions): IGatewayWorkload {
    return this.addExtra(id, GatewayRole.INGRESS, options);
  }

  /** Adds an extra egress gateway (`components.egressGateways`) and returns it as a gateway workload. */
  public addEgressGateway(id: string, options: IstioOperatorGatewayOptions): IGatewayWorkload {
    return this.addExtra(id, GatewayRole.EGRESS, options);
  }

  private enableDefault(id: string, role: GatewayRole, options: DefaultGatewayComponentOptions): IGatewayWorkload {
    const name = DEFAULT_NAMES[role];
    if (this.profile === IstioProfile.EMPTY) {
      throw new IstioGatewaysError(this, `${name}: a profile "empty" install must not enable the control plane's ${name}; installing it twice lets each istioctl install prune the other's (IOP-OWN-001). Enable it on the control plane's IstioOperator, or use add${role === GatewayRole.INGRESS ? 'Ingress' : 'Egress'}Gateway with a distinct name`);
    }
    if (this.components.some((c) => c.component.name === name)) {
      throw new IstioGatewaysError(this, `${name}: is already enabled in this IstioOperator`);
    }
    const ports = options.ports !== undefined ? this.servicePorts(name, role, options.ports) : undefined;
    this.components.push({
      role,
      component: { name, enabled: true, k8s: ports ? { service: { ports: ports.map(toIopPort) } } : undefined },
    });
    return new IstioOperatorGatewayWorkload(this, id, {
      selector: { istio: DEFAULT_LABELS[role] },
      namespace: this.iopNamespace,
      serviceName: name,
      role,
      ports: ports ?? this.profilePorts(role),
    });
  }

  private addExtra(id: string, role: GatewayRole, options: IstioOperatorGatewayOptions): IGatewayWorkload {
    const name = options.name;
    validateDnsLabel(this, 'name', name);
    if (name === DEFAULT_NAMES[GatewayRole.INGRESS] || name === DEFAULT_NAMES[GatewayRole.EGRESS]) {
      throw new IstioGatewaysError(this, `name: "${name}" is the control plane's gateway; give the extra gateway its own name, e.g. "my-user-gateway" (IOP-NAME-001)`);
    }
    if (this.components.some((c) => c.component.name === name)) {
      throw new IstioGatewaysError(this, `name: "${name}" is already a gateway of this IstioOperator; gateway names must be unique (IOP-NAME-001)`);
    }
    const namespace = options.namespace ?? this.iopNamespace;
    validateDnsLabel(this, `${name}.namespace`, namespace);
    const label = options.label ?? { istio: name };
    const istio = label.istio;
    if (istio === undefined || istio === '') {
      throw new IstioGatewaysError(this, `${name}.label: ${JSON.stringify(label)} has no "istio" label, so the pods keep "istio: ${DEFAULT_LABELS[role]}" and the default gateway's Gateways select them too; add a distinct one, e.g. { istio: "${name}" } (IOP-LBL-001)`);
    }
    if (istio === DEFAULT_LABELS[GatewayRole.INGRESS] || istio === DEFAULT_LABELS[GatewayRole.EGRESS]) {
      throw new IstioGatewaysError(this, `${name}.label: istio: "${istio}" is the default gateway's label, so Gateways for either gateway would select both; use a distinct value, e.g. istio: "${name}" (IOP-LBL-001)`);
    }
    const dup = this.components.find((c) => c.component.label?.istio === istio);
    if (dup) {
      throw new IstioGatewaysError(this, `${name}.label: istio: "${istio}" is already the label of gateway "${dup.component.name}"; give each gateway its own istio label (IOP-LBL-001)`);
    }
    Object.entries(label).forEach(([k, v]) => {
      if (typeof v !== 'string' || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) || v.length > 63) {
        throw new IstioGatewaysError(this, `${name}.label: "${k}: ${String(v)}" is not a valid label value (at most 63 alphanumerics, '-', '_' or '.')`);
      }
    });
    const ports = this.servicePorts(name, role, options.ports ?? [{ port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }]);
    this.components.push({
      role,
      component: {
        name,
        namespace,
        enabled: true,
        label: { ...label },
        k8s: { service: { type: options.serviceType, ports: ports.map(toIopPort) } },
      },
    });
    return new IstioOperatorGatewayWorkload(this, id, { selector: { ...label }, namespace, serviceName: name, role, ports });
  }

  /** Validates a `k8s.service.ports` list and adds the status port for ingress gateways. */
  private servicePorts(component: string, role: GatewayRole, ports: GatewayServicePort[]): GatewayServicePort[] {
    if (!Array.isArray(ports) || ports.length === 0) {
      throw new IstioGatewaysError(this, `${component}.ports: an empty list would leave the gateway Service without ports; list them, e.g. [{ port: 80, targetPort: 8080 }]`);
    }
    const runAsRoot = this.props.gatewaysRunAsRoot ?? false;
    const seen = new Set<number>();
    const names = new Set<string>();
    const out: GatewayServicePort[] = [];
    ports.forEach((p, i) => {
      validatePort(this, `${component}.ports[${i}].port`, p.port);
      const targetPort = p.targetPort ?? p.port;
      validatePort(this, `${component}.ports[${i}].targetPort`, targetPort);
      if (seen.has(p.port)) {
        throw new IstioGatewaysError(this, `${component}.ports[${i}]: port ${p.port} is listed twice; list each Service port once`);
      }
      seen.add(p.port);
      if (targetPort < 1024 && !runAsRoot) {
        throw new IstioGatewaysError(this, `${component}.ports[${i}].targetPort: ${targetPort} is below 1024, where the unprivileged gateway pods cannot listen (IOP-PORT-002); use a targetPort ≥ 1024 (e.g. ${p.port} → ${targetPort + 8000}) or set gatewaysRunAsRoot: true`);
      }
      const name = p.name ?? defaultPortName(p.port);
      validateDnsLabel(this, `${component}.ports[${i}].name`, name);
      if (names.has(name)) {
        throw new IstioGatewaysError(this, `${component}.ports[${i}].name: "${name}" is used by two ports; give each port its own name`);
      }
      names.add(name);
      out.push({ port: p.port, targetPort, name });
    });
    if (role === GatewayRole.INGRESS && !seen.has(STATUS_PORT.port)) {
      if (names.has(STATUS_PORT.name!)) {
        throw new IstioGatewaysError(this, `${component}.ports: the name "status-port" is reserved for port 15021, which is added to every ingress gateway`);
      }
      out.push({ ...STATUS_PORT });
    }
    return out.sort((a, b) => a.port - b.port);
  }

  private profilePorts(role: GatewayRole): GatewayServicePort[] {
    if (role === GatewayRole.EGRESS) {
      return [{ port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }];
    }
    const ports: GatewayServicePort[] = [{ ...STATUS_PORT }, { port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }];
    if (this.profile === IstioProfile.DEMO) {
      ports.push({ port: 31400, targetPort: 31400, name: 'tcp' }, { port: 15443, targetPort: 15443, name: 'tls' });
    }
    return ports.sort((a, b) => a.port - b.port);
  }

  private renderSpec(): IopSpec {
    const p = this.props;
    const meshConfig = p.accessLogFile !== undefined || p.outboundTrafficPolicy !== undefined
      ? {
        accessLogFile: p.accessLogFile,
        outboundTrafficPolicy: p.outboundTrafficPolicy !== undefined ? { mode: p.outboundTrafficPolicy as string } : undefined,
      }
      : undefined;
    const env = p.filterGatewayClusterConfig !== undefined
      ? { PILOT_FILTER_GATEWAY_CLUSTER_CONFIG: String(p.filterGatewayClusterConfig) }
      : undefined;
    const gateways = p.gatewaysRunAsRoot
      ? { 'istio-egressgateway': { runAsRoot: true }, 'istio-ingressgateway': { runAsRoot: true } }
      : undefined;
    const byName = (a: ComponentState, b: ComponentState) => (a.component.name < b.component.name ? -1 : a.component.name > b.component.name ? 1 : 0);
    const ingress = this.components.filter((c) => c.role === GatewayRole.INGRESS).sort(byName).map((c) => c.component);
    const egress = this.components.filter((c) => c.role === GatewayRole.EGRESS).sort(byName).map((c) => c.component);
    return {
      profile: this.profile,
      revision: p.revision,
      meshConfig,
      values: env || gateways ? { pilot: env ? { env } : undefined, gateways } : undefined,
      components: ingress.length || egress.length
        ? { ingressGateways: ingress.length ? ingress : undefined, egressGateways: egress.length ? egress : undefined }
        : undefined,
    };
  }
}

function toIopPort(p: GatewayServicePort): IopServicePort {
  return { name: p.name!, port: p.port, targetPort: p.targetPort ?? p.port, protocol: 'TCP' };
}
