import { Testing } from 'cdk8s';
import { build } from '../../examples/06-sni-passthrough/main';

describe('example 06-sni-passthrough', () => {
  const app = Testing.app();
  build(app);
  const objs = app.charts[0].toJson();

  test('two PASSTHROUGH servers on 31400, one per SNI host', () => {
    const gw = objs.find((o: any) => o.kind === 'Gateway');
    expect(gw.metadata).toStrictEqual({ name: 'sni-passthrough-gateway', namespace: 'istioinaction' });
    expect(gw.spec.servers).toStrictEqual([
      { port: { number: 31400, name: 'tls-simple-sni-istioinaction-io', protocol: 'TLS' }, hosts: ['simple.sni.istioinaction.io'], tls: { mode: 'PASSTHROUGH' } },
      { port: { number: 31400, name: 'tls-simple-v2-sni-istioinaction-io', protocol: 'TLS' }, hosts: ['simple-v2.sni.istioinaction.io'], tls: { mode: 'PASSTHROUGH' } },
    ]);
  });

  test('tls routes match port + sniHosts and go to the TLS-terminating backends', () => {
    const vs = (name: string) => objs.find((o: any) => o.kind === 'VirtualService' && o.metadata.name === name).spec;
    expect(vs('simple-sni-1-vs').tls).toStrictEqual([{
      match: [{ port: 31400, sniHosts: ['simple.sni.istioinaction.io'] }],
      route: [{ destination: { host: 'simple-tls-service-1.istioinaction.svc.cluster.local', port: { number: 80 } } }],
    }]);
    expect(vs('simple-sni-2-vs').tls).toStrictEqual([{
      match: [{ port: 31400, sniHosts: ['simple-v2.sni.istioinaction.io'] }],
      route: [{ destination: { host: 'simple-tls-service-2.istioinaction.svc.cluster.local', port: { number: 80 } } }],
    }]);
    expect(vs('simple-sni-2-vs').gateways).toStrictEqual(['istioinaction/sni-passthrough-gateway']);
  });

  test('synthesizes without findings', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
