import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DestinationRuleSpecSubsets, DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode,
  DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode, ServiceEntry as ServiceEntryL1,
  ServiceEntrySpecLocation, ServiceEntrySpecPorts, ServiceEntrySpecResolution, toJson_ServiceEntrySpec, VirtualServiceSpec,
  VirtualServiceSpecTlsMatch,
} from '../imports/networking.istio.io';
import { classifyHost, isDnsLabel } from './check/hosts';
import { installChecks } from './check/synth-hook';
import type { EgressGateway } from './egress-gateway';
import { IstioGatewaysError } from './errors';
import { createEgressRoutes } from './gateway-api/egress';
import { GatewayProtocol, GatewayServerRef } from './gateway-base';
import { l1Props } from './internal/l1-props';
import { hostSlug, validateDnsLabel, validatePort } from './internal/validate';
import { FixedSpec, createDestinationRule, createVirtualService, namespaceFor } from './internal/virtual-service';
import { ServerTls } from './server-tls';

/** What the application sends to the external host, and what the egress gateway does with it. */
export enum EgressProtocol {
  /**
   * The application opens TLS to the host itself (e.g. `https://edition.cnn.com`); the egress gateway routes the
   * still encrypted connection by SNI (`TLS` server, `mode: PASSTHROUGH`).
   */
  TLS = 'TLS',
  /** The application sends plain HTTP and the egress gateway forwards plain HTTP to the host. */
  HTTP = 'HTTP',
  /**
   * The application sends plain HTTP (e.g. `http://edition.cnn.com`); the egress gateway originates TLS to the
   * host's TLS port (DestinationRule `tls.mode: SIMPLE` with `sni`).
   */
  TLS_ORIGINATION = 'TLS_ORIGINATION',
}

/** Options for {@link EgressGateway.addRoute}. */
export interface EgressRouteOptions {
  /** The external host (an FQDN, resolved with DNS), e.g. `edition.cnn.com`. */
  readonly host: string;
  /** The port the application connects to: 443 for TLS, 80 for plain HTTP. */
  readonly port: number;
  /** What the application sends and what the egress gateway does with it. */
  readonly protocol: EgressProtocol;
  /**
   * Port of the egress gateway's Service that the mesh leg sends the traffic to (the Gateway server's port).
   * @default 443 for EgressProtocol.TLS, 80 otherwise (as in Istio's egress tasks)
   */
  readonly gatewayPort?: number;
  /**
   * Encrypt the leg from the sidecars to the egress gateway with Istio mutual TLS: the Gateway server becomes
   * `HTTPS` with `tls.mode: ISTIO_MUTUAL`, and the subset gets `tls: { mode: ISTIO_MUTUAL, sni: <host> }` for the
   * gateway port. Only for HTTP and TLS_ORIGINATION (TLS traffic is already encrypted end to end).
   * @default false
   */
  readonly mutualTlsToGateway?: boolean;
  /**
   * TLS_ORIGINATION only: the host's TLS port the egress gateway connects to.
   * @default 443
   */
  readonly originationPort?: number;
  /**
   * TLS_ORIGINATION only: CA bundle file (in the egress gateway pod) to verify the host's certificate.
   * @default - the system trust store (Istio verifies server certificates by default since 1.20)
   */
  readonly caCertificates?: string;
  /**
   * TLS_ORIGINATION only: names the host's certificate must carry.
   * @default - [host]
   */
  readonly subjectAltNames?: string[];
  /**
   * Cap on TCP connections from each calling proxy to the egress gateway for this host
   * (subset `trafficPolicy.connectionPool.tcp.maxConnections`). The limit is per calling Envoy, not global.
   * @default - no limit
   */
  readonly maxConnections?: number;
  /**
   * Name of the subset for this host in the egress gateway's DestinationRule.
   * @default - the host with dots replaced by '-', e.g. `edition-cnn-com`
   */
  readonly subsetName?: string;
  /**
   * Name of the egress Gateway server port for this host (TLS and ISTIO_MUTUAL servers; plain HTTP servers on one
   * port share a server).
   * @default - derived from the protocol and the host, e.g. `tls-edition-cnn-com`
   */
  readonly portName?: string;
  /**
   * Namespaces of the applications that call the host. When set, every object is exported only where it is
   * needed: the ServiceEntry to the clients, the egress gateway's namespace and the route's own namespace, the mesh VirtualService and the
   * egress gateway DestinationRule to the clients, the gateway VirtualService and the TLS origination
   * DestinationRule to the egress gateway's namespace.
   * @default - objects are visible in every namespace (no exportTo)
   */
  readonly clientNamespaces?: string[];
  /**
   * Base for the objects' metadata.name: `<name>` (ServiceEntry), `<name>-mesh`, `<name>-egress-gateway`
   * (VirtualServices), `<name>-tls-origination` (DestinationRule).
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the ServiceEntry, VirtualServices and TLS origination DestinationRule.
   * @default - the chart's namespace, else the Gateway's namespace
   */
  readonly namespace?: string;
}

/** Props of {@link EgressRoute}. */
export interface EgressRouteProps extends EgressRouteOptions {
  /** The egress Gateway the traffic leaves through. */
  readonly gateway: EgressGateway;
}

/**
 * Sends the mesh's traffic for one external host through an egress gateway, as in Istio's "Egress Gateways" and
 * "Egress Gateways with TLS Origination" tasks:
 *
 * 1. a ServiceEntry for the host (`resolution: DNS`, `location: MESH_EXTERNAL`);
 * 2. a server on the egress Gateway (TLS PASSTHROUGH for TLS; HTTP for plain HTTP; HTTPS ISTIO_MUTUAL with
 *    `mutualTlsToGateway`);
 * 3. a VirtualService bound to `mesh` that sends the host's traffic to the egress gateway Service (FQDN, gateway
 *    port, subset);
 * 4. a VirtualService bound to the egress Gateway that sends it on to the host — two objects, because only the
 *    mesh leg may list `mesh` (IST0109);
 * 5. a subset in the egress gateway's DestinationRule (with the connection pool and ISTIO_MUTUAL settings) and,
 *    for TLS origination, a DestinationRule for the host with `tls.mode: SIMPLE`, `sni` and certificate
 *    verification.
 *
 * @example
 * const egressGw = new EgressGateway(chart, 'egress', { workload: GatewayWorkload.istioEgressGateway(chart, 'egress-workload') });
 * new EgressRoute(chart, 'cnn', { gateway: egressGw, host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, maxConnections: 1 });
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/
 * @see https://istio.io/latest/docs/reference/config/networking/service-entry/
 */
export class EgressRoute extends Construct {
  /** The external host. */
  public readonly host: string;
  /** The egress Gateway server this route added. */
  public readonly server: GatewayServerRef;
  /** The subset of the egress gateway's DestinationRule this route uses. */
  public readonly subsetName: string;
  /** Namespace of the route's objects. */
  public readonly namespace: string;
  /** The ServiceEntry. */
  public readonly serviceEntry: ApiObject;
  /** The VirtualService bound to `mesh` (sidecars → egress gateway); with `api` KUBERNETES the route whose parent is the ServiceEntry. */
  public readonly meshVirtualService: ApiObject;
  /** The VirtualService bound to the egress Gateway (egress gateway → host); with `api` KUBERNETES the route attached to the Gateway. */
  public readonly gatewayVirtualService: ApiObject;
  /** The DestinationRule that originates TLS to the host (TLS_ORIGINATION only). */
  public readonly tlsOriginationRule?: ApiObject;

  constructor(scope: Construct, id: string, props: EgressRouteProps) {
    super(scope, id);
    installChecks(this);
    const gateway = props.gateway;
    if (!gateway) {
      throw new IstioGatewaysError(this, 'gateway: an egress route needs the EgressGateway the traffic leaves through');
    }
    validateEgressHost(this, props.host);
    if (props.port === undefined || props.port === null) {
      throw new IstioGatewaysError(this, 'port: an egress route needs the port the application connects to, e.g. port: 443 for TLS or port: 80 for plain HTTP');
    }
    validatePort(this, 'port', props.port);
    const protocol = props.protocol;
    if (!Object.values(EgressProtocol).includes(protocol)) {
      throw new IstioGatewaysError(this, `protocol: ${String(protocol)} is not an egress protocol; use EgressProtocol.TLS, EgressProtocol.HTTP or EgressProtocol.TLS_ORIGINATION`);
    }
    const mutual = props.mutualTlsToGateway ?? false;
    if (mutual && protocol === EgressProtocol.TLS) {
      throw new IstioGatewaysError(this, 'mutualTlsToGateway: true does not apply to EgressProtocol.TLS: the application\'s TLS already reaches the egress gateway encrypted and is passed through by SNI; remove mutualTlsToGateway or use TLS_ORIGINATION');
    }
    const origination = protocol === EgressProtocol.TLS_ORIGINATION;
    if (!origination) {
      for (const key of ['originationPort', 'caCertificates', 'subjectAltNames'] as const) {
        if (props[key] !== undefined) {
          throw new IstioGatewaysError(this, `${key}: only applies to EgressProtocol.TLS_ORIGINATION, not ${protocol}; remove it or use TLS_ORIGINATION`);
        }
      }
    }
    const originationPort = props.originationPort ?? 443;
    validatePort(this, 'originationPort', originationPort);
    if (origination && originationPort === props.port) {
      throw new IstioGatewaysError(this, `originationPort: ${originationPort} equals port ${props.port}; the application's plain HTTP port and the host's TLS port must differ (e.g. port: 80, originationPort: 443)`);
    }
    const gatewayPort = props.gatewayPort ?? (protocol === EgressProtocol.TLS ? 443 : 80);
    validatePort(this, 'gatewayPort', gatewayPort);
    if (props.maxConnections !== undefined && (!Number.isInteger(props.maxConnections) || props.maxConnections < 1)) {
      throw new IstioGatewaysError(this, `maxConnections: ${props.maxConnections} must be a positive integer, e.g. 1`);
    }
    if (props.name !== undefined) validateDnsLabel(this, 'name', props.name);
    const host = props.host.toLowerCase();
    this.host = host;
    this.subsetName = props.subsetName ?? hostSlug('', host);
    validateDnsLabel(this, 'subsetName', this.subsetName);
    const clients = props.clientNamespaces;
    if (clients !== undefined) {
      if (!Array.isArray(clients) || clients.length === 0) {
        throw new IstioGatewaysError(this, 'clientNamespaces: an empty list would hide the route from every application; list the client namespaces or omit the prop');
      }
      clients.forEach((n, i) => validateDnsLabel(this, `clientNamespaces[${i}]`, n));
    }
    this.namespace = namespaceFor(this, props.namespace, gateway.namespace);
    validateDnsLabel(this, 'namespace', this.namespace);

    const gwNs = gateway.workload.namespace;
    const exportTo = (...namespaces: string[]) => (clients ? [...new Set(namespaces)].sort() : undefined);
    const name = (suffix: string) => (props.name !== undefined ? `${props.name}${suffix}` : undefined);

    // (1) ServiceEntry
    const sePorts: ServiceEntrySpecPorts[] = protocol === EgressProtocol.TLS
      ? [{ number: props.port, name: 'tls', protocol: 'TLS' }]
      : protocol === EgressProtocol.HTTP
        ? [{ number: props.port, name: 'http', protocol: 'HTTP' }]
        : [{ number: props.port, name: 'http', protocol: 'HTTP' }, { number: originationPort, name: 'https', protocol: 'HTTPS' }];
    const seSpec = {
      hosts: [host],
      ports: sePorts.sort((a, b) => a.number - b.number),
      resolution: ServiceEntrySpecResolution.DNS,
      location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
      // the route's own namespace too: its gateway-leg VirtualService and TLS origination DestinationRule live there
      // and name the host, which Istio resolves only where the ServiceEntry is visible
      exportTo: exportTo(...(clients ?? []), gwNs, this.namespace),
    };
    this.serviceEntry = new ApiObject(this, 'ServiceEntry', l1Props(ServiceEntryL1.GVK, {
      metadata: props.name !== undefined ? { name: props.name, namespace: this.namespace } : { namespace: this.namespace },
      spec: Lazy.any({ produce: () => toJson_ServiceEntrySpec(seSpec) }),
    }));

    // (2) egress Gateway server
    gateway.workload.exposePort(gatewayPort);
    const portName = props.portName;
    const serverOf = { port: gatewayPort, hosts: [host], namespace: this.namespace, owner: this };
    this.server = protocol === EgressProtocol.TLS
      ? gateway.addServer({ ...serverOf, protocol: GatewayProtocol.TLS, tls: ServerTls.passthrough(), portName })
      : mutual
        ? gateway.addServer({ ...serverOf, protocol: GatewayProtocol.HTTPS, tls: ServerTls.istioMutual(), portName })
        : gateway.addServer({ ...serverOf, protocol: GatewayProtocol.HTTP });

    // (3) mesh leg: sidecars → egress gateway Service
    const toGateway = { host: gateway.workload.serviceFqdn, subset: this.subsetName, port: { number: gatewayPort } };
    const tlsLeg = protocol === EgressProtocol.TLS;
    const meshMatch = tlsLeg ? { gateways: ['mesh'], port: props.port, sniHosts: [host] } : { gateways: ['mesh'], port: props.port };
    const meshSpec: VirtualServiceSpec = {
      hosts: [host],
      gateways: ['mesh'],
      exportTo: exportTo(...(clients ?? [])),
      tls: tlsLeg ? [{ match: [meshMatch as VirtualServiceSpecTlsMatch], route: [{ destination: toGateway }] }] : undefined,
      http: tlsLeg ? undefined : [{ match: [meshMatch], route: [{ destination: toGateway }] }],
    };
    // Gateway API (api: GatewayApi.KUBERNETES): routes with the ServiceEntry and the egress Gateway as parents instead
    const k8s = gateway._kubernetes && createEgressRoutes(this, {
      gateway: gateway._kubernetes,
      workload: gateway.workload,
      namespace: this.namespace,
      serviceEntryName: this.serviceEntry.name,
      host,
      port: props.port,
      gatewayPort,
      externalPort: origination ? originationPort : props.port,
      tls: tlsLeg,
      meshName: name('-mesh'),
      gatewayName: name('-egress-gateway'),
    });
    this.meshVirtualService = k8s ? k8s.mesh : createVirtualService(this, 'MeshVirtualService', {
      name: name('-mesh'),
      namespace: this.namespace,
      spec: new FixedSpec(meshSpec),
    });

    // (4) gateway leg: egress gateway → host
    const external = { host, port: { number: origination ? originationPort : props.port } };
    const gwMatch = tlsLeg ? { gateways: [gateway.ref], port: gatewayPort, sniHosts: [host] } : { gateways: [gateway.ref], port: gatewayPort };
    const gwSpec: VirtualServiceSpec = {
      hosts: [host],
      gateways: [gateway.ref],
      exportTo: exportTo(gwNs),
      tls: tlsLeg ? [{ match: [gwMatch as VirtualServiceSpecTlsMatch], route: [{ destination: external }] }] : undefined,
      http: tlsLeg ? undefined : [{ match: [gwMatch], route: [{ destination: external }] }],
    };
    this.gatewayVirtualService = k8s ? k8s.gateway : createVirtualService(this, 'GatewayVirtualService', {
      name: name('-egress-gateway'),
      namespace: this.namespace,
      spec: new FixedSpec(gwSpec),
    });

    // (5) subset of the egress gateway's DestinationRule; TLS origination DestinationRule
    const ISTIO_MUTUAL = DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode.ISTIO_UNDERSCORE_MUTUAL;
    const subset: DestinationRuleSpecSubsets = {
      name: this.subsetName,
      trafficPolicy: props.maxConnections !== undefined || mutual ? {
        connectionPool: props.maxConnections !== undefined ? { tcp: { maxConnections: props.maxConnections } } : undefined,
        portLevelSettings: mutual
          ? [{ port: { number: gatewayPort }, tls: { mode: ISTIO_MUTUAL, sni: host } }]
          : undefined,
      } : undefined,
    };
    if (gateway._kubernetes) gateway._kubernetes.egressPolicies.add(this, gatewayPort, host, props.maxConnections, mutual);
    else gateway._addSubset(this, subset, clients ? [...clients] : undefined);

    if (origination) {
      const sans = props.subjectAltNames ?? [host];
      this.tlsOriginationRule = createDestinationRule(this, 'TlsOriginationRule', {
        name: name('-tls-origination'),
        namespace: this.namespace,
        spec: {
          renderSpec: () => ({
            host,
            exportTo: exportTo(gwNs),
            trafficPolicy: {
              portLevelSettings: [{
                port: { number: originationPort },
                tls: {
                  mode: DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode.SIMPLE,
                  sni: host,
                  caCertificates: props.caCertificates,
                  subjectAltNames: sans.length ? [...sans] : undefined,
                },
              }],
            },
          }),
        },
      });
    }
  }
}

function validateEgressHost(scope: Construct, host: string): void {
  if (typeof host !== 'string') {
    throw new IstioGatewaysError(scope, 'host: an egress route needs the external host name, e.g. host: "edition.cnn.com"');
  }
  const c = classifyHost(host);
  if ('invalid' in c) {
    throw new IstioGatewaysError(scope, `host: "${host}" ${c.invalid}; use the external host's DNS name, e.g. edition.cnn.com`);
  }
  switch (c.kind) {
    case 'ip':
      throw new IstioGatewaysError(scope, `host: "${host}" is an IP address, which resolution DNS cannot resolve and TLS clients do not send as SNI; use the host's DNS name`);
    case 'any':
    case 'wildcard':
      throw new IstioGatewaysError(scope, `host: "${host}" is a wildcard, which resolution DNS cannot resolve; route each concrete host (e.g. edition.cnn.com) with its own EgressRoute`);
    case 'short':
      throw new IstioGatewaysError(scope, `host: "${host}" is a short name; an external host needs a fully qualified domain name such as ${host}.com`);
    default:
      if (!host.split('.').every((l) => isDnsLabel(l.toLowerCase()))) {
        throw new IstioGatewaysError(scope, `host: "${host}" is not a valid DNS name`);
      }
  }
}
