import { Credential, Destination, GatewayWorkload, HttpHost, HttpRoute, IngressGateway, SecureHost, ServerTls } from '../src';
import { one, synth, testChart } from './util/manifests';

const toWeb = HttpRoute.to([Destination.service('web', 80)]);

describe('IngressGateway HTTP sugar', () => {
  test('addHttpHost and addSecureHost return children of the gateway and share its servers', () => {
    const chart = testChart('shop');
    const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'), name: 'shop' });
    const plain = gw.addHttpHost('plain', { hosts: ['plain.example.com'], routes: [toWeb] });
    const secure = gw.addSecureHost('secure', { hosts: ['secure.example.com'], tls: ServerTls.simple(Credential.fromSecretName('secure-credential')), routes: [toWeb] });
    expect(plain).toBeInstanceOf(HttpHost);
    expect(secure).toBeInstanceOf(SecureHost);
    expect([plain.node.scope, secure.node.scope]).toStrictEqual([gw, gw]);
    expect([plain.gateway, secure.gateway]).toStrictEqual([gw, gw]);
    expect(gw.serverPorts).toStrictEqual([80, 443]);
    const gateway = one(synth(chart), 'Gateway');
    expect(gateway.metadata).toStrictEqual({ name: 'shop', namespace: 'shop' });
    expect(gateway.spec).toStrictEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['plain.example.com'] },
        { port: { number: 80, name: 'http-80-redirect', protocol: 'HTTP' }, hosts: ['secure.example.com'], tls: { httpsRedirect: true } },
        { port: { number: 443, name: 'https-secure-example-com', protocol: 'HTTPS' }, hosts: ['secure.example.com'], tls: { mode: 'SIMPLE', credentialName: 'secure-credential', minProtocolVersion: 'TLSV1_2' } },
      ],
    });
  });

  test('the Gateway name is generated when not given, and the VirtualService references it', () => {
    const chart = testChart('shop');
    const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress') });
    gw.addHttpHost('plain', { hosts: ['plain.example.com'], routes: [toWeb] });
    const m = synth(chart);
    const name = one(m, 'Gateway').metadata.name;
    expect(name).toMatch(/^chart-gw-c[0-9a-f]+$/);
    expect(one(m, 'VirtualService').spec.gateways).toStrictEqual([`shop/${name}`]);
  });

  test('snapshot', () => {
    const chart = testChart('shop');
    const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'), name: 'shop' });
    gw.addHttpHost('plain', { hosts: ['plain.example.com'], routes: [toWeb] });
    gw.addSecureHost('secure', { hosts: ['secure.example.com'], tls: ServerTls.simple(Credential.fromSecretName('secure-credential')), routes: [toWeb] });
    expect(synth(chart)).toMatchSnapshot();
  });
});
