import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { classifyHost, isDnsLabel } from './check/hosts';
import { IstioGatewaysError } from './errors';
import { validatePort } from './internal/validate';

/** Options for {@link Destination.service}. */
export interface ServiceDestinationOptions {
  /**
   * Namespace of the Kubernetes Service.
   * @default - the namespace of the route that uses the destination
   */
  readonly namespace?: string;
  /**
   * Subset of the service, defined by a DestinationRule. A subset makes the route construct emit a
   * DestinationRule with that subset (see the `subsetLabels` option).
   * @default - no subset: all endpoints
   */
  readonly subset?: string;
  /**
   * Pod labels that select the subset's endpoints. Required with `subset` when the library should
   * emit the DestinationRule; omit it when a DestinationRule for the subset already exists elsewhere.
   * @default - the subset is expected to be defined by an existing DestinationRule
   */
  readonly subsetLabels?: { [key: string]: string };
  /**
   * Relative weight when a route has several destinations. Weights of a route must add up to 100.
   * @default - the only destination gets 100
   */
  readonly weight?: number;
}

/** Options for {@link Destination.fromService}. */
export interface FromServiceDestinationOptions {
  /** Port of the Service (a `port` of its spec, not the target port); checked against the Service's ports at synth. */
  readonly port: number;
  /**
   * Subset of the service, defined by a DestinationRule (see `subsetLabels`).
   * @default - no subset: all endpoints
   */
  readonly subset?: string;
  /**
   * Pod labels that select the subset's endpoints; the route construct then emits the DestinationRule.
   * @default - the subset is expected to be defined by an existing DestinationRule
   */
  readonly subsetLabels?: { [key: string]: string };
  /**
   * Relative weight when a route has several destinations. Weights of a route must add up to 100.
   * @default - the only destination gets 100
   */
  readonly weight?: number;
}

/** Options for {@link Destination.host}. */
export interface HostDestinationOptions {
  /**
   * Port on the host.
   * @default - the host's only port (Istio requires a port when the host has several)
   */
  readonly port?: number;
  /** @default - no subset */
  readonly subset?: string;
  /** @default - the only destination gets 100 */
  readonly weight?: number;
}

/**
 * Where a route sends traffic: a Kubernetes Service or any host in the mesh registry (a ServiceEntry host).
 *
 * @example
 * Destination.service('productpage', 9080);
 * Destination.service('reviews', 9080, { namespace: 'bookinfo', subset: 'v2', subsetLabels: { version: 'v2' }, weight: 20 });
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination
 */
export class Destination {
  /**
   * A Kubernetes Service, by name and port. The host is rendered as the Service's FQDN
   * (`name.namespace.svc.cluster.local`) so the route works from any namespace, including the gateway's.
   */
  public static service(name: string, port: number, options: ServiceDestinationOptions = {}): Destination {
    return new Destination(name, port, options.namespace, options.subset, options.subsetLabels, options.weight, true);
  }

  /**
   * A cdk8s-plus Service of the same App: its name and namespace (the Service's, else its chart's) are taken from
   * the object, and `port` must be one of its ports (checked at synth, when every port has been added; the error
   * names the route construct, the port and the Service's ports). For a Service defined elsewhere use
   * {@link Destination.service}.
   *
   * @example
   * const web = new kplus.Service(chart, 'web', { ports: [{ port: 8080 }] });
   * HttpRoute.to([Destination.fromService(web, { port: 8080 })]);
   */
  public static fromService(service: kplus.Service, options: FromServiceDestinationOptions): Destination {
    const namespace = service.metadata.namespace ?? Chart.of(service).namespace;
    return new Destination(service.name, options.port, namespace, options.subset, options.subsetLabels, options.weight, true, service);
  }

  /** Any host of the mesh registry, e.g. a ServiceEntry host such as `edition.cnn.com`. */
  public static host(host: string, options: HostDestinationOptions = {}): Destination {
    return new Destination(host, options.port, undefined, options.subset, undefined, options.weight, false);
  }

  /** Service name or host as given. */
  public readonly name: string;
  /** Port, when given. */
  public readonly port?: number;
  /** Namespace of a Service destination, when given. */
  public readonly namespace?: string;
  /** Subset, when given. */
  public readonly subset?: string;
  /** Pod labels of the subset, when given. */
  public readonly subsetLabels?: { [key: string]: string };
  /** Weight, when given. */
  public readonly weight?: number;
  /** True for a Kubernetes Service destination. */
  public readonly isService: boolean;
  /** The cdk8s-plus Service, for {@link Destination.fromService}. */
  private readonly service?: kplus.Service;

  private constructor(name: string, port: number | undefined, namespace: string | undefined, subset: string | undefined,
    subsetLabels: { [key: string]: string } | undefined, weight: number | undefined, isService: boolean, service?: kplus.Service) {
    this.service = service;
    this.name = name;
    this.port = port;
    this.namespace = namespace;
    this.subset = subset;
    this.subsetLabels = subsetLabels;
    this.weight = weight;
    this.isService = isService;
  }

  /**
   * The FQDN of the destination host, given the namespace of the object that routes to it.
   * @internal
   */
  public _fqdn(defaultNamespace: string): string {
    if (!this.isService) return this.name;
    // join() makes one flat string; a template literal makes a rope of 3-4 parts, which the tree keeps until synth
    // in every rendered route and DestinationRule (about 70 bytes more per host)
    return [this.name, '.', this.namespace ?? defaultNamespace, '.svc.cluster.local'].join('');
  }

  /**
   * Throws when the destination is malformed (checked where it is used, so the error names that construct).
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    if (this.isService) {
      if (!isDnsLabel(this.name)) {
        throw new IstioGatewaysError(scope, `${field}: service name "${this.name}" is not a DNS-1123 label; use the Service's metadata.name (lowercase letters, digits, '-') and pass its namespace in the namespace option`);
      }
      if (this.namespace !== undefined && !isDnsLabel(this.namespace)) {
        throw new IstioGatewaysError(scope, `${field}: namespace "${this.namespace}" is not a DNS-1123 label`);
      }
    } else {
      const c = classifyHost(this.name);
      if ('invalid' in c) {
        throw new IstioGatewaysError(scope, `${field}: host "${this.name}" ${c.invalid}`);
      }
      if (c.kind === 'any' || c.kind === 'wildcard') {
        throw new IstioGatewaysError(scope, `${field}: host "${this.name}" is a wildcard; a destination must be one concrete host`);
      }
    }
    if (this.port !== undefined) validatePort(scope, `${field}.port`, this.port);
    if (this.service) this.checkServicePort(scope, field, this.service);
    if (this.subset !== undefined && !isDnsLabel(this.subset)) {
      throw new IstioGatewaysError(scope, `${field}: subset "${this.subset}" is not a DNS-1123 label`);
    }
    if (this.subsetLabels !== undefined && this.subset === undefined) {
      throw new IstioGatewaysError(scope, `${field}: subsetLabels given without subset; name the subset`);
    }
    if (this.weight !== undefined && (!Number.isInteger(this.weight) || this.weight < 0 || this.weight > 100)) {
      throw new IstioGatewaysError(scope, `${field}: weight ${this.weight} must be an integer from 0 to 100`);
    }
  }

  /**
   * The port must be a port of the Service. Ports can be added to a cdk8s-plus Service after the route was created
   * (`service.bind()`), so the check runs at synth, as a validation of the route construct.
   */
  private checkServicePort(scope: IConstruct, field: string, service: kplus.Service): void {
    if (service.node.root !== scope.node.root) {
      throw new IstioGatewaysError(scope, `${field}: Service ${service.node.path} belongs to another App; use Destination.service("${service.name}", ${this.port}, { namespace }) for a Service defined elsewhere`);
    }
    const port = this.port;
    scope.node.addValidation({
      validate: () => {
        const ports = service.ports.map((p) => p.port);
        if (ports.includes(port!)) return [];
        return [`${field}: port ${port} is not a port of Service ${this.namespace ? `${this.namespace}/` : ''}${service.name} (${service.node.path}), whose ports are ${ports.length ? ports.sort((a, b) => a - b).join(', ') : 'none'}; use one of them or add the port to the Service`];
      },
    });
  }
}
