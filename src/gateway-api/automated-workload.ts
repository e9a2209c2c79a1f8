import { Construct } from 'constructs';
import { registerContext } from '../check/synth-hook';
import { IstioGatewaysError } from '../errors';
import { GatewayRole, GatewayServicePort, GatewayServiceType, IGatewayWorkload } from '../gateway-workload';
import { defaultPortName, validateDnsLabel, validatePort } from '../internal/validate';

/** Label Istio puts on the pods it deploys for a Gateway API Gateway (and selects them by). */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Props of {@link AutomatedGatewayWorkload}. */
export interface AutomatedGatewayWorkloadProps {
  /**
   * metadata.name of the Gateway API Gateway Istio deploys the workload for (the gateway's `name`); the Deployment
   * and Service are `<gatewayName>-istio`.
   */
  readonly gatewayName: string;
  /** Namespace of the Gateway, where Istio deploys the pods, their Service, and where the TLS Secrets live. */
  readonly namespace: string;
  /**
   * Ingress or egress.
   * @default GatewayRole.INGRESS
   */
  readonly role?: GatewayRole;
  /**
   * Type of the Service Istio creates (the Gateway's `networking.istio.io/service-type` annotation).
   * @default - LoadBalancer for ingress, ClusterIP for egress
   */
  readonly serviceType?: GatewayServiceType;
}

/**
 * The gateway pods and Service that Istio deploys itself for a Kubernetes Gateway API Gateway (automated deployment:
 * the Gateway *is* the workload). Bind it to a gateway with `api: GatewayApi.KUBERNETES` whose name is `gatewayName`:
 * that Gateway then has no `spec.addresses`, and Istio creates the Deployment and Service `<gatewayName>-istio` with
 * one Service port per listener port. Nothing is synthesized for the workload itself; the checker sees the
 * Deployment and Service as facts.
 *
 * @example
 * const shop = new Chart(app, 'shop', { namespace: 'shop' });
 * const workload = new AutomatedGatewayWorkload(shop, 'workload', { gatewayName: 'edge', namespace: 'shop' });
 * const edge = new IngressGateway(shop, 'edge', { workload, name: 'edge', api: GatewayApi.KUBERNETES });
 * edge.addHttpHost('web', { hosts: ['shop.example.com'], routes: [HttpRoute.to([Destination.service('web', 8080)])] });
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment
 */
export class AutomatedGatewayWorkload extends Construct implements IGatewayWorkload {
  /** Pod labels (`gateway.networking.k8s.io/gateway-name: <gatewayName>`). */
  public readonly selector: { [key: string]: string };
  /** Namespace of the Gateway and its pods. */
  public readonly namespace: string;
  /** Ingress or egress. */
  public readonly role: GatewayRole;
  /** `<gatewayName>-istio`. */
  public readonly serviceName: string;
  /** `<gatewayName>-istio.<namespace>.svc.cluster.local`. */
  public readonly serviceFqdn: string;
  /** False: Istio deploys it, not this library. */
  public readonly deployed = false;
  /** The Gateway's name. */
  public readonly gatewayName: string;
  /** The Service type Istio creates. */
  public readonly serviceType: GatewayServiceType;
  /** Service ports as Istio creates them: one per listener port, targetPort the same. */
  private readonly servicePorts: { name: string; port: number; targetPort: number; protocol: string }[] = [];
  private bound = false;

  constructor(scope: Construct, id: string, props: AutomatedGatewayWorkloadProps) {
    super(scope, id);
    validateDnsLabel(this, 'gatewayName', props.gatewayName);
    validateDnsLabel(this, 'namespace', props.namespace);
    this.gatewayName = props.gatewayName;
    this.namespace = props.namespace;
    this.role = props.role ?? GatewayRole.INGRESS;
    this.serviceType = props.serviceType ?? (this.role === GatewayRole.EGRESS ? GatewayServiceType.CLUSTER_IP : GatewayServiceType.LOAD_BALANCER);
    this.selector = { [GATEWAY_NAME_LABEL]: props.gatewayName };
    this.serviceName = `${props.gatewayName}-istio`;
    this.serviceFqdn = `${this.serviceName}.${this.namespace}.svc.cluster.local`;
    const labels = { ...this.selector, 'istio.io/gateway-name': props.gatewayName };
    registerContext(this, [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: this.serviceName, namespace: this.namespace, labels },
        spec: {
          selector: { matchLabels: { ...this.selector } },
          template: {
            metadata: { labels, annotations: { 'inject.istio.io/templates': 'gateway' } },
            spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: this.serviceName, namespace: this.namespace, labels },
        // filled as listeners are added (all before synth)
        spec: { type: this.serviceType, selector: { ...this.selector }, ports: this.servicePorts },
      },
    ]);
    this.node.addValidation({
      validate: () => (this.bound ? [] : [`no gateway with api: GatewayApi.KUBERNETES and name "${this.gatewayName}" binds this workload, so Istio deploys nothing; create one, or reference an installed gateway with GatewayWorkload.fromInstalled`]),
    });
  }

  /** The Service ports, sorted by port. */
  public get ports(): GatewayServicePort[] {
    return this.servicePorts.map((p) => ({ port: p.port, targetPort: p.targetPort, name: p.name }));
  }

  /** Istio's Service gets every listener port (targetPort the same); a different targetPort throws. */
  public exposePort(port: number, targetPort?: number): boolean {
    validatePort(this, 'port', port);
    if (targetPort !== undefined && targetPort !== port) {
      throw new IstioGatewaysError(this, `targetPort: ${targetPort} differs from port ${port}; Istio's automated deployment listens on the listener port itself`);
    }
    if (!this.servicePorts.some((p) => p.port === port)) {
      this.servicePorts.push({ name: defaultPortName(port), port, targetPort: port, protocol: 'TCP' });
      this.servicePorts.sort((a, b) => a.port - b.port);
    }
    return true;
  }

  /**
   * Called by the Gateway API renderer of the gateway bound to this workload.
   * @internal
   */
  public _bind(): void {
    this.bound = true;
  }
}
