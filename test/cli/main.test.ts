import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, run } from '../../src/cli/main';

const GOOD_GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
  namespace: istio-system
spec:
  hosts: [shop.example.com]
  gateways: [public]
  http:
  - route:
    - destination: {host: shop.shop.svc.cluster.local, port: {number: 8080}}
`;
const SHOP_SERVICE = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: shop, namespace: shop}
  spec:
    selector: {app: shop}
    ports: [{name: http, port: 8080}]
`;
const BAD_GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: broken
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hostz: [shop.example.com]
    hosts: [shop.example.com]
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cig-cli-'));
  fs.mkdirSync(path.join(dir, 'ok', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ok', 'gateway.yaml'), GOOD_GATEWAY);
  fs.writeFileSync(path.join(dir, 'ok', 'nested', 'services.yml'), SHOP_SERVICE);
  fs.writeFileSync(path.join(dir, 'ok', 'README.md'), '# not a manifest: ignored\n');
  fs.mkdirSync(path.join(dir, 'ok', '.git'));
  fs.writeFileSync(path.join(dir, 'ok', '.git', 'junk.yaml'), 'this: [is not read');
  fs.writeFileSync(path.join(dir, 'bad.yaml'), BAD_GATEWAY);
  fs.writeFileSync(path.join(dir, 'malformed.yaml'), 'kind: Service\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n   namespace: b\n');
  fs.writeFileSync(path.join(dir, 'mesh.yaml'), 'accessLogFile: /dev/stdout\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n');
  fs.writeFileSync(path.join(dir, 'mesh-cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n    accessLogFile: /dev/stdout\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    env: opts.env ?? {},
  };
  const code = run(args, io);
  return { code, stdout, stderr };
}

describe('exit codes', () => {
  test('0: no error findings (a directory, recursively, with a kind: List)', () => {
    const r = cli(['check', '--format', 'json', path.join(dir, 'ok')]);
    expect(r.stderr).toBe('');
    const findings = JSON.parse(r.stdout).findings as { severity: string }[];
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.code).toBe(0);
  });

  test('1: error findings', () => {
    const r = cli(['check', path.join(dir, 'bad.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/SCH-PRUNE-001 spec\.servers\[0\]\.hostz: unknown field hostz/);
  });

  test('--fail-on warning turns warnings into exit 1', () => {
    const withWarnings = cli(['check', '--format=json', path.join(dir, 'ok')]);
    const hasWarnings = (JSON.parse(withWarnings.stdout).findings as { severity: string }[]).some((f) => f.severity === 'warning');
    expect(cli(['check', '--fail-on', 'warning', path.join(dir, 'ok')]).code).toBe(hasWarnings ? 1 : 0);
  });

  test('2: malformed YAML prints file:line and no stack trace', () => {
    const file = path.join(dir, 'malformed.yaml');
    const r = cli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${file}:7: invalid YAML: mapping values are not allowed in this context (check indentation; YAML does not allow tabs for indentation)\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('2: missing path, bad usage, unknown command, no PATH', () => {
    expect(cli(['check', path.join(dir, 'nope.yaml')])).toMatchObject({ code: 2, stderr: `${path.join(dir, 'nope.yaml')}: no such file or directory\n` });
    expect(cli(['check', '--format', 'xml', 'x']).stderr).toMatch(/^error: --format must be one of text, json, not "xml"/);
    expect(cli(['check', '--assume-install', 'big', 'x']).code).toBe(2);
    expect(cli(['check', '--bogus', 'x']).stderr).toMatch(/^error: unknown option --bogus/);
    expect(cli(['lint', 'x']).stderr).toMatch(/^error: unknown command "lint"/);
    expect(cli(['check']).stderr).toMatch(/^error: no PATH given/);
    expect(cli(['check', '--mesh-config']).code).toBe(2);
    expect(cli([]).code).toBe(2);
  });

  test('--help and --version exit 0', () => {
    expect(cli(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: cdk8s-istio-gateways check/) });
    expect(cli(['check', '--help']).code).toBe(0);
    expect(cli(['--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });
});

describe('output', () => {
  test('--closed-world -n NS keeps only findings on objects in NS or cluster-scoped, as istioctl analyze -n', () => {
    const file = path.join(dir, 'two-namespaces.yaml');
    fs.writeFileSync(file, [BAD_GATEWAY, BAD_GATEWAY.replace(/istio-system/, 'edge')].join('---\n'));
    const namespaces = (args: string[]) => [...new Set((JSON.parse(cli(['check', '--format', 'json', ...args, file]).stdout).findings as { resource: { namespace?: string } }[])
      .map((f) => f.resource.namespace))].sort();
    expect(namespaces(['--closed-world'])).toEqual(['edge', 'istio-system']);
    expect(namespaces(['--closed-world', '-n', 'edge'])).toEqual(['edge']);
    // open world: -n only names the namespace of objects without one
    expect(namespaces(['-n', 'edge'])).toEqual(['edge', 'istio-system']);
  });

  test('--format json prints exactly {"findings":[...]}', () => {
    const r = cli(['check', '--format', 'json', path.join(dir, 'bad.yaml')]);
    const parsed = JSON.parse(r.stdout);
    expect(Object.keys(parsed)).toEqual(['findings']);
    expect(parsed.findings).toContainEqual({
      rule: 'SCH-PRUNE-001',
      severity: 'error',
      resource: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', namespace: 'istio-system', name: 'broken' },
      path: 'spec.servers[0].hostz',
      message: "unknown field hostz: the apiserver drops it (or rejects the object with kubectl's strict validation), so it has no effect",
      fix: 'did you mean spec.servers[0].hosts? otherwise remove hostz',
    });
  });

  test('text groups findings by resource with file:line and ends with a summary; no colour when not a TTY', () => {
    const file = path.join(dir, 'bad.yaml');
    const r = cli(['check', file]);
    expect(r.stdout.split('\n')[0]).toBe(`Gateway istio-system/broken (${file}:1)`);
    expect(r.stdout).toMatch(/\d+ errors?, \d+ warnings?, \d+ info in 1 object from 1 file\n$/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  test('colour on a TTY, none with NO_COLOR', () => {
    const file = path.join(dir, 'bad.yaml');
    expect(cli(['check', file], { tty: true }).stdout).toMatch(/\u001b\[31m/);
    expect(cli(['check', file], { tty: true, env: { NO_COLOR: '1' } }).stdout).not.toMatch(/\u001b\[/);
  });

  test('--namespace sets the namespace of namespace-less objects', () => {
    const file = path.join(dir, 'ns.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec: {hosts: [a.example.com], hostz: 1, http: [{route: [{destination: {host: a}}]}]}\n');
    const r = cli(['check', '--format', 'json', '--namespace', 'team-a', file]);
    const f = (JSON.parse(r.stdout).findings as { rule: string; resource: { namespace: string } }[]).find((x) => x.rule === 'SCH-PRUNE-001');
    expect(f?.resource.namespace).toBe('team-a');
    expect(cli(['check', '--namespace', 'Not_Valid', file]).code).toBe(2);
  });

  test('--mesh-config accepts mesh YAML or the istio ConfigMap', () => {
    expect(cli(['check', '--mesh-config', path.join(dir, 'mesh.yaml'), path.join(dir, 'ok')]).code).not.toBe(2);
    expect(cli(['check', '--mesh-config', path.join(dir, 'mesh-cm.yaml'), path.join(dir, 'ok')]).code).not.toBe(2);
    expect(cli(['check', '--mesh-config', path.join(dir, 'malformed.yaml'), path.join(dir, 'ok')]).code).toBe(2);
  });
});

describe('the real binary', () => {
  const repo = path.resolve(__dirname, '..', '..');
  const compiled = path.join(repo, 'lib', 'src', 'cli', 'main.js');
  const args = fs.existsSync(compiled) ? [compiled] : ['-r', 'ts-node/register/transpile-only', path.join(repo, 'src', 'cli', 'main.ts')];

  test('has the node shebang', () => {
    expect(fs.readFileSync(path.join(repo, 'src', 'cli', 'main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('exit codes 1 and 2 from a spawned process', () => {
    const bad = spawnSync(process.execPath, [...args, 'check', '--format', 'json', path.join(dir, 'bad.yaml')], { cwd: repo, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).findings.length).toBeGreaterThan(0);
    const malformed = spawnSync(process.execPath, [...args, 'check', path.join(dir, 'malformed.yaml')], { cwd: repo, encoding: 'utf8' });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/malformed\.yaml:7: invalid YAML/);
  });
});
