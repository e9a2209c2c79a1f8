/**
 * `cdk8s-istio-gateways read [--format text|json] PATH...`: prints the documents exactly as the checker (and kubectl)
 * reads them — what a user needs when a finding surprises them.
 *
 * - `--format json`: one file → a JSON array of its documents in order (empty documents dropped); several files →
 *   `{"FILE": [...], ...}`. Integers are printed exactly (no rounding above 2^53), keys in source order.
 * - text (default): each document as JSON with its source position (`# FILE:LINE`).
 * Exit codes: 0 read; 2 a file kubectl would refuse (the reason on stderr), or bad usage.
 */
import * as fs from 'fs';
import { expandPaths } from './inputs';
import { decodeManifestBytes, ReadDocument, readDocuments } from '../check/yaml';

/** Where `read` writes. */
export interface ReadIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

export const READ_USAGE = `usage: cdk8s-istio-gateways read [--format text|json] PATH...

Prints the documents of YAML/JSON manifests exactly as kubectl (and the checker) reads them:
YAML 1.1 scalars as goyaml resolves them (yes/on booleans, 0777 octal, ...), integers exact.
PATH is a file or a directory (searched recursively for *.yaml and *.yml); "-" reads stdin.

options:
  --format text|json   text (default): each document as JSON after "# FILE:LINE";
                       json: one file -> a JSON array of its documents; several -> {"FILE": [...]}
exit codes: 0 read, 2 a file kubectl would refuse (reason on stderr) or bad usage
`;

/** Thrown for bad `read` arguments (the CLI prints it with the usage and exits 2). */
export class ReadUsageError extends Error {}

/** JSON with bigint integers printed exactly and -0 as Go prints it. */
export function exactJson(v: unknown, indent = ''): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : JSON.stringify(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${v.map((x) => inner + exactJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${exactJson((v as Record<string, unknown>)[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

function readFile(file: string): ReadDocument[] {
  const name = file === '-' ? '<stdin>' : file;
  const bytes = file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
  return readDocuments(decodeManifestBytes(bytes, name), name, { exactIntegers: true });
}

/** Runs `read` with its arguments (after the command name); returns the exit code. Errors propagate to the CLI. */
export function runRead(args: readonly string[], io: ReadIo): number {
  let format: 'text' | 'json' = 'text';
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') {
      io.stdout.write(READ_USAGE);
      return 0;
    }
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v !== 'text' && v !== 'json') throw new ReadUsageError(`--format must be one of text, json, not "${v ?? ''}"`);
      format = v;
    } else if (a === '--') {
      paths.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      throw new ReadUsageError(`unknown option ${a}`);
    } else {
      paths.push(a);
    }
  }
  if (paths.length === 0) throw new ReadUsageError('no PATH given: pass manifest files or directories');
  const files = expandPaths(paths);
  const read = files.map((f) => ({ file: f === '-' ? '<stdin>' : f, docs: readFile(f) }));
  if (format === 'json') {
    if (read.length === 1) {
      io.stdout.write(`${exactJson(read[0].docs.map((d) => d.value))}\n`);
    } else {
      const body = read.map((r) => `  ${JSON.stringify(r.file)}: ${exactJson(r.docs.map((d) => d.value), '  ')}`).join(',\n');
      io.stdout.write(read.length === 0 ? '{}\n' : `{\n${body}\n}\n`);
    }
    return 0;
  }
  for (const r of read) {
    for (const d of r.docs) io.stdout.write(`# ${r.file}:${d.line}\n${exactJson(d.value)}\n`);
  }
  return 0;
}
