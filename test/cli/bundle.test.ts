/**
 * The package's bin is the CLI bundled into lib/cli.js (src/cli/bundle.ts, at compile time). Here it is bundled from
 * src/ into a temporary package layout (lib/cli.js next to crds/, package.json and node_modules/) and run as a
 * process: its output, errors and exit codes are byte for byte those of run() in-process.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundleCli } from '../../src/cli/bundle';
import { CliIo, run } from '../../src/cli/main';

const repo = path.resolve(__dirname, '..', '..');
const corpus = path.join(repo, 'test', 'check', 'corpus');
let pkg: string;
let bin: string;

beforeAll(() => {
  pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-bundle-'));
  for (const f of ['crds', 'package.json', 'node_modules']) fs.symlinkSync(path.join(repo, f), path.join(pkg, f));
  bin = path.join(pkg, 'lib', 'cli.js');
  bundleCli(path.join(repo, 'src', 'cli', 'main.ts'), bin);
});

afterAll(() => {
  fs.rmSync(pkg, { recursive: true, force: true });
});

function inProcess(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { isTTY: false, write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {} };
  const code = run(argv, io);
  return { code, stdout, stderr };
}

function bundled(argv: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('is one file with the node shebang that requires packages but none of this package\'s modules', () => {
  const text = fs.readFileSync(bin, 'utf8');
  expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  const required = new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
  expect([...required].filter((r) => r.startsWith('.'))).toEqual([]);
  expect(required).toContain('@bufbuild/cel');
});

test.each([
  ['check, json, findings of every family (the whole corpus)', ['check', '--format', 'json', corpus]],
  ['check, text', ['check', path.join(corpus, 'bad-dr-host-typo.yaml'), path.join(corpus, 'bad-tls-no-mode.yaml')]],
  ['check, closed world in one namespace', ['check', '--closed-world', '-n', 'default', '--format', 'json', corpus]],
  ['routes', ['routes', corpus]],
  ['read', ['read', '--format', 'json', path.join(corpus, 'bad-dr-host-typo.yaml')]],
  ['--version', ['--version']],
  ['no arguments', []],
  ['a bad option', ['check', '--format', 'xml', corpus]],
  ['a missing file', ['check', path.join(corpus, 'no-such-file.yaml')]],
])('%s: the same output and exit code as run()', (_name, argv) => {
  const want = inProcess(argv);
  const got = bundled(argv);
  expect(got).toStrictEqual(want);
});

test('the corpus has findings, so the comparison above covers them', () => {
  const r = inProcess(['check', '--format', 'json', corpus]);
  expect(r.code).toBe(1);
  expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(20);
});
