import { synthExample } from './util';
import { one } from '../util/manifests';

test('bookinfo: Gateway on the istioctl ingress, port 8080, any host; VS routes to productpage:9080', () => {
  const m = synthExample('01-bookinfo');
  expect(one(m, 'Gateway', 'bookinfo-gateway').spec).toStrictEqual({
    selector: { istio: 'ingressgateway' },
    servers: [{ port: { number: 8080, name: 'http-8080', protocol: 'HTTP' }, hosts: ['*'] }],
  });
  expect(one(m, 'VirtualService', 'bookinfo').spec).toStrictEqual({
    hosts: ['*'],
    gateways: ['default/bookinfo-gateway'],
    http: [{
      match: [
        { uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } },
        { uri: { exact: '/logout' } }, { uri: { prefix: '/api/v1/products' } },
      ],
      route: [{ destination: { host: 'productpage.default.svc.cluster.local', port: { number: 9080 } } }],
    }],
  });
});
