/** `cdk8s-istio-gateways routes`: the effective routing table of either API's YAML. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, run } from '../../src/cli/main';

const ISTIO = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: istio-system}
spec:
  hosts: [shop.example.com]
  gateways: [public]
  http:
  - match: [{uri: {prefix: /api}}]
    route:
    - {destination: {host: api.shop.svc.cluster.local, port: {number: 8080}}, weight: 80}
    - {destination: {host: api2.shop.svc.cluster.local, port: {number: 8080}}, weight: 20}
  - route:
    - destination: {host: web.shop.svc.cluster.local, port: {number: 80}}
`;

const GATEWAY_API = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  gatewayClassName: istio
  addresses: [{type: Hostname, value: istio-ingressgateway.istio-system.svc.cluster.local}]
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: shop.example.com}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: istio-system}
spec:
  parentRefs: [{name: public}]
  hostnames: [shop.example.com]
  rules:
  - backendRefs: [{name: web, namespace: shop, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: api, namespace: shop, port: 8080, weight: 4}, {name: api2, namespace: shop, port: 8080, weight: 1}]
`;

function cli(args: string[], files: Record<string, string>): { code: number; out: string; err: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routes-cli-'));
  try {
    for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), t);
    let out = '';
    let err = '';
    const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
    const code = run(args.map((a) => (a.endsWith('.yaml') ? path.join(dir, a) : a)), io);
    return { code, out, err };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('Istio API: rules in VirtualService order, weights as percentages, listener port after Service translation', () => {
  const r = cli(['routes', 'in.yaml'], { 'in.yaml': ISTIO });
  expect(r.code).toBe(0);
  expect(r.out).toBe([
    'assumed/istio-system/istio-ingressgateway :8080',
    '  HTTP shop.example.com',
    '    1. path ^ /api → api.shop.svc.cluster.local:8080 80%, api2.shop.svc.cluster.local:8080 20%   (VirtualService istio-system/shop)',
    '    2. path ^ / → web.shop.svc.cluster.local:80 100%   (VirtualService istio-system/shop)',
    '',
  ].join('\n'));
});

test('Gateway API: rules in istiod precedence order (longer prefix first), segment prefixes shown as ^/', () => {
  const r = cli(['routes', 'in.yaml'], { 'in.yaml': GATEWAY_API });
  expect(r.code).toBe(0);
  expect(r.out).toBe([
    'assumed/istio-system/istio-ingressgateway :8080',
    '  HTTP shop.example.com',
    '    1. path ^/ /api → api.shop.svc.cluster.local:8080 80%, api2.shop.svc.cluster.local:8080 20%   (HTTPRoute istio-system/shop)',
    '    2. path ^ / → web.shop.svc.cluster.local:80 100%   (HTTPRoute istio-system/shop)',
    '',
  ].join('\n'));
});

test('--format json prints the rows', () => {
  const r = cli(['routes', '--format', 'json', 'in.yaml'], { 'in.yaml': GATEWAY_API });
  const rows = JSON.parse(r.out).rows;
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ workload: 'assumed/istio-system/istio-ingressgateway', port: 8080, protocol: 'HTTP', host: 'shop.example.com' });
  expect(rows[0].entries[0].action.backends).toEqual([
    { host: 'api.shop.svc.cluster.local', port: 8080, percent: 80 },
    { host: 'api2.shop.svc.cluster.local', port: 8080, percent: 20 },
  ]);
});

test('a route whose hostnames do not intersect the listener attaches nowhere', () => {
  const r = cli(['routes', 'in.yaml'], { 'in.yaml': GATEWAY_API.replace('hostnames: [shop.example.com]', 'hostnames: [other.example.com]') });
  expect(r.out).toContain('(no route: 404 / connection closed)');
});

test('usage errors exit 2', () => {
  expect(cli(['routes'], {}).code).toBe(2);
  const bad = cli(['routes', '--format', 'xml', 'in.yaml'], { 'in.yaml': ISTIO });
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('--format must be one of text, json, not "xml"');
});

test('routes --help prints its usage; check --help points to it', () => {
  const r = cli(['routes', '--help'], {});
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^usage: cdk8s-istio-gateways routes \[options\] PATH\.\.\./);
  expect(cli(['--help'], {}).out).toContain('see also: cdk8s-istio-gateways routes --help');
});

test('a VirtualService not exported to the gateway pods\' namespace does not route (Istio ignores it)', () => {
  const hidden = ISTIO.replace('  hosts: [shop.example.com]\n  gateways: [public]', '  hosts: [shop.example.com]\n  gateways: [public]\n  exportTo: [shop]');
  const r = cli(['routes', 'in.yaml'], { 'in.yaml': hidden.replace('namespace: istio-system}\nspec:\n  hosts', 'namespace: shop}\nspec:\n  hosts').replace('gateways: [public]', 'gateways: [istio-system/public]') });
  expect(r.out).toContain('(no route: 404 / connection closed)');
});
