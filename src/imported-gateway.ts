import { Construct, IConstruct } from 'constructs';
import { Gateway as GatewayL1, toJson_GatewaySpecServers } from '../imports/networking.istio.io';
import { gatewayHostProblem, hostCovers, parseServerHost, serverHostAdmitsNamespace } from './check/hosts';
import { installChecks, registerContext } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import type { GatewayAttributes, GatewayServerOptions, GatewayServerRef, IGateway } from './gateway-base';
import { GatewayRole, IGatewayWorkload } from './gateway-workload';
import { GatewayServers } from './internal/gateway-servers';
import { validateDnsLabel } from './internal/validate';

const TABLES = new WeakMap<IConstruct, Map<string, GatewayServers>>();

/**
 * A Gateway this app does not synthesize. Routes bound to it create their VirtualServices only; the servers they
 * need are declared to the checks as facts of the Gateway (a context object, never reported on), so a
 * VirtualService bound to it is not "gateway not found", and what the app cannot know (the Gateway's other servers)
 * stays open. What the app declares is checked: known hosts, and conflicts between this app's own routes.
 */
export class ImportedGateway extends Construct implements IGateway {
  public readonly name: string;
  public readonly namespace: string;
  public readonly workload: IGatewayWorkload;
  private readonly servers: GatewayServers;
  private readonly hosts?: string[];

  constructor(scope: Construct, id: string, attrs: GatewayAttributes, role: GatewayRole) {
    super(scope, id);
    installChecks(this);
    if (!attrs || !attrs.workload) {
      throw new IstioGatewaysError(this, 'workload: an imported gateway needs the gateway workload it configures, e.g. GatewayWorkload.fromInstalled(this, "ingress", { ... })');
    }
    if (attrs.workload.role !== role) {
      throw new IstioGatewaysError(this, `workload: ${attrs.workload.node.path} is an ${attrs.workload.role} gateway workload; an imported ${role} gateway needs an ${role} workload`);
    }
    validateDnsLabel(this, 'name', attrs.name);
    validateDnsLabel(this, 'namespace', attrs.namespace);
    (attrs.hosts ?? []).forEach((h, i) => {
      const sh = parseServerHost(h);
      const problem = sh.host === '*' ? undefined : gatewayHostProblem(sh.host);
      if (problem) throw new IstioGatewaysError(this, `hosts[${i}]: "${h}" ${problem}`);
    });
    this.name = attrs.name;
    this.namespace = attrs.namespace;
    this.workload = attrs.workload;
    this.hosts = attrs.hosts ? [...attrs.hosts] : undefined;
    // One server table per imported Gateway and App: two imports of one Gateway (two teams' charts) declare their
    // servers to the checker as one object, and conflicts between them are found.
    let tables = TABLES.get(this.node.root);
    if (!tables) {
      tables = new Map();
      TABLES.set(this.node.root, tables);
    }
    const existing = tables.get(this.ref);
    if (existing) {
      this.servers = existing;
      return;
    }
    this.servers = new GatewayServers(this);
    tables.set(this.ref, this.servers);
    const servers = this.servers;
    const selector = { ...attrs.workload.selector };
    registerContext(this, [{
      ...GatewayL1.GVK,
      metadata: { name: this.name, namespace: this.namespace },
      // read by the checks at each run: the servers this app's routes need so far
      get spec() {
        return { selector, servers: servers.render(false).map((s) => toJson_GatewaySpecServers(s)) };
      },
    }]);
  }

  public get ref(): string {
    return `${this.namespace}/${this.name}`;
  }

  public get serverPorts(): number[] {
    return this.servers.serverPorts;
  }

  public addServer(options: GatewayServerOptions): GatewayServerRef {
    const owner = options.owner ?? this;
    if (this.hosts && Array.isArray(options.hosts)) {
      const ns = options.namespace;
      options.hosts.forEach((h, i) => {
        const admitted = this.hosts!.some((declared) => {
          const sh = parseServerHost(declared);
          return (ns === undefined ? sh.namespace === '*' : serverHostAdmitsNamespace(sh, this.namespace, ns)) && hostCovers(sh.host, h);
        });
        if (!admitted) {
          throw new IstioGatewaysError(owner, `hosts[${i}]: "${h}"${ns ? ` (namespace ${ns})` : ''} is not among the hosts of the imported gateway ${this.ref} (${this.hosts!.join(', ')}); use a host the gateway serves, or ask its owner to add a server for it`);
        }
      });
    }
    return this.servers.add(options);
  }
}
