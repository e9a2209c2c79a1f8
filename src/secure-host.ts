import { Construct } from 'constructs';
import { IstioGatewaysError } from './errors';
import { GatewayProtocol, GatewayServerRef, IGateway } from './gateway-base';
import { HttpHostBase } from './http-host-base';
import { HttpRoute } from './http-route';
import { validatePort } from './internal/validate';
import { ServerTls, TlsMode } from './server-tls';

/** Options of {@link IngressGateway.addSecureHost}. */
export interface SecureHostOptions {
  /** Hostnames (FQDNs; `*.suffix` only with `allowWildcardHosts`). */
  readonly hosts: string[];
  /** How the HTTPS server terminates TLS: `ServerTls.simple(credential)` or `ServerTls.mutual(credential, clientCa)`. */
  readonly tls: ServerTls;
  /**
   * Rules of the VirtualService, in order (first match wins). More can be added with {@link SecureHost.addRoute}.
   * @default - none yet
   */
  readonly routes?: HttpRoute[];
  /**
   * HTTPS server port (a port of the gateway's Service).
   * @default 443
   */
  readonly port?: number;
  /**
   * Name of the HTTPS server port, unique within the Gateway (e.g. `https-webapp`).
   * @default - `https-<first host>`
   */
  readonly portName?: string;
  /**
   * Answer plain HTTP requests for the hosts with a 301 to HTTPS (an HTTP server with `httpsRedirect`).
   * @default true
   */
  readonly redirect?: boolean;
  /**
   * Port of the HTTP→HTTPS redirect server.
   * @default 80
   */
  readonly redirectPort?: number;
  /**
   * Allow wildcard hosts (`*.example.com`). A wildcard certificate shared by many hosts is easy to get wrong,
   * so it is off by default.
   * @default false
   */
  readonly allowWildcardHosts?: boolean;
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

/** Props of {@link SecureHost}. */
export interface SecureHostProps extends SecureHostOptions {
  /**
   * The Gateway that terminates TLS for the hosts: one of this app, or a shared one imported with
   * {@link IngressGateway.fromGatewayAttributes}.
   */
  readonly gateway: IGateway;
}

/**
 * HTTPS for one or more hostnames: an HTTPS server that terminates TLS with the credential (minimum TLS 1.2
 * unless the ServerTls says otherwise), an HTTP→HTTPS redirect server on port 80 (unless `redirect: false`),
 * and a VirtualService bound to the Gateway with the routes. Several SecureHosts with different certificates
 * share port 443 side by side (SNI picks the server).
 *
 * @example
 * const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress') });
 * new SecureHost(chart, 'webapp', {
 *   gateway: gw,
 *   hosts: ['webapp.istioinaction.io'],
 *   tls: ServerTls.simple(Credential.fromSecretName('webapp-credential')),
 *   portName: 'https-webapp',
 *   routes: [HttpRoute.to([Destination.service('webapp', 80)])],
 * });
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
 */
export class SecureHost extends HttpHostBase {
  /** The HTTPS server. */
  public readonly server: GatewayServerRef;
  /** The HTTP→HTTPS redirect server, when enabled. */
  public readonly redirectServer?: GatewayServerRef;

  constructor(scope: Construct, id: string, props: SecureHostProps) {
    super(scope, id, props);
    if (!props.tls) {
      throw new IstioGatewaysError(this, 'tls: a SecureHost needs TLS settings, e.g. ServerTls.simple(Credential.fromSecretName("webapp-credential"))');
    }
    if (!props.tls.terminates) {
      throw new IstioGatewaysError(this, `tls: ${props.tls.mode} does not terminate TLS, so the gateway cannot route HTTP; use ServerTls.simple or ServerTls.mutual here, or SniPassthrough for ${TlsMode.PASSTHROUGH}`);
    }
    if ((props.hosts ?? []).includes('*')) {
      throw new IstioGatewaysError(this, 'hosts: "*" cannot be served over HTTPS (no certificate covers every name); list the hostnames, or a wildcard such as *.example.com with allowWildcardHosts: true');
    }
    const port = props.port ?? 443;
    validatePort(this, 'port', port);
    const redirect = props.redirect ?? true;
    const redirectPort = props.redirectPort ?? 80;
    validatePort(this, 'redirectPort', redirectPort);
    if (redirect && redirectPort === port) {
      throw new IstioGatewaysError(this, `redirectPort: ${redirectPort} is also the HTTPS port; use another port for the redirect server (usually 80) or set redirect: false`);
    }
    this.server = this.gateway.addServer({
      port,
      protocol: GatewayProtocol.HTTPS,
      hosts: props.hosts,
      portName: props.portName,
      tls: props.tls,
      allowWildcardHosts: props.allowWildcardHosts,
      namespace: this.namespace,
      owner: this,
    });
    if (redirect) {
      this.redirectServer = this.gateway.addServer({
        port: redirectPort,
        protocol: GatewayProtocol.HTTP,
        hosts: props.hosts,
        httpsRedirect: true,
        namespace: this.namespace,
        owner: this,
      });
    }
    this._bindRoutes(props.routes, false, props.virtualServiceName, port);
  }

  /** Appends a rule to the VirtualService (after the existing ones: first match wins). */
  public addRoute(route: HttpRoute): SecureHost {
    this._addRoute(route);
    return this;
  }
}
