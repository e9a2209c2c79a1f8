/**
 * The secure defaults listed in README.md ("Secure defaults"), each compared with Istio's security best practices
 * for gateways (https://istio.io/latest/docs/ops/best-practices/security/). One test per README row.
 */
import { Chart, Testing } from 'cdk8s';
import {
  Checks, Credential, Destination, EgressGateway, EgressProtocol, GatewayWorkload, HttpRoute, IngressGateway, IstioOperator,
  OutboundTrafficPolicyMode, ServerTls,
} from '../src';
import { constructCerts } from './util/certs';
import { analyze } from '../src/check/analyze';
import { configureChecks } from '../src/check/synth-hook';

type M = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

function setup() {
  const app = Testing.app();
  configureChecks(app, { warn: () => undefined });
  const chart = new Chart(app, 'web', { namespace: 'web' });
  const workload = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gw = new IngressGateway(chart, 'gateway', { workload });
  return { app, chart, workload, gw };
}
const routes = () => [HttpRoute.to([Destination.service('web', 80)])];
const synth = (app: ReturnType<typeof setup>['app']) => app.charts.flatMap((c) => c.toJson()) as M[];

test('TLS minimum version is 1.2', () => {
  const { app, gw } = setup();
  gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.simple(Credential.fromSecretName('web-cred')), routes: routes() });
  const g = synth(app).find((m) => m.kind === 'Gateway')!;
  const https = g.spec.servers.find((s: { port: { protocol: string } }) => s.port.protocol === 'HTTPS');
  expect(https.tls).toMatchObject({ mode: 'SIMPLE', minProtocolVersion: 'TLSV1_2', credentialName: 'web-cred' });
});

test('HTTP→HTTPS redirect is on by default', () => {
  const { app, gw } = setup();
  gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.simple(Credential.fromSecretName('web-cred')), routes: routes() });
  const g = synth(app).find((m) => m.kind === 'Gateway')!;
  expect(g.spec.servers.find((s: { port: { number: number } }) => s.port.number === 80)).toMatchObject({ hosts: ['web.example.com'], tls: { httpsRedirect: true } });
});

test('no wildcard hosts on TLS servers unless asked', () => {
  const { gw } = setup();
  expect(() => gw.addSecureHost('web', { hosts: ['*.example.com'], tls: ServerTls.simple(Credential.fromSecretName('c')), routes: routes() })).toThrow(/allowWildcardHosts/);
  expect(() => gw.addSniPassthrough('sni', { sniHosts: ['*.example.com'], destination: Destination.service('tls', 443) })).toThrow(/allowWildcardHosts/);
  expect(() => gw.addSecureHost('ok', { hosts: ['*.example.com'], tls: ServerTls.simple(Credential.fromSecretName('c')), routes: routes(), allowWildcardHosts: true })).not.toThrow();
});

test('"*" hosts only when asked (and a GW-SEC-001 warning then)', () => {
  const { app, gw } = setup();
  expect(() => gw.addHttpHost('any', { hosts: ['*'], routes: routes() })).toThrow(/allowAnyHost/);
  gw.addHttpHost('any2', { hosts: ['*'], routes: routes(), allowAnyHost: true });
  expect(Checks.findings(app).filter((f) => f.rule === 'GW-SEC-001').map((f) => f.severity)).toEqual(['warning']);
});

test('private keys never in Git without opt-in; with the opt-in the key is written and SEC-GIT-001 warns', async () => {
  const c = await constructCerts();
  const { app, gw } = setup();
  expect(() => gw.addSecureHost('web', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem({ ...c.valid, secretName: 'pem' })), routes: routes() }))
    .toThrow(/would write the private key into the synthesized YAML/);
  const ok = setup();
  ok.gw.addSecureHost('web', { hosts: ['webapp.istioinaction.io'], tls: ServerTls.simple(Credential.fromPem({ ...c.valid, secretName: 'pem', allowPrivateKeyInManifest: true })), routes: routes() });
  const secret = synth(ok.app).find((m) => m.kind === 'Secret')!;
  expect(secret.metadata.namespace).toBe('istio-system');
  expect(Object.keys(secret.stringData).sort()).toEqual(['tls.crt', 'tls.key']);
  expect(Checks.findings(ok.app).filter((f) => f.rule === 'SEC-GIT-001').map((f) => [f.severity, f.resource.kind, f.path]))
    .toEqual([['warning', 'Secret', 'stringData.tls.key']]);
  expect(app.charts.length).toBe(1);
});

test('egress: REGISTRY_ONLY is an IstioOperator option; without an egress gateway the checker warns it is no security boundary (SEX-SECURE-001)', () => {
  const build = (withEgress: boolean) => {
    const app = Testing.app();
    configureChecks(app, { warn: () => undefined });
    const iop = new IstioOperator(app, 'install', { name: 'control-plane', outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY });
    if (withEgress) {
      const egress = iop.enableEgressGateway('egress');
      const chart = new Chart(app, 'egress', { namespace: 'default' });
      new EgressGateway(chart, 'gw', { workload: egress, name: 'egress' }).addRoute('cnn', { host: 'edition.cnn.com', port: 443, protocol: EgressProtocol.TLS });
    }
    return app.charts.flatMap((c) => c.toJson()) as M[];
  };
  const lockedOnly = build(false);
  expect(lockedOnly.find((m) => m.kind === 'IstioOperator')!.spec.meshConfig.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
  expect(analyze(lockedOnly).filter((f) => f.rule === 'SEX-SECURE-001').map((f) => f.severity)).toEqual(['warning']);
  expect(analyze(build(true)).filter((f) => f.rule === 'SEX-SECURE-001')).toEqual([]);
});

test('gateway selector scope: distinct istio labels, no empty selectors', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  expect(() => GatewayWorkload.fromInstalled(chart, 'empty', { selector: {}, namespace: 'gw', ports: [{ port: 80 }] })).toThrow(/empty selector/);
  expect(() => new GatewayWorkload(chart, 'dup', { label: 'ingressgateway', namespace: 'gw' })).toThrow(/distinct label/);
  expect(() => new IstioOperator(app, 'iop', { name: 'gws' }).addIngressGateway('g', { name: 'my-gw', label: { istio: 'ingressgateway' } })).toThrow(/IOP-LBL-001/);
});

test('Secrets (cert-manager Certificates) live in the gateway pods\' namespace, not the Gateway\'s', () => {
  const { app, gw } = setup();
  gw.addSecureHost('web', { hosts: ['web.example.com'], tls: ServerTls.simple(Credential.fromCertManager({ issuer: { name: 'le' }, secretName: 'web-cred' })), routes: routes() });
  const objects = synth(app);
  expect(objects.find((m) => m.kind === 'Gateway')!.metadata.namespace).toBe('web');
  expect(objects.find((m) => m.kind === 'Certificate')!.metadata.namespace).toBe('istio-system');
});

test('a deployed gateway\'s Role is limited to get/watch/list secrets in its namespace', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'team', { namespace: 'team' });
  new GatewayWorkload(chart, 'gw', { label: 'team-gateway', namespace: 'team' });
  const objects = app.charts.flatMap((c) => c.toJson()) as M[];
  const roles = objects.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole');
  expect(roles.map((r) => r.kind)).toEqual(['Role']);
  expect(roles[0].metadata.namespace).toBe('team');
  expect(roles[0].rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
});
