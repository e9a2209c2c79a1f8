import { synthExample } from './util';
import { ofKind, one } from '../util/manifests';

const webappVs = {
  hosts: ['webapp.istioinaction.io'],
  gateways: ['istioinaction/coolstore-gateway'],
  http: [{ route: [{ destination: { host: 'webapp.istioinaction.svc.cluster.local', port: { number: 80 } } }] }],
};

test('03a: webapp over HTTP on :80', () => {
  const m = synthExample('03a-coolstore-http');
  expect(one(m, 'Gateway', 'coolstore-gateway').metadata.namespace).toBe('istioinaction');
  expect(one(m, 'Gateway', 'coolstore-gateway').spec.servers).toStrictEqual([
    { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['webapp.istioinaction.io'] },
  ]);
  expect(one(m, 'VirtualService', 'webapp-vs-from-gw').spec).toStrictEqual(webappVs);
});

test('03b: SIMPLE TLS with webapp-credential and HTTP→HTTPS redirect; no Secret in the YAML', () => {
  const m = synthExample('03b-coolstore-https');
  expect(one(m, 'Gateway').spec.servers).toStrictEqual([
    { port: { number: 80, name: 'http-80-redirect', protocol: 'HTTP' }, hosts: ['webapp.istioinaction.io'], tls: { httpsRedirect: true } },
    { port: { number: 443, name: 'https-webapp-istioinaction-io', protocol: 'HTTPS' }, hosts: ['webapp.istioinaction.io'], tls: { mode: 'SIMPLE', credentialName: 'webapp-credential', minProtocolVersion: 'TLSV1_2' } },
  ]);
  expect(one(m, 'VirtualService', 'webapp-vs-from-gw').spec).toStrictEqual(webappVs);
  expect(ofKind(m, 'Secret')).toStrictEqual([]);
});

test('03c: MUTUAL with a credential that carries ca.crt', () => {
  const m = synthExample('03c-coolstore-mtls');
  expect(one(m, 'Gateway').spec.servers[1].tls).toStrictEqual({ mode: 'MUTUAL', credentialName: 'webapp-credential-mtls', minProtocolVersion: 'TLSV1_2' });
});

test('03d: webapp and catalog on :443 with their own certificates (SNI), named ports; catalog from cert-manager in istio-system', () => {
  const m = synthExample('03d-coolstore-sni');
  const https = one(m, 'Gateway').spec.servers.filter((s: { port: { number: number } }) => s.port.number === 443);
  expect(https).toStrictEqual([
    { port: { number: 443, name: 'https-catalog', protocol: 'HTTPS' }, hosts: ['catalog.istioinaction.io'], tls: { mode: 'SIMPLE', credentialName: 'catalog-credential', minProtocolVersion: 'TLSV1_2' } },
    { port: { number: 443, name: 'https-webapp', protocol: 'HTTPS' }, hosts: ['webapp.istioinaction.io'], tls: { mode: 'SIMPLE', credentialName: 'webapp-credential', minProtocolVersion: 'TLSV1_2' } },
  ]);
  const cert = one(m, 'Certificate', 'catalog-credential');
  expect([cert.metadata.namespace, cert.spec.secretName, cert.spec.dnsNames]).toStrictEqual(['istio-system', 'catalog-credential', ['catalog.istioinaction.io']]);
  expect(one(m, 'VirtualService', 'catalog-vs-from-gw').spec.http[0].route[0].destination.host).toBe('catalog.istioinaction.svc.cluster.local');
});
