/**
 * The VirtualService (+ DestinationRules for subsets) shared by HttpHost and SecureHost.
 * Internal: not exported from index.ts.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IValidation } from 'constructs';
import { DestinationRuleSpec, VirtualServiceSpec, VirtualServiceSpecHttp } from '../../imports/networking.istio.io';
import type { Destination } from '../destination';
import { IstioGatewaysError } from '../errors';
import type { IGateway } from '../gateway-base';
import type { HttpRoute } from '../http-route';
import { SpecSource, createDestinationRule, createVirtualService } from './virtual-service';
import { kubernetesOf } from '../gateway-api/gateway';
import { HttpRouteRenderer } from '../gateway-api/http-route';

/** What a rendered rule references, for the DestinationRule the host construct emits. */
export interface RenderedHttpRule {
  readonly rule: VirtualServiceSpecHttp;
  readonly destinations: Destination[];
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
 *
 * It keeps only the rendered rules, not the HttpRoute and Destination objects (nor the props) it was given: a big app
 * has thousands of hosts, and the tree lives until synth. It is its own spec source and validation, so the tree holds
 * no closure (with the constructor's scope) per host.
 */
export class HttpRouting implements IValidation, SpecSource<VirtualServiceSpec> {
  public readonly virtualService: ApiObject;
  /** The rendered rules, in order (pushed to: a host may have many routes). */
  private readonly rules: VirtualServiceSpecHttp[] = [];
  /**
   * The DestinationRules, one per destination host (FQDN). A list of exact size, replaced by a copy one longer for
   * each new destination host (a list grown by push keeps spare slots), not a Map (about 200 bytes even with one
   * entry): a host has few destination hosts with subsets, and the tree keeps this until synth.
   */
  private subsetRules: readonly SubsetRule[] = [];
  private readonly hosts: string[];
  private readonly namespace: string;
  private readonly gateways: string[];
  private readonly httpRoute?: HttpRouteRenderer;

  constructor(private readonly scope: Construct, props: HttpRoutingProps) {
    this.hosts = props.hosts;
    this.namespace = props.namespace;
    this.gateways = props.mesh ? [props.gateway.ref, 'mesh'].sort() : [props.gateway.ref];
    const k8s = kubernetesOf(props.gateway);
    if (k8s && props.mesh) {
      throw new IstioGatewaysError(scope, 'includeMesh: a Gateway API HTTPRoute attached to a Gateway does not apply to sidecars; add a separate HTTPRoute with the Service as parentRef, or use api: GatewayApi.ISTIO');
    }
    if (k8s) this.httpRoute = new HttpRouteRenderer(scope, 'HTTPRoute', { gateway: k8s, name: props.name, namespace: props.namespace, hosts: props.hosts, port: props.port });
    this.virtualService = this.httpRoute?.apiObject ?? createVirtualService(scope, 'VirtualService', {
      name: props.name,
      namespace: props.namespace,
      spec: this,
    });
    scope.node.addValidation(this);
    (props.routes ?? []).forEach((r) => this.add(r));
  }

  /** Number of rules added. */
  public get size(): number {
    return this.rules.length;
  }

  /** The VirtualService's spec (at synth). */
  public renderSpec(): VirtualServiceSpec {
    return {
      hosts: [...this.hosts].sort(),
      gateways: this.gateways,
      http: this.rules.length > 0 ? this.rules.map((r) => ({ ...r })) : undefined,
    };
  }

  /** Validation of the host construct (at synth): a host without routes. */
  public validate(): string[] {
    return this.rules.length === 0
      ? ['the host has no routes, so the gateway answers 404; pass routes or call addRoute(HttpRoute.to(...))']
      : [];
  }

  /** Validates and appends a rule (order matters: first match wins). */
  public add(route: HttpRoute): void {
    const field = `routes[${this.rules.length}]`;
    const rendered = route._render(this.scope, field, this.namespace);
    if (this.httpRoute) {
      this.httpRoute.add(field, rendered);
      this.rules.push(rendered.rule);
      return;
    }
    rendered.destinations.forEach((d, i) => {
      if (d.subset === undefined || d.subsetLabels === undefined) return;
      const host = d._fqdn(this.namespace);
      const rule = this.subsetRules.find((r) => r.host === host);
      const existing = rule?.labelsOf(d.subset);
      const labels = { ...d.subsetLabels };
      if (existing) {
        if (JSON.stringify(sorted(existing)) !== JSON.stringify(sorted(labels))) {
          throw new IstioGatewaysError(this.scope, `${field}.destinations[${i}]: subset "${d.subset}" of ${host} was defined with labels ${JSON.stringify(sorted(existing))}, now with ${JSON.stringify(sorted(labels))}; give one subset one set of labels`);
        }
        return;
      }
      if (Object.keys(labels).length === 0) {
        throw new IstioGatewaysError(this.scope, `${field}.destinations[${i}]: subsetLabels of subset "${d.subset}" is empty; give the pod labels of the subset, e.g. { version: "${d.subset}" }`);
      }
      (rule ?? this.addSubsetRule(host)).add(d.subset, labels);
    });
    this.rules.push(rendered.rule);
  }

  private addSubsetRule(host: string): SubsetRule {
    const rule = new SubsetRule(host);
    // a construct id without dots: cdk8s derives the object name from it, and a truncated FQDN is no DNS label
    const id = `DestinationRule-${host.replace(/[^a-zA-Z0-9-]+/g, '-')}`;
    createDestinationRule(this.scope, id, { namespace: this.namespace, spec: rule });
    this.subsetRules = this.subsetRules.concat([rule]);
    return rule;
  }
}

interface Subset {
  readonly name: string;
  readonly labels: { [key: string]: string };
}

/** The DestinationRule of one destination host: its subsets (names unique), rendered sorted by name. */
class SubsetRule implements SpecSource<DestinationRuleSpec> {
  private subsets: readonly Subset[] = [];

  constructor(public readonly host: string) {}

  /** The labels of the subset `name`, if it was added. */
  public labelsOf(name: string): { [key: string]: string } | undefined {
    return this.subsets.find((s) => s.name === name)?.labels;
  }

  public add(name: string, labels: { [key: string]: string }): void {
    this.subsets = this.subsets.concat([{ name, labels }]); // exact size, as HttpRouting.subsetRules
  }

  public renderSpec(): DestinationRuleSpec {
    return {
      host: this.host,
      subsets: [...this.subsets]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((s) => ({ name: s.name, labels: sorted(s.labels) })),
    };
  }
}

function sorted(m: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}
