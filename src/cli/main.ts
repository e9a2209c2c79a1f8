#!/usr/bin/env node
/**
 * `cdk8s-istio-gateways check [options] PATH...`: the rule engine over any YAML (GitOps repos, Helm output).
 *
 * Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 bad usage or unreadable input.
 * `run()` does everything but process I/O so tests call it in-process. Commands are dispatched by {@link dispatch}
 * (one case per command, each parsing its own arguments with ./args.ts); inputs are read by ./inputs.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError, oneOf, parseByteSize, parseCommandArgs } from './args';
import { writeText } from './format';
import { DEFAULT_MAX_INPUT_BYTES, InputError, readInputs, readMeshConfig } from './inputs';
import { READ_USAGE, ReadUsageError, runRead } from './read';
import { analyze } from '../check/analyze';
import { Finding, Severity, formatJson } from '../check/findings';
import type { InstallAssumption } from '../check/mesh-index';
import { SourceRef, isRecord } from '../check/model';
import { ManifestLoadError } from '../check/yaml';
import { isDns1123Label } from '../internal/dns-names';

/** Where the CLI writes; tests pass fakes. */
export interface CliIo {
  readonly stdout: { readonly isTTY?: boolean; write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export { UsageError } from './args';

/** The report could not be written (disk full, …): exit 2 with the reason. */
class OutputError extends Error {}

export const USAGE = `usage: cdk8s-istio-gateways check [options] PATH...

Checks Kubernetes manifests (Istio, Gateway API, cert-manager, plus Services, Deployments,
Pods, Secrets, Namespaces as context) the way the apiserver, istiod and istioctl analyze would.
PATH is a file or a directory (searched recursively for *.yaml and *.yml, following symbolic
links to files but not to directories, as kubectl apply -f -R does); "-" reads stdin.
Only regular files are read.

options:
  --format text|json          output format (default text); json prints {"findings":[...]}
  --mesh-config FILE          MeshConfig YAML (the istio ConfigMap's "mesh" key, or the ConfigMap)
  --fail-on error|warning     lowest severity that makes the exit code 1 (default error)
  --namespace NS, -n NS       namespace of objects without metadata.namespace (default "default"); with
                              --closed-world also, as istioctl, only findings on objects in NS (or cluster-scoped)
  --assume-install demo|default|none
                              gateway install to assume when the input declares none (default demo)
  --max-input-bytes SIZE      limit on the bytes read from all inputs together, e.g. 1Gi
                              (default ${DEFAULT_MAX_INPUT_BYTES / 2 ** 20}Mi)
  --closed-world              the input is a complete cluster snapshot (as istioctl analyze sees it): what is absent
                              does not exist (default: desired state from Git, absent facts are unknown)
  -h, --help                  show this help
  -V, --version               show the version

exit codes: 0 no findings at or above --fail-on, 1 findings at or above it, 2 bad usage or unreadable input

see also: cdk8s-istio-gateways routes --help (the effective routing table of Istio and Gateway API YAML)
`;

interface CheckOptions {
  readonly format: 'text' | 'json';
  readonly meshConfig?: string;
  readonly failOn: Severity;
  readonly namespace?: string;
  readonly assumeInstall?: InstallAssumption;
  readonly closedWorld: boolean;
  readonly maxInputBytes: number;
  readonly help: boolean;
  readonly paths: readonly string[];
}

const CHECK_OPTIONS = {
  'format': { type: 'string' },
  'mesh-config': { type: 'string' },
  'fail-on': { type: 'string' },
  'namespace': { type: 'string', short: 'n' },
  'assume-install': { type: 'string' },
  'closed-world': { type: 'boolean' },
  'max-input-bytes': { type: 'string' },
  'help': { type: 'boolean', short: 'h' },
} as const;

function parseCheckArgs(args: readonly string[]): CheckOptions {
  const { values: v, positionals } = parseCommandArgs(args, CHECK_OPTIONS);
  const str = (name: keyof typeof CHECK_OPTIONS) => (typeof v[name] === 'string' ? v[name] as string : undefined);
  const help = v.help === true;
  const namespace = str('namespace');
  if (namespace !== undefined && !isDns1123Label(namespace)) {
    throw new UsageError(`--namespace "${namespace}" is not a valid namespace name`);
  }
  const format = str('format');
  const failOn = str('fail-on');
  const assume = str('assume-install');
  const max = str('max-input-bytes');
  const o: CheckOptions = {
    format: format === undefined ? 'text' : oneOf('--format', format, ['text', 'json'] as const),
    ...(str('mesh-config') !== undefined ? { meshConfig: str('mesh-config') } : {}),
    failOn: failOn === undefined ? Severity.ERROR : oneOf('--fail-on', failOn, ['error', 'warning'] as const) === 'warning' ? Severity.WARNING : Severity.ERROR,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(assume !== undefined ? { assumeInstall: oneOf('--assume-install', assume, ['demo', 'default', 'none'] as const) } : {}),
    closedWorld: v['closed-world'] === true,
    maxInputBytes: max === undefined ? DEFAULT_MAX_INPUT_BYTES : parseByteSize('--max-input-bytes', max),
    help,
    paths: positionals,
  };
  if (!help && o.paths.length === 0) throw new UsageError('no PATH given: pass manifest files or directories');
  return o;
}

/** The package version, read from package.json next to lib/ or src/. */
export function packageVersion(): string {
  // src/cli, lib/src/cli, and lib/ for the bundled bin (./bundle.ts)
  for (const p of [path.resolve(__dirname, '..', '..', 'package.json'), path.resolve(__dirname, '..', '..', '..', 'package.json'), path.resolve(__dirname, '..', 'package.json')]) {
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

/** Runs the CLI and returns its exit code (0, 1 or 2). Never throws, never prints a stack trace. */
export function run(argv: readonly string[], io: CliIo): number {
  try {
    return dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    } else if (e instanceof ReadUsageError) {
      io.stderr.write(`error: ${e.message}\n\n${READ_USAGE}`);
    } else if (e instanceof ManifestLoadError || e instanceof InputError || e instanceof OutputError) {
      io.stderr.write(`${e.message}\n`);
    } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      io.stderr.write(`error: the input is nested too deeply or is too large to be checked (${e.message}); if it is a valid manifest, please report it\n`);
    } else if (e instanceof RangeError && /string length|array length|allocation failed/i.test(e.message)) {
      io.stderr.write(`error: the input or the report is too large to be handled in memory (${e.message}); check fewer files at a time\n`);
    } else {
      io.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)} (please report it)\n`);
    }
    return 2;
  }
}

/** The commands: one case each (each command parses its own arguments). */
function dispatch(argv: readonly string[], io: CliIo): number {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
      io.stderr.write(USAGE);
      return 2;
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    case '-V':
    case '--version':
    case 'version':
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    case 'check':
      return runCheck(rest, io);
    case 'routes':
      // loaded on use: `check` does not load the route model (5 modules, ~5 ms of its start-up)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('./routes') as typeof import('./routes')).runRoutes(rest, io);
    case 'read':
      return runRead(rest, io);
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

/** `check [options] PATH...` */
function runCheck(args: readonly string[], io: CliIo): number {
  const opts = parseCheckArgs(args);
  if (opts.help || args.includes('-h') || args.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const read = { maxInputBytes: opts.maxInputBytes, notice: (m: string) => io.stderr.write(`note: ${m}\n`) };
  const meshConfig = opts.meshConfig !== undefined ? readMeshConfig(opts.meshConfig, read) : undefined;
  const inputs = readInputs(opts.paths, read);
  const all = analyze(inputs.objects, {
    sources: inputs.sources,
    ...(meshConfig ? { meshConfig } : {}),
    ...(opts.namespace ? { defaultNamespace: opts.namespace } : {}),
    ...(opts.assumeInstall ? { assumeInstall: opts.assumeInstall } : {}),
    ...(opts.closedWorld ? { closedWorld: true } : {}),
  });
  // istioctl analyze -n NS keeps only messages about objects in NS or cluster-scoped ones (ISTIOCTL-PARITY.md, Output)
  const findings = opts.closedWorld && opts.namespace
    ? all.filter((f) => !f.resource.namespace || f.resource.namespace === opts.namespace)
    : all;
  const write = (s: string) => io.stdout.write(s);
  if (opts.format === 'json') {
    writeJson(findings, write);
  } else {
    const env = io.env ?? {};
    const color = io.stdout.isTTY === true && env.NO_COLOR === undefined;
    writeText(findings, {
      color,
      sourceOf: sourceLookup(inputs.objects, inputs.sources, opts.namespace ?? 'default'),
      objectCount: inputs.objects.length,
      fileCount: inputs.files.length,
    }, write);
  }
  return findings.some((f) => atOrAbove(f.severity, opts.failOn)) ? 1 : 0;
}

const JSON_HEAD = '{"findings":[';
/** Output is written in pieces of about this many characters. */
const WRITE_CHUNK = 2 ** 20;

/**
 * `formatJson(findings)` plus a newline, written finding by finding in pieces of about {@link WRITE_CHUNK}
 * characters: byte-identical, and no single string grows with the number or size of the findings (a V8 string holds
 * at most ~512 MB).
 */
function writeJson(findings: readonly Finding[], write: (s: string) => void): void {
  if (findings.length <= 100) {
    write(`${formatJson(findings)}\n`);
    return;
  }
  let buffer = JSON_HEAD;
  findings.forEach((f, i) => {
    const one = formatJson([f]);
    buffer += `${i > 0 ? ',' : ''}${one.slice(JSON_HEAD.length, one.length - 2)}`;
    if (buffer.length >= WRITE_CHUNK) {
      write(buffer);
      buffer = '';
    }
  });
  write(`${buffer}]}\n`);
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

/**
 * A synchronous writer to a file descriptor, for the binary's stdout and stderr. process.stdout queues in memory
 * what a slow pipe does not take yet: a report of hundreds of MB then fails with ENOBUFS and an unhandled 'error'
 * event (a stack trace). Written synchronously, nothing is queued; a closed pipe (`| head`) ends the output quietly.
 */
export function fdWriter(fd: number): { write(s: string): boolean } {
  let closed = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return {
    write(s: string): boolean {
      if (closed) return false;
      const buf = Buffer.from(s, 'utf8');
      for (let off = 0; off < buf.length;) {
        try {
          off += fs.writeSync(fd, buf, off);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            Atomics.wait(pause, 0, 0, 1); // a non-blocking pipe is full: let the reader catch up
          } else if (code === 'EPIPE') {
            closed = true;
            return false;
          } else {
            throw new OutputError(`cannot write the output (${code ?? String(e)})`);
          }
        }
      }
      return true;
    },
  };
}

/** The command itself: {@link run} on the process's arguments, standard output and error, then exits with its code. */
export function main(): void {
  const stdout = fdWriter(1);
  const code = run(process.argv.slice(2), {
    stdout: {
      // read only by the text format (colour): node:tty is ≈ 1.5 ms of start-up that `--format json` does not need
      get isTTY(): boolean {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (require('tty') as typeof import('tty')).isatty(1);
      },
      write: (s: string) => stdout.write(s),
    },
    stderr: fdWriter(2),
    env: process.env,
  });
  // Everything was written synchronously (fdWriter) and nothing else is pending: exit now. Returning would let node
  // run its event loop and wait for V8's background tasks (optimizing compiles, a scavenge) before exiting, ~10–30 ms
  // of a small check.
  process.exit(code);
}

// the package's bin is the bundle of ./bundle.ts, which calls main(); this file stays runnable as well
if (require.main === module) main();
