#!/usr/bin/env node
/**
 * `cdk8s-istio-gateways check [options] PATH...`: the rule engine over any YAML (GitOps repos, Helm output).
 *
 * Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 bad usage or unreadable input.
 * `run()` does everything but process I/O so tests call it in-process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatText } from './format';
import { InputError, readInputs, readMeshConfig } from './inputs';
import { analyze } from '../check/analyze';
import { Finding, Severity, formatJson } from '../check/findings';
import type { InstallAssumption } from '../check/mesh-index';
import { SourceRef, isRecord } from '../check/model';
import { ManifestLoadError } from '../check/yaml';

/** Where the CLI writes; tests pass fakes. */
export interface CliIo {
  readonly stdout: { readonly isTTY?: boolean; write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const USAGE = `usage: cdk8s-istio-gateways check [options] PATH...

Checks Kubernetes manifests (Istio, Gateway API, cert-manager, plus Services, Deployments,
Pods, Secrets, Namespaces as context) the way the apiserver, istiod and istioctl analyze would.
PATH is a file or a directory (searched recursively for *.yaml and *.yml); "-" reads stdin.

options:
  --format text|json          output format (default text); json prints {"findings":[...]}
  --mesh-config FILE          MeshConfig YAML (the istio ConfigMap's "mesh" key, or the ConfigMap)
  --fail-on error|warning     lowest severity that makes the exit code 1 (default error)
  --namespace NS              namespace of objects without metadata.namespace (default "default")
  --assume-install demo|default|none
                              gateway install to assume when the input declares none (default demo)
  --closed-world              the input is a complete cluster snapshot (as istioctl analyze sees it): what is absent
                              does not exist (default: desired state from Git, absent facts are unknown)
  -h, --help                  show this help
  -V, --version               show the version

exit codes: 0 no findings at or above --fail-on, 1 findings at or above it, 2 bad usage or unreadable input
`;

class UsageError extends Error {}

interface Options {
  format: 'text' | 'json';
  meshConfig?: string;
  failOn: Severity;
  namespace?: string;
  assumeInstall?: InstallAssumption;
  closedWorld?: boolean;
  paths: string[];
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
}

function parseCheckArgs(args: readonly string[]): Options {
  const o: Options = { format: 'text', failOn: Severity.ERROR, paths: [] };
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let value: string | undefined;
    if (a.startsWith('--') && a.includes('=')) {
      value = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const next = () => {
      if (value !== undefined) return value;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--format':
        o.format = oneOf(a, next(), ['text', 'json'] as const);
        break;
      case '--mesh-config':
        o.meshConfig = next();
        break;
      case '--fail-on':
        o.failOn = oneOf(a, next(), ['error', 'warning'] as const) === 'warning' ? Severity.WARNING : Severity.ERROR;
        break;
      case '--namespace':
      case '-n':
        o.namespace = next();
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.namespace)) throw new UsageError(`--namespace "${o.namespace}" is not a valid namespace name`);
        break;
      case '--assume-install':
        o.assumeInstall = oneOf(a, next(), ['demo', 'default', 'none'] as const);
        break;
      case '--closed-world':
        o.closedWorld = true;
        break;
      case '--':
        o.paths.push(...args.slice(i + 1));
        i = args.length;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        o.paths.push(a);
    }
  }
  if (o.paths.length === 0) throw new UsageError('no PATH given: pass manifest files or directories');
  return o;
}

/** The package version, read from package.json next to lib/ or src/. */
export function packageVersion(): string {
  for (const p of [path.resolve(__dirname, '..', '..', 'package.json'), path.resolve(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8'));
      if (pkg && pkg.name === 'cdk8s-istio-gateways' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

function atOrAbove(s: Severity, min: Severity): boolean {
  const rank = (x: Severity) => (x === Severity.ERROR ? 2 : x === Severity.WARNING ? 1 : 0);
  return rank(s) >= rank(min);
}

/** Runs the CLI and returns its exit code (0, 1 or 2). Never throws. */
export function run(argv: readonly string[], io: CliIo): number {
  try {
    return runUnsafe(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    } else if (e instanceof ManifestLoadError || e instanceof InputError) {
      io.stderr.write(`${e.message}\n`);
    } else {
      io.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)} (please report it)\n`);
    }
    return 2;
  }
}

function runUnsafe(argv: readonly string[], io: CliIo): number {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    (cmd === undefined ? io.stderr : io.stdout).write(USAGE);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '-V' || cmd === '--version' || cmd === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (cmd !== 'check') throw new UsageError(`unknown command "${cmd}"`);
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const opts = parseCheckArgs(rest);
  const meshConfig = opts.meshConfig !== undefined ? readMeshConfig(opts.meshConfig) : undefined;
  const inputs = readInputs(opts.paths);
  const findings = analyze(inputs.objects, {
    sources: inputs.sources,
    ...(meshConfig ? { meshConfig } : {}),
    ...(opts.namespace ? { defaultNamespace: opts.namespace } : {}),
    ...(opts.assumeInstall ? { assumeInstall: opts.assumeInstall } : {}),
    ...(opts.closedWorld ? { closedWorld: true } : {}),
  });
  if (opts.format === 'json') {
    io.stdout.write(`${formatJson(findings)}\n`);
  } else {
    const env = io.env ?? {};
    const color = io.stdout.isTTY === true && env.NO_COLOR === undefined;
    io.stdout.write(formatText(findings, {
      color,
      sourceOf: sourceLookup(inputs.objects, inputs.sources, opts.namespace ?? 'default'),
      objectCount: inputs.objects.length,
      fileCount: inputs.files.length,
    }));
  }
  return findings.some((f) => atOrAbove(f.severity, opts.failOn)) ? 1 : 0;
}

function sourceLookup(objects: readonly unknown[], sources: readonly SourceRef[], defaultNs: string): (f: Finding) => SourceRef | undefined {
  const byId = new Map<string, SourceRef>();
  objects.forEach((o, i) => {
    if (!isRecord(o)) return;
    const m = isRecord(o.metadata) ? o.metadata : {};
    const name = typeof m.name === 'string' ? m.name : '';
    const ns = typeof m.namespace === 'string' && m.namespace ? m.namespace : undefined;
    for (const key of [`${String(o.kind)}|${ns ?? defaultNs}|${name}`, `${String(o.kind)}||${name}`]) {
      if (!byId.has(key)) byId.set(key, sources[i]);
    }
  });
  return (f) => byId.get(`${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}`);
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
}
