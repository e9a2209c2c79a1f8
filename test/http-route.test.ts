import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Destination, GatewayWorkload, HttpMatch, HttpMethod, HttpRoute, IngressGateway, RedirectScheme, StringMatch,
} from '../src';
import { IstioGatewaysError } from '../src/errors';
import { Manifest, one, synth, testChart } from './util/manifests';
import { fcParams } from './util/property';

/** Synthesizes one HttpHost with `routes` and returns its VirtualService `http` rules. */
function rules(...routes: HttpRoute[]): Manifest[] {
  const chart = testChart('apps');
  const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'), name: 'gw' });
  gw.addHttpHost('host', { hosts: ['app.example.com'], virtualServiceName: 'app', routes });
  return one(synth(chart), 'VirtualService', 'app').spec.http;
}

function build(...routes: HttpRoute[]): void {
  const chart = testChart('apps');
  const gw = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'), name: 'gw' });
  gw.addHttpHost('host', { hosts: ['app.example.com'], routes });
}

const web = Destination.service('web', 80);

describe('HttpRoute.to', () => {
  test('renders matches, destinations, rewrite, timeout and retries', () => {
    expect(rules(HttpRoute.to([web], {
      name: 'api',
      matches: [
        HttpMatch.prefix('/api', { method: HttpMethod.GET, ignoreUriCase: true, headers: { 'x-user': StringMatch.exact('jason'), 'x-b': StringMatch.regex('b.*') } }),
        HttpMatch.regex('/v[0-9]+/.*'),
        HttpMatch.of({ headers: { 'x-canary': StringMatch.prefix('yes') } }),
      ],
      rewrite: { uri: '/', authority: 'web.internal.example.com' },
      timeout: Duration.seconds(10),
      retries: { attempts: 3, perTryTimeout: Duration.millis(250), retryOn: ['5xx', 'connect-failure'] },
    }))).toStrictEqual([{
      name: 'api',
      match: [
        { uri: { prefix: '/api' }, method: { exact: 'GET' }, ignoreUriCase: true, headers: { 'x-b': { regex: 'b.*' }, 'x-user': { exact: 'jason' } } },
        { uri: { regex: '/v[0-9]+/.*' } },
        { headers: { 'x-canary': { prefix: 'yes' } } },
      ],
      route: [{ destination: { host: 'web.apps.svc.cluster.local', port: { number: 80 } } }],
      rewrite: { uri: '/', authority: 'web.internal.example.com' },
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '250ms', retryOn: '5xx,connect-failure' },
    }]);
  });

  test('weighted destinations with subsets and namespaces', () => {
    expect(rules(HttpRoute.to([
      Destination.service('reviews', 9080, { namespace: 'bookinfo', subset: 'v1', subsetLabels: { version: 'v1' }, weight: 75 }),
      Destination.service('reviews', 9080, { namespace: 'bookinfo', subset: 'v2', subsetLabels: { version: 'v2' }, weight: 25 }),
    ]))).toStrictEqual([{
      route: [
        { destination: { host: 'reviews.bookinfo.svc.cluster.local', port: { number: 9080 }, subset: 'v1' }, weight: 75 },
        { destination: { host: 'reviews.bookinfo.svc.cluster.local', port: { number: 9080 }, subset: 'v2' }, weight: 25 },
      ],
    }]);
  });

  test('a single destination with weight 100 renders without weight', () => {
    expect(rules(HttpRoute.to([Destination.host('api.example.com', { port: 443, weight: 100 })]))).toStrictEqual([
      { route: [{ destination: { host: 'api.example.com', port: { number: 443 } } }] },
    ]);
  });

  test('rules keep their order (first match wins)', () => {
    const http = rules(
      HttpRoute.to([web], { matches: [HttpMatch.prefix('/api')] }),
      HttpRoute.to([Destination.service('ui', 8080)]),
    );
    expect(http.map((r) => r.route[0].destination.host)).toStrictEqual(['web.apps.svc.cluster.local', 'ui.apps.svc.cluster.local']);
  });

  test('destinations getter', () => {
    expect(HttpRoute.to([web]).destinations).toStrictEqual([web]);
    expect(HttpRoute.redirect({ uri: '/' }).destinations).toStrictEqual([]);
  });
});

describe('HttpRoute.redirect and directResponse', () => {
  test('redirect renders every field', () => {
    expect(rules(HttpRoute.redirect({ uri: '/new', authority: 'www.example.com', scheme: RedirectScheme.HTTPS, port: 8443, code: 308 }, { matches: [HttpMatch.exact('/old')] })))
      .toStrictEqual([{
        match: [{ uri: { exact: '/old' } }],
        redirect: { uri: '/new', authority: 'www.example.com', scheme: 'https', port: 8443, redirectCode: 308 },
      }]);
  });

  test('redirect without a code leaves Istio\'s 301', () => {
    expect(rules(HttpRoute.redirect({ authority: 'www.example.com' }))).toStrictEqual([{ redirect: { authority: 'www.example.com' } }]);
  });

  test('direct response', () => {
    expect(rules(HttpRoute.directResponse(421, { body: 'misdirected', matches: [HttpMatch.prefix('/admin')] }))).toStrictEqual([
      { match: [{ uri: { prefix: '/admin' } }], directResponse: { status: 421, body: { string: 'misdirected' } } },
    ]);
  });
});

describe('eager errors', () => {
  test.each([
    ['no destination', HttpRoute.to([]), /a route needs at least one destination/],
    ['missing weight', HttpRoute.to([Destination.service('a', 80, { weight: 50 }), Destination.service('b', 80)]), /destinations\[1\]: weight is missing/],
    ['weights not 100', HttpRoute.to([Destination.service('a', 80, { weight: 50 }), Destination.service('b', 80, { weight: 40 })]), /weights 50 \+ 40 add up to 90, not 100/],
    ['duplicate destination', HttpRoute.to([Destination.service('a', 80, { weight: 50 }), Destination.service('a', 80, { weight: 50 })]), /a is listed twice; merge the two weights/],
    ['single weight', HttpRoute.to([Destination.service('a', 80, { weight: 50 })]), /weight 50 on the only destination is treated as 100/],
    ['bad destination', HttpRoute.to([Destination.service('A_b', 80)]), /service name "A_b" is not a DNS-1123 label/],
    ['empty rewrite', HttpRoute.to([web], { rewrite: {} }), /rewrite: rewrites nothing/],
    ['relative rewrite', HttpRoute.to([web], { rewrite: { uri: 'x' } }), /rewrite.uri: "x" must begin with a "\/"/],
    ['empty authority rewrite', HttpRoute.to([web], { rewrite: { authority: '' } }), /rewrite.authority: an empty authority is invalid/],
    ['negative attempts', HttpRoute.to([web], { retries: { attempts: -1 } }), /retries.attempts: -1 must be an integer of 0 or more/],
    ['attempts 0 with retryOn', HttpRoute.to([web], { retries: { attempts: 0, retryOn: ['5xx'] } }), /attempts 0 disables retries/],
    ['bad retryOn', HttpRoute.to([web], { retries: { attempts: 2, retryOn: ['5xx, reset'] } }), /retryOn\[0\]: "5xx, reset" is not a retry condition/],
    ['sub-millisecond timeout', HttpRoute.to([web], { timeout: Duration.millis(0) }), /timeout: 0ms is below Istio's minimum of 1ms/],
    ['empty name', HttpRoute.to([web], { name: '' }), /name: "" must be a non-empty string/],
    ['redirect to nothing', HttpRoute.redirect({ code: 302 }), /a redirect with nothing to redirect to would loop/],
    ['redirect code', HttpRoute.redirect({ uri: '/x', code: 200 }), /redirect.code: 200 is not a redirect status/],
    ['redirect relative uri', HttpRoute.redirect({ uri: 'x' }), /redirect.uri: "x" must begin with a "\/"/],
    ['redirect empty authority', HttpRoute.redirect({ authority: '' }), /redirect.authority: an empty authority is invalid/],
    ['redirect port', HttpRoute.redirect({ port: 70000 }), /redirect.port: port 70000 is out of range/],
    ['direct response status', HttpRoute.directResponse(700), /directResponse: status 700 must be an HTTP status from 200 to 599/],
    ['relative uri match', HttpRoute.to([web], { matches: [HttpMatch.exact('productpage')] }), /uri: exact "productpage" must begin with a "\/"/],
    ['empty prefix', HttpRoute.to([web], { matches: [HttpMatch.prefix('')] }), /uri: an empty prefix matches nothing useful/],
    ['ignoreUriCase on regex', HttpRoute.to([web], { matches: [HttpMatch.regex('/a.*', { ignoreUriCase: true })] }), /ignoreUriCase: has no effect on a regex uri/],
    ['uppercase header', HttpRoute.to([web], { matches: [HttpMatch.of({ headers: { 'X-User': StringMatch.exact('a') } })] }), /headers: "X-User" is not a lowercase HTTP header name/],
    ['empty match', HttpRoute.to([web], { matches: [HttpMatch.of({})] }), /a match with no uri, headers, queryParams or method matches everything/],
  ])('%s', (_name, route, message) => {
    expect(() => build(route)).toThrow(message);
    expect(() => build(route)).toThrow(IstioGatewaysError);
  });

  test('errors name the construct and the rule index', () => {
    expect(() => build(HttpRoute.to([web]), HttpRoute.redirect({}))).toThrow(/^\[chart\/gw\/host\] routes\[1\]\.redirect:/);
  });
});

describe('properties', () => {
  /** A vector of 2–6 non-negative integers that sums to 100. */
  const weightsSumming100 = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 })
    .map((cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      const points = [0, ...sorted, 100];
      return points.slice(1).map((p, i) => p - points[i]);
    });

  test('any weight vector summing to 100 synthesizes, in order', () => {
    fc.assert(fc.property(weightsSumming100, (weights) => {
      const dests = weights.map((w, i) => Destination.service(`svc-${i}`, 80, { weight: w }));
      const http = rules(HttpRoute.to(dests));
      expect(http[0].route.map((r: Manifest) => r.weight)).toStrictEqual(weights);
    }), fcParams(60));
  });

  test('any weight vector not summing to 100 throws', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 6 }).filter((w) => w.reduce((a, b) => a + b, 0) !== 100), (weights) => {
      const dests = weights.map((w, i) => Destination.service(`svc-${i}`, 80, { weight: w }));
      expect(() => build(HttpRoute.to(dests))).toThrow(/not 100/);
    }), fcParams(60));
  });

  test('redirect codes: 3xx redirect codes pass, everything else throws', () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 599 }), (code) => {
      const ok = [301, 302, 303, 307, 308].includes(code);
      if (ok) expect(() => build(HttpRoute.redirect({ uri: '/', code }))).not.toThrow();
      else expect(() => build(HttpRoute.redirect({ uri: '/', code }))).toThrow(/is not a redirect status/);
    }), fcParams(80));
  });

  test('durations render as whole seconds or milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3_600_000 }), (ms) => {
      const t = rules(HttpRoute.to([web], { timeout: Duration.millis(ms) }))[0].timeout;
      expect(t).toBe(ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
    }), fcParams(40));
  });
});
