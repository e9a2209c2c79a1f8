import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway as GatewayL1, GatewaySpecServers, toJson_GatewaySpec } from '../imports/networking.istio.io';
import { installChecks } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import { GatewayApi } from './gateway-api/api';
import { KubernetesGateway } from './gateway-api/gateway';
import { GatewayRole, IGatewayWorkload } from './gateway-workload';
import { hostSlug, validateDnsLabel, validateGatewayHosts, validatePort } from './internal/validate';
import { RenderedServerTls, ServerTls } from './server-tls';

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
   * Hosts the server accepts: FQDNs or `*.suffix` (optionally `ns/host`-scoped is not supported here:
   * hosts are bound by the VirtualServices this library creates).
   */
  readonly hosts: string[];
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
   * The API the gateway and every construct bound to it render: Istio's (Gateway, VirtualService) or the Kubernetes
   * Gateway API (Gateway with `gatewayClassName: istio` bound to the workload's Service through `spec.addresses`,
   * HTTPRoute, TLSRoute, TCPRoute, ReferenceGrant). Options without a Gateway API equivalent throw.
   * @default GatewayApi.ISTIO
   * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
   */
  readonly api?: GatewayApi;
}

type Family = 'http' | 'tls' | 'tcp';

interface ServerState {
  readonly port: number;
  readonly protocol: GatewayProtocol;
  portName: string;
  readonly hosts: Set<string>;
  readonly tls?: RenderedServerTls;
  readonly httpsRedirect: boolean;
  readonly mergeable: boolean;
  /** position in `servers` (the order conflicts are reported in) */
  readonly index: number;
}

/** The servers on one port, indexed for addServer's conflict checks (linear scans made it quadratic). */
interface PortState {
  readonly servers: ServerState[];
  /** lowercase host → the server on this port that has it (a host appears once per port) */
  readonly hostOwner: Map<string, ServerState>;
}

function familyOf(p: GatewayProtocol): Family {
  switch (p) {
    case GatewayProtocol.HTTP:
    case GatewayProtocol.HTTP2:
    case GatewayProtocol.GRPC:
      return 'http';
    case GatewayProtocol.HTTPS:
    case GatewayProtocol.TLS:
      return 'tls';
    default:
      return 'tcp';
  }
}


/**
 * One Istio Gateway (networking.istio.io/v1) bound to one gateway workload. Servers are allocated as hosts and
 * routes are added; output is sorted by port and name so creation order does not change the YAML.
 * Base of {@link IngressGateway} and {@link EgressGateway}.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 */
export abstract class GatewayBase extends Construct {
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
  private readonly servers: ServerState[] = [];
  private readonly ports = new Map<number, PortState>();
  private readonly portNames = new Map<string, ServerState>();

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
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? props.workload.namespace;
    validateDnsLabel(this, 'namespace', this.namespace);
    if (props.name !== undefined) validateDnsLabel(this, 'name', props.name);
    this.api = props.api ?? GatewayApi.ISTIO;
    if (this.api === GatewayApi.KUBERNETES) {
      const servers = () => this.servers;
      this._kubernetes = new KubernetesGateway(this, { name: props.name, namespace: this.namespace, workload: props.workload, servers });
    }
    this.apiObject = this._kubernetes?.apiObject ?? new ApiObject(this, 'Resource', {
      ...GatewayL1.GVK,
      metadata: props.name !== undefined ? { name: props.name, namespace: this.namespace } : { namespace: this.namespace },
      spec: Lazy.any({ produce: () => toJson_GatewaySpec({ selector: { ...this.workload.selector }, servers: this.renderServers() }) }),
    });
    this.name = this.apiObject.name;
    this.node.addValidation({
      validate: () => this.servers.length === 0
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
   */
  public addServer(options: GatewayServerOptions): GatewayServerRef {
    validatePort(this, 'port', options.port);
    const family = familyOf(options.protocol);
    const tls = options.tls;
    if (family === 'tls' && !tls) {
      throw new IstioGatewaysError(this, `port ${options.port}: a ${options.protocol} server needs tls settings; pass tls: ServerTls.simple(credential) or ServerTls.passthrough()`);
    }
    if (family !== 'tls' && tls) {
      throw new IstioGatewaysError(this, `port ${options.port}: tls settings are only valid on HTTPS or TLS servers, not ${options.protocol}`);
    }
    if (options.protocol === GatewayProtocol.HTTPS && tls && !tls.terminates && tls.mode !== 'ISTIO_MUTUAL') {
      throw new IstioGatewaysError(this, `port ${options.port}: an HTTPS server must terminate TLS; use protocol TLS for ${tls.mode}`);
    }
    if (options.httpsRedirect && family !== 'http') {
      throw new IstioGatewaysError(this, `port ${options.port}: httpsRedirect only applies to plain HTTP servers, not ${options.protocol}`);
    }
    const isTlsServer = family === 'tls';
    validateGatewayHosts(this, `port ${options.port} hosts`, options.hosts, {
      allowAny: options.allowAnyHost ?? false,
      allowWildcard: isTlsServer ? options.allowWildcardHosts ?? false : true,
    });

    let portState = this.ports.get(options.port);
    const samePort = portState?.servers ?? [];
    // Every server on a port has the family of the first one (a mismatch throws), so the first server decides
    // the family and TCP conflicts; a host conflict names the earliest server that has one of the hosts.
    const first = samePort[0];
    if (first) {
      if (familyOf(first.protocol) !== family) {
        throw new IstioGatewaysError(this, `port ${options.port}: a ${options.protocol} server cannot share the port with the ${first.protocol} server "${first.portName}"; use another port`);
      }
      if (family === 'tcp') {
        throw new IstioGatewaysError(this, `port ${options.port}: the port already has the ${first.protocol} server "${first.portName}" and Envoy cannot tell two TCP servers on one port apart; use another port`);
      }
      let owner: ServerState | undefined;
      for (const h of options.hosts) {
        const o = portState!.hostOwner.get(h.toLowerCase());
        if (o && (!owner || o.index < owner.index)) owner = o;
      }
      if (owner) {
        const lower = new Set([...owner.hosts].map((x) => x.toLowerCase()));
        const h = options.hosts.find((x) => lower.has(x.toLowerCase()))!;
        throw new IstioGatewaysError(this, `port ${options.port}: host "${h}" is already served by "${owner.portName}"; a host may appear once per gateway port`);
      }
    }

    const mergeable = family === 'http' && !options.portName;
    if (mergeable) {
      const target = samePort.find((s) => s.mergeable && s.protocol === options.protocol && s.httpsRedirect === (options.httpsRedirect ?? false));
      if (target) {
        options.hosts.forEach((h) => {
          target.hosts.add(h);
          portState!.hostOwner.set(h.toLowerCase(), target);
        });
        this._kubernetes?.serverAdded(this, target, this.servers);
        return this.refOf(target);
      }
    }

    const sortedHosts = [...options.hosts].sort();
    const portName = options.portName ?? (isTlsServer
      ? hostSlug(options.protocol.toLowerCase(), sortedHosts[0])
      : `${options.protocol.toLowerCase()}-${options.port}${options.httpsRedirect ? '-redirect' : ''}`);
    validateDnsLabel(this, 'portName', portName);
    const clash = this.portNames.get(portName);
    if (clash) {
      throw new IstioGatewaysError(this, `portName: "${portName}" is already used by the server on port ${clash.port}; port names must be unique within a Gateway: pass an explicit portName`);
    }
    const state: ServerState = {
      port: options.port,
      protocol: options.protocol,
      portName,
      hosts: new Set(options.hosts),
      tls: tls ? tls._bind(this, sortedHosts, this.workload) : undefined,
      httpsRedirect: options.httpsRedirect ?? false,
      mergeable,
      index: this.servers.length,
    };
    this.servers.push(state);
    if (!portState) {
      portState = { servers: [], hostOwner: new Map() };
      this.ports.set(options.port, portState);
    }
    portState.servers.push(state);
    for (const h of options.hosts) portState.hostOwner.set(h.toLowerCase(), state);
    if (!this.portNames.has(portName)) this.portNames.set(portName, state);
    this._kubernetes?.serverAdded(this, state, this.servers);
    return this.refOf(state);
  }

  /** Ports that have at least one server, sorted. */
  public get serverPorts(): number[] {
    return [...new Set(this.servers.map((s) => s.port))].sort((a, b) => a - b);
  }

  private refOf(s: ServerState): GatewayServerRef {
    // The hosts as of now, sorted on first read: a shared server (e.g. the port-80 redirect server of many
    // SecureHosts) has many hosts, and sorting them on every addServer made adding hosts quadratic. Hosts only
    // grow, in insertion order, so the first `count` of them are the hosts at this call.
    const count = s.hosts.size;
    let sorted: string[] | undefined;
    return {
      port: s.port,
      protocol: s.protocol,
      portName: s.portName,
      get hosts(): string[] {
        if (!sorted) sorted = (count === s.hosts.size ? [...s.hosts] : [...s.hosts].slice(0, count)).sort();
        return sorted;
      },
    };
  }

  private renderServers(): GatewaySpecServers[] {
    const sorted = [...this.servers].sort((a, b) => a.port - b.port || (a.portName < b.portName ? -1 : a.portName > b.portName ? 1 : 0));
    return sorted.map((s) => {
      const tls = s.tls
        ? { ...s.tls }
        : s.httpsRedirect ? { httpsRedirect: true } : undefined;
      return {
        port: { number: s.port, name: s.portName, protocol: s.protocol },
        hosts: [...s.hosts].sort(),
        tls: tls as GatewaySpecServers['tls'],
      };
    });
  }
}
