/**
 * Schema conformance as the apiserver checks it: the vendored CRDs' OpenAPI v3 schemas (ajv) and their
 * `x-kubernetes-validations` CEL rules (@bufbuild/cel + ../cel-k8s.ts), plus ObjectMeta checks for every object.
 *
 * The apiserver's order is kept: prune unknown fields (here: reported, SCH-PRUNE-001) and nulls of non-nullable
 * fields (SCH-NULL-001) → apply `default`s → validate the OpenAPI value validations (SCH-OAS-001) → evaluate the CEL
 * rules (SCH-CEL-001) where the schema node exists in the object.
 *
 * CRDs are read from the package's `crds/` directory on first use; each (group, version, kind) is compiled once,
 * lazily. Every served version is validated, not only the ones the library imports.
 *
 * Modules: types (shapes, rule IDs), catalogue (vendored CRDs), api-version (SCH-API-001), object-meta (ObjectMeta,
 * names), openapi (→ JSON Schema for ajv), prune (prune, null-prune, defaults), messages (ajv errors → issues),
 * cel (CEL rules, list types), cel-memo (CEL results reused across equal values), cel-fields (CEL field names),
 * cel-parsed and cel-runtime (build-time CEL trees and bundle), compile (per-kind compilation, rule statistics),
 * paths (paths and descriptions).
 */
import { Severity } from '../findings';
import { KubeObject, isRecord } from '../model';
import { apiIssues } from './api-version';
import { isKnownCrdKind } from './catalogue';
import { CelMemo, celWalk } from './cel';
import { CompiledKind, compileKind } from './compile';
import { ajvIssues } from './messages';
import { NameRule, metaIssues, nameRuleFor } from './object-meta';
import { KeyPath } from './paths';
import { prepare } from './prune';
import { CrdVersion, SCHEMA_RULE_IDS, SchemaIssue } from './types';

export { SCHEMA_RULE_IDS } from './types';
export type { CelRuleStats, SchemaIssue } from './types';
export { crdDirectory, isKnownCrdKind } from './catalogue';
export { escapeCelProperty } from './cel';
export { celRuleStats } from './compile';

/** Top-level fields the apiserver handles itself (type meta, ObjectMeta, status subresource). */
const ENVELOPE = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/**
 * Everything the apiserver would reject (or silently drop) in one object: ObjectMeta and names for every object;
 * apiVersion, OpenAPI schema, unknown fields and CEL rules for kinds of the vendored CRDs. Never throws.
 * Not cached per object (the SCH rules cache per MeshIndex, rules/schema.ts): a WeakMap entry per object cost about
 * a tenth of the schema checks of a large input (25 ms of 44,010 objects), for reuse only when analyze() runs twice
 * over the very same objects (a synth pass converts its objects anew).
 */
export function validateManifest(obj: KubeObject): SchemaIssue[] {
  if (!isRecord(obj)) return [];
  const issues: SchemaIssue[] = [];
  try {
    validateInto(obj, issues);
  } catch (e) {
    issues.push({ rule: SCHEMA_RULE_IDS.oas, severity: Severity.WARNING, path: '', message: `the schema check failed internally and was skipped: ${e instanceof Error ? e.message : String(e)}`, fix: 'report this with the manifest that triggers it' });
  }
  return issues;
}

/** What validateInto needs per (apiVersion, kind), computed once: the checks see a few distinct pairs among many objects. */
interface KindEntry {
  readonly group: string;
  readonly nameRule: NameRule;
  /** SCH-API-001 issues (copied into each object's list) and the served CRD version */
  readonly api?: { readonly crd?: CrdVersion; readonly issues: readonly SchemaIssue[] };
  /** compileKind(api.crd), set on first use */
  compiled?: CompiledKind;
}

/** apiVersion → kind → entry (two levels: no key string is built per object); bounded on hostile input. */
const kindEntries = new Map<string, Map<string, KindEntry>>();
let kindEntryCount = 0;
const MAX_KIND_ENTRIES = 10_000;

/**
 * The pair looked up last: objects of one kind often follow each other (15,501 Services in a row in the N=5000 tenant
 * YAML), and comparing with it is cheaper than hashing the YAML loader's new strings of each object for the Maps.
 */
let last: { readonly apiVersion: string; readonly kind: string; readonly entry: KindEntry } | undefined;

function kindEntry(apiVersion: string, kind: string): KindEntry {
  if (last !== undefined && last.apiVersion === apiVersion && last.kind === kind) return last.entry;
  const entry = kindEntryOf(apiVersion, kind);
  last = { apiVersion, kind, entry };
  return entry;
}

function kindEntryOf(apiVersion: string, kind: string): KindEntry {
  let byKind = kindEntries.get(apiVersion);
  let e = byKind?.get(kind);
  if (!e) {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const isCrd = isKnownCrdKind(group, kind);
    const api = apiVersion && kind ? apiIssues(group, version, kind, apiVersion) : undefined;
    e = { group, nameRule: nameRuleFor(group, kind, isCrd), api };
    if (kindEntryCount < MAX_KIND_ENTRIES) {
      if (!byKind) kindEntries.set(apiVersion, (byKind = new Map()));
      byKind.set(kind, e);
      kindEntryCount++;
    }
  }
  return e;
}

function validateInto(obj: Record<string, unknown>, issues: SchemaIssue[]): void {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const e = kindEntry(apiVersion, kind);
  metaIssues(obj, e.group, kind, e.nameRule, issues);
  if (!e.api) return;
  const kindIssues = e.api.issues;
  for (let i = 0; i < kindIssues.length; i++) issues.push({ ...kindIssues[i] });
  if (!e.api.crd) return;
  const c = (e.compiled ??= compileKind(e.api.crd));
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) if (!ENVELOPE.has(k)) body[k] = obj[k];
  // the walks share one key path and one CEL memo: validateInto runs once per object, never nested. The walks leave
  // the path as they found it, and the memo is emptied after each walk; both are reset here only after an exception
  // (emptying or truncating them anyway would allocate a new backing store each time).
  if (keyPath.length !== 0) keyPath.length = 0;
  const prepared = prepare(body, c.prune, keyPath, issues);
  const oas = c.validate(prepared) ? NO_ISSUES : ajvIssues(c.validate.errors, prepared);
  for (let i = 0; i < oas.length; i++) issues.push(oas[i]); // not push(...oas): unbounded on hostile input
  if (c.cel) {
    if (keyPath.length !== 0) keyPath.length = 0;
    if (celMemo.size !== 0) celMemo.clear();
    try {
      celWalk(prepared, c.cel, keyPath, celMemo, issues, oas.length === 0 ? NO_PATHS : oas.map((i) => i.path));
    } finally {
      if (celMemo.size !== 0) celMemo.clear(); // holds the object's converted values
    }
  }
}

const keyPath: KeyPath = [];
const celMemo: CelMemo = new Map();

const NO_ISSUES: readonly SchemaIssue[] = [];
const NO_PATHS: readonly string[] = [];
