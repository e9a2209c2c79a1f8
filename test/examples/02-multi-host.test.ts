import { synthExample } from './util';
import { one } from '../util/manifests';

test('two host-specific apps share the port-80 server, one VirtualService each', () => {
  const m = synthExample('02-multi-host');
  expect(one(m, 'Gateway').spec.servers).toStrictEqual([
    { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['mybookinfo.com', 'myhelloworld.com'] },
  ]);
  expect(one(m, 'VirtualService', 'bookinfo').spec).toStrictEqual({
    hosts: ['mybookinfo.com'],
    gateways: ['default/multi-host-gateway'],
    http: [{ route: [{ destination: { host: 'productpage.default.svc.cluster.local', port: { number: 9080 } } }] }],
  });
  expect(one(m, 'VirtualService', 'helloworld').spec).toStrictEqual({
    hosts: ['myhelloworld.com'],
    gateways: ['default/multi-host-gateway'],
    http: [{ match: [{ uri: { exact: '/hello' } }], route: [{ destination: { host: 'helloworld.default.svc.cluster.local', port: { number: 5000 } } }] }],
  });
});
