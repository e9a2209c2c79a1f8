import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { installChecks } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import type { IGateway } from './gateway-base';
import { HttpRoute } from './http-route';
import { HttpRouting } from './internal/http-routing';
import { validateDnsLabel } from './internal/validate';
import { namespaceFor } from './internal/virtual-service';

/** What {@link HttpHostBase} needs from the props of {@link HttpHost} and {@link SecureHost}. */
export interface HttpHostBaseProps {
  /** The Gateway the hosts are served on: one of this app, or one imported with `fromGatewayAttributes`. */
  readonly gateway: IGateway;
  /** Hostnames. */
  readonly hosts: string[];
  /**
   * Namespace of the VirtualService (and DestinationRules); Service destinations without a namespace resolve here.
   * @default - the chart's namespace, else the Gateway's
   */
  readonly namespace?: string;
  /**
   * metadata.name of the VirtualService.
   * @default - generated from the construct path
   */
  readonly virtualServiceName?: string;
}

/**
 * HTTP routing for hostnames on a gateway, shared by {@link HttpHost} (plain HTTP) and
 * {@link SecureHost} (HTTPS): the subclass adds the Gateway servers, then binds one VirtualService with the routes
 * (and DestinationRules for subsets) to the Gateway.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export abstract class HttpHostBase extends Construct {
  /** The Gateway. */
  public readonly gateway: IGateway;
  /** The hosts, sorted. */
  public readonly hosts: string[];
  /** Namespace of the VirtualService. */
  public readonly namespace: string;
  private routing?: HttpRouting;

  protected constructor(scope: Construct, id: string, props: HttpHostBaseProps) {
    super(scope, id);
    installChecks(this);
    if (!props.gateway) {
      const what = this.constructor.name;
      throw new IstioGatewaysError(this, `gateway: ${/^([AEIOU]|Http)/.test(what) ? 'an' : 'a'} ${what} needs the Gateway that serves its hosts, e.g. new IngressGateway(...) or IngressGateway.fromGatewayAttributes(...)`);
    }
    this.gateway = props.gateway;
    this.namespace = namespaceFor(this, props.namespace, props.gateway.namespace);
    validateDnsLabel(this, 'namespace', this.namespace);
    if (props.virtualServiceName !== undefined) validateDnsLabel(this, 'virtualServiceName', props.virtualServiceName);
    this.hosts = Array.isArray(props.hosts) ? [...props.hosts].sort() : [];
  }

  /** The VirtualService. */
  public get virtualService(): ApiObject {
    return this.routes().virtualService;
  }

  /**
   * Creates the VirtualService bound to the gateway (and to `mesh` with `includeMesh`), with the first routes.
   * Called once by the subclass after it added its servers (`port`: the Gateway port of the hosts, for the Gateway
   * API listeners the HTTPRoute attaches to).
   * @internal
   */
  protected _bindRoutes(routes: HttpRoute[] | undefined, includeMesh: boolean, virtualServiceName: string | undefined, port: number): void {
    this.routing = new HttpRouting(this, {
      gateway: this.gateway,
      hosts: this.hosts,
      namespace: this.namespace,
      name: virtualServiceName,
      mesh: includeMesh,
      routes,
      port,
    });
  }

  /**
   * Appends a rule to the VirtualService (after the existing ones: first match wins).
   * @internal
   */
  protected _addRoute(route: HttpRoute): void {
    this.routes().add(route);
  }

  private routes(): HttpRouting {
    if (!this.routing) throw new IstioGatewaysError(this, 'internal: routes used before the servers were added');
    return this.routing;
  }
}
