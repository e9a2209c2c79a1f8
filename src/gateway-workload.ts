import { Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { installChecks, registerContext } from './check/synth-hook';
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

/** Autoscaling of a deployed gateway (a HorizontalPodAutoscaler on CPU). */
export interface GatewayAutoscaling {
  /** Minimum number of gateway pods. */
  readonly minReplicas: number;
  /** Maximum number of gateway pods. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, in percent of the CPU request.
   * @default 80
   */
  readonly targetCpuUtilization?: number;
}

/** Props of a gateway workload deployed by this library ({@link GatewayWorkload}). */
export interface GatewayWorkloadProps {
  /**
   * Value of the pods' `istio` label: the Gateway selector `istio: <label>`. Must be distinct from every other
   * gateway (not `ingressgateway` or `egressgateway`, the istioctl defaults).
   */
  readonly label: string;
  /** Namespace of the Deployment, Service, ServiceAccount, Role and of the TLS secrets the gateway serves. */
  readonly namespace: string;
  /**
   * metadata.name of the Deployment, Service, ServiceAccount, Role and RoleBinding.
   * @default - the label
   */
  readonly name?: string;
  /** @default GatewayRole.INGRESS */
  readonly role?: GatewayRole;
  /**
   * Type of the Service.
   * @default GatewayServiceType.LOAD_BALANCER for ingress, GatewayServiceType.CLUSTER_IP for egress
   */
  readonly serviceType?: GatewayServiceType;
  /**
   * Service ports besides `status-port` 15021 (always present). Envoy binds the target ports directly: the pods
   * set the sysctl `net.ipv4.ip_unprivileged_port_start=0`, as the Helm `gateway` chart does.
   * @default - 80 (http2) and 443 (https), each to the same target port
   */
  readonly ports?: GatewayServicePort[];
  /**
   * Number of gateway pods (ignored when `autoscaling` is set: the HPA owns the replica count).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Scale with a HorizontalPodAutoscaler on CPU.
   * @default - no autoscaler
   */
  readonly autoscaling?: GatewayAutoscaling;
  /**
   * Create a PodDisruptionBudget that keeps at least this many pods during voluntary disruptions.
   * @default - no PodDisruptionBudget
   */
  readonly minAvailable?: number;
  /**
   * CPU and memory of the istio-proxy container.
   * @default - requests 100m CPU / 128Mi, limits 2000m CPU / 1024Mi (the Helm gateway chart's values)
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Annotations of the Service (e.g. cloud load balancer settings).
   * @default - none
   */
  readonly serviceAnnotations?: { [key: string]: string };
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
 * Argo-native way with `new GatewayWorkload(...)` (gateway injection): the library then owns the Service and adds
 * the ports that routes need ({@link GatewayWorkload.exposePort}).
 *
 * A deployed gateway binds its target ports directly (80, 443, …): the pods set the sysctl
 * `net.ipv4.ip_unprivileged_port_start=0` like the Helm `gateway` chart, while the container still runs as
 * the non-root user 1337 with no capabilities.
 *
 * @example
 * // reference the istioctl default ingress gateway
 * const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
 * // or deploy a team gateway by gateway injection
 * const team = new GatewayWorkload(chart, 'team', { label: 'my-user-gateway', namespace: 'istioinaction' });
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/gateway/
 * @see https://istio.io/latest/docs/setup/additional-setup/gateway/#deploying-a-gateway
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

  /** Pod labels; the Gateway selector (`istio: <label>`). */
  public readonly selector: { [key: string]: string };
  /** Namespace of everything the workload creates. */
  public readonly namespace: string;
  /** Ingress or egress. */
  public readonly role: GatewayRole;
  /** Name of the Service (and of the Deployment). */
  public readonly serviceName: string;
  /** `<serviceName>.<namespace>.svc.cluster.local`. */
  public readonly serviceFqdn: string;
  /** Always true: this library deploys the workload. */
  public readonly deployed = true;
  /** The injected Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The gateway pods' ServiceAccount (allowed to read secrets in the namespace). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Role that lets the gateway read TLS secrets in its namespace. */
  public readonly secretReaderRole: kplus.Role;
  private readonly _ports = new Map<number, Required<GatewayServicePort>>();

  /**
   * Deploys a gateway the Argo-native way: a Deployment injected with the `gateway` template (label
   * `sidecar.istio.io/inject: "true"`, annotation `inject.istio.io/templates: gateway`, container `istio-proxy`
   * with image `auto`), its Service, ServiceAccount and a Role/RoleBinding to read secrets in its namespace.
   */
  constructor(scope: Construct, id: string, props: GatewayWorkloadProps) {
    super(scope, id);
    installChecks(this);
    const label = props.label;
    validateDnsLabel(this, 'label', label);
    if (label === 'ingressgateway' || label === 'egressgateway') {
      throw new IstioGatewaysError(this, `label: "istio: ${label}" is the label of the istioctl default gateway; two deployments matching one selector share config and endpoints, so give this gateway a distinct label such as "my-${label.replace('gateway', '')}-gateway"`);
    }
    validateDnsLabel(this, 'namespace', props.namespace);
    const name = props.name ?? label;
    validateDnsLabel(this, 'name', name);
    this.selector = { istio: label };
    this.namespace = props.namespace;
    this.role = props.role ?? GatewayRole.INGRESS;
    this.serviceName = name;
    this.serviceFqdn = `${name}.${this.namespace}.svc.cluster.local`;
    const serviceType = props.serviceType ?? (this.role === GatewayRole.EGRESS ? GatewayServiceType.CLUSTER_IP : GatewayServiceType.LOAD_BALANCER);
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      throw new IstioGatewaysError(this, `replicas: ${props.replicas} must be a positive integer`);
    }
    if (props.minAvailable !== undefined && (!Number.isInteger(props.minAvailable) || props.minAvailable < 1)) {
      throw new IstioGatewaysError(this, `minAvailable: ${props.minAvailable} must be a positive integer; omit it for no PodDisruptionBudget`);
    }
    const as = props.autoscaling;
    if (as && (!Number.isInteger(as.minReplicas) || !Number.isInteger(as.maxReplicas) || as.minReplicas < 1 || as.maxReplicas < as.minReplicas)) {
      throw new IstioGatewaysError(this, `autoscaling: minReplicas ${as.minReplicas} and maxReplicas ${as.maxReplicas} must be integers with 1 <= minReplicas <= maxReplicas`);
    }
    const replicas = props.replicas ?? 2;
    if (props.minAvailable !== undefined && props.minAvailable >= (as ? as.minReplicas : replicas)) {
      throw new IstioGatewaysError(this, `minAvailable: ${props.minAvailable} would block every voluntary eviction with ${as ? as.minReplicas : replicas} replica(s); use a value below the replica count`);
    }

    const metadata = { namespace: this.namespace, labels: { ...this.selector } };
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { ...metadata, name },
      automountToken: true,
    });
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { ...metadata, name },
      replicas: as ? undefined : replicas,
      select: false,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: true,
      podMetadata: {
        labels: { ...this.selector, 'sidecar.istio.io/inject': 'true' },
        annotations: { 'inject.istio.io/templates': 'gateway' },
      },
      securityContext: {
        ensureNonRoot: true,
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      },
      containers: [{
        name: 'istio-proxy',
        image: 'auto',
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ number: 15090, name: 'http-envoy-prom' }],
        resources: props.resources ?? {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(2000) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(1024) },
        },
        securityContext: {
          ensureNonRoot: true,
          user: 1337,
          group: 1337,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: [kplus.Capability.ALL] },
        },
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: { ...this.selector } }));
    // cdk8s-plus labels the pod template with `cdk8s.io/metadata.addr: <construct address>`, which changes whenever the
    // construct tree is refactored (a new chart, a renamed id) and so restarts every gateway pod for nothing. The
    // value is set to the Deployment's name instead: stable, unique within the namespace, and still what
    // cdk8s-plus selectors (network policies, affinity) that read the label match.
    this.deployment.podMetadata.addLabel(kplus.Pod.ADDRESS_LABEL, name);

    this.secretReaderRole = new kplus.Role(this, 'Role', { metadata: { ...metadata, name } });
    this.secretReaderRole.allow(['get', 'watch', 'list'], kplus.ApiResource.SECRETS);
    new kplus.RoleBinding(this, 'RoleBinding', { metadata: { ...metadata, name }, role: this.secretReaderRole })
      .addSubjects(this.serviceAccount);

    this._ports.set(15021, { port: 15021, targetPort: 15021, name: 'status-port' });
    const ports = props.ports ?? [{ port: 80, name: 'http2' }, { port: 443, name: 'https' }];
    ports.forEach((p, i) => {
      validatePort(this, `ports[${i}].port`, p.port);
      if (p.targetPort !== undefined) validatePort(this, `ports[${i}].targetPort`, p.targetPort);
      if (this._ports.has(p.port)) {
        throw new IstioGatewaysError(this, `ports[${i}]: port ${p.port} is listed twice${p.port === 15021 ? ' (15021 is the status port, always present)' : ''}`);
      }
      this.addPort(p.port, p.targetPort, p.name);
    });

    new kplus.k8s.KubeService(this, 'Service', {
      metadata: { ...metadata, name, annotations: props.serviceAnnotations ? { ...props.serviceAnnotations } : undefined },
      spec: Lazy.any({
        produce: () => ({
          type: serviceType,
          selector: { ...this.selector },
          ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: kplus.k8s.IntOrString.fromNumber(p.targetPort ?? p.port), protocol: 'TCP' })),
        }),
      }) as unknown as kplus.k8s.ServiceSpec,
    });

    if (as) {
      new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
        metadata: { ...metadata, name },
        target: this.deployment,
        minReplicas: as.minReplicas,
        maxReplicas: as.maxReplicas,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(as.targetCpuUtilization ?? 80))],
      });
    }
    if (props.minAvailable !== undefined) {
      new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { ...metadata, name },
        spec: {
          minAvailable: kplus.k8s.IntOrString.fromNumber(props.minAvailable),
          selector: { matchLabels: { ...this.selector } },
        },
      });
    }
  }

  /** The Service ports (status-port 15021 included), sorted by port. */
  public get ports(): GatewayServicePort[] {
    return [...this._ports.values()].sort((a, b) => a.port - b.port).map((p) => ({ ...p }));
  }

  /**
   * Adds `port` (→ `targetPort`) to the Service unless it is there. Throws when the port is there with another
   * target port.
   *
   * @returns true
   */
  public exposePort(port: number, targetPort?: number): boolean {
    validatePort(this, 'port', port);
    if (targetPort !== undefined) validatePort(this, 'targetPort', targetPort);
    const existing = this._ports.get(port);
    if (existing) {
      if (targetPort !== undefined && existing.targetPort !== targetPort) {
        throw new IstioGatewaysError(this, `port ${port}: the Service already sends port ${port} to target port ${existing.targetPort}, not ${targetPort}; use another port or the same target port`);
      }
      return true;
    }
    this.addPort(port, targetPort, undefined);
    return true;
  }

  private addPort(port: number, targetPort: number | undefined, name: string | undefined): void {
    const portName = name ?? defaultPortName(port);
    validateDnsLabel(this, `port ${port} name`, portName);
    const clash = [...this._ports.values()].find((p) => p.name === portName);
    if (clash) {
      throw new IstioGatewaysError(this, `port ${port} name: "${portName}" is already the name of port ${clash.port}; give the port another name`);
    }
    this._ports.set(port, { port, targetPort: targetPort ?? port, name: portName });
  }
}
