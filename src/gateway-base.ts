import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Gateway as GatewayL1, GatewaySpecServers, toJson_GatewaySpec } from '../imports/networking.istio.io';
import { installChecks, registerServerOwners } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import { GatewayApi } from './gateway-api/api';
import { KubernetesGateway } from './gateway-api/gateway';
import { GatewayRole, IGatewayWorkload } from './gateway-workload';
import { GatewayServers } from './internal/gateway-servers';
import { l1Props } from './internal/l1-props';
import { validateDnsLabel } from './internal/validate';
import { ServerTls } from './server-tls';

/** Protocols of a Gateway server port. */
export enum GatewayProtocol {
  /** Plain HTTP/1.1 (and h2c). */
  HTTP = 'HTTP',
  /** HTTP over TLS terminated at the gateway. */
  HTTPS = 'HTTPS',
  /** HTTP/2 in clear text. */
  HTTP2 = 'HTTP2',
  /** gRPC in clear text. */
  GRPC = 'GRPC',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** TLS: passthrough by SNI, or terminated and forwarded as TCP. */
  TLS = 'TLS',
  /** MongoDB wire protocol. */
  MONGO = 'MONGO',
  /** Redis protocol. */
  REDIS = 'REDIS',
  /** MySQL protocol. */
  MYSQL = 'MYSQL',
}

/** Options for {@link GatewayBase.addServer}. */
export interface GatewayServerOptions {
  /** Server port: a port of the workload's Service (before target-port translation). */
  readonly port: number;
  /** Protocol of the port. */
  readonly protocol: GatewayProtocol;
  /**
   * Hosts the server accepts: FQDNs or `*.suffix`, without a namespace (give the namespace in `namespace`).
   */
  readonly hosts: string[];
  /**
   * Namespace of the VirtualServices that bind to these hosts. When the Gateway scopes its hosts
   * (`namespaceScopedHosts`), the hosts are written `<namespace>/<host>` so that no VirtualService in another
   * namespace can bind to them.
   * @default - any namespace (hosts are written without a namespace)
   * @see https://istio.io/latest/docs/reference/config/networking/gateway/#Server
   */
  readonly namespace?: string;
  /**
   * The construct that adds the server (e.g. a team's route on a shared gateway): errors about the server (a host
   * or port conflict) are reported on it, and later conflicts name it.
   * @default - the gateway
   */
  readonly owner?: IConstruct;
  /**
   * Port name, unique within the Gateway.
   * @default - `<protocol>-<port>` for plaintext servers, `<protocol>-<first host>` for TLS servers
   */
  readonly portName?: string;
  /**
   * TLS settings; required for HTTPS and TLS servers, forbidden for the others.
   * @default - no TLS
   */
  readonly tls?: ServerTls;
  /**
   * Answer plain HTTP requests with a 301 to HTTPS (HTTP servers only).
   * @default false
   */
  readonly httpsRedirect?: boolean;
  /**
   * Allow the host `*` (any VirtualService in any namespace may bind to the server).
   * @default false
   */
  readonly allowAnyHost?: boolean;
  /**
   * Allow wildcard hosts (`*.example.com`) on a TLS server.
   * @default false
   */
  readonly allowWildcardHosts?: boolean;
}

/** A server added to a Gateway, as rendered. Returned by {@link GatewayBase.addServer}. */
export interface GatewayServerRef {
  /** Server port. */
  readonly port: number;
  /** Protocol. */
  readonly protocol: GatewayProtocol;
  /** Port name. */
  readonly portName: string;
  /** Hosts, sorted. */
  readonly hosts: string[];
}

/** Props shared by ingress and egress gateways. */
export interface GatewayBaseProps {
  /** The gateway pods the Gateway configures (its `selector`). */
  readonly workload: IGatewayWorkload;
  /**
   * metadata.name of the Gateway (a DNS-1123 label).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the Gateway.
   * @default - the chart's namespace, else the workload's namespace
   */
  readonly namespace?: string;
  /**
   * Write server hosts as `<namespace>/<host>`, the namespace of the VirtualService that routes them, as Istio
   * recommends for shared gateways: a VirtualService in another namespace cannot then bind to a team's host.
   * `false` writes plain hosts (any namespace may bind).
   * @default - true when the gateway serves routes from more than one namespace, else false
   * @see https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration
   */
  readonly namespaceScopedHosts?: boolean;
  /**
   * The API the gateway and every construct bound to it render: Istio's (Gateway, VirtualService) or the Kubernetes
   * Gateway API (Gateway with `gatewayClassName: istio` bound to the workload's Service through `spec.addresses`,
   * HTTPRoute, TLSRoute, TCPRoute, ReferenceGrant). Options without a Gateway API equivalent throw.
   * @default GatewayApi.ISTIO
   * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
   */
  readonly api?: GatewayApi;
}

/** Attributes of a Gateway owned elsewhere (e.g. a platform team's shared gateway in another repository). */
export interface GatewayAttributes {
  /** metadata.name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway. */
  readonly namespace: string;
  /**
   * The gateway pods the Gateway configures, e.g. `GatewayWorkload.fromInstalled(...)` or a preset such as
   * `GatewayWorkload.istioIngressGateway(...)`: their namespace is where TLS secrets must live.
   */
  readonly workload: IGatewayWorkload;
  /**
   * The hosts the Gateway's servers accept, as written in its servers (`shop.example.com`, `*.example.com`,
   * `team-a/*.example.com`). When given, a route for a host none of them admits (for the route's namespace)
   * throws. Routes still declare the servers they need to the checks.
   * @default - unknown: any host is accepted (the owner of the Gateway is trusted to serve it)
   */
  readonly hosts?: string[];
}

/**
 * A Gateway that routes can bind to: one created in this app ({@link IngressGateway}, {@link EgressGateway}) or
 * one owned elsewhere, e.g. a platform team's shared gateway imported with
 * {@link IngressGateway.fromGatewayAttributes}.
 */
export interface IGateway extends IConstruct {
  /** metadata.name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway. */
  readonly namespace: string;
  /** The gateway pods the Gateway configures. */
  readonly workload: IGatewayWorkload;
  /** `<namespace>/<name>`: how VirtualServices reference the Gateway. */
  readonly ref: string;
  /** Ports that have at least one server (known to this app), sorted. */
  readonly serverPorts: number[];
  /**
   * Adds a server (port + hosts + TLS) to the Gateway; for an imported Gateway, declares a server the Gateway's
   * owner must provide (checked against its known hosts). Throws on local conflicts.
   */
  addServer(options: GatewayServerOptions): GatewayServerRef;
}

/**
 * One Istio Gateway (networking.istio.io/v1) bound to one gateway workload. Servers are allocated as hosts and
 * routes are added; output is sorted by port and name so creation order does not change the YAML.
 * Base of {@link IngressGateway} and {@link EgressGateway}.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 */
export abstract class GatewayBase extends Construct implements IGateway {
  /** The gateway workload. */
  public readonly workload: IGatewayWorkload;
  /** metadata.name of the Gateway. */
  public readonly name: string;
  /** Namespace of the Gateway. */
  public readonly namespace: string;
  /** The L1 Gateway object (networking.istio.io or gateway.networking.k8s.io, per `api`). */
  public readonly apiObject: ApiObject;
  /** The API the gateway renders. */
  public readonly api: GatewayApi;
  /**
   * The Gateway API renderer, when `api` is KUBERNETES.
   * @internal
   */
  public readonly _kubernetes?: KubernetesGateway;
  private readonly servers: GatewayServers;
  private readonly namespaceScopedHosts?: boolean;

  protected constructor(scope: Construct, id: string, props: GatewayBaseProps, role: GatewayRole) {
    super(scope, id);
    installChecks(this);
    if (!props.workload) {
      throw new IstioGatewaysError(this, 'workload: a gateway needs the gateway workload it configures, e.g. GatewayWorkload.istioIngressGateway(this, "ingress")');
    }
    if (props.workload.role !== role) {
      throw new IstioGatewaysError(this, `workload: ${props.workload.node.path} is an ${props.workload.role} gateway workload and cannot serve ${role} traffic; use ${role === GatewayRole.INGRESS ? 'an ingress workload such as GatewayWorkload.istioIngressGateway()' : 'an egress workload such as GatewayWorkload.istioEgressGateway()'}`);
    }
    this.workload = props.workload;
    this.servers = new GatewayServers(this, (owner, state, all) => this._kubernetes?.serverAdded(owner, state, all));
    this.namespaceScopedHosts = props.namespaceScopedHosts;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? props.workload.namespace;
    validateDnsLabel(this, 'namespace', this.namespace);
    if (props.name !== undefined) validateDnsLabel(this, 'name', props.name);
    this.api = props.api ?? GatewayApi.ISTIO;
    if (this.api === GatewayApi.KUBERNETES) {
      const servers = () => this.servers.states;
      this._kubernetes = new KubernetesGateway(this, { name: props.name, namespace: this.namespace, workload: props.workload, servers });
    }
    this.apiObject = this._kubernetes?.apiObject ?? new ApiObject(this, 'Resource', l1Props(GatewayL1.GVK, {
      metadata: props.name !== undefined ? { name: props.name, namespace: this.namespace } : { namespace: this.namespace },
      spec: Lazy.any({ produce: () => toJson_GatewaySpec({ selector: { ...this.workload.selector }, servers: this.renderServers() }) }),
    }));
    this.name = this.apiObject.name;
    // findings on a server of the Gateway name the construct that added it (e.g. a team's route)
    registerServerOwners(this, () => this.servers.owners(this.scopedHosts()));
    this.node.addValidation({
      validate: () => this.servers.size === 0
        ? ['the Gateway has no servers; add a host or a route to it (e.g. addServer, addHttpHost, addSecureHost, addTcpRoute, addSniPassthrough)']
        : [],
    });
  }

  /** `<namespace>/<name>`: how VirtualServices reference this Gateway. */
  public get ref(): string {
    return `${this.namespace}/${this.name}`;
  }

  /**
   * Adds a server (port + hosts + TLS) to the Gateway. Plaintext HTTP servers on the same port merge their
   * hosts; every other server is its own entry. Throws on local conflicts: a host twice on one port, a port
   * name twice, protocols of different families (HTTP / TLS / TCP) on one port, two TCP servers on one port.
   * The error is reported on `options.owner` and names the construct that added the conflicting server.
   */
  public addServer(options: GatewayServerOptions): GatewayServerRef {
    return this.servers.add(options);
  }

  /** Ports that have at least one server, sorted. */
  public get serverPorts(): number[] {
    return this.servers.serverPorts;
  }

  private renderServers(): GatewaySpecServers[] {
    return this.servers.render(this.scopedHosts());
  }

  private scopedHosts(): boolean {
    return this.namespaceScopedHosts ?? this.servers.namespaces.size > 1;
  }
}
