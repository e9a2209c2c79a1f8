/**
 * Huge-input benchmark (issue #13): one `cdk8s-istio-gateways check` run over 200,000 objects (≈ 80 MB of YAML in
 * one file) must exit 0/1 normally with a peak RSS ≤ 4 GB, in ≤ 2.5× the time js-yaml takes to parse the same
 * file. Each measurement runs in its own child process (this file, with a job in argv): the CLI as users run it
 * (`run()` over the file, findings written to a discarded stream), and `js-yaml.loadAll` over the same bytes.
 *
 * The input: a mesh of tenants, each a namespace with a Deployment, a Service, a DestinationRule and a
 * VirtualService binding its host to one shared ingress Gateway: the objects a large GitOps repo holds (≈ 400 bytes
 * of YAML per object). Generated
 * into a temp dir, removed afterwards.
 *
 * `npm run bench` calls {@link runHugeBenchmark} after the other benchmarks and merges `ratios.hugeCheckVsParse` and
 * `hugePeakRssMb` into bench/results.json; alone: `node -r ts-node/register/transpile-only bench/huge.ts`
 * (env: HUGE_OBJECTS=200000, HUGE_REPS=1, BENCH_NO_WRITE=1).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Objects per tenant (Deployment, Service, DestinationRule, VirtualService). */
const PER_TENANT = 4;

/** Targets of issue #13. */
export const HUGE_TARGETS = { objects: 200_000, peakRssMb: 4096, checkVsParse: 2.5 } as const;

/**
 * The shared object: one Gateway for every tenant host on the default ingress gateway (the CLI assumes istioctl's
 * demo install, which has it).
 */
function sharedYaml(): string {
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public
  namespace: istio-system
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*/*.tenants.example.com"]
`;
}

/** One tenant's four objects (≈ 1.6 KB of YAML). */
function tenantYaml(i: number): string {
  const ns = `tenant-${i}`;
  const host = `shop-${i}.tenants.example.com`;
  return `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web, version: v1, team: team-${i % 97}, cost-center: cc-${i % 13}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web, version: v1}
  template:
    metadata:
      labels: {app: web, version: v1, team: team-${i % 97}}
    spec:
      containers:
      - name: web
        image: registry.example.com/shop/web:1.${i % 50}.0
        ports: [{containerPort: 8080, name: http}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web, team: team-${i % 97}}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080, protocol: TCP}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: web
  namespace: ${ns}
spec:
  host: web.${ns}.svc.cluster.local
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}}
  subsets:
  - name: v1
    labels: {version: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: ${ns}
spec:
  hosts: [${host}]
  gateways: [istio-system/public]
  http:
  - match:
    - uri: {prefix: /api}
    route:
    - destination: {host: web.${ns}.svc.cluster.local, subset: v1, port: {number: 80}}
    timeout: 10s
  - route:
    - destination: {host: web.${ns}.svc.cluster.local, subset: v1, port: {number: 80}}
`;
}

/**
 * Writes `objects` objects (rounded up to whole tenants, plus the shared Gateway) to `file` without holding the YAML
 * in memory. Returns the number of objects and bytes written.
 */
export function writeHugeManifest(file: string, objects: number): { objects: number; bytes: number } {
  const tenants = Math.max(1, Math.ceil((objects - 1) / PER_TENANT));
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    const put = (s: string) => {
      bytes += fs.writeSync(fd, s);
    };
    put(sharedYaml());
    let buf = '';
    for (let i = 0; i < tenants; i++) {
      buf += tenantYaml(i);
      if (buf.length > 2 ** 20) {
        put(buf);
        buf = '';
      }
    }
    put(buf);
  } finally {
    fs.closeSync(fd);
  }
  return { objects: 1 + tenants * PER_TENANT, bytes };
}

// ---------------------------------------------------------------------------------------------------------------
// child process: one measurement

interface Job {
  readonly op: 'check' | 'parse';
  readonly file: string;
}

/** What a child reports (stdout, one JSON line). */
export interface HugeMeasurement {
  readonly op: Job['op'];
  /** wall time */
  readonly ms: number;
  /** CPU time (user + system, all threads: includes V8's parallel GC) */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  /** check: exit code; parse: 0 */
  readonly exitCode: number;
  /** check: findings by severity; parse: documents parsed */
  readonly counts: Record<string, number>;
  /** check: the CLI's stderr (empty when it exits 0/1) */
  readonly stderr: string;
}

function measureInChild(job: Job): HugeMeasurement {
  // modules are loaded before the clock starts (both variants): only reading and the operation are timed
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { run } = require('../src/cli/main') as typeof import('../src/cli/main');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jsyaml = require('js-yaml') as typeof import('js-yaml');
  let exitCode = 0;
  let stderr = '';
  const counts: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (job.op === 'check') {
    // the JSON report is written in pieces; count findings per severity without keeping the output
    exitCode = run(['check', '--format', 'json', job.file], {
      stdout: {
        write: (s: string) => {
          for (const m of s.matchAll(/"severity":"(\w+)"/g)) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
          return true;
        },
      },
      stderr: { write: (s: string) => { stderr += s; return true; } },
    });
  } else {
    const docs = jsyaml.loadAll(fs.readFileSync(job.file, 'utf8'));
    counts.documents = docs.filter((d) => d !== null && d !== undefined).length;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return { op: job.op, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb, exitCode, counts, stderr: stderr.slice(0, 2000) };
}

/** Runs one measurement in a fresh Node.js (default heap settings, as users run the CLI). */
function child(job: Job, script: string, execArgv: readonly string[]): HugeMeasurement {
  const r = spawnSync(process.execPath, [...execArgv, script, JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    throw new Error(`huge ${job.op} child failed (status ${r.status}, signal ${r.signal}): ${(r.stderr ?? '').slice(-2000)}`);
  }
  return JSON.parse(line) as HugeMeasurement;
}

/** The result of {@link runHugeBenchmark}. */
export interface HugeResult {
  readonly objects: number;
  readonly bytes: number;
  readonly check: HugeMeasurement;
  readonly parse: HugeMeasurement;
  /** median wall time of the check / of the parse (the target) */
  readonly hugeCheckVsParse: number;
  /** the same with CPU time (less sensitive to other processes on the machine) */
  readonly cpuRatio: number;
  readonly hugePeakRssMb: number;
  readonly met: boolean;
}

/**
 * Generates the input, measures the CLI check and the js-yaml parse in a child process each (check first, then
 * parse; `reps` times, alternating, medians), removes the input, and merges the figures into `resultsFile`.
 *
 * @param script the JavaScript (or TypeScript with `execArgv` registering ts-node) of this module for the children
 */
export function runHugeBenchmark(options: {
  readonly script: string;
  readonly execArgv?: readonly string[];
  readonly objects?: number;
  readonly reps?: number;
  readonly resultsFile?: string;
  readonly log?: (s: string) => void;
}): HugeResult {
  const log = options.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-huge-'));
  try {
    const file = path.join(tmp, 'huge.yaml');
    const written = writeHugeManifest(file, options.objects ?? HUGE_TARGETS.objects);
    log(`huge input: ${written.objects} objects, ${(written.bytes / 1e6).toFixed(1)} MB`);
    const checks: HugeMeasurement[] = [];
    const parses: HugeMeasurement[] = [];
    for (let rep = 0; rep < (options.reps ?? 1); rep++) {
      const c = child({ op: 'check', file }, options.script, options.execArgv ?? []);
      if (c.exitCode !== 0 && c.exitCode !== 1) throw new Error(`the CLI exited ${c.exitCode} on the huge input: ${c.stderr}`);
      checks.push(c);
      log(`  check: exit ${c.exitCode}, ${c.ms.toFixed(0)} ms (CPU ${c.cpuMs.toFixed(0)} ms), peak RSS ${c.peakRssMb.toFixed(0)} MB, findings ${JSON.stringify(c.counts)}`);
      const p = child({ op: 'parse', file }, options.script, options.execArgv ?? []);
      parses.push(p);
      log(`  js-yaml parse: ${p.ms.toFixed(0)} ms (CPU ${p.cpuMs.toFixed(0)} ms), peak RSS ${p.peakRssMb.toFixed(0)} MB, ${p.counts.documents} documents`);
    }
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    /** the measurement closest to the median time */
    const typical = (ms: HugeMeasurement[]) => {
      const m = median(ms.map((x) => x.ms));
      return ms.reduce((a, b) => (Math.abs(a.ms - m) <= Math.abs(b.ms - m) ? a : b));
    };
    const check = typical(checks);
    const parse = typical(parses);
    const hugeCheckVsParse = median(checks.map((c) => c.ms)) / median(parses.map((p) => p.ms));
    const cpuRatio = median(checks.map((c) => c.cpuMs)) / median(parses.map((p) => p.cpuMs));
    const hugePeakRssMb = Math.max(...checks.map((c) => c.peakRssMb));
    const met = hugeCheckVsParse <= HUGE_TARGETS.checkVsParse && hugePeakRssMb <= HUGE_TARGETS.peakRssMb;
    const result: HugeResult = { objects: written.objects, bytes: written.bytes, check, parse, hugeCheckVsParse, cpuRatio, hugePeakRssMb, met };
    log(`| huge input (${written.objects} objects, ${(written.bytes / 1e6).toFixed(0)} MB) | value | target | |\n|---|---:|---:|---|\n`
      + `| check / js-yaml parse time | ${hugeCheckVsParse.toFixed(2)} | ≤ ${HUGE_TARGETS.checkVsParse} | ${hugeCheckVsParse <= HUGE_TARGETS.checkVsParse ? 'met' : '**missed**'} |\n`
      + `| (CPU time ratio, for reference) | ${cpuRatio.toFixed(2)} | | |\n`
      + `| check peak RSS MB | ${hugePeakRssMb.toFixed(0)} | ≤ ${HUGE_TARGETS.peakRssMb} | ${hugePeakRssMb <= HUGE_TARGETS.peakRssMb ? 'met' : '**missed**'} |`);
    if (options.resultsFile) mergeResults(options.resultsFile, result);
    return result;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Adds the huge figures to bench/results.json (keeping everything else in it). */
function mergeResults(file: string, r: HugeResult): void {
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // no results yet: start a new object
  }
  const ratios = (typeof existing.ratios === 'object' && existing.ratios !== null ? existing.ratios : {}) as Record<string, unknown>;
  const merged = {
    ...existing,
    ratios: { ...ratios, hugeCheckVsParse: r.hugeCheckVsParse },
    hugePeakRssMb: r.hugePeakRssMb,
    huge: {
      objects: r.objects,
      bytes: r.bytes,
      checkMs: r.check.ms,
      parseMs: r.parse.ms,
      checkCpuMs: r.check.cpuMs,
      parseCpuMs: r.parse.cpuMs,
      cpuRatio: r.cpuRatio,
      checkExitCode: r.check.exitCode,
      findings: r.check.counts,
      parsePeakRssMb: r.parse.peakRssMb,
      targets: HUGE_TARGETS,
      met: r.met,
    },
  };
  fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}

if (require.main === module) {
  const arg = process.argv[2];
  if (arg && arg.startsWith('{')) {
    process.stdout.write(`${JSON.stringify(measureInChild(JSON.parse(arg) as Job))}\n`);
  } else {
    // children run the transpiled JavaScript (bench/transpile.ts): no TypeScript compiler in their time or memory
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { JS_DIR, transpileAll } = require('./transpile') as typeof import('./transpile');
    if (__filename.endsWith('.ts')) transpileAll();
    const r = runHugeBenchmark({
      script: __filename.endsWith('.ts') ? path.join(JS_DIR, 'bench', 'huge.js') : __filename,
      objects: process.env.HUGE_OBJECTS ? Number(process.env.HUGE_OBJECTS) : undefined,
      reps: process.env.HUGE_REPS ? Number(process.env.HUGE_REPS) : undefined,
      resultsFile: process.env.BENCH_NO_WRITE === '1' ? undefined : path.join(__dirname, 'results.json'),
    });
    process.exitCode = r.met ? 0 : 1;
  }
}
