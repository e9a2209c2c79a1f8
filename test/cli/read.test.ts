import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, run } from '../../src/cli/main';

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  const code = run(args, io);
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('cdk8s-istio-gateways read', () => {
  test('--format json, one file: the documents in order, empty ones dropped, integers exact, YAML 1.1 scalars as kubectl reads them', () => {
    const f = file('a.yaml', 'kind: A\nbig: 9007199254740993\nneg: -9223372036854775808\nu: 18446744073709551615\non: yes\nmode: 0644\nip: [fe80::]\n---\n---\n# c\n---\nkind: B\nf: 1.5\n');
    const r = cli(['read', '--format', 'json', f]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('"big": 9007199254740993');
    expect(r.out).toContain('"neg": -9223372036854775808');
    expect(r.out).toContain('"u": 18446744073709551615');
    const parsed = JSON.parse(r.out) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ kind: 'A', true: true, mode: 420, ip: ['fe80::'] });
    expect(parsed[1]).toEqual({ kind: 'B', f: 1.5 });
  });

  test('exit 2 with the reason when kubectl would refuse the file', () => {
    const f = file('bad.yaml', 'kind: A\n---\na: [::1]\n');
    const r = cli(['read', '--format=json', f]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/bad\.yaml:3: invalid YAML: .*did not find expected node content/);
    const dup = cli(['read', file('dup.yaml', 'a: 1\na: 2\n')]);
    expect(dup.code).toBe(2);
    expect(dup.err).toMatch(/dup\.yaml:2: invalid YAML: duplicate key "a"/);
  });

  test('text format: each document as JSON after its source position', () => {
    const f = file('t.yaml', 'kind: A\n---\n\nkind: B\n');
    const r = cli(['read', f]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`# ${f}:1\n{\n  "kind": "A"\n}\n# ${f}:4\n{\n  "kind": "B"\n}\n`);
  });

  test('several files: an object keyed by file', () => {
    const a = file('m1.yaml', 'kind: A\n');
    const b = file('m2.yaml', 'kind: B\n');
    const r = cli(['read', '--format', 'json', a, b]);
    expect(JSON.parse(r.out)).toEqual({ [a]: [{ kind: 'A' }], [b]: [{ kind: 'B' }] });
  });

  test('usage errors exit 2 with the read usage', () => {
    expect(cli(['read']).err).toMatch(/no PATH given[\s\S]*usage: cdk8s-istio-gateways read/);
    expect(cli(['read', '--format', 'yaml', 'x']).code).toBe(2);
    expect(cli(['read', '--help']).out).toMatch(/^usage: cdk8s-istio-gateways read/);
  });
});
