/**
 * SYN-YAML-001: synthesized YAML must read back identically with kubectl's reader.
 *
 * cdk8s writes manifests with `Yaml.stringify` (the `yaml` package, YAML 1.1 schema), which leaves some strings
 * unquoted that kubectl's reader (goyaml v2) reads as something else: `0o17`, `0X1F`, `0B101`, `-_0`, `+_1` become
 * numbers, `<<` a merge key, raw NEL/LS/PS break the line and DEL is refused. We never patch cdk8s's serializer, so
 * synth fails instead, naming the construct, the field, the value and the fix.
 *
 * Exact: for each string (values and keys) a precomputed predicate picks the candidates — strings whose plain form
 * goyaml would not read as the same string, or with control/line-break characters or newlines — and only those are
 * written with cdk8s's own `Yaml.stringify` and read back with the kubectl-exact loader; a finding needs a real
 * difference (`"true"`, which cdk8s quotes, is fine).
 *
 * Only synthesized objects (a construct path as source) are checked: the CLI reads YAML that already parsed, and
 * how cdk8s would write it again says nothing about it.
 */
import { Severity } from '../findings';
import type { IndexedObject } from '../mesh-index';
import { Rule, defineRule } from '../rule';
import { readDocuments } from '../yaml';
import { plainReadsAsString } from '../yaml/resolve';

/** Characters goyaml reads differently from the `yaml` package, or that cdk8s may write in a block scalar. */
const SPECIAL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;

type Stringify = (doc: unknown) => string;
let stringify: Stringify | undefined;

/** cdk8s's own serializer (loaded only when a synthesized object has a candidate string). */
function cdk8sStringify(): Stringify {
  if (!stringify) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Yaml } = require('cdk8s') as { Yaml: { stringify(...docs: unknown[]): string } };
    stringify = (doc) => Yaml.stringify(doc);
  }
  return stringify;
}

/** What kubectl reads back from cdk8s's YAML for `doc` (a one-entry map), or the reason it refuses it. */
function readBack(doc: Record<string, unknown>): { value?: unknown; error?: string } {
  try {
    const docs = readDocuments(cdk8sStringify()(doc), 'synth.yaml');
    return { value: docs.length === 1 ? docs[0].value : undefined };
  } catch (e) {
    return { error: (e as Error).message.replace(/^synth\.yaml:\d+: /, '') };
  }
}

const isCandidate = (s: string) => !plainReadsAsString(s) || SPECIAL.test(s) || s.length > 1000;

function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (v === null) return 'null';
  return JSON.stringify(v) ?? String(v);
}

/** Verdicts on candidate strings (the same version strings, ports... repeat across thousands of objects). */
const verdicts = new Map<string, string | null>();

/** The problem kubectl has with `s` written by cdk8s as a value (`key` false) or a key; undefined when none. */
export function roundTripProblem(s: string, key: boolean): string | undefined {
  if (!isCandidate(s)) return undefined;
  const cacheKey = `${key ? 'k' : 'v'}${s}`;
  let v = verdicts.get(cacheKey);
  if (v === undefined) {
    if (verdicts.size > 100_000) verdicts.clear();
    v = computeProblem(s, key) ?? null;
    verdicts.set(cacheKey, v);
  }
  return v ?? undefined;
}

function computeProblem(s: string, key: boolean): string | undefined {
  const r = readBack(key ? { [s]: 'v' } : { v: s });
  if (r.error !== undefined) return `kubectl refuses the YAML cdk8s writes for it (${r.error})`;
  const obj = r.value as Record<string, unknown> | undefined;
  if (key) {
    const keys = obj && typeof obj === 'object' ? Object.keys(obj) : [];
    return keys.length === 1 && keys[0] === s ? undefined : `kubectl reads the key back as ${keys.map((k) => JSON.stringify(k)).join(', ') || 'nothing'}`;
  }
  const v = obj && typeof obj === 'object' ? obj.v : undefined;
  return v === s ? undefined : `kubectl reads it back as ${describe(v)}`;
}

const pathKey = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** `spec.http[0].match` from the walk's stack of keys and indexes (built only for a finding). */
function pathOf(stack: readonly (string | number)[]): string {
  let out = '';
  for (const seg of stack) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? pathKey(seg).replace(/^\./, '') : pathKey(seg);
  return out;
}

type Found = (path: string, value: string, key: boolean, problem: string) => void;

function walk(v: unknown, stack: (string | number)[], found: Found): void {
  if (typeof v === 'string') {
    const p = roundTripProblem(v, false);
    if (p) found(pathOf(stack), v, false, p);
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      stack.push(i);
      walk(v[i], stack, found);
      stack.pop();
    }
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      stack.push(k);
      const p = roundTripProblem(k, true);
      if (p) found(pathOf(stack), k, true, p);
      walk((v as Record<string, unknown>)[k], stack, found);
      stack.pop();
    }
  }
}

const synthesized = (o: IndexedObject) => !o.isContext && o.source.constructPath !== undefined;

export const YAML_ROUNDTRIP_RULES: readonly Rule[] = [
  defineRule({
    id: 'SYN-YAML-001',
    severity: Severity.ERROR,
    summary: 'Synthesized string values read back identically with kubectl\'s YAML reader (e.g. 0o17, -_0, << stay strings)',
    check(ctx) {
      for (const o of ctx.index.objects) {
        if (!synthesized(o)) continue;
        walk(o.raw, [], (path, value, key, problem) => ctx.report({
          object: o,
          path,
          message: `the ${key ? 'key' : 'string value'} ${JSON.stringify(value)} is written unquoted by cdk8s's YAML serializer and ${problem}, so the cluster would not get ${JSON.stringify(value)}`,
          fix: 'use another value (cdk8s\'s serializer cannot be told to quote it): e.g. avoid YAML 1.1 number/boolean spellings such as 0o17, 0X1F, 0B101, -_0, "<<", and control or line-separator characters (NEL, LS, PS, DEL) in text',
        }));
      }
    },
  }),
];
