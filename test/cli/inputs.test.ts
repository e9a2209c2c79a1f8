/**
 * The CLI on huge and hostile input: more objects than a spread can pass, FIFOs and devices, a size limit,
 * symbolic links as kubectl follows them, stdin, and arguments parsed by util.parseArgs. Every failure exits 2 with
 * a message naming the path, never a stack trace.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeHugeManifest } from '../../bench/huge';
import { analyze } from '../../src/check/analyze';
import { formatJson } from '../../src/check/findings';
import { readInputs } from '../../src/cli/inputs';
import { CliIo, run } from '../../src/cli/main';
import { IstioGatewaysValidation } from '../../src/validation-plugin';

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
`;
const BROKEN_GATEWAY = GATEWAY.replace('hosts:', 'hostz:');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cig-inputs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: (s: string) => (stderr += s) }, env: {} };
  const code = run(args, io);
  expect(`${stdout}${stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(stderr).not.toMatch(/internal error/);
  return { code, stdout, stderr };
}

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** `n` ConfigMaps in one file, as separate documents or as one `kind: List`. */
function manyConfigMaps(n: number, list: boolean): string {
  const parts: string[] = [];
  if (list) {
    parts.push('apiVersion: v1\nkind: List\nitems:\n');
    for (let i = 0; i < n; i++) parts.push(`- {apiVersion: v1, kind: ConfigMap, metadata: {name: c${i}, namespace: team}}\n`);
  } else {
    for (let i = 0; i < n; i++) parts.push(`---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: team}\n`);
  }
  return parts.join('');
}

const repo = path.resolve(__dirname, '..', '..');
const compiled = path.join(repo, 'lib', 'src', 'cli', 'main.js');
const binary = fs.existsSync(compiled) ? [compiled] : ['-r', 'ts-node/register/transpile-only', path.join(repo, 'src', 'cli', 'main.ts')];

describe('huge input', () => {
  // 130,000 objects: push(...objects) overflowed the stack above ~125,000 ("Maximum call stack size exceeded")
  test('one file with 130,000 objects (a kind: List) is checked: exit 0, every object counted', () => {
    const file = write('huge/list.yaml', manyConfigMaps(130_000, true));
    const r = cli(['check', file]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('no problems found: 0 errors, 0 warnings, 0 info in 130000 objects from 1 file\n');
  });

  test('the validation plugin reads 130,000 objects too', async () => {
    const file = write('huge/docs.yaml', manyConfigMaps(130_000, false));
    const submitted: { status: string; metadata?: Record<string, string> }[] = [];
    const violations: unknown[] = [];
    await new IstioGatewaysValidation().validate({
      manifests: [file],
      report: { addViolation: (v) => violations.push(v), submit: (status, metadata) => submitted.push({ status, metadata }) },
    });
    expect(violations).toEqual([]);
    expect(submitted).toEqual([{ status: 'success', metadata: { errors: '0', warnings: '0', info: '0', objects: '130000' } }]);
  });
});

test('the huge benchmark\'s input (bench/huge.ts), at 2,001 objects, is a valid mesh: exit 0, no findings', () => {
  const file = path.join(dir, 'huge-bench.yaml');
  expect(writeHugeManifest(file, 2001)).toEqual({ objects: 2001, bytes: fs.statSync(file).size });
  const r = cli(['check', '--format', 'json', file]);
  expect(r).toMatchObject({ code: 0, stdout: '{"findings":[]}\n', stderr: '' });
});

test('a JSON report of 2,500 findings, written in pieces, is byte-identical to formatJson', () => {
  // namespace "n" is the YAML 1.1 boolean false: one SCH-META-001 error per object
  const file = write('many-findings.yaml', manyConfigMaps(2_500, false).replace(/namespace: team/g, 'namespace: n'));
  const r = cli(['check', '--format', 'json', file]);
  expect(r.code).toBe(1);
  const inputs = readInputs([file]);
  const expected = `${formatJson(analyze(inputs.objects, { sources: inputs.sources }))}\n`;
  expect(JSON.parse(r.stdout).findings).toHaveLength(2_500);
  expect(r.stdout).toBe(expected);
});

describe('only regular files', () => {

  test('a FIFO (named or found in a directory) exits 2 at once, naming it', () => {
    const fifo = path.join(dir, 'fifo', 'pipe.yaml');
    fs.mkdirSync(path.dirname(fifo), { recursive: true });
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const message = `${fifo}: a FIFO (named pipe), not a regular file: only regular files are read (pipe it to "-" to read it as stdin)\n`;
    expect(cli(['check', fifo])).toMatchObject({ code: 2, stdout: '', stderr: message });
    expect(cli(['check', path.dirname(fifo)])).toMatchObject({ code: 2, stdout: '', stderr: message });
    expect(cli(['check', '--mesh-config', fifo, path.join(dir, 'fifo')])).toMatchObject({ code: 2, stderr: message });
  });

  test('/dev/zero exits 2 at once: a character device is not read', () => {
    expect(cli(['check', '/dev/zero'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: '/dev/zero: a character device, not a regular file: only regular files are read (pipe it to "-" to read it as stdin)\n',
    });
  });
});

describe('size limit', () => {
  test('an input above --max-input-bytes exits 2, naming the file, the limit and the flag', () => {
    const file = write('limit/gateway.yaml', GATEWAY);
    expect(cli(['check', '--max-input-bytes', '100', file])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `${file}: the input is larger than the limit of 100 bytes for all inputs together; pass --max-input-bytes with a larger size (e.g. --max-input-bytes 1Mi) if it is really meant to be checked\n`,
    });
    expect(cli(['check', `--max-input-bytes=${GATEWAY.length}`, file]).code).toBe(0);
  });

  test('the limit is for all inputs together', () => {
    const a = write('limit2/a.yaml', GATEWAY);
    write('limit2/b.yaml', GATEWAY.replace('public', 'other'));
    expect(cli(['check', '--max-input-bytes', String(GATEWAY.length + 10), path.dirname(a)])).toMatchObject({ code: 2, stderr: expect.stringMatching(/b\.yaml: the input is larger than the limit of \d+ bytes for all inputs together/) });
  });

  test('sizes with Kubernetes suffixes; anything else is bad usage', () => {
    const file = write('limit3/gateway.yaml', GATEWAY);
    expect(cli(['check', '--max-input-bytes', '1Ki', file]).code).toBe(0);
    expect(cli(['check', '--max-input-bytes', '1M', file]).code).toBe(0);
    for (const bad of ['0', '-1', '1.5Zi', 'lots', '']) {
      expect(cli(['check', '--max-input-bytes', bad, file]).stderr).toMatch(new RegExp(`^error: --max-input-bytes must be a positive number of bytes such as 268435456, 256Mi or 1Gi, not "${bad.replace(/[.]/g, '\\.')}"`));
    }
  });

  test('stdin from /dev/zero stops at the default limit (256 MiB) with exit 2', () => {
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      const r = spawnSync(process.execPath, [...binary, 'check', '-'], { cwd: repo, encoding: 'utf8', stdio: [zero, 'pipe', 'pipe'], timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('<stdin>: the input is larger than the limit of 256 MiB for all inputs together; pass --max-input-bytes with a larger size (e.g. --max-input-bytes 512Mi) if it is really meant to be checked\n');
    } finally {
      fs.closeSync(zero);
    }
  });
});

describe('symbolic links, as kubectl apply -f DIR -R follows them', () => {
  // POSIX (the project's machines and CI are Linux): symbolic links, FIFOs and /dev/zero are always there
  const linkTest = test;

  linkTest('a symbolic link to a manifest in a directory is read (it was silently skipped)', () => {
    const real = write('links1/real/bad.yaml', BROKEN_GATEWAY);
    fs.mkdirSync(path.join(dir, 'links1', 'apply'));
    fs.symlinkSync(real, path.join(dir, 'links1', 'apply', 'gateway.yaml'));
    const r = cli(['check', path.join(dir, 'links1', 'apply')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/SCH-PRUNE-001 spec\.servers\[0\]\.hostz/);
    expect(r.stdout).toMatch(/in 1 object from 1 file\n$/);
  });

  linkTest('a symbolic link to a directory inside the walk is not followed, and said so on stderr', () => {
    write('links2/real/gateway.yaml', BROKEN_GATEWAY);
    fs.mkdirSync(path.join(dir, 'links2', 'apply'));
    write('links2/apply/ok.yaml', GATEWAY);
    const link = path.join(dir, 'links2', 'apply', 'shared');
    fs.symlinkSync(path.join(dir, 'links2', 'real'), link);
    const r = cli(['check', path.join(dir, 'links2', 'apply')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`note: ${link}: symbolic link to a directory, not followed (kubectl apply -f -R does not follow them either); pass it as a PATH to check it\n`);
    expect(r.stdout).toMatch(/in 1 object from 1 file\n$/);
    // named on the command line, the link is followed
    expect(cli(['check', link]).code).toBe(1);
  });

  linkTest('a link loop, a link to itself and a broken link named *.yaml exit 2, naming the link', () => {
    const loopDir = path.join(dir, 'links3');
    fs.mkdirSync(loopDir);
    fs.symlinkSync('b.yaml', path.join(loopDir, 'a.yaml'));
    fs.symlinkSync('a.yaml', path.join(loopDir, 'b.yaml'));
    expect(cli(['check', loopDir])).toMatchObject({ code: 2, stderr: `${path.join(loopDir, 'a.yaml')}: symbolic link loop (too many levels of symbolic links)\n` });
    expect(cli(['check', path.join(loopDir, 'b.yaml')])).toMatchObject({ code: 2, stderr: `${path.join(loopDir, 'b.yaml')}: symbolic link loop (too many levels of symbolic links)\n` });
    const brokenDir = path.join(dir, 'links4');
    fs.mkdirSync(brokenDir);
    fs.symlinkSync('missing.yaml', path.join(brokenDir, 'gone.yaml'));
    fs.symlinkSync('missing-dir', path.join(brokenDir, 'gone-dir'));
    expect(cli(['check', brokenDir])).toMatchObject({ code: 2, stderr: `${path.join(brokenDir, 'gone.yaml')}: broken symbolic link (its target does not exist)\n` });
    expect(cli(['check', path.join(brokenDir, 'gone.yaml')])).toMatchObject({ code: 2, stderr: `${path.join(brokenDir, 'gone.yaml')}: broken symbolic link (its target does not exist)\n` });
  });

  linkTest('a file reached twice (a link and the file, or a PATH given twice) is read once', () => {
    const real = write('links5/gateway.yaml', GATEWAY);
    fs.symlinkSync(real, path.join(dir, 'links5', 'again.yaml'));
    const r = cli(['check', '--format', 'text', path.join(dir, 'links5'), real]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ in 1 object from 1 file\n$/);
  });

  linkTest('a symbolic link to an ancestor directory, named on the command line, is walked once (no loop)', () => {
    write('links6/gateway.yaml', GATEWAY);
    fs.symlinkSync(path.join(dir, 'links6'), path.join(dir, 'links6', 'up'));
    const r = cli(['check', path.join(dir, 'links6', 'up')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`note: ${path.join(dir, 'links6', 'up', 'up')}: symbolic link to a directory, not followed (kubectl apply -f -R does not follow them either); pass it as a PATH to check it\n`);
    expect(r.stdout).toMatch(/in 1 object from 1 file\n$/);
  });
});

describe('stdin and arguments', () => {
  test('"-" reads stdin (the real binary)', () => {
    const r = spawnSync(process.execPath, [...binary, 'check', '--format', 'json', '-'], { cwd: repo, encoding: 'utf8', input: BROKEN_GATEWAY });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('SCH-PRUNE-001');
  });

  test('the binary writes a large report into a pipe closed early (| head) without an error or a stack trace', () => {
    const file = write('pipe/many.yaml', manyConfigMaps(2_500, false).replace(/namespace: team/g, 'namespace: n'));
    const cmd = [process.execPath, ...binary, 'check', '--format', 'json', file].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('/bin/bash', ['-c', `${cmd} | head -c 13; echo " \${PIPESTATUS[0]}"`], { cwd: repo, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('{"findings":[ 1\n');
  });

  test('options in every form util.parseArgs accepts: --opt value, --opt=value, -n value, and paths after --', () => {
    const file = write('args/gateway.yaml', BROKEN_GATEWAY);
    expect(JSON.parse(cli(['check', '--format=json', '-n', 'team-a', '--', file]).stdout).findings.length).toBeGreaterThan(0);
    expect(cli(['check', '--fail-on', 'warning', '--assume-install=default', file]).code).toBe(1);
    expect(cli(['check', '--format', 'json', '--format', 'text', file]).stdout).toMatch(/^Gateway istio-system\/public/);
  });

  test('usage errors name the option as typed', () => {
    expect(cli(['check', '-x', 'a']).stderr).toMatch(/^error: unknown option -x\n/);
    expect(cli(['check', '--format']).stderr).toMatch(/^error: --format needs a value\n/);
    expect(cli(['check', '-n']).stderr).toMatch(/^error: -n needs a value\n/);
    expect(cli(['check', '--help=yes', 'a']).stderr).toMatch(/^error: --help takes no value\n/);
    expect(cli(['check', '--fail-on', 'info', 'a']).stderr).toMatch(/^error: --fail-on must be one of error, warning, not "info"\n/);
  });

  test('--help lists --max-input-bytes with its default', () => {
    expect(cli(['check', '--help']).stdout).toMatch(/--max-input-bytes SIZE {6}limit on the bytes read from all inputs together, e\.g\. 1Gi\n {30}\(default 256Mi\)/);
  });
});
