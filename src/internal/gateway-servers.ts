/**
 * The servers of one Gateway: allocation, the eager conflict checks, and rendering (with namespace-scoped hosts).
 * Shared by GatewayBase (a Gateway this app synthesizes) and the imported gateway (a Gateway owned elsewhere, whose
 * servers that this app's routes need are declared to the checker). Internal: not exported from index.ts.
 */
import { IConstruct } from 'constructs';
import type { GatewaySpecServers } from '../../imports/networking.istio.io';
import { IstioGatewaysError } from '../errors';
import type { GatewayProtocol, GatewayServerOptions, GatewayServerRef } from '../gateway-base';
import type { IGatewayWorkload } from '../gateway-workload';
import { hostSlug, validateDnsLabel, validateGatewayHosts, validatePort } from './validate';

type Family = 'http' | 'tls' | 'tcp';

/** The `tls` block of a rendered Gateway server (wire format). */
export interface RenderedServerTls {
  readonly mode: string;
  readonly credentialName?: string;
  readonly caCertCredentialName?: string;
  readonly minProtocolVersion?: string;
  readonly maxProtocolVersion?: string;
  readonly cipherSuites?: string[];
  readonly subjectAltNames?: string[];
}

/** One server host and the namespace of the VirtualServices it is meant for (undefined: any namespace). */
interface HostState {
  readonly host: string;
  readonly namespace?: string;
  /** the construct that added the host (plain HTTP servers merge the hosts of several constructs) */
  readonly owner: IConstruct;
}

/** Who added a rendered server and each of its rendered hosts (construct paths), for findings on them. */
export interface RenderedServerOwners {
  readonly owner: string;
  readonly hostOwners: string[];
}

/** One server, as allocated. */
export interface ServerState {
  readonly port: number;
  readonly protocol: GatewayProtocol;
  readonly portName: string;
  /** insertion order; one entry per host */
  readonly hosts: HostState[];
  readonly tls?: RenderedServerTls;
  readonly httpsRedirect: boolean;
  readonly mergeable: boolean;
  /** position in `servers` (the order conflicts are reported in) */
  readonly index: number;
  /** the construct that added the server (a route or host construct, else the gateway) */
  readonly owner: IConstruct;
}

/** The servers on one port, indexed for the conflict checks (linear scans made it quadratic). */
interface PortState {
  readonly servers: ServerState[];
  /** lowercase host → the server on this port that has it (a host appears once per port) */
  readonly hostOwner: Map<string, ServerState>;
}

/** What the table needs to know about its gateway. */
export interface ServerTableGateway extends IConstruct {
  readonly workload: IGatewayWorkload;
  readonly ref: string;
}

function familyOf(p: GatewayProtocol): Family {
  switch (p as string) {
    case 'HTTP':
    case 'HTTP2':
    case 'GRPC':
      return 'http';
    case 'HTTPS':
    case 'TLS':
      return 'tls';
    default:
      return 'tcp';
  }
}

/** Servers of one Gateway, sorted output (creation order does not change the YAML). */
export class GatewayServers {
  private readonly servers: ServerState[] = [];
  private readonly ports = new Map<number, PortState>();
  private readonly portNames = new Map<string, ServerState>();

  /**
   * @param gateway the Gateway construct the servers belong to
   * @param onAdded called after every add (a new server or hosts merged into one), e.g. by the Gateway API renderer
   */
  constructor(
    private readonly gateway: ServerTableGateway,
    private readonly onAdded?: (owner: IConstruct, server: ServerState, servers: readonly ServerState[]) => void,
  ) {}

  /** The servers in allocation order. */
  public get states(): readonly ServerState[] {
    return this.servers;
  }

  /** Number of servers. */
  public get size(): number {
    return this.servers.length;
  }

  /** Ports that have at least one server, sorted. */
  public get serverPorts(): number[] {
    return [...this.ports.keys()].sort((a, b) => a - b);
  }

  /** The namespaces the servers' hosts are meant for (hosts added with a namespace). */
  public get namespaces(): Set<string> {
    const out = new Set<string>();
    for (const s of this.servers) for (const h of s.hosts) if (h.namespace !== undefined) out.add(h.namespace);
    return out;
  }

  /** Where an error about a server is reported: on its owner, naming the gateway when they differ. */
  private fail(owner: IConstruct, message: string): never {
    const where = owner === this.gateway ? '' : ` of gateway ${this.gateway.ref} (${this.gateway.node.path})`;
    throw new IstioGatewaysError(owner, message.replace(/^port (\d+):/, `port $1${where}:`));
  }

  private addedBy(s: { readonly owner: IConstruct }): string {
    return s.owner === this.gateway ? '' : `, added by ${s.owner.node.path}`;
  }

  /** See {@link GatewayBase.addServer}. */
  public add(options: GatewayServerOptions): GatewayServerRef {
    const owner = options.owner ?? this.gateway;
    validatePort(owner, 'port', options.port);
    if (options.namespace !== undefined) validateDnsLabel(owner, 'namespace', options.namespace);
    const family = familyOf(options.protocol);
    const tls = options.tls;
    if (family === 'tls' && !tls) {
      this.fail(owner, `port ${options.port}: a ${options.protocol} server needs tls settings; pass tls: ServerTls.simple(credential) or ServerTls.passthrough()`);
    }
    if (family !== 'tls' && tls) {
      this.fail(owner, `port ${options.port}: tls settings are only valid on HTTPS or TLS servers, not ${options.protocol}`);
    }
    if ((options.protocol as string) === 'HTTPS' && tls && !tls.terminates && tls.mode !== 'ISTIO_MUTUAL') {
      this.fail(owner, `port ${options.port}: an HTTPS server must terminate TLS; use protocol TLS for ${tls.mode}`);
    }
    if (options.httpsRedirect && family !== 'http') {
      this.fail(owner, `port ${options.port}: httpsRedirect only applies to plain HTTP servers, not ${options.protocol}`);
    }
    const isTlsServer = family === 'tls';
    validateGatewayHosts(owner, `port ${options.port} hosts`, options.hosts, {
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
        this.fail(owner, `port ${options.port}: a ${options.protocol} server cannot share the port with the ${first.protocol} server "${first.portName}"${this.addedBy(first)}; use another port`);
      }
      if (family === 'tcp') {
        this.fail(owner, `port ${options.port}: the port already has the ${first.protocol} server "${first.portName}"${this.addedBy(first)} and Envoy cannot tell two TCP servers on one port apart; use another port`);
      }
      let conflict: ServerState | undefined;
      for (const h of options.hosts) {
        const o = portState!.hostOwner.get(h.toLowerCase());
        if (o && (!conflict || o.index < conflict.index)) conflict = o;
      }
      if (conflict) {
        const byHost = new Map(conflict.hosts.map((x) => [x.host.toLowerCase(), x]));
        const h = options.hosts.find((x) => byHost.has(x.toLowerCase()))!;
        const earlier = byHost.get(h.toLowerCase())!;
        this.fail(owner, `port ${options.port}: host "${h}" is already served by "${conflict.portName}"${this.addedBy(earlier)}; a host may appear once per gateway port`);
      }
    }

    const hostStates: HostState[] = options.hosts.map((host) => ({ host, namespace: options.namespace, owner }));
    const mergeable = family === 'http' && !options.portName;
    if (mergeable) {
      const target = samePort.find((s) => s.mergeable && s.protocol === options.protocol && s.httpsRedirect === (options.httpsRedirect ?? false));
      if (target) {
        hostStates.forEach((h) => {
          target.hosts.push(h);
          portState!.hostOwner.set(h.host.toLowerCase(), target);
        });
        this.onAdded?.(owner, target, this.servers);
        return refOf(target);
      }
    }

    const sortedHosts = [...options.hosts].sort();
    const portName = options.portName ?? (isTlsServer
      ? hostSlug(options.protocol.toLowerCase(), sortedHosts[0])
      : `${options.protocol.toLowerCase()}-${options.port}${options.httpsRedirect ? '-redirect' : ''}`);
    validateDnsLabel(owner, 'portName', portName);
    const clash = this.portNames.get(portName);
    if (clash) {
      throw new IstioGatewaysError(owner, `portName: "${portName}" is already used by the server on port ${clash.port}${this.addedBy(clash)}${owner === this.gateway ? '' : ` on gateway ${this.gateway.ref}`}; port names must be unique within a Gateway: pass an explicit portName`);
    }
    const state: ServerState = {
      port: options.port,
      protocol: options.protocol,
      portName,
      hosts: hostStates,
      tls: tls ? tls._bind(owner, sortedHosts, this.gateway.workload) : undefined,
      httpsRedirect: options.httpsRedirect ?? false,
      mergeable,
      index: this.servers.length,
      owner,
    };
    this.servers.push(state);
    if (!portState) {
      portState = { servers: [], hostOwner: new Map() };
      this.ports.set(options.port, portState);
    }
    portState.servers.push(state);
    for (const h of options.hosts) portState.hostOwner.set(h.toLowerCase(), state);
    this.portNames.set(portName, state);
    this.onAdded?.(owner, state, this.servers);
    return refOf(state);
  }

  /** The construct paths that added the servers and their hosts, in the order {@link render} writes them. */
  public owners(scoped: boolean): RenderedServerOwners[] {
    return this.sorted().map((s) => ({
      owner: s.owner.node.path,
      hostOwners: this.renderedHosts(s, scoped).map((h) => h.owner.node.path),
    }));
  }

  /** A server's hosts in rendered order, with their rendered text. */
  private renderedHosts(s: ServerState, scoped: boolean): (HostState & { readonly text: string })[] {
    return s.hosts
      // a literal, not `{ ...h, text }`: V8 gives each object made by a spread plus more properties a hidden class
      .map((h) => ({ host: h.host, namespace: h.namespace, owner: h.owner, text: scoped && h.namespace !== undefined ? `${h.namespace}/${h.host}` : h.host }))
      .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  }

  private sorted(): ServerState[] {
    return [...this.servers].sort((a, b) => a.port - b.port || (a.portName < b.portName ? -1 : a.portName > b.portName ? 1 : 0));
  }

  /**
   * The wire servers, sorted by port and name. With `scoped`, a host added for a namespace is written
   * `<namespace>/<host>` (only VirtualServices in that namespace may bind to it).
   */
  public render(scoped: boolean): GatewaySpecServers[] {
    return this.sorted().map((s) => {
      const tls = s.tls
        ? { ...s.tls }
        : s.httpsRedirect ? { httpsRedirect: true } : undefined;
      return {
        port: { number: s.port, name: s.portName, protocol: s.protocol },
        hosts: this.renderedHosts(s, scoped).map((h) => h.text),
        tls: tls as GatewaySpecServers['tls'],
      };
    });
  }
}

/** What a {@link GatewayServerRef} reads its hosts from (a non-enumerable own property of the ref). */
const REF_HOSTS = Symbol('gatewayServerRefHosts');

interface RefHosts {
  readonly server: ServerState;
  /** How many of the server's hosts existed when the ref was made. */
  readonly count: number;
  sorted?: string[];
}

/** The `hosts` getter of every ref: one shared function (see {@link refOf}). */
function refHosts(this: { readonly [REF_HOSTS]: RefHosts }): string[] {
  const h = this[REF_HOSTS];
  if (!h.sorted) h.sorted = h.server.hosts.slice(0, h.count).map((x) => x.host).sort();
  return h.sorted;
}

function refOf(s: ServerState): GatewayServerRef {
  // The hosts as of now, sorted on first read: a shared server (e.g. the port-80 redirect server of many
  // SecureHosts) has many hosts, and sorting them on every addServer made adding hosts quadratic. Hosts only
  // grow, in insertion order, so the first `count` of them are the hosts at this call.
  // `hosts` stays an own enumerable property (the ref is a plain struct to users and jsii), but its getter is one
  // shared function: a literal's `get hosts()` is a new closure per ref, which gives every ref its own hidden class
  // and dictionary-mode properties (≈ 470 bytes each, 11,500 refs in the 5,000-tenant bench app).
  const ref = { port: s.port, protocol: s.protocol, portName: s.portName };
  Object.defineProperty(ref, 'hosts', { get: refHosts, enumerable: true });
  Object.defineProperty(ref, REF_HOSTS, { value: { server: s, count: s.hosts.length } });
  return ref as GatewayServerRef;
}
