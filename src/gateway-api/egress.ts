/**
 * Egress through a Gateway API egress gateway, the way Istio documents it: a route whose parentRef is the
 * ServiceEntry sends the mesh's traffic for the external host to the egress gateway Service (mesh leg), and a route
 * attached to the egress Gateway forwards it to the host (`backendRefs` of kind `Hostname`, group
 * networking.istio.io). The traffic policy of the mesh leg (ISTIO_MUTUAL with the host as SNI, connection limits)
 * goes to one DestinationRule for the egress gateway Service, per gateway port (the Gateway API has no subsets).
 * Internal: not exported from index.ts.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { BackendRef } from './backend-ref';
import type { KubernetesGateway } from './gateway';
import {
  HttpRoute as HttpRouteL1, TlsRoute as TlsRouteL1, toJson_HttpRouteSpec, toJson_TlsRouteSpec,
} from '../../imports/gateway.networking.k8s.io';
import {
  DestinationRuleSpecTrafficPolicyPortLevelSettings, DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode,
} from '../../imports/networking.istio.io';
import { IstioGatewaysError } from '../errors';
import type { IGatewayWorkload } from '../gateway-workload';
import { createDestinationRule, objectMetadata } from '../internal/virtual-service';

/** The common shape of HTTPRoute and TLSRoute parentRefs. */
interface ParentRefLike {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly sectionName?: string;
}

/** Props of {@link createEgressRoutes}. */
export interface KubernetesEgressProps {
  readonly gateway: KubernetesGateway;
  readonly workload: IGatewayWorkload;
  /** Namespace of the routes (and of the ServiceEntry they attach to). */
  readonly namespace: string;
  /** metadata.name of the ServiceEntry. */
  readonly serviceEntryName: string;
  readonly host: string;
  /** Port the application connects to (a ServiceEntry port). */
  readonly port: number;
  readonly gatewayPort: number;
  /** Port of the external host the egress gateway connects to. */
  readonly externalPort: number;
  /** TLSRoute (SNI passthrough) instead of HTTPRoute. */
  readonly tls: boolean;
  readonly meshName?: string;
  readonly gatewayName?: string;
}

/** The mesh-leg and gateway-leg routes of one egress route. */
export function createEgressRoutes(scope: Construct, props: KubernetesEgressProps): { mesh: ApiObject; gateway: ApiObject } {
  const k8s = props.gateway;
  const wl = props.workload;
  k8s.attach(props.gatewayPort, [props.host], props.namespace);
  k8s.grants.add({ fromKind: props.tls ? 'TLSRoute' : 'HTTPRoute', fromNamespace: props.namespace, toGroup: '', toKind: 'Service', toNamespace: wl.namespace, toName: wl.serviceName });
  const toGateway: BackendRef = { group: '', kind: 'Service', name: wl.serviceName, namespace: wl.namespace !== props.namespace ? wl.namespace : undefined, port: props.gatewayPort };
  const toHost: BackendRef = { group: 'networking.istio.io', kind: 'Hostname', name: props.host, port: props.externalPort };
  const meshParent: ParentRefLike = { group: 'networking.istio.io', kind: 'ServiceEntry', name: props.serviceEntryName, port: props.port };
  const gvk = props.tls ? TlsRouteL1.GVK : HttpRouteL1.GVK;
  const render = (parentRefs: () => ParentRefLike[], backend: BackendRef, hostnames: string[] | undefined) => Lazy.any({
    produce: () => (props.tls
      ? toJson_TlsRouteSpec({ parentRefs: parentRefs(), hostnames: hostnames ?? [props.host], rules: [{ backendRefs: [backend] }] })
      : toJson_HttpRouteSpec({ parentRefs: parentRefs(), hostnames, rules: [{ backendRefs: [backend] }] })),
  });
  const mesh = new ApiObject(scope, 'MeshRoute', {
    ...gvk,
    metadata: objectMetadata(props.meshName, props.namespace),
    spec: render(() => [meshParent], toGateway, undefined),
  });
  const gateway = new ApiObject(scope, 'GatewayRoute', {
    ...gvk,
    metadata: objectMetadata(props.gatewayName, props.namespace),
    spec: render(() => k8s.parentRefs(props.gatewayPort, [props.host], props.namespace), toHost, [props.host]),
  });
  return { mesh, gateway };
}

/** Per-port traffic policies of the egress gateway Service, in one DestinationRule created on first use. */
export class EgressPolicies {
  private readonly byPort = new Map<number, { policy: DestinationRuleSpecTrafficPolicyPortLevelSettings; owner: string }>();
  private rule?: ApiObject;

  constructor(private readonly scope: Construct, private readonly name: string, private readonly namespace: string,
    private readonly workload: IGatewayWorkload) {}

  /** Adds the policy of one route's gateway port; two routes on one port must agree (no subsets to tell them apart). */
  public add(caller: IConstruct, port: number, host: string, maxConnections: number | undefined, istioMutual: boolean): void {
    if (maxConnections === undefined && !istioMutual) return;
    const policy: DestinationRuleSpecTrafficPolicyPortLevelSettings = {
      port: { number: port },
      connectionPool: maxConnections !== undefined ? { tcp: { maxConnections } } : undefined,
      tls: istioMutual ? { mode: DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode.ISTIO_UNDERSCORE_MUTUAL, sni: host } : undefined,
    };
    const prev = this.byPort.get(port);
    if (prev) {
      if (JSON.stringify(prev.policy) !== JSON.stringify(policy)) {
        throw new IstioGatewaysError(caller, `gatewayPort: ${port} already carries the egress route ${prev.owner} with another traffic policy (maxConnections, mutualTlsToGateway/SNI); the Gateway API has no subsets to tell them apart: use another gatewayPort, or api: GatewayApi.ISTIO`);
      }
      return;
    }
    this.byPort.set(port, { policy, owner: caller.node.path });
    if (!this.rule) {
      this.rule = createDestinationRule(this.scope, 'DestinationRule', {
        name: this.name,
        namespace: this.namespace,
        spec: {
          renderSpec: () => ({
            host: this.workload.serviceFqdn,
            trafficPolicy: { portLevelSettings: [...this.byPort.entries()].sort(([a], [b]) => a - b).map(([, v]) => v.policy) },
          }),
        },
      });
    }
  }

  /** The DestinationRule, once a policy was added. */
  public get destinationRule(): ApiObject | undefined {
    return this.rule;
  }
}
