/**
 * Child process of bench/run.ts: runs ONE measured operation and reports its wall time, peak RSS and heap, so
 * memory figures belong to one variant only. Job in argv[2] (JSON); result to the parent over IPC (or stdout).
 *
 * Memory: `peakRssMb` is the kernel's high-water mark of the process (getrusage maxrss), including Node, ts-node
 * and the loaded modules; `baseRssMb` is the RSS right before the operation (after loading modules and input and a
 * full GC), so `peakRssMb - baseRssMb` is what the operation added. `heapUsedMb` is the V8 heap in use right after
 * the operation (before any GC, i.e. live data plus garbage not yet collected); `heapTotalMb` the heap V8 had
 * reserved then (its high-water mark in practice, since V8 shrinks the heap lazily).
 */
import * as fs from 'fs';
import { CapturedApp, OperationResult, Variant, captureTenants, cliCheck, parseYaml, synthRaw, synthTenants } from './harness';

export interface Job {
  /** a measured variant, or 'capture': synthesize (a) once to `outdir` and write its manifests to `manifests` */
  readonly variant: Variant | 'capture';
  readonly tenants: number;
  /** synth output directory (a, b, c) */
  readonly outdir?: string;
  /** captured manifests JSON (c) */
  readonly manifests?: string;
  /** YAML directory (d, e) */
  readonly yamlDir?: string;
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
}

const MB = 1024 * 1024;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function measure(job: Job & { variant: Variant }): Measurement {
  let op: () => OperationResult;
  switch (job.variant) {
    case 'checks':
    case 'noChecks':
      op = () => synthTenants(job.tenants, job.variant === 'checks', job.outdir!);
      break;
    case 'raw': {
      const captured = JSON.parse(fs.readFileSync(job.manifests!, 'utf8')) as CapturedApp;
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
  };
}

if (require.main === module) {
  const job = JSON.parse(process.argv[2]) as Job;
  let out: unknown;
  if (job.variant === 'capture') {
    const { captured, result } = captureTenants(job.tenants, job.outdir!);
    fs.writeFileSync(job.manifests!, JSON.stringify(captured));
    out = result;
  } else {
    out = measure(job as Job & { variant: Variant });
  }
  if (process.send) process.send(out);
  else process.stdout.write(`${JSON.stringify(out)}\n`);
}
