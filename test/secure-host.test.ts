import * as fc from 'fast-check';
import { ClientCa, Credential, Destination, GatewayWorkload, HttpRoute, IngressGateway, SecureHost, ServerTls, TlsVersion } from '../src';
import { IstioGatewaysError } from '../src/errors';
import { one, synth, testChart } from './util/manifests';
import { fcParams } from './util/property';

function setup() {
  const chart = testChart('shop');
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  const gateway = new IngressGateway(chart, 'gw', { workload: ingress, name: 'shop' });
  return { chart, gateway };
}
const toWeb = HttpRoute.to([Destination.service('web', 80)]);
const simple = (name: string) => ServerTls.simple(Credential.fromSecretName(name));

describe('SecureHost', () => {
  test('HTTPS server with TLS 1.2 minimum, redirect server on 80, VirtualService bound to the gateway', () => {
    const { chart, gateway } = setup();
    const host = gateway.addSecureHost('webapp', { hosts: ['webapp.example.com'], tls: simple('webapp-credential'), virtualServiceName: 'webapp', routes: [toWeb] });
    const m = synth(chart);
    expect(one(m, 'Gateway').spec.servers).toStrictEqual([
      { port: { number: 80, name: 'http-80-redirect', protocol: 'HTTP' }, hosts: ['webapp.example.com'], tls: { httpsRedirect: true } },
      { port: { number: 443, name: 'https-webapp-example-com', protocol: 'HTTPS' }, hosts: ['webapp.example.com'], tls: { mode: 'SIMPLE', credentialName: 'webapp-credential', minProtocolVersion: 'TLSV1_2' } },
    ]);
    expect(one(m, 'VirtualService', 'webapp').spec).toStrictEqual({
      gateways: ['shop/shop'],
      hosts: ['webapp.example.com'],
      http: [{ route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 } } }] }],
    });
    expect(host).toBeInstanceOf(SecureHost);
    expect(host.redirectServer?.portName).toBe('http-80-redirect');
  });

  test('two hosts on 443 with different certificates (SNI), named ports, one shared redirect server', () => {
    const { chart, gateway } = setup();
    gateway.addSecureHost('webapp', { hosts: ['webapp.example.com'], portName: 'https-webapp', tls: simple('webapp-credential'), routes: [toWeb] });
    gateway.addSecureHost('catalog', { hosts: ['catalog.example.com'], portName: 'https-catalog', tls: simple('catalog-credential'), routes: [toWeb] });
    const servers = one(synth(chart), 'Gateway').spec.servers;
    expect(servers.map((s: { port: { name: string }; hosts: string[]; tls: { credentialName?: string } }) => [s.port.name, s.hosts, s.tls.credentialName])).toStrictEqual([
      ['http-80-redirect', ['catalog.example.com', 'webapp.example.com'], undefined],
      ['https-catalog', ['catalog.example.com'], 'catalog-credential'],
      ['https-webapp', ['webapp.example.com'], 'webapp-credential'],
    ]);
  });

  test('mutual TLS, no redirect, custom port and TLS versions, wildcard host', () => {
    const { chart, gateway } = setup();
    gateway.addSecureHost('api', {
      hosts: ['*.api.example.com'],
      allowWildcardHosts: true,
      port: 8443,
      redirect: false,
      tls: ServerTls.mutual(Credential.fromSecretName('api-credential', { hasCa: true }), ClientCa.fromServerCredential(), { minProtocolVersion: TlsVersion.TLSV1_3, subjectAltNames: ['spiffe://client'] }),
      routes: [toWeb],
    });
    expect(one(synth(chart), 'Gateway').spec.servers).toStrictEqual([
      { port: { number: 8443, name: 'https-wildcard-api-example-com', protocol: 'HTTPS' }, hosts: ['*.api.example.com'], tls: { mode: 'MUTUAL', credentialName: 'api-credential', minProtocolVersion: 'TLSV1_3', subjectAltNames: ['spiffe://client'] } },
    ]);
  });

  test('snapshot', () => {
    const { chart, gateway } = setup();
    gateway.addSecureHost('webapp', { hosts: ['webapp.example.com'], tls: simple('webapp-credential'), routes: [toWeb] });
    expect(synth(chart)).toMatchSnapshot();
  });
});

describe('eager errors', () => {
  test.each([
    ['"*" host', { hosts: ['*'], tls: simple('c') }, /hosts: "\*" cannot be served over HTTPS/],
    ['wildcard without opt-in', { hosts: ['*.example.com'], tls: simple('c') }, /wildcard "\*.example.com" on a TLS server is off by default/],
    ['passthrough', { hosts: ['a.example.com'], tls: ServerTls.passthrough() }, /tls: PASSTHROUGH does not terminate TLS/],
    ['missing tls', { hosts: ['a.example.com'], tls: undefined as never }, /tls: a SecureHost needs TLS settings/],
    ['redirect on the HTTPS port', { hosts: ['a.example.com'], tls: simple('c'), redirectPort: 443 }, /redirectPort: 443 is also the HTTPS port/],
    ['redirect port out of range', { hosts: ['a.example.com'], tls: simple('c'), redirectPort: 0 }, /redirectPort: port 0 is out of range/],
    ['mutual without CA', { hosts: ['a.example.com'], tls: ServerTls.mutual(Credential.fromSecretName('c'), ClientCa.fromServerCredential()) }, /MUTUAL credential "c" has no CA/],
    ['short name', { hosts: ['webapp'], tls: simple('c') }, /"webapp" is a short name/],
  ])('%s', (_n, options, message) => {
    const { gateway } = setup();
    expect(() => gateway.addSecureHost('x', { ...options, routes: [toWeb] })).toThrow(message);
  });

  test('same host twice on 443', () => {
    const { gateway } = setup();
    gateway.addSecureHost('a', { hosts: ['a.example.com'], tls: simple('a'), routes: [toWeb] });
    expect(() => gateway.addSecureHost('b', { hosts: ['a.example.com'], tls: simple('b'), portName: 'https-b', routes: [toWeb] })).toThrow(/host "a.example.com" is already served by "https-a-example-com"/);
  });

  test('missing gateway', () => {
    expect(() => new SecureHost(testChart(), 'x', { gateway: undefined as never, hosts: ['a.example.com'], tls: simple('c') })).toThrow(/gateway: a SecureHost needs the Gateway/);
  });
});

describe('properties', () => {
  const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
  test('any combination of TLS mode, redirect and host synthesizes with one HTTPS server per host', () => {
    fc.assert(fc.property(
      fc.uniqueArray(label, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('simple', 'mutual', 'optional'),
      fc.boolean(),
      fc.constantFrom(TlsVersion.TLSV1_2, TlsVersion.TLSV1_3, undefined),
      (names, mode, redirect, min) => {
        const { chart, gateway } = setup();
        names.forEach((n) => {
          const cred = Credential.fromSecretName(`${n}-cred`, { hasCa: mode !== 'simple' });
          const tls = mode === 'simple' ? ServerTls.simple(cred, { minProtocolVersion: min }) : ServerTls.mutual(cred, ClientCa.fromServerCredential(), { optional: mode === 'optional', minProtocolVersion: min });
          gateway.addSecureHost(n, { hosts: [`${n}.example.com`], tls, redirect, routes: [toWeb] });
        });
        const servers = one(synth(chart), 'Gateway').spec.servers as Array<{ port: { number: number }; tls: { mode?: string; minProtocolVersion?: string } }>;
        const https = servers.filter((s) => s.port.number === 443);
        expect(https).toHaveLength(names.length);
        expect(new Set(https.map((s) => s.tls.mode))).toStrictEqual(new Set([{ simple: 'SIMPLE', mutual: 'MUTUAL', optional: 'OPTIONAL_MUTUAL' }[mode]]));
        expect(https.every((s) => s.tls.minProtocolVersion === (min ?? 'TLSV1_2'))).toBe(true);
        expect(servers.filter((s) => s.port.number === 80)).toHaveLength(redirect ? 1 : 0);
      }), fcParams(40));
  });

  test('any error is an IstioGatewaysError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), (host) => {
      const { gateway } = setup();
      try {
        gateway.addSecureHost('x', { hosts: [host], tls: simple('c'), routes: [toWeb] });
      } catch (e) {
        expect(e).toBeInstanceOf(IstioGatewaysError);
      }
    }), fcParams(50));
  });
});
