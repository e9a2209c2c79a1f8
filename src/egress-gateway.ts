import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressRoute, EgressRouteOptions } from './egress-route';
import { IstioGatewaysError } from './errors';
import { GatewayBase, GatewayBaseProps } from './gateway-base';
import { GatewayRole } from './gateway-workload';
import { DestinationRuleSpecSubsets } from '../imports/networking.istio.io';
import { createDestinationRule } from './internal/virtual-service';

/** Props of {@link EgressGateway}. */
export interface EgressGatewayProps extends GatewayBaseProps {}

interface SubsetState {
  readonly subset: DestinationRuleSpecSubsets;
  readonly clientNamespaces?: string[];
}

/**
 * An Istio Gateway for traffic leaving the mesh, bound to one egress gateway workload (`GatewayRole.EGRESS`,
 * e.g. `GatewayWorkload.istioEgressGateway()`). Binding it to an ingress workload throws.
 *
 * Add external hosts with {@link EgressGateway.addRoute} (or `new EgressRoute`). The gateway also owns the one
 * DestinationRule for its workload's Service FQDN (named like the Gateway): each route adds its subset (and the
 * subset's traffic policy) to it, so several routes never produce competing DestinationRules for the same host.
 *
 * @example
 * const egress = GatewayWorkload.istioEgressGateway(chart, 'egress');
 * const gw = new EgressGateway(chart, 'egress-gateway', { workload: egress, name: 'istio-egressgateway' });
 * gw.addRoute('cnn', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS });
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 */
export class EgressGateway extends GatewayBase {
  private readonly subsets: SubsetState[] = [];
  private subsetRule?: ApiObject;

  constructor(scope: Construct, id: string, props: EgressGatewayProps) {
    super(scope, id, props, GatewayRole.EGRESS);
  }

  /**
   * Routes traffic for one external host through this egress gateway (ServiceEntry, Gateway server, two
   * VirtualServices, DestinationRule subset). Returns the route.
   */
  public addRoute(id: string, options: EgressRouteOptions): EgressRoute {
    return new EgressRoute(this, id, { ...options, gateway: this });
  }

  /**
   * The DestinationRule for the egress workload's Service FQDN that holds the routes' subsets, once a route
   * was added.
   */
  public get destinationRule(): ApiObject | undefined {
    return this.subsetRule ?? this._kubernetes?.egressPolicies.destinationRule;
  }

  /**
   * Adds a subset to the DestinationRule for the egress workload's Service (created on first use).
   * `clientNamespaces` undefined means "visible everywhere".
   * @internal
   */
  public _addSubset(scope: Construct, subset: DestinationRuleSpecSubsets, clientNamespaces: string[] | undefined): void {
    const clash = this.subsets.find((s) => s.subset.name === subset.name);
    if (clash) {
      throw new IstioGatewaysError(scope, `subsetName: "${subset.name}" is already a subset of the egress gateway's DestinationRule; give each EgressRoute its own subsetName`);
    }
    this.subsets.push({ subset, clientNamespaces });
    if (!this.subsetRule) {
      this.subsetRule = createDestinationRule(this, 'DestinationRule', {
        name: this.name,
        namespace: this.namespace,
        spec: {
          renderSpec: () => ({
            host: this.workload.serviceFqdn,
            exportTo: this.subsetExportTo(),
            subsets: [...this.subsets].map((s) => s.subset).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
          }),
        },
      });
    }
  }

  private subsetExportTo(): string[] | undefined {
    if (this.subsets.some((s) => s.clientNamespaces === undefined)) return undefined;
    const all = new Set<string>();
    this.subsets.forEach((s) => s.clientNamespaces!.forEach((n) => all.add(n)));
    return [...all].sort();
  }
}
