/**
 * The construct tree lives until synth, so a host construct must not keep what it only needed while it was built:
 * the HttpRoute, HttpMatch and Destination objects it was given (it keeps their rendered rules), and no closure per
 * object (a closure keeps its whole enclosing scope, e.g. the constructor's props, alive). These tests hold weak
 * references to the inputs, drop the strong ones, collect garbage and check that the inputs are gone while the
 * output is still complete.
 */
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { Credential, Destination, GatewayWorkload, HttpHost, HttpMatch, HttpRoute, IngressGateway, SecureHost, ServerTls } from '../src';
import { one, synth, testChart } from './util/manifests';

/** V8's gc() for this test only (jest runs without --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Lets the current job end (WeakRef targets are kept until then), then collects twice. */
async function collect(): Promise<void> {
  const gc = collector();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
}

/** The routes of one tenant, with weak references to every input object. */
function weaklyHeldRoutes(): { routes: HttpRoute[]; refs: WeakRef<object>[] } {
  const api = [
    Destination.service('api', 8080, { subset: 'v1', subsetLabels: { version: 'v1' }, weight: 90 }),
    Destination.service('api', 8080, { subset: 'v2', subsetLabels: { version: 'v2' }, weight: 10 }),
  ];
  const match = HttpMatch.prefix('/api/');
  const web = Destination.service('web', 80);
  const routes = [HttpRoute.to(api, { matches: [match], name: 'api' }), HttpRoute.to([web], { name: 'default' })];
  const inputs: object[] = [...api, match, web, ...routes];
  return { routes, refs: inputs.map((o) => new WeakRef(o)) };
}

describe('construct memory', () => {
  test('a SecureHost keeps neither its HttpRoute, HttpMatch nor Destination objects, and still renders them', async () => {
    const chart = testChart();
    const gateway = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress') });
    const refs = ((): WeakRef<object>[] => {
      const held = weaklyHeldRoutes();
      new SecureHost(chart, 'host', {
        gateway,
        hosts: ['app.example.com'],
        tls: ServerTls.simple(Credential.fromSecretName('app-tls')),
        routes: held.routes,
        namespace: 'shop',
      });
      return held.refs;
    })();
    await collect();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);

    const out = synth(chart);
    const vs = one(out, 'VirtualService');
    expect(vs.spec.http).toEqual([
      {
        name: 'api',
        match: [{ uri: { prefix: '/api/' } }],
        route: [
          { destination: { host: 'api.shop.svc.cluster.local', port: { number: 8080 }, subset: 'v1' }, weight: 90 },
          { destination: { host: 'api.shop.svc.cluster.local', port: { number: 8080 }, subset: 'v2' }, weight: 10 },
        ],
      },
      { name: 'default', route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 } } }] },
    ]);
    expect(one(out, 'DestinationRule').spec).toEqual({
      host: 'api.shop.svc.cluster.local',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
  });

  test('routes added later with addRoute are not kept either, and count at synth', async () => {
    const chart = testChart();
    const gateway = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress') });
    const host = new HttpHost(chart, 'host', { gateway, hosts: ['app.example.com'], namespace: 'shop' });
    const refs = ((): WeakRef<object>[] => {
      const held = weaklyHeldRoutes();
      held.routes.forEach((r) => host.addRoute(r));
      return held.refs;
    })();
    await collect();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    const out = synth(chart);
    expect((one(out, 'VirtualService').spec.http as unknown[]).length).toBe(2);
    expect(one(out, 'DestinationRule').spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]);
  });
});
