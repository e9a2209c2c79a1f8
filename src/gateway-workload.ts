import { Construct, IConstruct } from 'constructs';
import { registerContext } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import { defaultPortName, validateDnsLabel, validatePort } from './internal/validate';

/** Whether a gateway workload takes traffic into the mesh or out of it. */
export enum GatewayRole {
  /** Ingress: internet- or network-facing, usually behind a LoadBalancer Service. */
  INGRESS = 'ingress',
  /** Egress: reached only from inside the mesh, ClusterIP Service. Never used for ingress. */
  EGRESS = 'egress',
}

/** Type of the Kubernetes Service in front of the gateway pods. */
export enum GatewayServiceType {
  /** A cloud load balancer (the default for ingress gateways). */
  LOAD_BALANCER = 'LoadBalancer',
  /** Cluster-internal only (the default for egress gateways). */
  CLUSTER_IP = 'ClusterIP',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
}

/** One port of the gateway's Service: clients connect to `port`; Envoy listens on `targetPort`. */
export interface GatewayServicePort {
  /** Service port (what Gateway servers name in `port.number`). */
  readonly port: number;
  /**
   * Container port Envoy listens on.
   * @default - same as `port`
   */
  readonly targetPort?: number;
  /**
   * Port name.
   * @default - `tcp-<port>`, or `http2`/`https`/`status-port` for the well-known ports
   */
  readonly name?: string;
}

/** Attributes of a gateway workload installed outside this app (istioctl, Helm, another repo). */
export interface InstalledGatewayWorkloadProps {
  /** Labels of the gateway pods; a Gateway's `selector`. Must contain a distinct `istio` label. */
  readonly selector: { [key: string]: string };
  /** Namespace of the gateway pods (where TLS secrets must live). */
  readonly namespace: string;
  /** Ports of the gateway's Service. Gateway servers must use one of them. */
  readonly ports: GatewayServicePort[];
  /**
   * Name of the gateway's Service (used for the FQDN that mesh routes send egress traffic to).
   * @default - the value of the `istio` label
   */
  readonly serviceName?: string;
  /** @default GatewayServiceType.LOAD_BALANCER for ingress, CLUSTER_IP for egress */
  readonly serviceType?: GatewayServiceType;
  /** @default GatewayRole.INGRESS */
  readonly role?: GatewayRole;
  /**
   * Whether the pods run unprivileged (`ISTIO_META_UNPRIVILEGED_POD=true`, as istioctl-installed gateways do),
   * so listeners below 1024 are dropped.
   * @default false
   */
  readonly unprivileged?: boolean;
}

/**
 * A set of gateway pods (Envoy in gateway mode) and the Service in front of them: what a Gateway's
 * `selector` picks. Either installed elsewhere (reference it with {@link GatewayWorkload.fromInstalled} or a
 * preset) or deployed by this library ({@link GatewayWorkload}).
 */
export interface IGatewayWorkload extends IConstruct {
  /** Pod labels; the Gateway selector. */
  readonly selector: { [key: string]: string };
  /** Namespace of the pods, their Service and their TLS secrets. */
  readonly namespace: string;
  /** Ingress or egress. */
  readonly role: GatewayRole;
  /** Name of the gateway Service. */
  readonly serviceName: string;
  /** `<serviceName>.<namespace>.svc.cluster.local`. */
  readonly serviceFqdn: string;
  /** Whether this library deploys the workload (so it can add Service ports on demand). */
  readonly deployed: boolean;
  /** The Service ports, sorted by port. */
  readonly ports: GatewayServicePort[];
  /**
   * Makes sure the Service exposes `port`. A deployed workload adds the port to its Service; an installed one
   * cannot change, so this only reports whether the port is there (the checker reports GWX-PORT-001 otherwise).
   *
   * @returns true when the port is (now) exposed
   */
  exposePort(port: number, targetPort?: number): boolean;
}

/** Options for the istioctl default gateway presets. */
export interface IstioGatewayPresetOptions {
  /** @default 'istio-system' */
  readonly namespace?: string;
}

/** Options for {@link GatewayWorkload.helmGateway}. */
export interface HelmGatewayOptions {
  /** Helm release name: the Service name and the `istio` label value (`istio: <name>`). */
  readonly name: string;
  /** Namespace the chart was installed in. */
  readonly namespace: string;
  /**
   * Extra ports beyond 15021, 80 and 443.
   * @default - none
   */
  readonly extraPorts?: GatewayServicePort[];
}

/** A gateway workload installed outside this app: facts only, nothing synthesized. */
class InstalledGatewayWorkload extends Construct implements IGatewayWorkload {
  public readonly selector: { [key: string]: string };
  public readonly namespace: string;
  public readonly role: GatewayRole;
  public readonly serviceName: string;
  public readonly serviceFqdn: string;
  public readonly deployed = false;
  private readonly _ports: GatewayServicePort[];
  private readonly serviceType: GatewayServiceType;
  private readonly unprivileged: boolean;

  constructor(scope: Construct, id: string, props: InstalledGatewayWorkloadProps) {
    super(scope, id);
    const istio = props.selector?.istio;
    if (!props.selector || Object.keys(props.selector).length === 0) {
      throw new IstioGatewaysError(this, 'selector: an empty selector would match every gateway workload; give the pods\' labels, e.g. { istio: "ingressgateway" }');
    }
    validateDnsLabel(this, 'namespace', props.namespace);
    this.selector = { ...props.selector };
    this.namespace = props.namespace;
    this.role = props.role ?? GatewayRole.INGRESS;
    this.serviceName = props.serviceName ?? istio ?? Object.values(props.selector)[0];
    validateDnsLabel(this, 'serviceName', this.serviceName);
    this.serviceFqdn = `${this.serviceName}.${this.namespace}.svc.cluster.local`;
    this.serviceType = props.serviceType ?? (this.role === GatewayRole.EGRESS ? GatewayServiceType.CLUSTER_IP : GatewayServiceType.LOAD_BALANCER);
    this.unprivileged = props.unprivileged ?? false;
    if (!Array.isArray(props.ports) || props.ports.length === 0) {
      throw new IstioGatewaysError(this, 'ports: an installed gateway workload needs its Service ports, e.g. [{ port: 80, targetPort: 8080 }]');
    }
    const seen = new Set<number>();
    props.ports.forEach((p, i) => {
      validatePort(this, `ports[${i}].port`, p.port);
      if (p.targetPort !== undefined) validatePort(this, `ports[${i}].targetPort`, p.targetPort);
      if (seen.has(p.port)) throw new IstioGatewaysError(this, `ports[${i}]: port ${p.port} is listed twice`);
      seen.add(p.port);
    });
    this._ports = [...props.ports].sort((a, b) => a.port - b.port);
    registerContext(this, this.contextManifests());
  }

  public get ports(): GatewayServicePort[] {
    return this._ports.map((p) => ({ ...p }));
  }

  public exposePort(port: number, _targetPort?: number): boolean {
    return this._ports.some((p) => p.port === port || (p.targetPort ?? p.port) === port);
  }

  /** The Deployment and Service manifests the checker sees as facts (never synthesized). */
  private contextManifests() {
    const env = this.unprivileged ? [{ name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' }] : [];
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: this.serviceName, namespace: this.namespace, labels: { ...this.selector } },
        spec: {
          selector: { matchLabels: { ...this.selector } },
          template: {
            metadata: { labels: { ...this.selector }, annotations: { 'inject.istio.io/templates': 'gateway' } },
            spec: { containers: [{ name: 'istio-proxy', image: 'auto', env }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: this.serviceName, namespace: this.namespace },
        spec: {
          type: this.serviceType,
          selector: { ...this.selector },
          ports: this._ports.map((p) => ({ name: p.name ?? defaultPortName(p.port), port: p.port, targetPort: p.targetPort ?? p.port, protocol: 'TCP' })),
        },
      },
    ];
  }
}

/**
 * Gateway pods and their Service.
 *
 * Reference a gateway installed elsewhere with {@link GatewayWorkload.fromInstalled} or a preset
 * ({@link GatewayWorkload.istioIngressGateway}, {@link GatewayWorkload.istioEgressGateway},
 * {@link GatewayWorkload.helmGateway}) — the facts (labels, namespace, Service ports and their
 * translation, e.g. 80→8080 on the istioctl ingress) feed the synth-time checks. Or deploy one the
 * Argo-native way with `new GatewayWorkload(...)` (gateway injection).
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/gateway/
 */
export class GatewayWorkload extends Construct implements IGatewayWorkload {
  /**
   * A gateway installed elsewhere (istioctl, Helm, another GitOps repo), described by its pod labels,
   * namespace and Service ports.
   */
  public static fromInstalled(scope: Construct, id: string, props: InstalledGatewayWorkloadProps): IGatewayWorkload {
    return new InstalledGatewayWorkload(scope, id, props);
  }

  /**
   * The `istio-ingressgateway` that `istioctl install` (default/demo profile) creates: `istio: ingressgateway` in
   * istio-system, LoadBalancer, ports 15021, 80→8080, 443→8443, unprivileged pods.
   */
  public static istioIngressGateway(scope: Construct, id: string, options: IstioGatewayPresetOptions = {}): IGatewayWorkload {
    return new InstalledGatewayWorkload(scope, id, {
      selector: { istio: 'ingressgateway' },
      namespace: options.namespace ?? 'istio-system',
      serviceName: 'istio-ingressgateway',
      role: GatewayRole.INGRESS,
      serviceType: GatewayServiceType.LOAD_BALANCER,
      unprivileged: true,
      ports: [
        { port: 15021, targetPort: 15021, name: 'status-port' },
        { port: 80, targetPort: 8080, name: 'http2' },
        { port: 443, targetPort: 8443, name: 'https' },
      ],
    });
  }

  /**
   * The `istio-egressgateway` of the istioctl demo profile (or `components.egressGateways` enabled):
   * `istio: egressgateway` in istio-system, ClusterIP, ports 80→8080, 443→8443, unprivileged pods.
   */
  public static istioEgressGateway(scope: Construct, id: string, options: IstioGatewayPresetOptions = {}): IGatewayWorkload {
    return new InstalledGatewayWorkload(scope, id, {
      selector: { istio: 'egressgateway' },
      namespace: options.namespace ?? 'istio-system',
      serviceName: 'istio-egressgateway',
      role: GatewayRole.EGRESS,
      serviceType: GatewayServiceType.CLUSTER_IP,
      unprivileged: true,
      ports: [
        { port: 80, targetPort: 8080, name: 'http2' },
        { port: 443, targetPort: 8443, name: 'https' },
      ],
    });
  }

  /**
   * A gateway installed with the Helm `gateway` chart (`helm install <name> istio/gateway -n <namespace>`):
   * `istio: <name>`, LoadBalancer, ports 15021, 80→80, 443→443 (the chart lets the pods bind low ports).
   */
  public static helmGateway(scope: Construct, id: string, options: HelmGatewayOptions): IGatewayWorkload {
    return new InstalledGatewayWorkload(scope, id, {
      selector: { istio: options.name },
      namespace: options.namespace,
      serviceName: options.name,
      role: GatewayRole.INGRESS,
      serviceType: GatewayServiceType.LOAD_BALANCER,
      ports: [
        { port: 15021, targetPort: 15021, name: 'status-port' },
        { port: 80, targetPort: 80, name: 'http2' },
        { port: 443, targetPort: 443, name: 'https' },
        ...(options.extraPorts ?? []),
      ],
    });
  }

  // DEPLOYED WORKLOAD: constructor, props and IGatewayWorkload members follow (gateway injection with cdk8s-plus-28).
}
