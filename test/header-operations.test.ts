/**
 * Query parameter matches and request/response header operations of HttpRoute: the Istio and Gateway API renderings
 * (exact YAML), the effective routing table of both, and one test per error message.
 */
import { Chart } from 'cdk8s';
import {
  Destination, GatewayApi, GatewayWorkload, HeaderOperations, HttpMatch, HttpRoute, IngressGateway, StringMatch,
} from '../src';
import { analyze } from '../src/check/analyze';
import { Severity } from '../src/check/findings';
import { canonicalRoutes, effectiveRoutes, formatRoutesText } from '../src/check/routes';
import { IstioGatewaysError } from '../src/errors';
import { chartManifests } from './gateway-api/util';
import { Manifest, one } from './util/manifests';

const web = [Destination.service('web', 80)];

function manifests(api: GatewayApi, ...routes: HttpRoute[]): Manifest[] {
  return chartManifests((c: Chart) => {
    const gw = new IngressGateway(c, 'gw', { workload: GatewayWorkload.istioIngressGateway(c, 'ingress'), name: 'gw', api });
    gw.addHttpHost('host', { hosts: ['app.example.com'], virtualServiceName: 'app', routes });
  });
}

const headersRoute = (): HttpRoute => HttpRoute.to(web, {
  matches: [HttpMatch.prefix('/api', { queryParams: { version: StringMatch.exact('2'), id: StringMatch.regex('[0-9]+') } })],
  requestHeaders: { set: { 'x-env': 'prod', 'X-Case': 'A' }, add: { 'x-trace': 'on' }, remove: ['x-debug', 'cookie'] },
  responseHeaders: { remove: ['server'], set: { 'cache-control': 'no-store' } },
});

describe('Istio rendering', () => {
  test('queryParams render as match[].queryParams, header operations as headers.request/response (sorted)', () => {
    const route = HttpRoute.to(web, {
      matches: [HttpMatch.exact('/a', { queryParams: { v: StringMatch.exact(''), p: StringMatch.regex('x.*'), r: StringMatch.regex('[a-z]+') } })],
      requestHeaders: { set: { 'x-env': 'prod', 'X-Case': 'A' }, add: { 'x-trace': 'on' }, remove: ['x-debug', 'cookie'] },
      responseHeaders: { remove: ['server'] },
    });
    expect(one(manifests(GatewayApi.ISTIO, route), 'VirtualService', 'app').spec.http).toStrictEqual([{
      match: [{ uri: { exact: '/a' }, queryParams: { p: { regex: 'x.*' }, r: { regex: '[a-z]+' }, v: { exact: '' } } }],
      route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 } } }],
      headers: {
        request: { set: { 'X-Case': 'A', 'x-env': 'prod' }, add: { 'x-trace': 'on' }, remove: ['x-debug', 'cookie'] },
        response: { remove: ['server'] },
      },
    }]);
  });

  test('a match with only queryParams is a match', () => {
    const route = HttpRoute.to(web, { matches: [HttpMatch.of({ queryParams: { debug: StringMatch.exact('1') } })] });
    expect(one(manifests(GatewayApi.ISTIO, route), 'VirtualService', 'app').spec.http[0].match).toStrictEqual([{ queryParams: { debug: { exact: '1' } } }]);
  });
});

describe('Gateway API rendering', () => {
  test('queryParams render as Exact/RegularExpression lists, header operations as Request/ResponseHeaderModifier filters', () => {
    expect(one(manifests(GatewayApi.KUBERNETES, headersRoute()), 'HTTPRoute').spec.rules).toStrictEqual([{
      matches: [{
        path: { type: 'RegularExpression', value: '/api.*' },
        queryParams: [{ name: 'id', type: 'RegularExpression', value: '[0-9]+' }, { name: 'version', type: 'Exact', value: '2' }],
      }],
      filters: [
        {
          type: 'RequestHeaderModifier',
          requestHeaderModifier: {
            set: [{ name: 'X-Case', value: 'A' }, { name: 'x-env', value: 'prod' }],
            add: [{ name: 'x-trace', value: 'on' }],
            remove: ['x-debug', 'cookie'],
          },
        },
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'cache-control', value: 'no-store' }], remove: ['server'] } },
      ],
      backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }],
    }]);
  });

  test('a rule with more query matches sorts first in the Gateway API, so a broader rule before it is refused', () => {
    const broad = HttpRoute.to(web, { matches: [HttpMatch.prefix('/a')] });
    const narrow = HttpRoute.to([Destination.service('v2', 80)], { matches: [HttpMatch.prefix('/a', { queryParams: { v: StringMatch.exact('2') } })] });
    expect(() => manifests(GatewayApi.KUBERNETES, broad, narrow)).toThrow(/routes\[1\]\.matches\[0\]: this match overlaps routes\[0\]\.matches\[0\] and acts differently/);
    const ok = [narrow, HttpRoute.to(web, { matches: [HttpMatch.prefix('/a')] })];
    const a = canonicalRoutes(effectiveRoutes(manifests(GatewayApi.ISTIO, ...ok)));
    expect(canonicalRoutes(effectiveRoutes(manifests(GatewayApi.KUBERNETES, ...ok)))).toEqual(a);
  });
});

describe('effective routing table', () => {
  test('shows query matches and header operations, the same for both APIs; both pass every check', () => {
    const istio = manifests(GatewayApi.ISTIO, headersRoute());
    const gapi = manifests(GatewayApi.KUBERNETES, headersRoute());
    const entry = (ms: Manifest[]) => formatRoutesText(effectiveRoutes(ms)).split('\n').find((l) => l.includes('1. '))!.replace(/ {3}\(.*\)$/, '');
    const expected = '    1. path ^ /api query id ~ [0-9]+ query version = 2 → web.shop.svc.cluster.local:80 100%'
      + ' request-headers set x-case=A,x-env=prod add x-trace=on remove cookie,x-debug response-headers set cache-control=no-store remove server';
    expect(entry(istio)).toBe(expected);
    expect(entry(gapi)).toBe(expected);
    expect(canonicalRoutes(effectiveRoutes(gapi))).toEqual(canonicalRoutes(effectiveRoutes(istio)));
    for (const ms of [istio, gapi]) {
      expect(analyze(ms).filter((f) => f.severity === Severity.ERROR && f.rule !== 'IOP-CTRL-001').map((f) => `${f.rule} ${f.message}`)).toEqual([]);
    }
  });

  test('query parameter names keep their case; header names compare case-insensitively', () => {
    const route = HttpRoute.to(web, { matches: [HttpMatch.exact('/a', { queryParams: { ID: StringMatch.exact('1') } })], requestHeaders: { set: { 'X-A': '1' } } });
    for (const api of [GatewayApi.ISTIO, GatewayApi.KUBERNETES]) {
      const e = effectiveRoutes(manifests(api, route)).rows[0].entries[0];
      expect([e.match?.queryParams, e.action.requestHeaders]).toEqual([{ ID: { exact: '1' } }, { set: { 'x-a': '1' } }]);
    }
  });

  test('the comparison is not vacuous: a changed header value makes the tables differ', () => {
    const istio = manifests(GatewayApi.ISTIO, headersRoute());
    const gapi = manifests(GatewayApi.KUBERNETES, headersRoute());
    one(gapi, 'HTTPRoute').spec.rules[0].filters[0].requestHeaderModifier.set[1].value = 'dev';
    expect(canonicalRoutes(effectiveRoutes(gapi))).not.toEqual(canonicalRoutes(effectiveRoutes(istio)));
  });
});

const many = (n: number): { [name: string]: string } => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']));
const to = (o: { requestHeaders?: HeaderOperations; responseHeaders?: HeaderOperations; matches?: HttpMatch[] }, rewrite?: string): HttpRoute =>
  HttpRoute.to(web, { ...o, rewrite: rewrite ? { authority: rewrite } : undefined });

describe('errors, for both APIs', () => {
  test.each<[string, HttpRoute, RegExp]>([
    ['bad header name', to({ requestHeaders: { set: { 'x env': 'a' } } }), /routes\[0\]\.requestHeaders\.set: "x env" is not an HTTP header name/],
    ['pseudo-header', to({ responseHeaders: { remove: [':status'] } }), /routes\[0\]\.responseHeaders\.remove\[0\]: ":status" is not an HTTP header name/],
    ['same header twice', to({ requestHeaders: { add: { 'X-A': '1', 'x-a': '2' } } }), /requestHeaders\.add: "x-a" is listed twice \(header names are case-insensitive\)/],
    ['non-string value', to({ requestHeaders: { set: { 'x-a': 1 as unknown as string } } }), /requestHeaders\.set\["x-a"\]: 1 is not a string/],
    ['no change', to({ responseHeaders: {} }), /routes\[0\]\.responseHeaders: changes no header; set set, add or remove, or omit responseHeaders/],
    ['removed and set', to({ requestHeaders: { set: { 'X-A': '1' }, remove: ['x-a'] } }), /requestHeaders\.remove: "x-a" is also set or added, and Envoy removes before it sets or adds/],
    ['host header and rewrite.authority', to({ requestHeaders: { set: { host: 'b.example.com' } } }, 'c.example.com'), /requestHeaders: "host" sets the authority, which rewrite\.authority already sets/],
    ['empty query name', to({ matches: [HttpMatch.exact('/a', { queryParams: { '': StringMatch.exact('1') } })] }), /matches\[0\]\.queryParams: a query parameter name must not be empty/],
    ['empty query regex', to({ matches: [HttpMatch.exact('/a', { queryParams: { q: StringMatch.regex('') } })] }), /matches\[0\]\.queryParams\["q"\]: an empty regex is invalid; use StringMatch\.exact\(""\)/],
    ['prefix query (Istio does not support it)', to({ matches: [HttpMatch.exact('/a', { queryParams: { v: StringMatch.prefix('1.') } })] }), /matches\[0\]\.queryParams\["v"\]: Istio does not support prefix matching of query parameters.*StringMatch\.regex\("1\\\.\.\*"\)/],
  ])('%s', (_name, route, message) => {
    for (const api of [GatewayApi.ISTIO, GatewayApi.KUBERNETES]) {
      expect(() => manifests(api, route)).toThrow(message);
      expect(() => manifests(api, route)).toThrow(IstioGatewaysError);
    }
  });
});

describe('errors of the Gateway API rendering only (the Istio rendering accepts these)', () => {
  const q = (queryParams: { [name: string]: StringMatch }): HttpRoute => to({ matches: [HttpMatch.exact('/a', { queryParams })] });
  test.each<[string, HttpRoute, RegExp]>([
    ['empty query value', q({ debug: StringMatch.exact('') }), /queryParams\["debug"\]: the Gateway API needs a query value of 1 to 1024 characters, not 0/],
    ['query name characters', q({ 'a b': StringMatch.exact('1') }), /queryParams\["a b"\]: the Gateway API allows query parameter names of up to 256/],
    ['17 query params', q(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`q${i}`, StringMatch.exact('1')]))), /matches\[0\]\.queryParams: 17 query parameters exceed the HTTPRoute limit of 16/],
    ['17 set headers', to({ requestHeaders: { set: many(17) } }), /routes\[0\]\.requestHeaders\.set: 17 headers exceed the HTTPRoute limit of 16/],
    ['17 removed headers', to({ responseHeaders: { remove: Object.keys(many(17)) } }), /routes\[0\]\.responseHeaders\.remove: 17 headers exceed the HTTPRoute limit of 16/],
    ['empty header value', to({ responseHeaders: { add: { 'x-a': '' } } }), /responseHeaders\.add\["x-a"\]: the Gateway API needs .* a value of 1 to 4096 characters; remove the header instead/],
  ])('%s', (_name, route, message) => {
    expect(() => manifests(GatewayApi.ISTIO, route)).not.toThrow();
    expect(() => manifests(GatewayApi.KUBERNETES, route)).toThrow(message);
    expect(() => manifests(GatewayApi.KUBERNETES, route)).toThrow(IstioGatewaysError);
  });
});
