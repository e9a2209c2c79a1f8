import * as fc from 'fast-check';
import { resolveGatewayName } from '../../../src/check/mesh-index';
import { KubeObject } from '../../../src/check/model';
import { VIRTUAL_SERVICE_RULES, parseGoDuration, re2Problem } from '../../../src/check/rules/virtual-service';
import { fcParams } from '../../util/property';
import { brief, check, gateway, only, server, vs } from '../fixtures';

interface Case {
  readonly rule: string;
  readonly title: string;
  readonly bad: KubeObject[];
  /** `Kind/namespace/name path` of every finding of the rule */
  readonly expect: string[];
  readonly good: KubeObject[];
  readonly code?: string;
  readonly codes?: string[];
  readonly severities?: string[];
  readonly message?: RegExp;
}

const gw = gateway('gw', { servers: [server(80, 'HTTP', ['*.example.com'])] });
const onGw = (spec: Record<string, unknown>) => ({ gateways: ['istio-system/gw'], ...spec });
const route = (host = 'backend') => [{ destination: { host } }];
const run = (objs: KubeObject[]) => check(objs, { rules: VIRTUAL_SERVICE_RULES });
const where = (f: ReturnType<typeof check>) => f.map((x) => `${x.resource.kind}/${x.resource.namespace}/${x.resource.name} ${x.path}`);

const cases: Case[] = [
  {
    rule: 'VS-DEL-001',
    title: 'delegate with gateways and tcp; root delegating rule with a route',
    bad: [
      vs('child', [], { gateways: ['istio-system/gw'], tcp: [{ route: route() }] }),
      vs('root', ['a.example.com'], onGw({ http: [{ delegate: { name: 'child' }, route: route() }] })),
    ],
    expect: ['VirtualService/default/child spec.gateways', 'VirtualService/default/child spec.tcp', 'VirtualService/default/root spec.http[0].route'],
    good: [
      gw, vs('child', [], { http: [{ match: [{ uri: { prefix: '/a' } }], route: route() }] }),
      vs('root', ['a.example.com'], onGw({ http: [{ match: [{ uri: { prefix: '/a' } }], delegate: { name: 'child', namespace: 'default' } }] })),
    ],
  },
  {
    rule: 'VS-GW-001',
    title: 'dotted gateway name after the slash; legacy name.ns warned',
    bad: [vs('v', ['a.example.com'], { gateways: ['istio-system/my.gw', 'gw.istio-system', './gw'] })],
    expect: ['VirtualService/default/v spec.gateways[0]', 'VirtualService/default/v spec.gateways[1]', 'VirtualService/default/v spec.gateways[2]'],
    severities: ['error', 'warning', 'error'],
    message: /gateway "istio-system\/my.gw" has name "my.gw", which is not a DNS-1123 label|legacy <name>.<namespace> format|namespace "\."/,
    good: [gw, vs('v', ['a.example.com'], { gateways: ['istio-system/gw', 'mesh', 'local-gw'] })],
  },
  {
    rule: 'VS-HOST-001',
    title: '"*" bound to mesh; bad host',
    bad: [vs('v', ['*'], { gateways: ['istio-system/gw', 'mesh'] }), vs('w', ['foo*.example.com'])],
    expect: ['VirtualService/default/v spec.hosts[0]', 'VirtualService/default/w spec.hosts[0]'],
    good: [gw, vs('v', ['*'], onGw({})), vs('w', ['reviews', '10.0.0.1', '*.example.com'])],
  },
  {
    rule: 'VS-HOST-002',
    title: 'overlapping hosts in one VS',
    bad: [vs('v', ['*.a.com', 'b.a.com', 'c.com', 'c.com'])],
    expect: ['VirtualService/default/v spec.hosts[1]', 'VirtualService/default/v spec.hosts[3]'],
    message: /overlaps spec.hosts\[0\] "\*.a.com"|listed twice/,
    good: [vs('v', ['*.a.com', 'a.com', 'b.com'])],
  },
  {
    rule: 'VS-HOST-003',
    title: 'short host on a gateway-bound VS',
    bad: [gw, vs('v', ['bookinfo'], onGw({}))],
    expect: ['VirtualService/default/v spec.hosts[0]'],
    message: /becomes "bookinfo.default.svc.cluster.local"/,
    good: [gw, vs('v', ['bookinfo.example.com'], onGw({})), vs('m', ['reviews'])],
  },
  {
    rule: 'VS-RT-001',
    title: 'no routes at all',
    bad: [vs('v', ['a.example.com'], { http: [] })],
    expect: ['VirtualService/default/v spec'],
    good: [vs('v', ['a.example.com'], { http: [], tcp: [{ route: route() }] })],
  },
  {
    rule: 'VS-HTTP-001',
    title: 'redirect + route; nothing; mirror + mirrors',
    bad: [vs('v', ['a.example.com'], {
      http: [
        { redirect: { uri: '/x' }, route: route() },
        { match: [{ uri: { prefix: '/y' } }] },
        { route: route(), mirror: { host: 'm' }, mirrors: [{ destination: { host: 'm2' } }] },
      ],
    })],
    expect: ['VirtualService/default/v spec.http[0].route', 'VirtualService/default/v spec.http[1]', 'VirtualService/default/v spec.http[2].mirrors'],
    good: [vs('v', ['a.example.com'], { http: [{ match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new' } }, { directResponse: { status: 404 } }] })],
  },
  {
    rule: 'VS-HTTP-002',
    title: 'redirect code 200, bad scheme, empty redirect',
    bad: [vs('v', ['a.example.com'], {
      http: [
        { match: [{ uri: { prefix: '/a' } }], redirect: { uri: '/b', redirectCode: 200, scheme: 'ftp' } },
        { redirect: {} },
      ],
    })],
    expect: ['VirtualService/default/v spec.http[0].redirect.redirectCode', 'VirtualService/default/v spec.http[0].redirect.scheme', 'VirtualService/default/v spec.http[1].redirect'],
    good: [vs('v', ['a.example.com'], { http: [{ redirect: { scheme: 'https', redirectCode: 308 } }] })],
  },
  {
    rule: 'VS-HTTP-003',
    title: 'uri + uriRegexRewrite; authority twice',
    bad: [vs('v', ['a.example.com'], {
      http: [
        { rewrite: { uri: '/x', uriRegexRewrite: { match: '^/a(.*)', rewrite: '/\\1' } }, route: route() },
        { rewrite: { authority: 'b.example.com' }, headers: { request: { set: { Host: 'c.example.com' } } }, route: route() },
        { rewrite: { uriRegexRewrite: { match: '(?=x)', rewrite: '/' } }, route: route() },
      ],
    })],
    expect: [
      'VirtualService/default/v spec.http[0].rewrite.uriRegexRewrite',
      'VirtualService/default/v spec.http[1].headers.request.set["Host"]',
      'VirtualService/default/v spec.http[2].rewrite.uriRegexRewrite.match',
    ],
    good: [vs('v', ['a.example.com'], { http: [{ rewrite: { uriRegexRewrite: { match: '^/a(.*)', rewrite: '/\\1' }, authority: 'b' }, route: route() }] })],
  },
  {
    rule: 'VS-HTTP-004',
    title: 'attempts 0 with retryOn; bad policy',
    bad: [vs('v', ['a.example.com'], {
      http: [
        { retries: { attempts: 0, retryOn: '5xx' }, route: route() },
        { retries: { attempts: 3, retryOn: '5xx,bogus,999' }, route: route() },
      ],
    })],
    expect: ['VirtualService/default/v spec.http[0].retries.retryOn', 'VirtualService/default/v spec.http[1].retries.retryOn', 'VirtualService/default/v spec.http[1].retries.retryOn'],
    good: [vs('v', ['a.example.com'], { http: [{ retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,503' }, route: route() }] })],
  },
  {
    rule: 'VS-HTTP-005',
    title: 'sub-ms timeout, fault without abort/delay, bad percentage',
    bad: [vs('v', ['a.example.com'], {
      http: [
        { timeout: '0.5ms', route: route() },
        { fault: {}, route: route() },
        { fault: { abort: { httpStatus: 700, percentage: { value: 0.00001 } } }, route: route() },
      ],
    })],
    expect: [
      'VirtualService/default/v spec.http[0].timeout', 'VirtualService/default/v spec.http[1].fault',
      'VirtualService/default/v spec.http[2].fault.abort.percentage.value', 'VirtualService/default/v spec.http[2].fault.abort.httpStatus',
    ],
    good: [vs('v', ['a.example.com'], { http: [{ timeout: '1.5s', fault: { delay: { fixedDelay: '5s', percentage: { value: 0.1 } } }, route: route() }] })],
  },
  {
    rule: 'VS-MATCH-001',
    title: 'bad regex, empty method prefix, bad sourceNamespace',
    bad: [vs('v', ['a.example.com'], { http: [{ match: [{ uri: { regex: '(' } }, { method: { prefix: '' } }, { sourceNamespace: 'Bad_NS' }], route: route() }] })],
    expect: ['VirtualService/default/v spec.http[0].match[0].uri.regex', 'VirtualService/default/v spec.http[0].match[1].method.prefix', 'VirtualService/default/v spec.http[0].match[2].sourceNamespace'],
    good: [vs('v', ['a.example.com'], { http: [{ match: [{ uri: { regex: '(?i)^/api/(?P<v>v[0-9]+)/.*' } }, { uri: { prefix: '' } }, { port: 8080 }], route: route() }] })],
  },
  {
    rule: 'VS-MATCH-002',
    title: 'claim match in a mesh-only VS',
    bad: [vs('v', ['reviews'], { http: [{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'admin' } } }], route: route() }, { route: route() }] })],
    expect: ['VirtualService/default/v spec.http[0].match[0].headers["@request.auth.claims.groups"]'],
    good: [gw, vs('v', ['a.example.com'], onGw({ http: [{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'admin' } } }], route: route() }, { route: route() }] }))],
  },
  {
    rule: 'VS-DEST-001',
    title: 'host "*", bad subset, port 0..',
    bad: [vs('v', ['a.example.com'], { http: [{ route: [{ destination: { host: '*' }, weight: 50 }, { destination: { host: 'b', subset: 'V_1', port: { number: 70000 } }, weight: 50 }] }] })],
    expect: ['VirtualService/default/v spec.http[0].route[0].destination.host', 'VirtualService/default/v spec.http[0].route[1].destination.subset', 'VirtualService/default/v spec.http[0].route[1].destination.port.number'],
    good: [vs('v', ['a.example.com'], { http: [{ route: [{ destination: { host: 'b', subset: 'v1', port: { number: 8080 } } }] }] })],
  },
  {
    rule: 'VS-W-001',
    title: 'all weights 0 and a negative weight',
    bad: [vs('v', ['a.example.com'], { http: [{ route: [{ destination: { host: 'a' }, weight: 0 }, { destination: { host: 'b' }, weight: 0 }] }], tcp: [{ route: [{ destination: { host: 'a' }, weight: -1 }] }] })],
    expect: ['VirtualService/default/v spec.http[0].route', 'VirtualService/default/v spec.tcp[0].route[0].weight'],
    good: [vs('v', ['a.example.com'], { http: [{ route: [{ destination: { host: 'a' }, weight: 0 }, { destination: { host: 'b' }, weight: 7 }] }] })],
  },
  {
    rule: 'VS-W-002',
    title: 'single weight 50; same host+subset twice',
    bad: [vs('v', ['a.example.com'], {
      http: [
        { match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: 'a' }, weight: 50 }] },
        { route: [{ destination: { host: 'b', subset: 'v1' }, weight: 50 }, { destination: { host: 'b.default.svc.cluster.local', subset: 'v1' }, weight: 50 }] },
      ],
    })],
    expect: ['VirtualService/default/v spec.http[0].route[0].weight', 'VirtualService/default/v spec.http[1].route[1].destination'],
    good: [vs('v', ['a.example.com'], { http: [{ route: [{ destination: { host: 'a' }, weight: 100 }] }, { route: [{ destination: { host: 'b', subset: 'v1' }, weight: 50 }, { destination: { host: 'b', subset: 'v2' }, weight: 50 }] }] })],
  },
  {
    rule: 'VS-TLS-001',
    title: 'sniHost outside hosts; no match; no route; IP sni warned',
    bad: [vs('v', ['b.example.com'], {
      http: [],
      tls: [
        { match: [{ sniHosts: ['a.example.com', '10.0.0.1'] }], route: route() },
        { route: route() },
        { match: [{ sniHosts: ['b.example.com'] }] },
      ],
    })],
    expect: [
      'VirtualService/default/v spec.tls[0].match[0].sniHosts[0]', 'VirtualService/default/v spec.tls[0].match[0].sniHosts[1]',
      'VirtualService/default/v spec.tls[1].match', 'VirtualService/default/v spec.tls[2].route',
    ],
    good: [vs('v', ['*.example.com'], { http: [], tls: [{ match: [{ sniHosts: ['a.example.com'], port: 443 }], route: route() }] })],
  },
  {
    rule: 'VS-TCP-001',
    title: 'tcp rule without route',
    bad: [vs('v', ['a.example.com'], { http: [], tcp: [{ match: [{ port: 31400 }] }] })],
    expect: ['VirtualService/default/v spec.tcp[0].route'],
    good: [vs('v', ['a.example.com'], { http: [], tcp: [{ match: [{ port: 31400 }], route: route() }] })],
  },
  {
    rule: 'VS-ORDER-001',
    title: 'prefix / before /api, duplicate match, second match-less rule',
    bad: [
      vs('v', ['a.example.com'], {
        http: [
          { match: [{ uri: { prefix: '/api' } }], route: route() },
          { match: [{ uri: { prefix: '/api/v1' } }, { uri: { exact: '/x' } }], route: route() },
          { match: [{ uri: { exact: '/x' }, name: 'dup' }], route: route() },
          { route: route() },
          { match: [{ uri: { prefix: '/late' } }], route: route() },
        ],
      }),
    ],
    expect: [
      'VirtualService/default/v spec.http[1].match[0]', 'VirtualService/default/v spec.http[2].match[0]',
      'VirtualService/default/v spec.http[2]', 'VirtualService/default/v spec.http[4]',
    ],
    codes: ['IST0131', 'IST0131', 'IST0130', 'IST0130'],
    good: [vs('v', ['a.example.com'], {
      http: [
        { match: [{ uri: { prefix: '/api/v1' } }], route: route() },
        { match: [{ uri: { prefix: '/api' }, headers: { 'x-v': { exact: '2' } } }], route: route() },
        { match: [{ uri: { prefix: '/api' } }], route: route() },
        { route: route() },
      ],
    })],
  },
  {
    rule: 'VS-EXP-001',
    title: '"." and "*" together; duplicates',
    bad: [vs('v', ['a.example.com'], { exportTo: ['.', '*', 'default'] })],
    expect: ['VirtualService/default/v spec.exportTo[2]', 'VirtualService/default/v spec.exportTo[1]'],
    good: [vs('v', ['a.example.com'], { exportTo: ['.', 'istio-system'] })],
  },
];

describe('VS-* rules', () => {
  test('every rule has a case', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(VIRTUAL_SERVICE_RULES.map((r) => r.id)));
  });

  describe.each(cases)('$rule: $title', (c) => {
    const rule = VIRTUAL_SERVICE_RULES.find((r) => r.id === c.rule)!;
    test('violation', () => {
      const found = only(run(c.bad), c.rule);
      expect(where(found).sort()).toEqual([...c.expect].sort());
      for (const f of found) {
        if (!c.codes) expect(f.code).toBe(rule.code);
        expect(f.message).toMatch(/^[a-z"@0-9*.(]/);
        expect(f.fix.length).toBeGreaterThan(5);
        if (c.message) expect(f.message).toMatch(c.message);
      }
      if (c.codes) {
        const byPath = found.map((f) => `${f.path}=${f.code}`).sort();
        expect(byPath).toEqual(c.expect.map((e, i) => `${e.split(' ')[1]}=${c.codes![i]}`).sort());
      }
      if (c.severities) {
        expect(found.map((f) => `${f.path}=${f.severity}`).sort()).toEqual(c.expect.map((e, i) => `${e.split(' ')[1]}=${c.severities![i]}`).sort());
      }
    });
    test('clean', () => {
      expect(brief(only(run(c.good), c.rule))).toEqual([]);
    });
  });
});

describe('VS-ORDER-001 (IST0130/IST0131 as istioctl)', () => {
  const order = (http: unknown[]) => only(run([vs('v', ['a.example.com'], { http })]), 'VS-ORDER-001').map((f) => `${f.path} ${f.code ?? '-'}`).sort();

  test('a duplicate match inside the same rule, a second match-less rule, rules after a match-less rule', () => {
    expect(order([
      { match: [{ uri: { exact: '/x' } }, { uri: { exact: '/x' } }], route: route() },
      { route: route() },
      { route: route() },
      { match: [{ uri: { exact: '/y' } }], route: route() },
    ])).toEqual(['spec.http[0].match[1] IST0131', 'spec.http[2] IST0130', 'spec.http[3] IST0130']);
  });

  test('statPrefix counts in duplicates; a missing method is GET in the overlap pass; a catch-all match is uncoded', () => {
    expect(order([
      { match: [{ uri: { exact: '/x' }, statPrefix: 'a' }], route: route() },
      { match: [{ uri: { exact: '/x' }, statPrefix: 'b' }], route: route() },
    ])).toEqual(['spec.http[1].match[0] -']); // istiod never reaches it: uncoded

    expect(order([
      { match: [{ uri: { prefix: '/api' } }], route: route() },
      { match: [{ uri: { prefix: '/api/v1' }, method: { exact: 'POST' } }], route: route() },
    ])).toEqual(['spec.http[1].match[0] -']); // istioctl: GET vs POST, not covered; istiod: /api takes every method — uncoded

    expect(order([
      { match: [{ uri: { prefix: '/' } }], route: route() },
      { match: [{ uri: { exact: '/z' } }], route: route() },
    ])).toEqual(['spec.http[1] -']);
  });

  // a match is compared with the earlier distinct ones in order (through a map of keys past 16): the first equal one
  test.each([4, 20])('after %i distinct matches, a duplicate (name aside) names the first equal match', (n) => {
    const distinct = Array.from({ length: n }, (_, k) => ({ name: `m${k}`, uri: { exact: `/p${k}` } }));
    const header = { headers: { x: { exact: '1' } } };
    const found = only(run([vs('v', ['a.example.com'], {
      http: [
        { match: distinct, route: route() },
        { match: [{ name: 'again', uri: { exact: '/p2' } }, header, { ...header, name: 'h' }], route: route() },
      ],
    })]), 'VS-ORDER-001');
    expect(found.map((f) => [f.path, f.code, f.message]).sort()).toEqual([
      ['spec.http[1].match[0]', 'IST0131', 'http match spec.http[1].match[0] duplicates spec.http[0].match[2], so it is never used'],
      ['spec.http[1].match[2]', 'IST0131', 'http match spec.http[1].match[2] duplicates spec.http[1].match[1], so it is never used'],
    ]);
  });
});

describe('VS-W-002 duplicates', () => {
  // routes of up to 16 entries are searched by position, longer ones through a map: both name the first earlier copy
  test.each([3, 20])('a route of %i entries: each repeat of host+subset names the first copy', (n) => {
    const dests = Array.from({ length: n }, (_, k) => ({ destination: { host: `h${k}`, subset: 'v1' }, weight: 1 }));
    dests[1] = { destination: { host: 'h0.default.svc.cluster.local', subset: 'v1' }, weight: 1 };
    dests[n - 1] = { destination: { host: 'h0', subset: 'v1' }, weight: 1 };
    const found = only(run([vs('v', ['a.example.com'], { http: [{ route: dests }] })]), 'VS-W-002');
    expect(found.map((f) => [f.path, f.message]).sort()).toEqual([
      ['spec.http[0].route[1].destination', 'destination "h0.default.svc.cluster.local" subset "v1" is already spec.http[0].route[0]'],
      [`spec.http[0].route[${n - 1}].destination`, 'destination "h0" subset "v1" is already spec.http[0].route[0]'],
    ].sort());
  });

  test('the duplicate key is `host|subset`, as istioctl joins them: a `|` in either can make two keys equal', () => {
    const found = only(run([vs('v', ['a.example.com'], {
      http: [{ route: [{ destination: { host: 'a.b|c', subset: 'd' }, weight: 1 }, { destination: { host: 'a.b', subset: 'c|d' }, weight: 1 }] }],
    })]), 'VS-W-002');
    expect(found.map((f) => f.path)).toEqual(['spec.http[0].route[1].destination']);
  });
});

describe('helpers', () => {
  test('gateway name resolution follows istiod', () => {
    expect(resolveGatewayName('gw', 'app')).toEqual({ namespace: 'app', name: 'gw' });
    expect(resolveGatewayName('./gw', 'app')).toEqual({ namespace: 'app', name: 'gw' });
    expect(resolveGatewayName('istio-system/gw', 'app')).toEqual({ namespace: 'istio-system', name: 'gw' });
    expect(resolveGatewayName('gw.istio-system', 'app')).toEqual({ namespace: 'istio-system', name: 'gw' });
    expect(resolveGatewayName('gw.istio-system.svc.cluster.local', 'app')).toEqual({ namespace: 'istio-system', name: 'gw' });
    expect(resolveGatewayName('mesh', 'app')).toEqual({ mesh: true });
  });
  test('RE2 validation', () => {
    for (const ok of ['^/api/.*', '(?i)abc', '(?P<x>a)', '[[:alpha:]]+', '\\pL+', '\\Q.*\\E', 'a{2,1000}', '(?s:.)']) expect(re2Problem(ok)).toBeUndefined();
    for (const bad of ['(', '(?=a)', 'a(?!b)', '(a)\\1', 'a++', 'a{1001}', '(?>a)', '[z-a]']) expect(re2Problem(bad)).toBeDefined();
  });
  test('Go durations', () => {
    expect(parseGoDuration('1h2m3.5s')).toBe(3723.5e9);
    expect(parseGoDuration('500ms')).toBe(5e8);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('10')).toBeUndefined();
  });
});

describe('garbage input', () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const strMatch = fc.oneof(anyJson, fc.record({ exact: fc.string() }), fc.record({ prefix: fc.string() }), fc.record({ regex: fc.string() }));
  const httpRule = fc.dictionary(
    fc.constantFrom('match', 'route', 'redirect', 'rewrite', 'retries', 'fault', 'timeout', 'delegate', 'mirror', 'mirrors', 'headers', 'directResponse', 'mirrorPercentage'),
    fc.oneof(anyJson, fc.array(fc.dictionary(fc.constantFrom('uri', 'headers', 'port', 'gateways', 'destination', 'weight', 'sniHosts', 'name'), fc.oneof(strMatch, anyJson)))),
  );
  const spec = fc.dictionary(
    fc.constantFrom('hosts', 'gateways', 'http', 'tcp', 'tls', 'exportTo'),
    fc.oneof(anyJson, fc.array(fc.oneof(fc.constantFrom('a.example.com', '*', 'mesh', 'reviews', 'istio-system/gw', '.', 'x.y'), fc.string())), fc.array(httpRule)),
  );
  test('no VS rule throws', () => {
    fc.assert(fc.property(fc.array(fc.oneof(spec, anyJson), { maxLength: 4 }), (specs) => {
      const objs: KubeObject[] = specs.map((s, i) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `v${i}`, namespace: i % 2 ? 'a' : 'b' }, spec: s as unknown }));
      const f = check([gw, ...objs], { rules: VIRTUAL_SERVICE_RULES });
      expect(f.filter((x) => x.rule === 'CHK-INT-001')).toEqual([]);
    }), fcParams(120));
  });
});
