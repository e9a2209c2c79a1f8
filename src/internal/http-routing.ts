/**
 * The VirtualService (+ DestinationRules for subsets) shared by HttpHost and SecureHost.
 * Internal: not exported from index.ts.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { VirtualServiceSpecHttp } from '../../imports/networking.istio.io';
import type { Destination } from '../destination';
import { IstioGatewaysError } from '../errors';
import type { IGateway } from '../gateway-base';
import type { HttpRoute } from '../http-route';
import { createDestinationRule, createVirtualService } from './virtual-service';
import { kubernetesOf } from '../gateway-api/gateway';
import { HttpRouteRenderer } from '../gateway-api/http-route';

/** What a rendered rule references, for the DestinationRule the host construct emits. */
export interface RenderedHttpRule {
  readonly rule: VirtualServiceSpecHttp;
  readonly destinations: Destination[];
}

interface SubsetState {
  readonly labels: { [key: string]: string };
}

/** Options of {@link HttpRouting}. */
export interface HttpRoutingProps {
  readonly gateway: IGateway;
  readonly hosts: string[];
  readonly namespace: string;
  readonly name?: string;
  /** Also bind the VirtualService to sidecars (`mesh`). */
  readonly mesh: boolean;
  /** Rules to start with, in order. */
  readonly routes?: HttpRoute[];
  /** Gateway port of the hosts (for the Gateway API listeners the HTTPRoute attaches to). */
  readonly port: number;
}

/**
 * Renders the routes added so far into one VirtualService bound to the gateway, and one DestinationRule per
 * destination host whose routes name a subset with `subsetLabels`. Routes are validated as they are added.
 */
export class HttpRouting {
  public readonly virtualService: ApiObject;
  private readonly rules: VirtualServiceSpecHttp[] = [];
  /** fqdn → subset name → labels */
  private readonly subsets = new Map<string, Map<string, SubsetState>>();
  private readonly destinationRules = new Map<string, ApiObject>();
  private readonly httpRoute?: HttpRouteRenderer;

  constructor(private readonly scope: Construct, private readonly props: HttpRoutingProps) {
    const gateways = props.mesh ? [props.gateway.ref, 'mesh'].sort() : [props.gateway.ref];
    const k8s = kubernetesOf(props.gateway);
    if (k8s && props.mesh) {
      throw new IstioGatewaysError(scope, 'includeMesh: a Gateway API HTTPRoute attached to a Gateway does not apply to sidecars; add a separate HTTPRoute with the Service as parentRef, or use api: GatewayApi.ISTIO');
    }
    if (k8s) this.httpRoute = new HttpRouteRenderer(scope, 'HTTPRoute', { gateway: k8s, name: props.name, namespace: props.namespace, hosts: props.hosts, port: props.port });
    this.virtualService = this.httpRoute?.apiObject ?? createVirtualService(scope, 'VirtualService', {
      name: props.name,
      namespace: props.namespace,
      spec: () => ({
        hosts: [...props.hosts].sort(),
        gateways,
        http: this.rules.length > 0 ? this.rules.map((r) => ({ ...r })) : undefined,
      }),
    });
    scope.node.addValidation({
      validate: () => this.rules.length === 0
        ? ['the host has no routes, so the gateway answers 404; pass routes or call addRoute(HttpRoute.to(...))']
        : [],
    });
    (props.routes ?? []).forEach((r) => this.add(r));
  }

  /** Number of rules added. */
  public get size(): number {
    return this.rules.length;
  }

  /** Validates and appends a rule (order matters: first match wins). */
  public add(route: HttpRoute): void {
    const field = `routes[${this.rules.length}]`;
    const rendered = route._render(this.scope, field, this.props.namespace);
    if (this.httpRoute) {
      this.httpRoute.add(field, rendered);
      this.rules.push(rendered.rule);
      return;
    }
    rendered.destinations.forEach((d, i) => {
      if (d.subset === undefined || d.subsetLabels === undefined) return;
      const host = d._fqdn(this.props.namespace);
      let byName = this.subsets.get(host);
      if (!byName) {
        byName = new Map();
        this.subsets.set(host, byName);
      }
      const existing = byName.get(d.subset);
      const labels = { ...d.subsetLabels };
      if (existing) {
        if (JSON.stringify(sorted(existing.labels)) !== JSON.stringify(sorted(labels))) {
          throw new IstioGatewaysError(this.scope, `${field}.destinations[${i}]: subset "${d.subset}" of ${host} was defined with labels ${JSON.stringify(sorted(existing.labels))}, now with ${JSON.stringify(sorted(labels))}; give one subset one set of labels`);
        }
        return;
      }
      if (Object.keys(labels).length === 0) {
        throw new IstioGatewaysError(this.scope, `${field}.destinations[${i}]: subsetLabels of subset "${d.subset}" is empty; give the pod labels of the subset, e.g. { version: "${d.subset}" }`);
      }
      byName.set(d.subset, { labels });
      this.ensureDestinationRule(host);
    });
    this.rules.push(rendered.rule);
  }

  private ensureDestinationRule(host: string): void {
    if (this.destinationRules.has(host)) return;
    // a construct id without dots: cdk8s derives the object name from it, and a truncated FQDN is no DNS label
    const id = `DestinationRule-${host.replace(/[^a-zA-Z0-9-]+/g, '-')}`;
    const dr = createDestinationRule(this.scope, id, {
      namespace: this.props.namespace,
      spec: () => ({
        host,
        subsets: [...(this.subsets.get(host) ?? new Map<string, SubsetState>()).entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, s]) => ({ name, labels: sorted(s.labels) })),
      }),
    });
    this.destinationRules.set(host, dr);
  }
}

function sorted(m: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}
