/**
 * `npm run bench`: synth and check at scale against raw cdk8s (issue #6).
 *
 * For each N (tenants), one child process per measurement (bench/worker.ts), the parent alternating the variants
 * (rotating which goes first) and repeating them:
 *   (a) our synth with every check, (b) our synth with checks disabled, (c) the floor: the manifests captured from
 *   (a) created as plain cdk8s ApiObjects in the same charts; each synthesized with app.synth() to a temp outdir.
 * At the largest N also (d) the CLI `check` on the synthesized YAML vs (e) parsing that YAML with js-yaml only.
 * And a small repo (SMALL_TENANTS tenants, ≈ 60 objects): (f) `node lib/cli.js check <dir>` (the bin) vs (g) `node parse-files.js
 * <dir>` (js-yaml only), each a fresh process timed by the parent, start-up included (ratios.smallCheckVsParse).
 *
 * Prints a table, writes bench/results.json (gitignored) and bench/RESULTS.md (committed).
 *
 * Env: BENCH_SMALL_REPO_REPS=9 (small-repo repetitions; process start-up is noisy),
 * BENCH_QUICK=1 (N=100, 1 repetition, smoke), BENCH_TENANTS=100,500 (override N), BENCH_REPS=5 (at the
 * largest N), BENCH_SMALL_REPS=3 (below it),
 * BENCH_NO_WRITE=1 (do not write results files).
 */
import { fork, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stat, VARIANT_LABELS, Variant, stat } from './harness';
import { runHugeBenchmark } from './huge';
import { JS_DIR, transpileAll } from './transpile';
import type { Job, Measurement } from './worker';

const QUICK = process.env.BENCH_QUICK === '1';
const TENANTS = process.env.BENCH_TENANTS
  ? process.env.BENCH_TENANTS.split(',').map((s) => Number(s.trim()))
  : QUICK ? [100] : [100, 500, 1000, 5000];
const REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 1 : 5));
/** repetitions below the largest N (the ratios use the largest N; this keeps `npm run bench` under 10 minutes) */
const SMALL_REPS = Number(process.env.BENCH_SMALL_REPS ?? Math.min(REPS, 3));
const WRITE = process.env.BENCH_NO_WRITE !== '1';
const SYNTH_VARIANTS: Variant[] = ['checks', 'noChecks', 'raw'];
/** tenants of the small repo: 6 tenants synthesize 61 objects (+ 2 context documents) */
const SMALL_TENANTS = 6;
const SMALL_REPO_REPS = Number(process.env.BENCH_SMALL_REPO_REPS ?? (QUICK ? 3 : 9));
const CLI_VARIANTS: Variant[] = ['cliCheck', 'parseYaml'];
const LIVE_TREE_REPS = QUICK ? 1 : 3;

/** What a 'liveTree' child reports (bench/worker.ts). */
interface LiveTree {
  readonly tree: 'tenants' | 'raw';
  readonly tenants: number;
  readonly liveMb: number;
  readonly objects: number;
}

const BENCH_DIR = __dirname;
const WORKER = path.join(JS_DIR, 'bench', 'worker.js');

function runChild(job: Job): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify(job)], {
      execArgv: ['--expose-gc', '--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let message: unknown;
    child.on('message', (m) => { message = m; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && message !== undefined) resolve(message);
      else reject(new Error(`worker ${job.variant} N=${job.tenants} exited with ${code}`));
    });
  });
}

/** Wall time (ms) of a fresh `node <script> <args>` process, start-up included; throws on a crash (exit ≥ 2). */
function timeProcess(script: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status === null || r.status >= 2) throw new Error(`${script} ${args.join(' ')} exited with ${r.status}: ${r.stderr?.toString() ?? ''}`);
  return ms;
}

function rotate<T>(xs: readonly T[], k: number): T[] {
  return xs.map((_, i) => xs[(i + k) % xs.length]);
}

interface Row {
  readonly tenants: number;
  readonly variant: Variant;
  readonly reps: number;
  readonly objects: number;
  readonly errors: number;
  readonly ms: Stat;
  readonly peakRssMb: Stat;
  readonly addedRssMb: Stat;
  readonly heapUsedMb: Stat;
}

function summarize(runs: Measurement[]): Row[] {
  const rows: Row[] = [];
  const keys = new Map<string, Measurement[]>();
  for (const r of runs) {
    const k = `${r.tenants}|${r.variant}`;
    keys.set(k, [...(keys.get(k) ?? []), r]);
  }
  for (const ms of keys.values()) {
    rows.push({
      tenants: ms[0].tenants,
      variant: ms[0].variant,
      reps: ms.length,
      objects: ms[0].result.objects,
      errors: Math.max(...ms.map((m) => m.result.errors)),
      ms: stat(ms.map((m) => m.ms)),
      peakRssMb: stat(ms.map((m) => m.peakRssMb)),
      addedRssMb: stat(ms.map((m) => m.peakRssMb - m.baseRssMb)),
      heapUsedMb: stat(ms.map((m) => m.heapUsedMb)),
    });
  }
  return rows;
}

const f0 = (x: number) => x.toFixed(0);
const f2 = (x: number) => x.toFixed(2);
const range = (s: Stat, f: (x: number) => string) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

function table(rows: Row[]): string {
  const head = '| N | variant | reps | objects | time ms, median (min–max) | peak RSS MB | RSS added MB | heap used MB |';
  const sep = '|---:|---|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) => `| ${r.tenants} | ${VARIANT_LABELS[r.variant]} | ${r.reps} | ${r.objects || '-'} | ${range(r.ms, f0)} | ${range(r.peakRssMb, f0)} | ${range(r.addedRssMb, f0)} | ${f0(r.heapUsedMb.median)} |`);
  return [head, sep, ...lines].join('\n');
}

/**
 * Peak RSS of each synth run at the largest N, in run order, with the number of full (mark-compact) GCs during it. V8
 * sets the old generation's next limit to a multiple (1.1–4×, from its measured GC and allocation speeds) of what
 * survived the last full GC, so one more or one fewer full GC moves a run's peak by 100–200 MB: the medians of two
 * variants can fall in different modes.
 */
function gcRuns(runs: Measurement[]): string {
  if (runs.length === 0) return '';
  const lines = SYNTH_VARIANTS.map((v) => {
    const of = runs.filter((r) => r.variant === v).map((r) => `${f0(r.peakRssMb)} (${r.gc!.major})`);
    return `- ${VARIANT_LABELS[v]}: ${of.join(', ')}`;
  });
  return `Peak RSS MB of each synth run at N=${runs[0].tenants} (full GCs during the run):\n\n${lines.join('\n')}\n\n`;
}

async function main(): Promise<void> {
  const started = Date.now();
  transpileAll();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));
  const runs: Measurement[] = [];
  const capture: Record<number, { errors: number; warnings: number; objects: number }> = {};
  const largest = Math.max(...TENANTS);
  const small = { smallCheck: [] as number[], smallParse: [] as number[] };
  const liveTrees: LiveTree[] = [];
  let smallObjects = 0;
  try {
    for (const n of TENANTS) {
      const yamlDir = path.join(tmp, `yaml-${n}`);
      const manifests = path.join(tmp, `manifests-${n}.json`);
      const c = await runChild({ variant: 'capture', tenants: n, outdir: yamlDir, manifests }) as { errors: number; warnings: number; objects: number };
      capture[n] = { errors: c.errors, warnings: c.warnings, objects: c.objects };
      process.stderr.write(`N=${n}: ${c.objects} objects, ${c.errors} error and ${c.warnings} warning findings\n`);
      if (c.errors > 0) throw new Error(`the tenant app has ${c.errors} error findings at N=${n}; fix bench/tenants.ts`);
      const groups: Variant[][] = [SYNTH_VARIANTS];
      if (n === largest) groups.push(CLI_VARIANTS);
      for (const variants of groups) {
        const reps = n === largest ? REPS : SMALL_REPS;
        for (let rep = 0; rep < reps; rep++) {
          for (const variant of rotate(variants, rep)) {
            const outdir = path.join(tmp, `out-${variant}-${n}`);
            // the full GCs of each synth at the largest N: its peak RSS depends on where they fall (see gcText)
            const gcTrace = n === largest && SYNTH_VARIANTS.includes(variant);
            const m = await runChild({ variant, tenants: n, outdir, manifests, yamlDir, gcTrace }) as Measurement;
            runs.push(m);
            process.stderr.write(`  N=${n} rep ${rep + 1}/${reps} ${variant}: ${f0(m.ms)} ms, peak RSS ${f0(m.peakRssMb)} MB\n`);
          }
        }
      }
    }
    // the live heap of the construct trees at the largest N (stable, unlike the peaks, which depend on GC timing)
    const largestManifests = path.join(tmp, `manifests-${largest}.json`);
    for (let rep = 0; rep < LIVE_TREE_REPS; rep++) {
      for (const tree of rotate(['tenants', 'raw'] as const, rep)) {
        const m = await runChild({ variant: 'liveTree', tree, tenants: largest, manifests: largestManifests }) as LiveTree;
        liveTrees.push(m);
        process.stderr.write(`  N=${largest} live tree ${tree} rep ${rep + 1}/${LIVE_TREE_REPS}: ${f0(m.liveMb)} MB\n`);
      }
    }
    // small repo: CLI start-up and lazy compilation, against a process that only parses the same files
    const smallDir = path.join(tmp, 'yaml-small');
    const sc = await runChild({ variant: 'capture', tenants: SMALL_TENANTS, outdir: smallDir, manifests: path.join(tmp, 'manifests-small.json') }) as { objects: number };
    smallObjects = sc.objects;
    const cli = path.join(JS_DIR, 'lib', 'cli.js'); // the bin as built (src/cli/bundle.ts)
    const parser = path.join(JS_DIR, 'bench', 'parse-files.js');
    for (let rep = 0; rep < SMALL_REPO_REPS; rep++) {
      for (const v of rotate(['smallCheck', 'smallParse'] as const, rep)) {
        const ms = v === 'smallCheck' ? timeProcess(cli, ['check', '--format', 'json', smallDir]) : timeProcess(parser, [smallDir]);
        small[v].push(ms);
        process.stderr.write(`  small repo (${sc.objects} objects) rep ${rep + 1}/${SMALL_REPO_REPS} ${v}: ${f0(ms)} ms\n`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const rows = summarize(runs);
  const med = (n: number, v: Variant, k: 'ms' | 'peakRssMb' | 'addedRssMb') => rows.find((r) => r.tenants === n && r.variant === v)?.[k].median ?? NaN;
  const lower = TENANTS.includes(500) ? 500 : Math.min(...TENANTS);
  const ratios = {
    tenants: largest,
    synthWithChecksVsRaw: med(largest, 'checks', 'ms') / med(largest, 'raw', 'ms'),
    synthNoChecksVsRaw: med(largest, 'noChecks', 'ms') / med(largest, 'raw', 'ms'),
    rssWithChecksVsRaw: med(largest, 'checks', 'peakRssMb') / med(largest, 'raw', 'peakRssMb'),
    addedRssWithChecksVsRaw: med(largest, 'checks', 'addedRssMb') / med(largest, 'raw', 'addedRssMb'),
    checkVsParse: med(largest, 'cliCheck', 'ms') / med(largest, 'parseYaml', 'ms'),
    [`scaling${largest}vs${lower}`]: med(largest, 'checks', 'ms') / med(lower, 'checks', 'ms'),
    scaling5000vs500: med(5000, 'checks', 'ms') / med(500, 'checks', 'ms'),
    smallCheckVsParse: stat(small.smallCheck).median / stat(small.smallParse).median,
  };
  const targets = [
    { name: `(a)/(c) time at N=${largest}`, value: ratios.synthWithChecksVsRaw, target: 1.3 },
    { name: `time (a) N=${largest} / N=${lower}`, value: med(largest, 'checks', 'ms') / med(lower, 'checks', 'ms'), target: 11 * (largest / lower) / 10 },
    { name: `peak RSS (a)/(c) at N=${largest}`, value: ratios.rssWithChecksVsRaw, target: 1.5 },
    { name: `(d)/(e) time at N=${largest}`, value: ratios.checkVsParse, target: 2 },
    { name: `(f)/(g) small repo (${smallObjects} objects), start-up included`, value: ratios.smallCheckVsParse, target: 2 },
  ];
  const env = `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${f0(os.totalmem() / 1024 ** 3)} GB`;
  const tableText = table(rows);
  const targetText = targets.map((t) => `| ${t.name} | ${f2(t.value)} | ≤ ${f2(t.target)} | ${t.value <= t.target ? 'met' : '**missed**'} |`).join('\n');
  const captureText = TENANTS.map((n) => `N=${n}: ${capture[n].objects} objects, ${capture[n].errors} errors, ${capture[n].warnings} warnings`).join('; ');
  const smallRows = (['smallCheck', 'smallParse'] as const).map((v) => `| ${v === 'smallCheck' ? '(f) `node lib/cli.js check <dir>` (the bin)' : '(g) `node parse-files.js <dir>`'} | ${small[v].length} | ${smallObjects} | ${range(stat(small[v]), f0)} |`);
  const smallText = `| small repo (fresh process each) | reps | objects | time ms, median (min–max) |\n|---|---:|---:|---:|\n${smallRows.join('\n')}`;
  const gcText = gcRuns(runs.filter((r) => r.tenants === largest && r.gc));
  const liveOf = (tree: LiveTree['tree']) => stat(liveTrees.filter((t) => t.tree === tree).map((t) => t.liveMb));
  const liveTree = { tenants: liveOf('tenants'), raw: liveOf('raw') };
  const liveText = `Live heap after construction at N=${largest}, nothing synthesized (forced GC before and after; median of ${LIVE_TREE_REPS}): the tenant app ${range(liveTree.tenants, f0)} MB, the same manifests as plain ApiObjects (their props included) ${range(liveTree.raw, f0)} MB.\n\n`;
  const report = `${tableText}\n\n${smallText}\n\n| target | value | target | |\n|---|---:|---:|---|\n${targetText}\n\n${gcText}${liveText}Findings of the tenant app (a): ${captureText}.\n`;
  process.stdout.write(`\n${report}\n(${env}; ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);

  if (WRITE) {
    fs.writeFileSync(path.join(BENCH_DIR, 'results.json'), `${JSON.stringify({ env, tenants: TENANTS, reps: REPS, ratios, capture, rows, small: { objects: smallObjects, ...small }, liveTree, runs }, null, 2)}\n`);
    if (!QUICK) {
      const md = `# Benchmark results\n\nLatest \`npm run bench\` (${new Date().toISOString().slice(0, 10)}; ${env}; ${REPS} repetitions per variant at N=${largest}, ${SMALL_REPS} below, one child process per measurement, variants alternating).\nSee bench/run.ts for what each variant measures; time is the whole operation (constructs + synth, or CLI run).\n\n${report}`;
      fs.writeFileSync(path.join(BENCH_DIR, 'RESULTS.md'), md);
    }
  }

  // issue #13: one CLI run over 200,000 objects vs a js-yaml parse (bench/huge.ts), merged into results.json
  runHugeBenchmark({
    script: path.join(JS_DIR, 'bench', 'huge.js'),
    objects: QUICK ? 20_000 : undefined,
    resultsFile: WRITE ? path.join(BENCH_DIR, 'results.json') : undefined,
  });
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
