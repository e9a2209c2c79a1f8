/**
 * The measured operations of the benchmark, as plain in-process functions (bench/worker.ts runs one of them per
 * child process; test/bench-smoke.test.ts runs them in-process at a small N).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { buildTenantApp } from './tenants';
import { Checks, Severity } from '../src';
import { checkStats, configureChecks } from '../src/check/synth-hook';
import { run as runCli } from '../src/cli/main';

/** The variants: (a) synth with checks, (b) synth without, (c) raw cdk8s floor, (d) CLI check, (e) YAML parse only. */
export type Variant = 'checks' | 'noChecks' | 'raw' | 'cliCheck' | 'parseYaml';

export const VARIANT_LABELS: Record<Variant, string> = {
  checks: '(a) synth, checks on',
  noChecks: '(b) synth, checks off',
  raw: '(c) raw cdk8s ApiObjects',
  cliCheck: '(d) CLI check',
  parseYaml: '(e) js-yaml parse only',
};

/** What one measured operation produced (besides its timing). */
export interface OperationResult {
  /** Objects synthesized or parsed. */
  readonly objects: number;
  /** Error findings (checks/cliCheck), else 0. */
  readonly errors: number;
  /** Warning findings (checks only), else 0. */
  readonly warnings: number;
  /**
   * Extra counters (construct vs synth split, analyze runs, CLI exit code). `totalMs`, `peakRssMb`, `heapUsedMb` and
   * `heapTotalMb`, when present, are taken right after the measured operation itself (the worker uses them instead of
   * its own figures at the end of the call, which may include untimed bookkeeping such as counting findings).
   */
  readonly detail: Record<string, number>;
}

/** The manifests of an app, chart by chart (the input of the raw variant). */
export interface CapturedApp {
  readonly charts: { readonly id: string; readonly objects: Record<string, unknown>[] }[];
}

/**
 * Peak RSS so far and the V8 heap (MB), taken right after the measured operation: the untimed bookkeeping after it
 * (e.g. `Checks.findings(app)` re-serializing the App to count findings) must not count towards the variant.
 */
function afterOperation(): { peakRssMb: number; heapUsedMb: number; heapTotalMb: number } {
  const mem = process.memoryUsage();
  return { peakRssMb: process.resourceUsage().maxRSS / 1024, heapUsedMb: mem.heapUsed / 2 ** 20, heapTotalMb: mem.heapTotal / 2 ** 20 };
}

/**
 * CPU time (user + system, ms) of the process since `start` (a `process.cpuUsage()`): on a shared machine it varies
 * less than wall time. It includes V8's GC helper threads, so it can exceed the wall time.
 */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).length;
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

/**
 * (a)/(b): builds the tenant app and synthesizes it to `outdir` (app.synth writes one file per chart, as users do).
 * The construct and synth phases are timed separately in `detail` (the caller times the whole call).
 */
export function synthTenants(tenants: number, checks: boolean, outdir: string): OperationResult {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { app } = buildTenantApp({ tenants, checksDisabled: !checks, outdir });
  const t1 = performance.now();
  // warnings are printed by the synth hook; keep them out of the benchmark output
  if (checks) configureChecks(app, { warn: () => undefined });
  app.synth();
  const t2 = performance.now();
  const cpuMs = cpuMsSince(cpu0);
  const mem = afterOperation();
  let errors = 0;
  let warnings = 0;
  const stats = checkStats(app);
  if (checks) {
    // not timed (cached: analyze ran during synth, only the manifests are collected again)
    const findings = Checks.findings(app);
    errors = findings.filter((f) => f.severity === Severity.ERROR).length;
    warnings = findings.filter((f) => f.severity === Severity.WARNING).length;
  }
  return {
    objects: apiObjectsOf(app).length,
    errors,
    warnings,
    detail: {
      totalMs: t2 - t0,
      constructMs: t1 - t0,
      synthMs: t2 - t1,
      cpuMs,
      ...mem,
      files: countFiles(outdir),
      analyzeRuns: stats.analyzeRuns,
      validations: stats.validations,
    },
  };
}

/**
 * What the CLI needs besides the synthesized YAML: the istioctl-installed egress gateway (its Deployment and Service),
 * which the app only declares as context (GatewayWorkload.istioEgressGateway), as a CLI user passes the gateway's
 * manifests. Written next to the charts' YAML by {@link captureTenants}.
 */
export const CLI_CONTEXT_FILE = 'installed-egress-gateway.yaml';
const CLI_CONTEXT = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istio-egressgateway', namespace: 'istio-system', labels: { istio: 'egressgateway' } },
    spec: {
      selector: { matchLabels: { istio: 'egressgateway' } },
      template: {
        metadata: { labels: { istio: 'egressgateway' } },
        spec: {
          containers: [{
            name: 'istio-proxy',
            image: 'docker.io/istio/proxyv2:1.24.0',
            args: ['proxy', 'router'],
            env: [{ name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' }],
          }],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-egressgateway', namespace: 'istio-system' },
    spec: {
      type: 'ClusterIP',
      selector: { istio: 'egressgateway' },
      ports: [{ name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }],
    },
  },
];

/**
 * Builds the app with checks, synthesizes it to `outdir` (plus {@link CLI_CONTEXT_FILE}) and returns its manifests
 * chart by chart.
 */
export function captureTenants(tenants: number, outdir: string): { captured: CapturedApp; result: OperationResult } {
  const { app, charts } = buildTenantApp({ tenants, outdir });
  configureChecks(app, { warn: () => undefined });
  app.synth();
  const findings = Checks.findings(app);
  fs.writeFileSync(path.join(outdir, CLI_CONTEXT_FILE), CLI_CONTEXT.map((o) => jsyaml.dump(o)).join('---\n'));
  const captured: CapturedApp = { charts: charts.map((c) => ({ id: c.node.id, objects: c.toJson() as Record<string, unknown>[] })) };
  return {
    captured,
    result: {
      objects: captured.charts.reduce((n, c) => n + c.objects.length, 0),
      errors: findings.filter((f) => f.severity === Severity.ERROR).length,
      warnings: findings.filter((f) => f.severity === Severity.WARNING).length,
      detail: {},
    },
  };
}

/** The ApiObjects of an app, in tree order. */
export function apiObjectsOf(app: App): ApiObject[] {
  return app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** The captured manifests as plain cdk8s ApiObjects in the same charts (nothing synthesized yet). */
export function buildRawApp(captured: CapturedApp, outdir?: string): { app: App; objects: number } {
  const app = new App({ outdir });
  let objects = 0;
  for (const c of captured.charts) {
    const chart = new Chart(app, c.id);
    c.objects.forEach((o, i) => {
      new ApiObject(chart, `o${i}`, o as unknown as ConstructorParameters<typeof ApiObject>[2]);
      objects++;
    });
  }
  return { app, objects };
}

/** (c): the same manifests as plain cdk8s ApiObjects in the same charts, synthesized to `outdir`. */
export function synthRaw(captured: CapturedApp, outdir: string): OperationResult {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { app, objects } = buildRawApp(captured, outdir);
  const t1 = performance.now();
  app.synth();
  const t2 = performance.now();
  const cpuMs = cpuMsSince(cpu0);
  const mem = afterOperation();
  return {
    objects,
    errors: 0,
    warnings: 0,
    detail: { totalMs: t2 - t0, constructMs: t1 - t0, synthMs: t2 - t1, cpuMs, ...mem, files: countFiles(outdir) },
  };
}

/** (d): `cdk8s-istio-gateways check <dir> --format json` in-process (output discarded, findings counted). */
export function cliCheck(dir: string): OperationResult {
  let out = '';
  const t0 = performance.now();
  const code = runCli(['check', '--format', 'json', dir], {
    stdout: { write: (s: string) => { out += s; return true; } },
    stderr: { write: () => true },
  });
  const totalMs = performance.now() - t0;
  const mem = afterOperation();
  if (code === 2) throw new Error(`cli check failed on ${dir}`);
  const findings = (JSON.parse(out) as { findings: { severity: string }[] }).findings;
  return {
    objects: 0,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    detail: { totalMs, exitCode: code, ...mem },
  };
}

/** (e): reads the same files and only parses them with js-yaml (the library the CLI loads YAML with). */
export function parseYaml(dir: string): OperationResult {
  let objects = 0;
  for (const file of yamlFiles(dir)) {
    const docs = jsyaml.loadAll(fs.readFileSync(file, 'utf8'));
    objects += docs.filter((d) => d !== null && d !== undefined).length;
  }
  return { objects, errors: 0, warnings: 0, detail: {} };
}

// ---------------------------------------------------------------------------------------------------------------
// statistics and reporting

export interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function stat(values: readonly number[]): Stat {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}
