import { synthExample } from './util';
import { one } from '../util/manifests';

test('team gateway: injected Deployment with istio: my-user-gateway in istioinaction, and a Gateway bound to it', () => {
  const m = synthExample('04-team-gateway');
  const d = one(m, 'Deployment', 'my-user-gateway');
  expect(d.metadata.namespace).toBe('istioinaction');
  expect(d.spec.template.metadata.labels).toMatchObject({ 'istio': 'my-user-gateway', 'sidecar.istio.io/inject': 'true' });
  expect(d.spec.template.metadata.annotations).toStrictEqual({ 'inject.istio.io/templates': 'gateway' });
  expect(d.spec.template.spec.containers.map((c: { name: string; image: string }) => [c.name, c.image])).toStrictEqual([['istio-proxy', 'auto']]);
  expect(one(m, 'Service', 'my-user-gateway').spec.selector).toStrictEqual({ istio: 'my-user-gateway' });
  expect(one(m, 'Role', 'my-user-gateway').metadata.namespace).toBe('istioinaction');
  expect(one(m, 'PodDisruptionBudget', 'my-user-gateway').spec.minAvailable).toBe(1);
  const gw = one(m, 'Gateway', 'my-user-gateway');
  expect([gw.metadata.namespace, gw.spec.selector]).toStrictEqual(['istioinaction', { istio: 'my-user-gateway' }]);
  expect(one(m, 'VirtualService', 'webapp-vs-from-my-user-gateway').spec.gateways).toStrictEqual(['istioinaction/my-user-gateway']);
});
