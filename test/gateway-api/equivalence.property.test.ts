/**
 * Property: for random ingress apps (HTTP hosts with exact/prefix/regex paths, methods, headers, query parameters,
 * request/response header operations, weighted splits, redirects; HTTPS hosts with redirects; TCP routes; SNI passthrough), the Gateway API rendering either has the same
 * effective routing table as the Istio rendering, or is refused at construction because Gateway API precedence would
 * reorder two overlapping rules with different actions (and the Istio form then has such a pair).
 * Runs: 40 per CI run (PROPERTY_RUNS overrides or multiplies it; FC_SEED replays).
 */
import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { withApp } from './util';
import {
  Credential, Destination, GatewayApi, GatewayServiceType, GatewayWorkload, HttpMatch, HttpMethod, HttpRoute, IngressGateway, ServerTls, StringMatch,
} from '../../src';
import { canonicalRoutes, effectiveRoutes, RouteTable } from '../../src/check/routes';
import { fcParams } from '../properties/arbitraries';

const segment = fc.constantFrom('a', 'ab', 'api', 'v1', 'static');
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`);
const match = fc.record({
  kind: fc.constantFrom('exact', 'prefix', 'regex'),
  path,
  method: fc.option(fc.constantFrom(HttpMethod.GET, HttpMethod.POST), { nil: undefined }),
  header: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
  // the Gateway API has Exact and RegularExpression query matches only
  query: fc.option(fc.constantFrom(StringMatch.exact('1'), StringMatch.exact('2'), StringMatch.regex('[0-9]+')), { nil: undefined }),
}).map((m) => {
  const opts = { method: m.method, headers: m.header ? { 'x-env': StringMatch.exact(m.header) } : undefined, queryParams: m.query ? { v: m.query } : undefined };
  return m.kind === 'exact' ? HttpMatch.exact(m.path, opts) : m.kind === 'prefix' ? HttpMatch.prefix(m.path, opts) : HttpMatch.regex(`${m.path.replace(/\//g, '\\/')}/[0-9]+`, opts);
});
const service = fc.constantFrom('web', 'api', 'static');
const headerName = fc.constantFrom('x-env', 'X-Trace', 'server');
const headerOps = fc.option(fc.record({
  set: fc.option(fc.dictionary(headerName, fc.constantFrom('a', 'b'), { minKeys: 1, maxKeys: 2 }), { nil: undefined }),
  remove: fc.option(fc.constant<string[]>(['x-debug']), { nil: undefined }),
}).filter((o) => o.set !== undefined || o.remove !== undefined), { nil: undefined });
const route = fc.oneof(
  fc.record({ to: service, matches: fc.array(match, { maxLength: 2 }), request: headerOps, response: headerOps })
    .map((r) => HttpRoute.to([Destination.service(r.to, 80)], { matches: r.matches, requestHeaders: r.request, responseHeaders: r.response })),
  fc.record({ split: fc.integer({ min: 1, max: 99 }), matches: fc.array(match, { maxLength: 1 }) })
    .map((r) => HttpRoute.to([Destination.service('v1', 80, { weight: r.split }), Destination.service('v2', 80, { weight: 100 - r.split })], { matches: r.matches })),
  fc.record({ uri: path, matches: fc.array(match, { minLength: 1, maxLength: 1 }) }).map((r) => HttpRoute.redirect({ uri: r.uri }, { matches: r.matches })),
);
const app = fc.record({
  hosts: fc.uniqueArray(fc.constantFrom('a.example.com', 'b.example.com', 'c.example.com'), { minLength: 1, maxLength: 3 }).chain((hosts) =>
    fc.tuple(...hosts.map((h) => fc.record({ host: fc.constant(h), secure: fc.boolean(), routes: fc.array(route, { minLength: 1, maxLength: 4 }) })))),
  tcp: fc.boolean(),
  sni: fc.boolean(),
});

type App = typeof app extends fc.Arbitrary<infer T> ? T : never;

function build(a: App, api: GatewayApi): RouteTable {
  return withApp((cdk) => {
    const chart = new Chart(cdk, 'chart', { namespace: 'shop' });
    // the istioctl demo profile's ingress gateway (exposes 31400 and 15443 besides 80 and 443)
    const workload = GatewayWorkload.fromInstalled(chart, 'ingress', {
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      namespace: 'istio-system',
      serviceName: 'istio-ingressgateway',
      serviceType: GatewayServiceType.LOAD_BALANCER,
      unprivileged: true,
      ports: [
        { port: 15021, targetPort: 15021, name: 'status-port' },
        { port: 80, targetPort: 8080, name: 'http2' },
        { port: 443, targetPort: 8443, name: 'https' },
        { port: 31400, targetPort: 31400, name: 'tcp' },
        { port: 15443, targetPort: 15443, name: 'tls' },
      ],
    });
    const gw = new IngressGateway(chart, 'gw', { workload, name: 'edge', api });
    a.hosts.forEach((h, i) => {
      if (h.secure) gw.addSecureHost(`h${i}`, { hosts: [h.host], tls: ServerTls.simple(Credential.fromSecretName(`cert-${i}`)), routes: h.routes });
      else gw.addHttpHost(`h${i}`, { hosts: [h.host], routes: h.routes });
    });
    if (a.tcp) gw.addTcpRoute('tcp', { port: 31400, destination: Destination.service('echo', 2701) });
    if (a.sni) gw.addSniPassthrough('sni', { port: 15443, sniHosts: ['s.example.com'], destination: Destination.service('tls', 443) });
    cdk.synthYaml();
    return canonicalRoutes(effectiveRoutes(chart.toJson()));
  });
}

test('Istio and Gateway API renderings route alike, or the Gateway API one is refused for a precedence conflict', () => {
  let compared = 0;
  fc.assert(fc.property(app, (a) => {
    const istio = build(a, GatewayApi.ISTIO);
    let gapi: RouteTable;
    try {
      gapi = build(a, GatewayApi.KUBERNETES);
    } catch (e) {
      expect(String(e)).toMatch(/overlaps .* and acts differently; the Gateway API applies matches by precedence/);
      return;
    }
    compared++;
    expect(gapi).toEqual(istio);
  }), fcParams(40));
  expect(compared).toBeGreaterThan(0);
});
