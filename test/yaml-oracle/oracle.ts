/**
 * Runs the kubectl YAML oracle (tools/kubectl-yaml, built by .ci/build-oracle.sh) over a batch of files in one
 * process, and compares its output with our loader with exact numbers.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readDocuments } from '../../src/check/yaml';

export const ORACLE = path.resolve(__dirname, '..', '..', 'tools', 'kubectl-yaml', 'bin', 'kubectl-yaml');
export const BUILD_COMMAND = 'bash .ci/build-oracle.sh';

/** Throws (never skips) when the oracle binary is missing, with the command that builds it. */
export function requireOracle(): void {
  if (!fs.existsSync(ORACLE)) {
    throw new Error(`the kubectl YAML oracle is not built (${ORACLE} is missing${process.env.CI ? ', and CI is set' : ''}): run \`${BUILD_COMMAND}\` (installs golang-go, golang-k8s-sigs-yaml-dev, golang-gopkg-yaml.v2-dev from Debian and builds it)`);
  }
}

/** What kubectl reads from one file: documents as canonical JSON text (exact numbers), or its error. */
export interface OracleResult {
  readonly docs?: string[];
  readonly error?: string;
  readonly strictError?: string;
}

const NUMBER_OR_STRING = /("(?:[^"\\]|\\.)*")|(-?\d[\d.eE+-]*)/g;

/** Parses JSON keeping each number token as `{"$n": token}` so nothing is rounded. */
export function parseExact(json: string): unknown {
  return JSON.parse(json.replace(NUMBER_OR_STRING, (_m, s: string | undefined, n: string | undefined) => s ?? `{"$n":"${n}"}`));
}

/** Canonical JSON: keys sorted, numbers as their exact text. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

/** Our loader's value in the same exact form: bigint digits, numbers as Go's encoding/json prints float64/int. */
export function exactForm(v: unknown): unknown {
  if (typeof v === 'bigint') return { $n: v.toString() };
  if (typeof v === 'number') return { $n: Object.is(v, -0) ? '-0' : String(v) };
  if (Array.isArray(v)) return v.map(exactForm);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = exactForm((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

/** Runs the oracle once over all inputs. */
export function runOracle(inputs: readonly string[]): OracleResult[] {
  requireOracle();
  const out = execFileSync(ORACLE, ['--batch'], { input: JSON.stringify(inputs), maxBuffer: 1024 * 1024 * 1024 }).toString('utf8');
  const raw = parseExact(out) as Array<{ docs?: unknown[]; error?: string; strictError?: string }>;
  return raw.map((r) => ({
    ...(r.error === undefined ? { docs: (r.docs ?? []).map(canonical) } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.strictError !== undefined ? { strictError: r.strictError } : {}),
  }));
}

/** Our loader on one file, in the oracle's form. */
export function readOurs(text: string): { docs?: string[]; error?: string } {
  try {
    return { docs: readDocuments(text, 'f.yaml', { exactIntegers: true }).map((d) => canonical(exactForm(d.value))) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The deliberate refusals: our error for a file kubectl's non-strict reader accepts. */
export const DELIBERATE_REFUSALS: ReadonlyArray<{ readonly name: string; readonly ours: RegExp; readonly kubectlStrict: RegExp | 'nondeterministic' }> = [
  { name: 'the same key twice in one mapping (a: 1 / a: 2, on: / true:)', ours: /duplicate key "/, kubectlStrict: /already set in map/ },
  { name: 'two keys that become the same JSON key (1: / "1":)', ours: /become the same JSON key/, kubectlStrict: 'nondeterministic' },
];

/** Whether our result agrees with kubectl's for one input (equal documents, or both refuse, or a deliberate refusal). */
export function agrees(ours: { docs?: string[]; error?: string }, kubectl: OracleResult): { ok: boolean; refusal?: string } {
  if (kubectl.error !== undefined) return { ok: ours.error !== undefined };
  if (ours.error === undefined) return { ok: JSON.stringify(ours.docs) === JSON.stringify(kubectl.docs) };
  for (const r of DELIBERATE_REFUSALS) {
    if (!r.ours.test(ours.error)) continue;
    if (r.kubectlStrict === 'nondeterministic' || (kubectl.strictError !== undefined && r.kubectlStrict.test(kubectl.strictError))) return { ok: true, refusal: r.name };
  }
  return { ok: false };
}
