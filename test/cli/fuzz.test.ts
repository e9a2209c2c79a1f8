/**
 * Fuzzing the CLI with mutated example YAML (the golden files of test/examples/golden/): byte flips, truncation,
 * indentation changes, type changes, deep nesting, duplicated/dropped lines and stray YAML syntax, alone or stacked.
 * Every mutant runs through the CLI's `run()` in-process, as `check --format json FILE`, and must:
 * - exit 0, 1 or 2 (0/1: a JSON report on stdout; 2: a message on stderr);
 * - print no stack trace and no "internal error";
 * - finish within 10 s (measured per mutant).
 *
 * Runs: FUZZ_RUNS mutants in CI (≥ 2,000); PROPERTY_RUNS overrides, FC_SEED (and FC_PATH) replays a failure.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { CliIo, run } from '../../src/cli/main';
import { fcParams, runs } from '../util/property';

export const FUZZ_RUNS = 2000;
/** No single CLI run may take longer (ms). */
const MAX_RUN_MS = 10_000;

const GOLDEN = path.join(__dirname, '..', 'examples', 'golden');
const SEEDS: readonly { readonly name: string; readonly bytes: Buffer }[] = fs.readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: f, bytes: fs.readFileSync(path.join(GOLDEN, f)) }));

// ---------------------------------------------------------------------------------------------------------------
// mutations: plain data (so fast-check prints and shrinks them), applied to the bytes of a seed

/** Positions are fractions of the current length (so they stay meaningful after other mutations). */
type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly byte: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'indent'; readonly line: number; readonly delta: number; readonly tab: boolean }
  | { readonly kind: 'retype'; readonly line: number; readonly value: string }
  | { readonly kind: 'nest'; readonly line: number; readonly depth: number; readonly style: 'flow-seq' | 'flow-map' | 'block' }
  | { readonly kind: 'duplicate'; readonly line: number; readonly count: number }
  | { readonly kind: 'drop'; readonly line: number; readonly count: number }
  | { readonly kind: 'insert'; readonly line: number; readonly text: string };

/** Values that YAML (1.1 and 1.2) types differently, and shapes that a schema does not expect. */
const RETYPED_VALUES = [
  '0', '-1', '65536', '1e400', '0x1F', '0o17', '017', '1_000', '.5', '.inf', '-.Inf', '.nan', 'true', 'no', 'on', 'Y',
  '~', 'null', '""', "''", '[]', '{}', '[a, b]', '{a: 1}', '- x', '2024-01-01', '12:30:00', '!!binary aGVsbG8=',
  '!!str 1', '!!int x', '!custom v', '&anchor v', '*undefined', '"\\uD800"', '"\\x00"', '|', '>-', '? x',
  'a: b: c', '"unterminated', '[unclosed', '{unclosed: 1', 'x'.repeat(5000), '9'.repeat(400),
];

/** Lines of YAML syntax that may appear anywhere. */
const STRAY_LINES = [
  '---', '--- x', '...', '%YAML 1.1', '%TAG ! tag:x,2000:', '# comment', '<<: *a', 'a: &a {b: 1}', '- item', '?', ':',
  '\t- tab', 'kind: List', 'items: [1, 2]', 'metadata: null', 'spec: []', 'apiVersion: 1', 'key: value\r', '\uFEFF',
  '"quoted key": 1', 'a: !!binary |', '  aGVsbG8=', '[', ']', '{', '}', '&x [*x]',
];

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, byte: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('indent' as const), line: position, delta: fc.integer({ min: -6, max: 6 }), tab: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('retype' as const), line: position, value: fc.constantFrom(...RETYPED_VALUES) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('nest' as const),
      line: position,
      // up to 100,000 levels: far beyond any parser's or walker's recursion
      depth: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 500, max: 5_000 }), fc.integer({ min: 20_000, max: 100_000 })),
      style: fc.constantFrom('flow-seq' as const, 'flow-map' as const, 'block' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), line: position, count: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), line: position, count: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), line: position, text: fc.constantFrom(...STRAY_LINES) }) },
);

const mutant = fc.record({
  seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
});

function nested(depth: number, style: 'flow-seq' | 'flow-map' | 'block', indent: string): string {
  if (style === 'flow-seq') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (style === 'flow-map') return `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
  // block mappings, one level per line (capped: the text grows quadratically with the depth)
  const levels = Math.min(depth, 2_000);
  const lines: string[] = [];
  for (let i = 0; i < levels; i++) lines.push(`${indent}${' '.repeat(i + 1)}n${i}:`);
  lines.push(`${indent}${' '.repeat(levels + 1)}leaf`);
  return `\n${lines.join('\n')}`;
}

/** Applies one mutation to text lines (byte-level ones work on the bytes). */
function apply(bytes: Buffer, m: Mutation): Buffer {
  if (m.kind === 'flip') {
    if (bytes.length === 0) return Buffer.from([m.byte]);
    const out = Buffer.from(bytes);
    out[Math.floor(m.at * out.length)] = m.byte;
    return out;
  }
  if (m.kind === 'truncate') return bytes.subarray(0, Math.floor(m.at * bytes.length));
  const lines = bytes.toString('latin1').split('\n');
  const i = Math.floor(m.line * lines.length);
  const line = lines[i] ?? '';
  switch (m.kind) {
    case 'indent': {
      const lead = /^[ ]*/.exec(line)![0].length;
      const width = Math.max(0, lead + m.delta);
      lines[i] = (m.tab ? '\t'.repeat(Math.max(1, Math.ceil(width / 2))) : ' '.repeat(width)) + line.slice(lead);
      break;
    }
    case 'retype': {
      const colon = line.indexOf(': ');
      const dash = /^(\s*- )/.exec(line);
      if (colon >= 0) lines[i] = `${line.slice(0, colon + 2)}${m.value}`;
      else if (dash) lines[i] = `${dash[1]}${m.value}`;
      else lines[i] = `${line}${line.trimEnd().endsWith(':') ? ' ' : ': '}${m.value}`;
      break;
    }
    case 'nest': {
      const colon = line.indexOf(':');
      const indent = /^\s*/.exec(line)![0];
      const head = colon >= 0 ? line.slice(0, colon + 1) : `${indent}deep:`;
      lines[i] = `${head} ${nested(m.depth, m.style, indent)}`;
      break;
    }
    case 'duplicate':
      lines.splice(i, 0, ...lines.slice(i, i + m.count));
      break;
    case 'drop':
      lines.splice(i, m.count);
      break;
    case 'insert':
      lines.splice(i, 0, m.text);
      break;
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

function label(m: { seed: number; mutations: readonly Mutation[] }): string {
  return `${SEEDS[m.seed].name} with ${JSON.stringify(m.mutations)}`;
}

const STACK_TRACE = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cig-fuzz-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test(`the CLI survives ${runs(FUZZ_RUNS)} mutated example manifests: exit 0/1/2, no stack trace, ≤ 10 s each`, () => {
  expect(SEEDS.length).toBeGreaterThanOrEqual(8);
  const stats = { runs: 0, byExit: [0, 0, 0], slowestMs: 0, slowest: '', totalMs: 0 };
  const file = path.join(dir, 'mutant.yaml');
  fc.assert(fc.property(mutant, (m) => {
    let bytes: Buffer = SEEDS[m.seed].bytes;
    for (const mu of m.mutations) bytes = apply(bytes, mu);
    fs.writeFileSync(file, bytes);
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
    };
    const t0 = performance.now();
    const code = run(['check', '--format', 'json', file], io);
    const ms = performance.now() - t0;
    stats.runs++;
    stats.totalMs += ms;
    if (ms > stats.slowestMs) {
      stats.slowestMs = ms;
      stats.slowest = label(m);
    }
    const where = `mutant of ${label(m)}`;
    if (ms > MAX_RUN_MS) throw new Error(`one CLI run took ${Math.round(ms)} ms (limit ${MAX_RUN_MS} ms) on the ${where}`);
    if (code !== 0 && code !== 1 && code !== 2) throw new Error(`exit code ${code} on the ${where}`);
    stats.byExit[code]++;
    if (STACK_TRACE.test(stdout) || STACK_TRACE.test(stderr)) throw new Error(`stack trace in the output on the ${where}:\n${stderr.slice(0, 2000)}`);
    if (/internal error/i.test(stderr)) throw new Error(`internal error on the ${where}: ${stderr.slice(0, 2000)}`);
    if (code === 2) {
      if (stderr.trim() === '') throw new Error(`exit 2 without a message on the ${where}`);
    } else {
      const report = JSON.parse(stdout) as { findings: { rule: string; message: string }[] };
      const crashed = report.findings.filter((f) => f.rule === 'CHK-INT-001');
      if (crashed.length > 0) throw new Error(`a rule failed internally on the ${where}: ${crashed.map((f) => f.message).join('; ')}`);
    }
  }), fcParams(FUZZ_RUNS));
  // the run counts and the slowest mutant, for the CI log
  process.stdout.write(`fuzz: ${stats.runs} mutants, exit 0/1/2 = ${stats.byExit.join('/')}, ${Math.round(stats.totalMs)} ms in the CLI, slowest ${Math.round(stats.slowestMs)} ms (${stats.slowest.slice(0, 300)})\n`);
  expect(stats.runs).toBeGreaterThanOrEqual(Math.min(FUZZ_RUNS, fcParams(FUZZ_RUNS).numRuns ?? FUZZ_RUNS));
  // the mutants reach every outcome: most do not parse, but some still do and get checked
  if (stats.runs >= 1000) expect(stats.byExit[2]).toBeGreaterThan(0);
});
