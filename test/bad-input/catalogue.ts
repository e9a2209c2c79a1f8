/**
 * The bad-input catalogue: distinct bad inputs across every construct and the CLI, each with the message it must
 * produce. Construct entries throw at construction or fail at synth (`run` returns the App, the runner synthesizes
 * it); CLI entries run the CLI in-process on files written to a temp dir and return the exit code and output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import {
  ClientCa,
  CertManagerIssuerKind, Credential, Destination, EgressGateway, EgressProtocol, GatewayRole, GatewayWorkload, HttpMatch,
  HttpRoute, IngressGateway, IstioOperator, IstioProfile, ServerTls, AccessLogging, StringMatch, TlsVersion, HttpHost,
  SecureHost, TcpRoute, SniPassthrough,
} from '../../src';
import { configureChecks } from '../../src/check/synth-hook';
import { run as runCli } from '../../src/cli/main';
import { constructCerts } from '../util/certs';

/** What a CLI entry produced. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BadInput {
  readonly id: string;
  readonly description: string;
  /** construct entries: build the app (throw, or return it to be synthesized); CLI entries: run the CLI */
  readonly run: () => App | CliResult | Promise<App | CliResult>;
  /** matched against the error message (constructs) or `exit <code>\n<stdout>\n<stderr>` (CLI) */
  readonly expect: RegExp;
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

function quietApp(): App {
  const app = Testing.app();
  configureChecks(app, { warn: () => undefined });
  return app;
}

function ingress(ns = 'team-a') {
  const app = quietApp();
  const chart = new Chart(app, ns, { namespace: ns });
  const workload = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gw = new IngressGateway(chart, 'gateway', { workload });
  return { app, chart, workload, gw };
}

function egress() {
  const app = quietApp();
  const chart = new Chart(app, 'egress', { namespace: 'default' });
  const gw = new EgressGateway(chart, 'gateway', { workload: GatewayWorkload.istioEgressGateway(chart, 'egress') });
  return { app, chart, gw };
}

const routes = () => [HttpRoute.to([Destination.service('web', 80)])];
const secret = (name = 'web-cred') => ServerTls.simple(Credential.fromSecretName(name));

let tmp: string | undefined;
/** A temp dir for the CLI entries (created on first use, removed by {@link cleanupCatalogue}). */
function tempDir(): string {
  if (!tmp) tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cig-bad-input-'));
  return tmp;
}
export function cleanupCatalogue(): void {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

let fileCounter = 0;
function file(name: string, content: string | Buffer): string {
  const p = path.join(tempDir(), `${fileCounter++}-${name}`);
  fs.writeFileSync(p, content);
  return p;
}

/** Runs the CLI in-process. */
export function cli(...argv: string[]): CliResult {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, {
    stdout: { isTTY: false, write: (s: string) => { stdout += s; return true; } },
    stderr: { write: (s: string) => { stderr += s; return true; } },
    env: {},
  });
  return { code, stdout, stderr };
}

function checkYaml(name: string, content: string | Buffer, ...flags: string[]): CliResult {
  return cli('check', ...flags, file(name, content));
}

const GATEWAY = (spec: string, name = 'gw') => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: istio-system
spec:
${spec}`;

const GOOD_SERVERS = `  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
`;

function vs(host: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${host.split('.')[0]}
  namespace: istio-system
spec:
  hosts: [${host}]
  gateways: [gw]
  http:
  - route:
    - destination: {host: ${host.split('.')[0]}.shop.svc.cluster.local}
`;
}

// ---------------------------------------------------------------------------------------------------------------
// bad values shared by several constructs

const BAD_HOSTS: [string, string][] = [
  ['underscore', 'web_app.example.com'],
  ['space', 'web app.example.com'],
  ['empty label', 'web..example.com'],
  ['trailing dot', 'web.example.com.'],
  ['leading hyphen', '-web.example.com'],
  ['label over 63 chars', `${'a'.repeat(64)}.example.com`],
  ['short name', 'webapp'],
  ['partial wildcard suffix-star', 'web*.example.com'],
  ['partial wildcard star-prefix', '*web.example.com'],
  ['inner wildcard', 'a.*.example.com'],
  ['empty string', ''],
];

const BAD_PORTS: [string, number][] = [
  ['zero', 0],
  ['negative', -80],
  ['65536', 65536],
  ['fraction', 80.5],
  ['NaN', Number.NaN],
];

// ---------------------------------------------------------------------------------------------------------------
// the catalogue

function constructEntries(): BadInput[] {
  const out: BadInput[] = [];
  for (const [what, host] of BAD_HOSTS) {
    const hostRe = host === '' ? /is empty/ : /hosts\[0\]|sniHosts\[0\]/;
    out.push({
      id: `host-http-${what.replace(/\W+/g, '-')}`,
      description: `HttpHost with a bad hostname (${what}): ${JSON.stringify(host)}`,
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: [host], routes: routes() }); return b.app; },
      expect: hostRe,
    });
    out.push({
      id: `host-secure-${what.replace(/\W+/g, '-')}`,
      description: `SecureHost with a bad hostname (${what})`,
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: [host], tls: secret(), routes: routes() }); return b.app; },
      expect: hostRe,
    });
    out.push({
      id: `host-sni-${what.replace(/\W+/g, '-')}`,
      description: `SniPassthrough with a bad SNI host (${what})`,
      run: () => { const b = ingress(); b.gw.addSniPassthrough('sni', { sniHosts: [host], destination: Destination.service('tls', 443) }); return b.app; },
      expect: /sniHosts\[0\]/,
    });
    out.push({
      id: `host-egress-${what.replace(/\W+/g, '-')}`,
      description: `EgressRoute with a bad host (${what})`,
      run: () => { const b = egress(); b.gw.addRoute('r', { host, port: 443, protocol: EgressProtocol.TLS }); return b.app; },
      expect: /\[egress\/gateway\/r\] host: /,
    });
  }
  for (const [what, port] of BAD_PORTS) {
    const portRe = /port .* is out of range; use an integer from 1 to 65535/;
    out.push({
      id: `port-http-${what}`,
      description: `HttpHost port ${port}`,
      expect: portRe,
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], port, routes: routes() }); return b.app; },
    });
    out.push({
      id: `port-tcp-${what}`,
      description: `TcpRoute port ${port}`,
      expect: portRe,
      run: () => { const b = ingress(); b.gw.addTcpRoute('tcp', { port, destination: Destination.service('echo', 2701) }); return b.app; },
    });
    out.push({
      id: `port-destination-${what}`,
      description: `Destination port ${port}`,
      expect: portRe,
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('web', port)])] }); return b.app; },
    });
    out.push({
      id: `port-egress-${what}`,
      description: `EgressRoute port ${port}`,
      expect: portRe,
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'edition.cnn.com', port, protocol: EgressProtocol.TLS }); return b.app; },
    });
  }

  out.push(
    {
      id: 'wildcard-tls-default-off',
      description: 'wildcard host on an HTTPS server without allowWildcardHosts',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['*.example.com'], tls: secret(), routes: routes() }); return b.app; },
      expect: /wildcard "\*\.example\.com" on a TLS server is off by default/,
    },
    {
      id: 'wildcard-sni-default-off',
      description: 'wildcard SNI host without allowWildcardHosts',
      run: () => { const b = ingress(); b.gw.addSniPassthrough('sni', { sniHosts: ['*.example.com'], destination: Destination.service('tls', 443) }); return b.app; },
      expect: /allowWildcardHosts/,
    },
    {
      id: 'any-host-http',
      description: '"*" on an HttpHost without allowAnyHost',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['*'], routes: routes() }); return b.app; },
      expect: /allowAnyHost/,
    },
    {
      id: 'any-host-https',
      description: '"*" on a SecureHost',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['*'], tls: secret(), routes: routes() }); return b.app; },
      expect: /cannot be served over HTTPS/,
    },
    {
      id: 'any-host-mesh',
      description: '"*" bound to the mesh',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['*'], allowAnyHost: true, includeMesh: true, routes: routes() }); return b.app; },
      expect: /cannot be bound to mesh/,
    },
    {
      id: 'ip-egress-host',
      description: 'IP egress host with resolution DNS',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: '93.184.216.34', port: 443, protocol: EgressProtocol.TLS }); return b.app; },
      expect: /is an IP address/,
    },
    {
      id: 'ip-sni-host',
      description: 'IP address as SNI host',
      run: () => { const b = ingress(); b.gw.addSniPassthrough('sni', { sniHosts: ['10.0.0.1'], destination: Destination.service('tls', 443) }); return b.app; },
      expect: /clients never send as SNI/,
    },
    {
      id: 'wildcard-egress-host',
      description: 'wildcard egress host',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: '*.cnn.com', port: 443, protocol: EgressProtocol.TLS }); return b.app; },
      expect: /is a wildcard, which resolution DNS cannot resolve/,
    },
    {
      id: 'egress-no-port',
      description: 'egress host without port',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'edition.cnn.com', protocol: EgressProtocol.TLS } as never); return b.app; },
      expect: /port: an egress route needs the port/,
    },
    {
      id: 'egress-bad-protocol',
      description: 'egress protocol not in the enum',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'edition.cnn.com', port: 443, protocol: 'HTTPS' as EgressProtocol }); return b.app; },
      expect: /is not an egress protocol/,
    },
    {
      id: 'egress-mutual-tls',
      description: 'mutualTlsToGateway with EgressProtocol.TLS',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, mutualTlsToGateway: true }); return b.app; },
      expect: /does not apply to EgressProtocol\.TLS/,
    },
    {
      id: 'egress-origination-same-port',
      description: 'TLS origination with app port = origination port',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'httpbin.org', port: 443, protocol: EgressProtocol.TLS_ORIGINATION }); return b.app; },
      expect: /originationPort: 443 equals port 443/,
    },
    {
      id: 'egress-ca-without-origination',
      description: 'caCertificates on a plain TLS egress route',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, caCertificates: '/etc/ssl/ca.pem' }); return b.app; },
      expect: /only applies to EgressProtocol\.TLS_ORIGINATION/,
    },
    {
      id: 'egress-empty-clients',
      description: 'empty clientNamespaces',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, clientNamespaces: [] }); return b.app; },
      expect: /clientNamespaces: an empty list/,
    },
    {
      id: 'egress-max-connections',
      description: 'maxConnections 0',
      run: () => { const b = egress(); b.gw.addRoute('r', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS, maxConnections: 0 }); return b.app; },
      expect: /maxConnections: 0 must be a positive integer/,
    },
    {
      id: 'egress-duplicate-subset',
      description: 'two egress routes with one subset name',
      run: () => {
        const b = egress();
        b.gw.addRoute('a', { host: 'a.example.com', port: 443, protocol: EgressProtocol.TLS, subsetName: 'ext' });
        b.gw.addRoute('b', { host: 'b.example.com', port: 443, protocol: EgressProtocol.TLS, subsetName: 'ext' });
        return b.app;
      },
      expect: /subsetName: "ext" is already a subset/,
    },
    {
      id: 'egress-workload-for-ingress',
      description: 'IngressGateway on an egress workload',
      run: () => {
        const app = quietApp();
        const chart = new Chart(app, 'c', { namespace: 'x' });
        new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioEgressGateway(chart, 'egress') });
        return app;
      },
      expect: /is an egress gateway workload and cannot serve ingress traffic/,
    },
    {
      id: 'gateway-without-workload',
      description: 'IngressGateway without workload',
      run: () => { const app = quietApp(); new IngressGateway(new Chart(app, 'c', { namespace: 'x' }), 'gw', {} as never); return app; },
      expect: /workload: a gateway needs the gateway workload/,
    },
    {
      id: 'gateway-no-servers',
      description: 'IngressGateway with no hosts or routes',
      run: () => ingress().app,
      expect: /the Gateway has no servers/,
    },
    {
      id: 'host-without-routes',
      description: 'HttpHost without routes',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'] }); return b.app; },
      expect: /the host has no routes, so the gateway answers 404/,
    },
    {
      id: 'duplicate-host-http',
      description: 'one host twice on port 80 (case differs)',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('a', { hosts: ['web.example.com'], routes: routes() });
        b.gw.addHttpHost('b', { hosts: ['WEB.example.com'], routes: routes() });
        return b.app;
      },
      expect: /host "WEB\.example\.com" is already served by|listed twice/,
    },
    {
      id: 'duplicate-host-in-list',
      description: 'one host twice in one hosts list',
      run: () => { const b = ingress(); b.gw.addHttpHost('a', { hosts: ['web.example.com', 'web.example.com'], routes: routes() }); return b.app; },
      expect: /is listed twice/,
    },
    {
      id: 'duplicate-host-https-sni',
      description: 'one host on an HTTPS server and an SNI passthrough on 443',
      run: () => {
        const b = ingress();
        b.gw.addSecureHost('a', { hosts: ['web.example.com'], tls: secret(), routes: routes() });
        b.gw.addSniPassthrough('b', { sniHosts: ['web.example.com'], destination: Destination.service('tls', 443) });
        return b.app;
      },
      expect: /already served by/,
    },
    {
      id: 'duplicate-host-across-charts',
      description: 'conflicting gateways across two charts (same TLS host on one workload port)',
      run: () => {
        const app = quietApp();
        const workload = GatewayWorkload.istioIngressGateway(new Chart(app, 'platform', { namespace: 'istio-system' }), 'ingress');
        for (const team of ['team-a', 'team-b']) {
          new IngressGateway(new Chart(app, team, { namespace: team }), 'gateway', { workload })
            .addSecureHost('web', { hosts: ['web.example.com'], tls: secret(`${team}-cred`), routes: routes(), redirect: false });
        }
        return app;
      },
      // reported on the SecureHost that added the dropped server (not only on its Gateway)
      expect: /\[team-b\/gateway\/web\] GWX-DUP-001 \(IST0145\)/,
    },
    {
      id: 'tcp-two-on-port',
      description: 'two TCP routes on one gateway port',
      run: () => {
        const b = ingress();
        const w = new GatewayWorkload(b.chart, 'team', { label: 'team-gw', namespace: 'team-a' });
        const gw = new IngressGateway(b.chart, 'team-gateway', { workload: w });
        gw.addTcpRoute('a', { port: 31400, destination: Destination.service('a', 1) });
        gw.addTcpRoute('b', { port: 31400, destination: Destination.service('b', 1) });
        return b.app;
      },
      expect: /Envoy cannot tell two TCP servers on one port apart/,
    },
    {
      id: 'tcp-on-http-port',
      description: 'TCP route on the HTTP port',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: routes() });
        b.gw.addTcpRoute('tcp', { port: 80, destination: Destination.service('echo', 1) });
        return b.app;
      },
      expect: /cannot share the port with the HTTP server/,
    },
    {
      id: 'tcp-port-not-exposed',
      description: 'TCP route on a port the installed gateway Service does not have',
      run: () => { const b = ingress(); b.gw.addTcpRoute('tcp', { port: 31400, destination: Destination.service('echo', 2701) }); return b.app; },
      expect: /GWX-PORT-001 \(IST0162\)[\s\S]*port 31400/,
    },
    {
      id: 'tls-missing',
      description: 'SecureHost without tls',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['web.example.com'], routes: routes() } as never); return b.app; },
      expect: /tls: a SecureHost needs TLS settings/,
    },
    {
      id: 'tls-passthrough-securehost',
      description: 'SecureHost with ServerTls.passthrough()',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.passthrough(), routes: routes() }); return b.app; },
      expect: /does not terminate TLS/,
    },
    {
      id: 'mutual-no-ca-secret',
      description: 'MUTUAL with a secret without CA',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.mutual(Credential.fromSecretName('c'), ClientCa.fromServerCredential()), routes: routes() }); return b.app; },
      expect: /MUTUAL credential "c" has no CA/,
    },
    {
      id: 'mutual-no-ca-cert-manager',
      description: 'OPTIONAL_MUTUAL with a cert-manager credential without ca',
      run: () => {
        const b = ingress();
        b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.mutual(Credential.fromCertManager({ issuer: { name: 'ca' }, secretName: 'c' }), ClientCa.fromServerCredential(), { optional: true }), routes: routes() });
        return b.app;
      },
      expect: /OPTIONAL_MUTUAL credential "c" has no CA/,
    },
    {
      id: 'tls-1-0',
      description: 'TLS 1.0 minimum without cipher suites',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.simple(Credential.fromSecretName('c'), { minProtocolVersion: TlsVersion.TLSV1_0 }), routes: routes() }); return b.app; },
      expect: /TLSV1_0 is insecure/,
    },
    {
      id: 'redirect-same-port',
      description: 'redirect port equal to the HTTPS port',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: secret(), routes: routes(), port: 443, redirectPort: 443 }); return b.app; },
      expect: /redirectPort: 443 is also the HTTPS port/,
    },
    {
      id: 'pem-no-opt-in',
      description: 'Credential.fromPem without allowPrivateKeyInManifest',
      run: async () => {
        const c = await constructCerts();
        const b = ingress();
        b.gw.addSecureHost('web', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem({ ...c.valid, secretName: 'pem' })), routes: routes() });
        return b.app;
      },
      expect: /would write the private key into the synthesized YAML/,
    },
    {
      id: 'pem-mismatched-key',
      description: 'Credential.fromPem with the key of another certificate',
      run: async () => {
        const c = await constructCerts();
        const b = ingress();
        b.gw.addSecureHost('web', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem({ ...c.mismatchedKey, secretName: 'pem', allowPrivateKeyInManifest: true })), routes: routes() });
        return b.app;
      },
      expect: /the private key does not match the certificate/,
    },
    {
      id: 'pem-expired',
      description: 'Credential.fromPem with an expired certificate (checker finding at synth)',
      run: async () => {
        const c = await constructCerts();
        const b = ingress();
        b.gw.addSecureHost('web', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem({ ...c.expired, secretName: 'pem', allowPrivateKeyInManifest: true })), routes: routes() });
        return b.app;
      },
      expect: /\[team-a\/[^\]]*\] SEC-KEY-001 \(IST0161\)[^\n]*expired/,
    },
    {
      id: 'pem-wrong-san',
      description: 'Credential.fromPem whose certificate does not cover the host',
      run: async () => {
        const c = await constructCerts();
        const b = ingress();
        b.gw.addSecureHost('web', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem({ ...c.wrongSan, secretName: 'pem', allowPrivateKeyInManifest: true })), routes: routes() });
        return b.app;
      },
      expect: /SEC-SAN-001[\s\S]*webapp\.istioinaction\.io/,
    },
    {
      id: 'pem-garbage-cert',
      description: 'Credential.fromPem with text that is not a certificate',
      run: () => {
        const b = ingress();
        b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.simple(Credential.fromPem({ cert: 'hello', key: 'world', secretName: 'pem', allowPrivateKeyInManifest: true })), routes: routes() });
        return b.app;
      },
      expect: /cert: the PEM does not parse as an X\.509 certificate/,
    },
    {
      id: 'secret-name-invalid',
      description: 'credential secret name with uppercase letters',
      run: () => { const b = ingress(); b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: secret('Web_Cred'), routes: routes() }); return b.app; },
      expect: /secretName: "Web_Cred" is not a valid Secret name/,
    },
    {
      id: 'cert-manager-no-issuer',
      description: 'cert-manager credential with an empty issuer name',
      run: () => {
        const b = ingress();
        b.gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.simple(Credential.fromCertManager({ issuer: { name: '', kind: CertManagerIssuerKind.CLUSTER_ISSUER }, secretName: 'c' })), routes: routes() });
        return b.app;
      },
      expect: /issuer: an issuer name is required/,
    },
    {
      id: 'cert-manager-two-credentials',
      description: 'two cert-manager credentials for one secret',
      run: () => {
        const b = ingress();
        const mk = () => ServerTls.simple(Credential.fromCertManager({ issuer: { name: 'le' }, secretName: 'shared' }));
        b.gw.addSecureHost('a', { hosts: ['a.example.com'], tls: mk(), routes: routes() });
        b.gw.addSecureHost('b', { hosts: ['b.example.com'], tls: mk(), routes: routes() });
        return b.app;
      },
      expect: /another credential \(first used by [^)]+\) already writes secret istio-system\/shared with a cert-manager Certificate/,
    },
    {
      id: 'weights-not-100',
      description: 'weights 50 + 30',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80, { weight: 50 }), Destination.service('b', 80, { weight: 30 })])] });
        return b.app;
      },
      expect: /weights 50 \+ 30 add up to 80, not 100/,
    },
    {
      id: 'weights-missing',
      description: 'two destinations, one without weight',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80, { weight: 100 }), Destination.service('b', 80)])] });
        return b.app;
      },
      expect: /destinations\[1\]: weight is missing/,
    },
    {
      id: 'weight-over-100',
      description: 'a weight of 150',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80, { weight: 150 }), Destination.service('b', 80, { weight: -50 })])] });
        return b.app;
      },
      expect: /weight 150 must be an integer from 0 to 100/,
    },
    {
      id: 'destination-twice',
      description: 'one destination twice in a route',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80, { weight: 50 }), Destination.service('a', 80, { weight: 50 })])] });
        return b.app;
      },
      expect: /is listed twice; merge the two weights/,
    },
    {
      id: 'route-no-destination',
      description: 'HttpRoute.to([])',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([])] }); return b.app; },
      expect: /a route needs at least one destination/,
    },
    {
      id: 'destination-bad-service',
      description: 'service name with dots',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('web.shop', 80)])] }); return b.app; },
      expect: /service name "web\.shop" is not a DNS-1123 label/,
    },
    {
      id: 'destination-wildcard-host',
      description: 'wildcard destination host',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.host('*.example.com')])] }); return b.app; },
      expect: /is a wildcard; a destination must be one concrete host/,
    },
    {
      id: 'subset-labels-without-subset',
      description: 'subsetLabels without subset',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80, { subsetLabels: { v: '1' } })])] }); return b.app; },
      expect: /subsetLabels given without subset/,
    },
    {
      id: 'subset-conflicting-labels',
      description: 'one subset with two label sets',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('web', {
          hosts: ['web.example.com'],
          routes: [
            HttpRoute.to([Destination.service('a', 80, { subset: 'v1', subsetLabels: { version: 'v1' } })], { matches: [HttpMatch.prefix('/a')] }),
            HttpRoute.to([Destination.service('a', 80, { subset: 'v1', subsetLabels: { version: 'one' } })]),
          ],
        });
        return b.app;
      },
      expect: /subset "v1" of .* was defined with labels/,
    },
    {
      id: 'redirect-nothing',
      description: 'redirect with nothing to redirect to',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.redirect({})] }); return b.app; },
      expect: /a redirect with nothing to redirect to would loop/,
    },
    {
      id: 'redirect-bad-code',
      description: 'redirect code 200',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.redirect({ uri: '/x', code: 200 })] }); return b.app; },
      expect: /redirect\.code: 200 is not a redirect status/,
    },
    {
      id: 'redirect-relative-uri',
      description: 'redirect uri without slash',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.redirect({ uri: 'login' })] }); return b.app; },
      expect: /redirect\.uri: "login" must begin with a "\/"/,
    },
    {
      id: 'rewrite-nothing',
      description: 'rewrite with neither uri nor authority',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)], { rewrite: {} })] }); return b.app; },
      expect: /rewrite: rewrites nothing/,
    },
    {
      id: 'match-empty',
      description: 'a match with no conditions',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)], { matches: [HttpMatch.of({})] })] }); return b.app; },
      expect: /a match with no uri, headers, queryParams or method matches everything/,
    },
    {
      id: 'match-empty-prefix',
      description: 'an empty prefix',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)], { matches: [HttpMatch.prefix('')] })] }); return b.app; },
      expect: /an empty prefix matches nothing useful/,
    },
    {
      id: 'match-ignore-case-regex',
      description: 'ignoreUriCase with a regex',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)], { matches: [HttpMatch.regex('/a.*', { ignoreUriCase: true })] })] }); return b.app; },
      expect: /ignoreUriCase: has no effect on a regex uri/,
    },
    {
      id: 'match-uppercase-header',
      description: 'header name in uppercase',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)], { matches: [HttpMatch.of({ headers: { 'X-Version': StringMatch.exact('2') } })] })] }); return b.app; },
      expect: /"X-Version" is not a lowercase HTTP header name/,
    },
    {
      id: 'retries-zero-with-per-try',
      description: 'retries attempts 0 with retryOn',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)], { retries: { attempts: 0, retryOn: ['5xx'] } })] }); return b.app; },
      expect: /attempts 0 disables retries/,
    },
    {
      id: 'retries-bad-condition',
      description: 'retryOn with a comma-separated string',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)], { retries: { attempts: 2, retryOn: ['5xx,reset'] } })] }); return b.app; },
      expect: /"5xx,reset" is not a retry condition/,
    },
    {
      id: 'direct-response-bad-status',
      description: 'direct response 700',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: [HttpRoute.directResponse(700)] }); return b.app; },
      expect: /status 700 must be an HTTP status from 200 to 599/,
    },
    {
      id: 'gateway-name-dots',
      description: 'Gateway name with dots',
      run: () => {
        const app = quietApp();
        const chart = new Chart(app, 'c', { namespace: 'x' });
        new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'i'), name: 'public.gateway' });
        return app;
      },
      expect: /name: "public\.gateway" is not a DNS-1123 label/,
    },
    {
      id: 'vs-name-uppercase',
      description: 'virtualServiceName in uppercase',
      run: () => { const b = ingress(); b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: routes(), virtualServiceName: 'WebVS' }); return b.app; },
      expect: /virtualServiceName: "WebVS" is not a DNS-1123 label/,
    },
    {
      id: 'port-name-clash',
      description: 'two servers with one port name',
      run: () => {
        const b = ingress();
        b.gw.addSecureHost('a', { hosts: ['a.example.com'], tls: secret('a'), routes: routes(), portName: 'https-web' });
        b.gw.addSecureHost('b', { hosts: ['b.example.com'], tls: secret('b'), routes: routes(), portName: 'https-web' });
        return b.app;
      },
      expect: /portName: "https-web" is already used/,
    },
    {
      id: 'workload-empty-selector',
      description: 'installed workload with an empty selector',
      run: () => { const app = quietApp(); GatewayWorkload.fromInstalled(new Chart(app, 'c'), 'w', { selector: {}, namespace: 'gw', ports: [{ port: 80 }] }); return app; },
      expect: /an empty selector would match every gateway workload/,
    },
    {
      id: 'workload-no-ports',
      description: 'installed workload without ports',
      run: () => { const app = quietApp(); GatewayWorkload.fromInstalled(new Chart(app, 'c'), 'w', { selector: { istio: 'x' }, namespace: 'gw', ports: [] }); return app; },
      expect: /an installed gateway workload needs its Service ports/,
    },
    {
      id: 'workload-port-twice',
      description: 'installed workload listing a port twice',
      run: () => { const app = quietApp(); GatewayWorkload.fromInstalled(new Chart(app, 'c'), 'w', { selector: { istio: 'x' }, namespace: 'gw', ports: [{ port: 80 }, { port: 80 }] }); return app; },
      expect: /port 80 is listed twice/,
    },
    {
      id: 'workload-bad-namespace',
      description: 'workload namespace with uppercase',
      run: () => { const app = quietApp(); GatewayWorkload.helmGateway(new Chart(app, 'c'), 'w', { name: 'gw', namespace: 'Gateways' }); return app; },
      expect: /namespace: "Gateways" is not a DNS-1123 label/,
    },
    {
      id: 'label-collision-deployed-default',
      description: 'deployed workload with the default ingressgateway label',
      run: () => { const app = quietApp(); new GatewayWorkload(new Chart(app, 'c'), 'w', { label: 'ingressgateway', namespace: 'gw' }); return app; },
      expect: /is the label of the istioctl default gateway/,
    },
    {
      id: 'label-collision-two-deployed',
      description: 'two deployed gateway workloads with one istio label in one namespace',
      run: () => {
        const app = quietApp();
        const chart = new Chart(app, 'c', { namespace: 'gw' });
        const a = new GatewayWorkload(chart, 'a', { label: 'team-gw', namespace: 'gw', name: 'team-gw-a' });
        new GatewayWorkload(chart, 'b', { label: 'team-gw', namespace: 'gw', name: 'team-gw-b' });
        new IngressGateway(chart, 'gateway', { workload: a }).addHttpHost('web', { hosts: ['web.example.com'], routes: routes() });
        return app;
      },
      expect: /GWX-SEL-002[\s\S]*matches 2 gateway deployments/,
    },
    {
      id: 'deployed-min-available',
      description: 'minAvailable ≥ replicas',
      run: () => { const app = quietApp(); new GatewayWorkload(new Chart(app, 'c'), 'w', { label: 'team', namespace: 'gw', replicas: 2, minAvailable: 2 }); return app; },
      expect: /minAvailable: 2 would block every voluntary eviction/,
    },
    {
      id: 'deployed-autoscaling',
      description: 'autoscaling min > max',
      run: () => { const app = quietApp(); new GatewayWorkload(new Chart(app, 'c'), 'w', { label: 'team', namespace: 'gw', autoscaling: { minReplicas: 5, maxReplicas: 2 } }); return app; },
      expect: /autoscaling: minReplicas 5 and maxReplicas 2/,
    },
    {
      id: 'deployed-replicas-zero',
      description: 'replicas 0',
      run: () => { const app = quietApp(); new GatewayWorkload(new Chart(app, 'c'), 'w', { label: 'team', namespace: 'gw', replicas: 0 }); return app; },
      expect: /replicas: 0 must be a positive integer/,
    },
    {
      id: 'deployed-status-port-twice',
      description: 'deployed workload listing 15021',
      run: () => { const app = quietApp(); new GatewayWorkload(new Chart(app, 'c'), 'w', { label: 'team', namespace: 'gw', ports: [{ port: 15021 }] }); return app; },
      expect: /15021 is the status port, always present/,
    },
    {
      id: 'iop-default-label',
      description: 'IstioOperator extra gateway with istio: ingressgateway',
      run: () => { const app = quietApp(); new IstioOperator(app, 'i', { name: 'gws' }).addIngressGateway('g', { name: 'my-gw', label: { istio: 'ingressgateway' } }); return app; },
      expect: /IOP-LBL-001/,
    },
    {
      id: 'iop-no-istio-label',
      description: 'IstioOperator extra gateway without istio label',
      run: () => { const app = quietApp(); new IstioOperator(app, 'i', { name: 'gws' }).addIngressGateway('g', { name: 'my-gw', label: { app: 'my-gw' } }); return app; },
      expect: /has no "istio" label[\s\S]*IOP-LBL-001/,
    },
    {
      id: 'iop-label-twice',
      description: 'two IstioOperator gateways with one istio label',
      run: () => {
        const app = quietApp();
        const iop = new IstioOperator(app, 'i', { name: 'gws' });
        iop.addIngressGateway('a', { name: 'gw-a', label: { istio: 'team' } });
        iop.addIngressGateway('b', { name: 'gw-b', label: { istio: 'team' } });
        return app;
      },
      expect: /is already the label of gateway "gw-a"/,
    },
    {
      id: 'iop-default-name',
      description: 'IstioOperator extra gateway named istio-ingressgateway',
      run: () => { const app = quietApp(); new IstioOperator(app, 'i', { name: 'gws' }).addIngressGateway('g', { name: 'istio-ingressgateway' }); return app; },
      expect: /IOP-NAME-001/,
    },
    {
      id: 'iop-low-target-port',
      description: 'IstioOperator gateway targetPort 80 without runAsRoot',
      run: () => { const app = quietApp(); new IstioOperator(app, 'i', { name: 'gws' }).addIngressGateway('g', { name: 'my-gw', ports: [{ port: 80, targetPort: 80 }] }); return app; },
      expect: /IOP-PORT-002/,
    },
    {
      id: 'iop-empty-name',
      description: 'IstioOperator without name',
      run: () => { const app = quietApp(); new IstioOperator(app, 'i', { name: '' }); return app; },
      expect: /IOP-OWN-001/,
    },
    {
      id: 'iop-empty-mesh',
      description: 'profile empty with outboundTrafficPolicy',
      run: () => { const app = quietApp(); new IstioOperator(app, 'i', { name: 'gws', profile: IstioProfile.EMPTY, accessLogFile: '/dev/stdout' }); return app; },
      expect: /IOP-MESH-001/,
    },
    {
      id: 'iop-shared-chart',
      description: 'another object in the IstioOperator chart',
      run: () => {
        const app = quietApp();
        const iop = new IstioOperator(app, 'i', { name: 'cp' });
        const w = iop.enableIngressGateway('ingress');
        new IngressGateway(iop, 'gw', { workload: w }).addHttpHost('web', { hosts: ['web.example.com'], routes: routes() });
        return app;
      },
      expect: /an IstioOperator chart holds only the IstioOperator/,
    },
    {
      id: 'access-log-empty-filter',
      description: 'AccessLogging with an empty filter',
      run: () => { const b = ingress(); new AccessLogging(b.chart, 'logs', { workload: b.workload, filter: ' ' }); return b.app; },
      expect: /is an empty CEL expression/,
    },
    {
      id: 'access-log-twice',
      description: 'two AccessLogging for one workload',
      run: () => {
        const b = ingress();
        b.gw.addHttpHost('web', { hosts: ['web.example.com'], routes: routes() });
        new AccessLogging(b.chart, 'a', { workload: b.workload });
        new AccessLogging(b.chart, 'b', { workload: b.workload });
        return b.app;
      },
      expect: /TEL-DUP-001 \(IST0159\)/,
    },
    {
      id: 'access-log-no-workload',
      description: 'AccessLogging without workload',
      run: () => { const app = quietApp(); new AccessLogging(new Chart(app, 'c'), 'l', {} as never); return app; },
      expect: /workload: access logging needs the gateway workload/,
    },
    {
      id: 'construct-props-missing',
      description: 'HttpHost/SecureHost/TcpRoute/SniPassthrough constructed without gateway',
      run: () => {
        const app = quietApp();
        const chart = new Chart(app, 'c', { namespace: 'x' });
        const errors: string[] = [];
        for (const make of [
          () => new HttpHost(chart, 'h', {} as never),
          () => new SecureHost(chart, 's', {} as never),
          () => new TcpRoute(chart, 't', {} as never),
          () => new SniPassthrough(chart, 'n', {} as never),
        ]) {
          try { make(); } catch (e) { errors.push((e as Error).message); }
        }
        throw new Error(errors.join('\n'));
      },
      expect: /\[c\/h\] gateway: an HttpHost needs[\s\S]*\[c\/s\] gateway: a SecureHost needs[\s\S]*\[c\/t\] gateway: a TCP route needs[\s\S]*\[c\/n\] gateway: an SNI passthrough route needs/,
    },
    {
      id: 'egress-gateway-on-ingress-workload',
      description: 'EgressGateway on an ingress workload',
      run: () => {
        const app = quietApp();
        const chart = new Chart(app, 'c', { namespace: 'x' });
        new EgressGateway(chart, 'gw', { workload: new GatewayWorkload(chart, 'w', { label: 'team', namespace: 'x', role: GatewayRole.INGRESS }) });
        return app;
      },
      expect: /is an ingress gateway workload and cannot serve egress traffic/,
    },
  );
  return out;
}

function cliEntries(): BadInput[] {
  const manifests = (n: number) => Array.from({ length: n }, (_, i) => vs(`h${i}.example.com`)).join('---\n');
  return [
    { id: 'cli-malformed-yaml', description: 'unclosed flow mapping', run: () => checkYaml('bad.yaml', 'apiVersion: v1\nkind: {\n'), expect: /^exit 2\n[\s\S]*bad\.yaml:\d+: invalid YAML/ },
    { id: 'cli-bad-indent', description: 'tab indentation', run: () => checkYaml('tab.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n'), expect: /^exit 2\n[\s\S]*tab\.yaml:\d+: invalid YAML[\s\S]*tabs/ },
    { id: 'cli-empty-file', description: 'an empty file', run: () => checkYaml('empty.yaml', ''), expect: /^exit 0\n/ },
    { id: 'cli-comment-only', description: 'a comment-only file', run: () => checkYaml('comment.yaml', '# nothing here\n---\n# still nothing\n'), expect: /^exit 0\n/ },
    { id: 'cli-binary', description: 'binary data', run: () => checkYaml('binary.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe, 0x00])), expect: /^exit 2\n[\s\S]*(NUL bytes|binary|UTF)/i },
    { id: 'cli-duplicate-keys', description: 'duplicate mapping key', run: () => checkYaml('dup.yaml', GATEWAY(GOOD_SERVERS).replace('  name: gw\n', '  name: gw\n  name: gw2\n')), expect: /^exit 2\n[\s\S]*duplicate key/ },
    { id: 'cli-bad-separator', description: 'content after ---', run: () => checkYaml('sep.yaml', '--- apiVersion: v1\n'), expect: /^exit 2\n[\s\S]*invalid document separator/ },
    { id: 'cli-scalar-document', description: 'a document that is a string', run: () => checkYaml('scalar.yaml', 'hello world\n'), expect: /^exit 2\n[\s\S]*not an object/ },
    { id: 'cli-list-document', description: 'a document that is a list', run: () => checkYaml('list.yaml', '- a\n- b\n'), expect: /^exit 2\n[\s\S]*is a list, not an object/ },
    { id: 'cli-infinity', description: '.inf value', run: () => checkYaml('inf.yaml', GATEWAY(GOOD_SERVERS).replace('number: 80', 'number: .inf')), expect: /^exit 2\n[\s\S]*infinity/ },
    { id: 'cli-unknown-tag', description: 'custom YAML tag (ignored, as kubectl ignores it)', run: () => checkYaml('tag.yaml', 'apiVersion: v1\nkind: !Ref Service\nmetadata: {name: x}\n'), expect: /^exit 0\n/ },
    {
      id: 'cli-alias-bomb',
      description: 'billion laughs',
      run: () => checkYaml('bomb.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: &a ["x","x","x","x","x","x","x","x","x","x"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n  g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n'),
      expect: /^exit 2\n[\s\S]*aliases/,
    },
    { id: 'cli-missing-file', description: 'a path that does not exist', run: () => cli('check', path.join(tempDir(), 'nope.yaml')), expect: /^exit 2\n[\s\S]*nope\.yaml/ },
    { id: 'cli-no-path', description: 'check without PATH', run: () => cli('check'), expect: /^exit 2\n[\s\S]*no PATH given/ },
    { id: 'cli-unknown-option', description: 'an unknown flag', run: () => cli('check', '--frobnicate', tempDir()), expect: /^exit 2\n[\s\S]*unknown option --frobnicate/ },
    { id: 'cli-bad-format', description: '--format xml', run: () => cli('check', '--format', 'xml', tempDir()), expect: /^exit 2\n[\s\S]*--format must be one of text, json/ },
    { id: 'cli-bad-fail-on', description: '--fail-on info', run: () => cli('check', '--fail-on', 'info', tempDir()), expect: /^exit 2\n[\s\S]*--fail-on must be one of/ },
    { id: 'cli-bad-namespace', description: '--namespace Foo', run: () => cli('check', '--namespace', 'Foo', tempDir()), expect: /^exit 2\n[\s\S]*is not a valid namespace name/ },
    { id: 'cli-flag-without-value', description: '--format at the end', run: () => cli('check', tempDir(), '--format'), expect: /^exit 2\n[\s\S]*--format needs a value/ },
    { id: 'cli-unknown-command', description: 'unknown command', run: () => cli('lint', tempDir()), expect: /^exit 2\n[\s\S]*unknown command "lint"/ },
    { id: 'cli-bad-mesh-config', description: '--mesh-config with broken YAML', run: () => cli('check', '--mesh-config', file('mesh.yaml', 'a: [\n'), file('ok.yaml', GATEWAY(GOOD_SERVERS))), expect: /^exit 2\n[\s\S]*mesh\.yaml/ },
    {
      id: 'cli-unknown-kind',
      description: 'a kind the CRDs do not define',
      run: () => checkYaml('kind.yaml', 'apiVersion: networking.istio.io/v1\nkind: Gatewya\nmetadata: {name: x, namespace: istio-system}\nspec: {}\n'),
      expect: /^exit 1\n[\s\S]*SCH-API-001/,
    },
    {
      id: 'cli-wrong-api-version',
      description: 'a removed/never served apiVersion',
      run: () => checkYaml('apiversion.yaml', GATEWAY(GOOD_SERVERS).replace('networking.istio.io/v1', 'networking.istio.io/v2')),
      expect: /^exit 1\n[\s\S]*SCH-API-001/,
    },
    {
      id: 'cli-unknown-field',
      description: 'an unknown field the apiserver would prune',
      run: () => checkYaml('prune.yaml', GATEWAY(GOOD_SERVERS).replace('    hosts: [shop.example.com]', '    hostz: [shop.example.com]\n    hosts: [shop.example.com]')),
      expect: /^exit 1\n[\s\S]*SCH-PRUNE-001[\s\S]*hostz/,
    },
    {
      id: 'cli-cel-violation',
      description: 'credentialName and credentialNames together (CEL)',
      run: () => checkYaml('cel.yaml', GATEWAY('  selector:\n    istio: ingressgateway\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [shop.example.com]\n    tls: {mode: SIMPLE, credentialName: a, credentialNames: [b]}\n')),
      expect: /^exit 1\n[\s\S]*(SCH-CEL-001[\s\S]*only one of credentialName or credentialNames|GW-TLS-006[\s\S]*2 certificate sources)/,
    },
    {
      id: 'cli-cel-duration',
      description: 'VirtualService timeout below 1ms (CEL)',
      run: () => checkYaml('cel2.yaml', `${GATEWAY(GOOD_SERVERS)}---\n${vs('shop.example.com').replace('  - route:', '  - timeout: 0.5ms\n    route:')}`),
      expect: /^exit 1\n[\s\S]*SCH-CEL-001/,
    },
    {
      id: 'cli-oas-type',
      description: 'port number as a string (OpenAPI type)',
      run: () => checkYaml('oas.yaml', GATEWAY(GOOD_SERVERS).replace('number: 80', 'number: "eighty"')),
      expect: /^exit 1\n[\s\S]*(SCH-OAS-001|GW-PORT-001[\s\S]*the schema requires an integer)/,
    },
    {
      id: 'cli-no-name',
      description: 'metadata without name',
      run: () => checkYaml('noname.yaml', GATEWAY(GOOD_SERVERS).replace('  name: gw\n', '')),
      expect: /^exit 1\n[\s\S]*SCH-META-001/,
    },
    {
      id: 'cli-yaml11-label',
      description: 'label value yes (a boolean in YAML 1.1)',
      run: () => checkYaml('yes.yaml', GATEWAY(GOOD_SERVERS).replace('  namespace: istio-system\n', '  namespace: istio-system\n  labels:\n    enabled: yes\n')),
      expect: /^exit 1\n[\s\S]*SCH-META-002/,
    },
    {
      id: 'cli-gateway-conflict',
      description: 'two Gateways with one TLS host on one port',
      run: () => {
        const tlsGw = (name: string) => GATEWAY(`  selector:\n    istio: ingressgateway\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [shop.example.com]\n    tls: {mode: SIMPLE, credentialName: ${name}}\n`, name);
        return checkYaml('conflict.yaml', `${tlsGw('a')}---\n${tlsGw('b')}`);
      },
      expect: /^exit 1\n[\s\S]*GWX-DUP-001/,
    },
    {
      id: 'cli-json-format',
      description: 'JSON output on an invalid file',
      run: () => checkYaml('json.yaml', GATEWAY(GOOD_SERVERS).replace('protocol: HTTP', 'protocol: HTTPX'), '--format', 'json'),
      expect: /^exit 1\n\{"findings":\[[\s\S]*"rule":"(GW-PORT-003|SCH-OAS-001)"/,
    },
    {
      id: 'cli-ten-megabytes',
      description: 'a 10 MB file of VirtualServices (processed, not judged on speed)',
      run: () => {
        const doc = vs('h.example.com');
        const count = Math.ceil((10 * 1024 * 1024) / doc.length);
        const body = `${GATEWAY(GOOD_SERVERS)}---\n${Array.from({ length: count }, (_, i) => doc.replace(/h\.example\.com/g, `h${i}.example.com`).replace('name: h', `name: h${i}`)).join('---\n')}`;
        const r = checkYaml('big.yaml', body, '--format', 'json');
        return { ...r, stdout: `${body.length >= 10 * 1024 * 1024 ? 'size>=10MB ' : 'too-small '}${r.stdout.slice(0, 200)}` };
      },
      expect: /^exit [01]\nsize>=10MB \{"findings":/,
    },
    {
      id: 'cli-directory-mixed',
      description: 'a directory with one good and one broken file',
      run: () => {
        const dir = fs.mkdtempSync(path.join(tempDir(), 'dir-'));
        fs.writeFileSync(path.join(dir, 'good.yaml'), GATEWAY(GOOD_SERVERS));
        fs.writeFileSync(path.join(dir, 'broken.yml'), 'kind: [\n');
        return cli('check', dir);
      },
      expect: /^exit 2\n[\s\S]*broken\.yml:\d+: invalid YAML/,
    },
    {
      id: 'cli-many-documents',
      description: 'a file with 200 documents, one broken deep inside',
      run: () => checkYaml('deep.yaml', `${manifests(120)}---\nkind: {\n---\n${manifests(80)}`),
      expect: /^exit 2\n[\s\S]*deep\.yaml:\d{4}: invalid YAML/,
    },
  ];
}

/** Every entry (construct entries, then CLI entries). */
export function catalogue(): BadInput[] {
  return [...constructEntries(), ...cliEntries()];
}
