/**
 * Child process of bench/run.ts: runs ONE measured operation and reports its wall time, peak RSS and heap, so
 * memory figures belong to one variant only. Job in argv[2] (JSON); result to the parent over IPC (or stdout).
 *
 * Memory: `peakRssMb` is the kernel's high-water mark of the process (getrusage maxrss), including Node, ts-node
 * and the loaded modules; `baseRssMb` is the RSS right before the operation (after loading modules and input and a
 * full GC), so `peakRssMb - baseRssMb` is what the operation added. `heapUsedMb` is the V8 heap in use right after
 * the operation (before any GC, i.e. live data plus garbage not yet collected); `heapTotalMb` the heap V8 had
 * reserved then (its high-water mark in practice, since V8 shrinks the heap lazily).
 *
 * `gcTrace` (off by default) adds the garbage collections V8 ran during the operation. The peak RSS of a synth depends
 * on them: V8 sets the next mark-compact limit to a multiple (up to 4x) of the heap that survived the last one, and
 * garbage promoted to the old generation stays there until the next mark-compact, so the same run peaks higher or
 * lower depending on where the last mark-compact fell (e.g. during analysis, with the index live, or later).
 */
import * as fs from 'fs';
import { PerformanceNodeEntry, PerformanceObserver, constants as perfConstants } from 'perf_hooks';
import { CapturedApp, OperationResult, Variant, apiObjectsOf, buildRawApp, captureTenants, cliCheck, parseYaml, synthRaw, synthTenants } from './harness';
import { buildTenantApp } from './tenants';

export interface Job {
  /**
   * a measured variant; 'capture': synthesize (a) once to `outdir` and write its manifests to `manifests`;
   * 'liveTree': the live heap of a construct tree (see {@link liveTree})
   */
  readonly variant: Variant | 'capture' | 'liveTree';
  /** with 'liveTree': the tenant app ('tenants') or the captured manifests as plain ApiObjects ('raw') */
  readonly tree?: 'tenants' | 'raw';
  readonly tenants: number;
  /** synth output directory (a, b, c) */
  readonly outdir?: string;
  /** captured manifests JSON (c) */
  readonly manifests?: string;
  /** YAML directory (d, e) */
  readonly yamlDir?: string;
  /** Record the garbage collections during the operation ({@link Measurement.gc}). @default false */
  readonly gcTrace?: boolean;
}

/** Garbage collections during the operation (with `gcTrace`). */
export interface GcTrace {
  /** mark-compacts (full collections of the old generation) */
  readonly major: number;
  /** scavenges (young generation) */
  readonly minor: number;
  /** start of each mark-compact, ms after the start of the operation */
  readonly majorAtMs: number[];
  /** sum of the durations of the GC entries (perf_hooks; includes incremental marking steps), ms */
  readonly gcMs: number;
}

export interface Measurement {
  readonly variant: Variant;
  readonly tenants: number;
  /** time of the operation (see OperationResult.detail.totalMs) */
  readonly ms: number;
  readonly peakRssMb: number;
  readonly baseRssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly result: OperationResult;
  /** with `gcTrace` only */
  readonly gc?: GcTrace;
}

const MB = 1024 * 1024;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/**
 * Starts recording garbage collections. The entries reach the observer only once the event loop turns, so `stop`
 * is async; it is called after the operation and its figures were taken.
 */
function traceGc(): { stop(start: number): Promise<GcTrace> } {
  const observer = new PerformanceObserver(() => undefined);
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop(start: number): Promise<GcTrace> {
      await new Promise((resolve) => setImmediate(resolve));
      const entries = observer.takeRecords().filter((e) => e.startTime >= start);
      observer.disconnect();
      const kind = (e: PerformanceEntry) => ((e as PerformanceNodeEntry).detail as { kind?: number } | undefined)?.kind;
      const major = entries.filter((e) => kind(e) === perfConstants.NODE_PERFORMANCE_GC_MAJOR);
      return {
        major: major.length,
        minor: entries.filter((e) => kind(e) === perfConstants.NODE_PERFORMANCE_GC_MINOR).length,
        majorAtMs: major.map((e) => Math.round(e.startTime - start)),
        gcMs: Math.round(entries.reduce((n, e) => n + e.duration, 0)),
      };
    },
  };
}

/**
 * The captured manifests of (c). In a function of its own: the file's text (18 MB at N=5000) is garbage once parsed,
 * but a temporary of the calling function's frame can stay reachable (an interpreter register) until that function
 * returns, and `measure` runs the operation itself; it kept the text alive through (c)'s synth (its live heap 18 MB
 * larger, and its GC limits with it).
 */
function readCaptured(file: string): CapturedApp {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CapturedApp;
}

async function measure(job: Job & { variant: Variant }): Promise<Measurement> {
  let op: () => OperationResult;
  switch (job.variant) {
    case 'checks':
    case 'noChecks':
      op = () => synthTenants(job.tenants, job.variant === 'checks', job.outdir!);
      break;
    case 'raw': {
      const captured = readCaptured(job.manifests!);
      op = () => synthRaw(captured, job.outdir!);
      break;
    }
    case 'cliCheck':
      op = () => cliCheck(job.yamlDir!);
      break;
    case 'parseYaml':
      op = () => parseYaml(job.yamlDir!);
      break;
  }
  gc();
  const gcTrace = job.gcTrace ? traceGc() : undefined;
  const baseRssMb = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  const result = op();
  const wall = performance.now() - t0;
  const mem = process.memoryUsage();
  const ms = result.detail.totalMs ?? wall;
  return {
    variant: job.variant,
    tenants: job.tenants,
    ms,
    peakRssMb: result.detail.peakRssMb ?? (process.resourceUsage().maxRSS * 1024) / MB,
    baseRssMb,
    heapUsedMb: result.detail.heapUsedMb ?? mem.heapUsed / MB,
    heapTotalMb: result.detail.heapTotalMb ?? mem.heapTotal / MB,
    result,
    ...(gcTrace ? { gc: await gcTrace.stop(t0) } : {}),
  };
}

/**
 * The live V8 heap (MB) of a construct tree after construction, nothing synthesized: full GCs before and after
 * building it (needs `--expose-gc`). For 'raw' the baseline is taken before the captured manifests are read, so the
 * ApiObjects' props (the manifests themselves) count. A synth's peak RSS depends on this figure through the GC limits
 * (see worker.ts's header), and unlike the peak it hardly varies from run to run.
 */
function liveTree(job: Job): { tree: string; tenants: number; liveMb: number; objects: number } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('liveTree needs node --expose-gc');
  gc();
  const base = process.memoryUsage().heapUsed;
  // `built.app` holds the tree until it is measured (`built` is read after the last gc)
  let built: { app: unknown; objects: number };
  if (job.tree === 'raw') {
    built = buildRawApp(readCaptured(job.manifests!));
  } else {
    const { app } = buildTenantApp({ tenants: job.tenants, checksDisabled: true });
    built = { app, objects: apiObjectsOf(app).length };
  }
  gc();
  const liveMb = (process.memoryUsage().heapUsed - base) / MB;
  return { tree: job.tree ?? 'tenants', tenants: job.tenants, liveMb, objects: built.objects };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  let out: unknown;
  if (job.variant === 'liveTree') {
    out = liveTree(job);
  } else if (job.variant === 'capture') {
    const { captured, result } = captureTenants(job.tenants, job.outdir!);
    fs.writeFileSync(job.manifests!, JSON.stringify(captured));
    out = result;
  } else {
    out = await measure(job as Job & { variant: Variant });
  }
  if (process.send) process.send(out);
  else process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
