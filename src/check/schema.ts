/**
 * Schema conformance as the apiserver checks it: the vendored CRDs' OpenAPI v3 schemas (ajv) and their
 * `x-kubernetes-validations` CEL rules (@bufbuild/cel + cel-k8s.ts), plus ObjectMeta checks for every object.
 *
 * The apiserver's order is kept: prune unknown fields (here: reported, SCH-PRUNE-001) and nulls of non-nullable
 * fields (SCH-NULL-001) → apply `default`s → validate the OpenAPI value validations (SCH-OAS-001) → evaluate the CEL
 * rules (SCH-CEL-001) where the schema node exists in the object.
 *
 * CRDs are read from the package's `crds/` directory on first use; each (group, version, kind) is compiled once,
 * lazily. Every served version is validated, not only the ones the library imports.
 */
import * as fs from 'fs';
import * as path from 'path';
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelEnv, CelResult } from '@bufbuild/cel';
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as jsyaml from 'js-yaml';
import { K8S_CEL_FUNCS, K8S_CEL_FUNC_NAMES } from './cel-k8s';
import { Severity } from './findings';
import { KubeObject, isRecord } from './model';

// ---------------------------------------------------------------------------------------------------------------
// Public shapes

/** The SCH-* rule IDs. */
export const SCHEMA_RULE_IDS = {
  meta: 'SCH-META-001',
  labels: 'SCH-META-002',
  name: 'SCH-NAME-001',
  api: 'SCH-API-001',
  oas: 'SCH-OAS-001',
  prune: 'SCH-PRUNE-001',
  nullValue: 'SCH-NULL-001',
  cel: 'SCH-CEL-001',
} as const;

/** One schema problem of one object. */
export interface SchemaIssue {
  readonly rule: string;
  readonly severity: Severity;
  /** e.g. `spec.servers[1].port.number`; empty for the whole object. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** How many CEL rules a served (group, version, kind) carries and how many are evaluated. */
export interface CelRuleStats {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  readonly total: number;
  readonly evaluated: number;
  /** Rules not evaluated, with why (transition rules using oldSelf, unsupported functions, parse errors). */
  readonly skipped: readonly { readonly rule: string; readonly reason: string }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes structural schema subset

interface K8sSchema {
  'type'?: string;
  'nullable'?: boolean;
  'properties'?: Record<string, K8sSchema>;
  'additionalProperties'?: K8sSchema | boolean;
  'items'?: K8sSchema;
  'required'?: string[];
  'enum'?: unknown[];
  'default'?: unknown;
  'format'?: string;
  'pattern'?: string;
  'minimum'?: number;
  'maximum'?: number;
  'exclusiveMinimum'?: boolean;
  'exclusiveMaximum'?: boolean;
  'minLength'?: number;
  'maxLength'?: number;
  'minItems'?: number;
  'maxItems'?: number;
  'minProperties'?: number;
  'maxProperties'?: number;
  'multipleOf'?: number;
  'uniqueItems'?: boolean;
  'oneOf'?: K8sSchema[];
  'anyOf'?: K8sSchema[];
  'allOf'?: K8sSchema[];
  'not'?: K8sSchema;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string; fieldPath?: string; reason?: string }[];
}

interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  readonly namespaced: boolean;
  readonly schema: K8sSchema;
}

interface Catalog {
  /** `group/kind` → version → CRD version. */
  readonly byGroupKind: Map<string, Map<string, CrdVersion>>;
  /** lower-cased kind → `group/kind` keys. */
  readonly byKindLower: Map<string, string[]>;
  readonly groups: Set<string>;
}

let catalog: Catalog | undefined;

interface CrdSpec {
  readonly group: string;
  readonly scope: string;
  readonly names: { readonly kind: string };
  readonly versions: { readonly name: string; readonly served: boolean; readonly schema?: { readonly openAPIV3Schema?: K8sSchema } }[];
}

/** The `crds/` directory shipped with the package (lib/src/check → ../../../crds, src/check → ../../crds). */
export function crdDirectory(): string {
  const candidates = [path.resolve(__dirname, '..', '..', 'crds'), path.resolve(__dirname, '..', '..', '..', 'crds')];
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'istio-crds.yaml'))) return c;
  }
  return candidates[0];
}

function loadCatalog(): Catalog {
  if (catalog) return catalog;
  const byGroupKind = new Map<string, Map<string, CrdVersion>>();
  const byKindLower = new Map<string, string[]>();
  const groups = new Set<string>();
  const dir = crdDirectory();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  for (const f of files) {
    for (const doc of jsyaml.loadAll(fs.readFileSync(path.join(dir, f), 'utf8'))) {
      if (!isRecord(doc) || doc.kind !== 'CustomResourceDefinition') continue;
      const spec = doc.spec as CrdSpec;
      const key = `${spec.group}/${spec.names.kind}`;
      groups.add(spec.group);
      const versions = byGroupKind.get(key) ?? new Map<string, CrdVersion>();
      for (const v of spec.versions) {
        versions.set(v.name, {
          group: spec.group,
          version: v.name,
          kind: spec.names.kind,
          served: v.served !== false,
          namespaced: spec.scope !== 'Cluster',
          schema: v.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
        });
      }
      byGroupKind.set(key, versions);
      const lower = spec.names.kind.toLowerCase();
      const list = byKindLower.get(lower) ?? [];
      if (!list.includes(key)) list.push(key);
      byKindLower.set(lower, list);
    }
  }
  catalog = { byGroupKind, byKindLower, groups };
  return catalog;
}

// ---------------------------------------------------------------------------------------------------------------
// ajv: OpenAPI v3 value validations → JSON Schema

let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv({ allErrors: true, strict: false, verbose: true, unicodeRegExp: false, validateFormats: true, code: { optimize: false } });
  addFormats(a, ['ipv4', 'ipv6', 'byte', 'uri', 'email', 'uuid', 'hostname']);
  // k8s does not range-check numeric formats; unknown formats are ignored by the apiserver too.
  for (const f of ['int32', 'int64', 'float', 'double', 'password']) a.addFormat(f, true);
  a.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/);
  ajvInstance = a;
  return a;
}

const KNOWN_FORMATS = new Set(['ipv4', 'ipv6', 'byte', 'uri', 'email', 'uuid', 'hostname', 'int32', 'int64', 'float', 'double', 'password', 'date-time']);

function toJsonSchema(s: K8sSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const nullable = s.nullable === true;
  if (s['x-kubernetes-int-or-string']) {
    out.type = nullable ? ['integer', 'string', 'null'] : ['integer', 'string'];
  } else if (s.type) {
    out.type = nullable ? [s.type, 'null'] : s.type;
  }
  if (s.properties) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = toJsonSchema(v);
    out.properties = props;
  }
  if (isRecord(s.additionalProperties)) out.additionalProperties = toJsonSchema(s.additionalProperties as K8sSchema);
  if (s.items) out.items = toJsonSchema(s.items);
  if (s.required) out.required = s.required;
  if (s.enum) out.enum = nullable && !s.enum.includes(null) ? [...s.enum, null] : s.enum;
  if (s.pattern !== undefined) out.pattern = s.pattern;
  if (s.format !== undefined && KNOWN_FORMATS.has(s.format)) out.format = s.format;
  if (s.minimum !== undefined) out[s.exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'] = s.minimum;
  if (s.maximum !== undefined) out[s.exclusiveMaximum ? 'exclusiveMaximum' : 'maximum'] = s.maximum;
  for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf', 'uniqueItems'] as const) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  if (s.oneOf) out.oneOf = s.oneOf.map(toJsonSchema);
  if (s.anyOf) out.anyOf = s.anyOf.map(toJsonSchema);
  if (s.allOf) out.allOf = s.allOf.map(toJsonSchema);
  if (s.not) out.not = toJsonSchema(s.not);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// CEL

const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var']);
const STD_CEL_FUNCS = new Set([
  'size', 'has', 'all', 'exists', 'exists_one', 'filter', 'map', 'matches', 'startsWith', 'endsWith', 'contains',
  'duration', 'timestamp', 'int', 'uint', 'double', 'string', 'bool', 'bytes', 'dyn', 'type', 'getFullYear', 'getMonth',
  'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds',
]);

/** Kubernetes' escaping of property names in CEL (`namespace` → `__namespace__`, `a-b` → `a__dash__b`). */
export function escapeCelProperty(name: string): string | undefined {
  // called for every field of every value handed to CEL; the field names are few, so memoize
  if (escapeMemo.has(name)) return escapeMemo.get(name);
  const e = escapeCelPropertyUncached(name);
  if (escapeMemo.size < 10_000) escapeMemo.set(name, e);
  return e;
}

const escapeMemo = new Map<string, string | undefined>();

function escapeCelPropertyUncached(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  const escaped = name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(escaped) ? escaped : undefined;
}

interface CompiledRule {
  readonly rule: string;
  readonly message?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  readonly program: (bindings: { self: unknown }) => CelResult;
  readonly messageProgram?: (bindings: { self: unknown }) => CelResult;
}

/** CEL rules and list-type constraints along the schema, pruned to the subtrees that have any. */
interface CelNode {
  readonly schema: K8sSchema;
  readonly rules: CompiledRule[];
  readonly props?: Map<string, CelNode>;
  readonly items?: CelNode;
  readonly additional?: CelNode;
}

let envInstance: CelEnv | undefined;
function env(): CelEnv {
  envInstance ??= celEnv({ funcs: [...K8S_CEL_FUNCS] });
  return envInstance;
}

function skipReason(rule: string): string | undefined {
  if (/\boldSelf\b/.test(rule)) return 'transition rule (references oldSelf): needs the stored object, only evaluated on update';
  const stripped = rule.replace(/r?"""[\s\S]*?"""|r?'''[\s\S]*?'''|r?"(?:[^"\\]|\\.)*"|r?'(?:[^'\\]|\\.)*'/g, '""');
  for (const m of stripped.matchAll(/([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g)) {
    const name = m[1].split('.').pop() as string;
    if (!STD_CEL_FUNCS.has(name) && !K8S_CEL_FUNC_NAMES.has(name)) return `uses the function ${name}(), which this checker does not implement`;
  }
  return undefined;
}

interface Stats {
  total: number;
  evaluated: number;
  skipped: { rule: string; reason: string }[];
}

function compileCelTree(s: K8sSchema, stats: Stats): CelNode | undefined {
  const rules: CompiledRule[] = [];
  for (const v of s['x-kubernetes-validations'] ?? []) {
    stats.total++;
    const reason = skipReason(v.rule);
    if (reason) {
      stats.skipped.push({ rule: v.rule, reason });
      continue;
    }
    try {
      const program = plan(env(), parse(v.rule)) as CompiledRule['program'];
      let messageProgram: CompiledRule['messageProgram'];
      if (v.messageExpression) {
        try {
          messageProgram = plan(env(), parse(v.messageExpression)) as CompiledRule['program'];
        } catch {
          messageProgram = undefined;
        }
      }
      rules.push({ rule: v.rule, message: v.message, fieldPath: v.fieldPath, reason: v.reason, program, messageProgram });
      stats.evaluated++;
    } catch (e) {
      stats.skipped.push({ rule: v.rule, reason: `does not parse: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  let props: Map<string, CelNode> | undefined;
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const sub = compileCelTree(v, stats);
    if (sub) (props ??= new Map()).set(k, sub);
  }
  const items = s.items ? compileCelTree(s.items, stats) : undefined;
  const additional = isRecord(s.additionalProperties) ? compileCelTree(s.additionalProperties as K8sSchema, stats) : undefined;
  const listConstraint = s['x-kubernetes-list-type'] === 'set' || s['x-kubernetes-list-type'] === 'map';
  if (rules.length === 0 && !props && !items && !additional && !listConstraint) return undefined;
  return { schema: s, rules, props, items, additional };
}

/** Converts a JSON value to a CEL value typed by its schema: integers → int, objects → maps with escaped fields. */
function toCel(v: unknown, s: K8sSchema | undefined, memo: Map<object, unknown>): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    const isInt = s ? s.type === 'integer' || (s['x-kubernetes-int-or-string'] === true) || (s.type === undefined && Number.isInteger(v)) : Number.isInteger(v);
    return isInt && Number.isSafeInteger(v) ? BigInt(v) : v;
  }
  if (typeof v !== 'object') return v;
  const cached = memo.get(v as object);
  if (cached !== undefined) return cached;
  let out: unknown;
  if (Array.isArray(v)) {
    out = v.map((x) => toCel(x, s?.items, memo));
  } else {
    const m = new Map<string, unknown>();
    const rec = v as Record<string, unknown>;
    if (s?.properties) {
      for (const [k, x] of Object.entries(rec)) {
        const ps = s.properties[k];
        if (ps) {
          const ek = escapeCelProperty(k);
          if (ek !== undefined) m.set(ek, toCel(x, ps, memo));
        } else if (s['x-kubernetes-preserve-unknown-fields']) {
          const ek = escapeCelProperty(k);
          if (ek !== undefined) m.set(ek, toCel(x, undefined, memo));
        }
      }
    } else {
      const add = isRecord(s?.additionalProperties) ? (s?.additionalProperties as K8sSchema) : undefined;
      for (const [k, x] of Object.entries(rec)) m.set(k, toCel(x, add, memo));
    }
    out = m;
  }
  memo.set(v as object, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled kinds

interface CompiledKind {
  readonly crd: CrdVersion;
  /** The root schema without apiVersion/kind/metadata/status. */
  readonly root: K8sSchema;
  /** Spec-level value validations (metadata and status are handled separately). */
  readonly validate: ValidateFunction;
  readonly cel?: CelNode;
  readonly stats: Stats;
}

const compiled = new Map<string, CompiledKind>();

function compileKind(crd: CrdVersion): CompiledKind {
  const key = `${crd.group}/${crd.version}/${crd.kind}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const root = rootForValidation(crd.schema);
  const validate = ajv().compile(toJsonSchema(root));
  const stats: Stats = { total: 0, evaluated: 0, skipped: [] };
  const cel = compileCelTree(root, stats);
  const c: CompiledKind = { crd, root, validate, cel, stats };
  compiled.set(key, c);
  return c;
}

/** The CRD root schema with `metadata` (validated as ObjectMeta) and `status` (dropped on create) left out. */
function rootForValidation(s: K8sSchema): K8sSchema {
  const props = { ...(s.properties ?? {}) };
  delete props.apiVersion;
  delete props.kind;
  delete props.metadata;
  delete props.status;
  return { ...s, properties: props, required: (s.required ?? []).filter((r) => !['apiVersion', 'kind', 'metadata', 'status'].includes(r)) };
}

/** CEL rule counts per served (group, version, kind) of the vendored CRDs; compiles every kind. */
export function celRuleStats(): CelRuleStats[] {
  const out: CelRuleStats[] = [];
  for (const versions of loadCatalog().byGroupKind.values()) {
    for (const crd of versions.values()) {
      const stats: Stats = { total: 0, evaluated: 0, skipped: [] };
      if (crd.served) {
        const c = compileKind(crd);
        stats.total = c.stats.total;
        stats.evaluated = c.stats.evaluated;
        stats.skipped = [...c.stats.skipped];
      } else {
        stats.skipped = allRules(rootForValidation(crd.schema)).map((rule) => ({ rule, reason: 'version not served: the apiserver rejects the object before any rule runs (SCH-API-001)' }));
        stats.total = stats.skipped.length;
      }
      const status = crd.schema.properties?.status;
      if (status) {
        for (const rule of allRules(status)) {
          stats.total++;
          stats.skipped.push({ rule, reason: 'under status, which the apiserver ignores when the object is applied' });
        }
      }
      out.push({ group: crd.group, version: crd.version, kind: crd.kind, served: crd.served, ...stats });
    }
  }
  return out.sort((a, b) => `${a.group}/${a.kind}/${a.version}`.localeCompare(`${b.group}/${b.kind}/${b.version}`));
}

function allRules(s: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!isRecord(x)) return;
    for (const v of asValidations(x['x-kubernetes-validations'])) out.push(v);
    for (const v of Object.values(x)) walk(v);
  };
  walk(s);
  return out;
}

function asValidations(v: unknown): string[] {
  return Array.isArray(v) ? v.filter(isRecord).map((r) => String(r.rule)) : [];
}

/** True when the vendored CRDs define `kind` in `group` (any version). */
export function isKnownCrdKind(group: string, kind: string): boolean {
  return loadCatalog().byGroupKind.has(`${group}/${kind}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Paths and value descriptions

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function child(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENT.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * A path formatted only when an issue needs it (the walks below visit every node of every object; building each
 * node's path string eagerly cost more than the validation itself).
 */
type LazyPath = { readonly parent: LazyPath; readonly key: string | number } | null;

function pathOf(lp: LazyPath): string {
  return lp === null ? '' : child(pathOf(lp.parent), lp.key);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(truncate(v, 80))}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return `the number ${String(v)}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function show(v: unknown): string {
  return truncate(JSON.stringify(v) ?? String(v), 80);
}

function lastSegment(p: string): string {
  const idx = /(\[\d+\])*$/.exec(p)?.[0] ?? '';
  const head = p.slice(0, p.length - idx.length);
  const quoted = /\[("(?:[^"\\]|\\.)*")\]$/.exec(head);
  if (quoted) return `${JSON.parse(quoted[1])}${idx}`;
  const dot = head.lastIndexOf('.');
  return `${head.slice(dot + 1)}${idx}`;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Prune + null-prune + default (the apiserver's steps before validation)

function objectLike(s: K8sSchema): boolean {
  return s.type === 'object' || s.properties !== undefined || isRecord(s.additionalProperties);
}

const DEFAULTS = new WeakMap<K8sSchema, readonly (readonly [string, unknown])[]>();

/** The properties of `s` that have a `default`, in schema order (computed once per schema node). */
function defaultsOf(s: K8sSchema): readonly (readonly [string, unknown])[] {
  let d = DEFAULTS.get(s);
  if (!d) {
    const out: [string, unknown][] = [];
    if (s.properties) {
      for (const k in s.properties) {
        const v = s.properties[k].default;
        if (v !== undefined) out.push([k, v]);
      }
    }
    d = out;
    DEFAULTS.set(s, d);
  }
  return d;
}

/** Returns `v` itself when nothing is pruned or defaulted (no copy), else a pruned and defaulted copy. */
function prepare(v: unknown, s: K8sSchema, lp: LazyPath, issues: SchemaIssue[]): unknown {
  if (Array.isArray(v)) {
    const items = s.items;
    if (!items) return v;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      const y = x === null || typeof x !== 'object' ? x : prepare(x, items, { parent: lp, key: i }, issues);
      if (y !== x) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  if (!isRecord(v) || !objectLike(s)) return v;
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties && !isRecord(s.additionalProperties)) return v;
  let out: Record<string, unknown> | undefined;
  const additional = isRecord(s.additionalProperties) ? (s.additionalProperties as K8sSchema) : undefined;
  const keys = Object.keys(v);
  const drop = (i: number) => {
    if (!out) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = v[keys[j]];
    }
  };
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = v[k];
    const ps = s.properties?.[k] ?? additional;
    if (!ps) {
      if (s['x-kubernetes-preserve-unknown-fields']) {
        if (out) out[k] = x;
        continue;
      }
      const p = pathOf(lp);
      const cp = child(p, k);
      const known = Object.keys(s.properties ?? {});
      const guess = closest(k, known);
      issues.push({
        rule: SCHEMA_RULE_IDS.prune,
        severity: Severity.ERROR,
        path: cp,
        message: `unknown field ${k}: the apiserver drops it (or rejects the object with kubectl's strict validation), so it has no effect`,
        fix: guess
          ? `did you mean ${child(p, guess)}? otherwise remove ${k}`
          : known.length > 0
            ? `remove ${k}; the fields allowed here are ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`
            : `remove ${k}; this object takes no fields`,
      });
      drop(i);
      continue;
    }
    if (x === null && !ps.nullable) {
      const cp = child(pathOf(lp), k);
      issues.push({
        rule: SCHEMA_RULE_IDS.nullValue,
        severity: Severity.WARNING,
        path: cp,
        message: `${cp} is null, which the apiserver drops as if the field were not set`,
        fix: `give ${k} a value or remove the line (an empty "${k}:" in YAML is null)`,
      });
      drop(i);
      continue;
    }
    const y = x === null || typeof x !== 'object' ? x : prepare(x, ps, { parent: lp, key: k }, issues);
    if (y !== x) drop(i);
    if (out) out[k] = y;
  }
  for (const [k, d] of defaultsOf(s)) {
    if (!(k in (out ?? v))) {
      drop(keys.length);
      (out as Record<string, unknown>)[k] = structuredClone(d);
    }
  }
  return out ?? v;
}

// ---------------------------------------------------------------------------------------------------------------
// ajv errors → issues

function pointerToPath(pointer: string, root: unknown): { path: string; value: unknown } {
  if (pointer === '') return { path: '', value: root };
  let p = '';
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      p = child(p, Number(seg));
      cur = cur[Number(seg)];
    } else {
      p = child(p, seg);
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return { path: p, value: cur };
}

function requiredOf(branches: unknown): string[][] {
  if (!Array.isArray(branches)) return [];
  return branches.map((b) => (isRecord(b) && Array.isArray(b.required) ? (b.required as string[]) : [])).filter((r) => r.length > 0);
}

const TYPE_WORD: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean', object: 'an object', array: 'a list', null: 'null' };

function typeFix(value: unknown, expected: string[], field: string): string {
  if (typeof value === 'string' && expected.some((t) => t === 'integer' || t === 'number') && value.trim() !== '' && !isNaN(Number(value))) {
    return `write ${value} without quotes`;
  }
  if (typeof value === 'boolean' && expected.includes('string')) {
    return `quote the value ("${value}"); YAML 1.1 reads yes/no/on/off/y/n/true/false as booleans`;
  }
  if (typeof value === 'number' && expected.includes('string')) {
    return `quote the value ("${value}"); unquoted it is a number (YAML 1.1 reads 0777 as octal 511 and 1_000 as 1000)`;
  }
  if (expected.includes('array') && !Array.isArray(value)) return `make ${field} a list, e.g. ${field}: [${value === null ? '' : show(value)}]`;
  return `give ${field} ${expected.map((t) => TYPE_WORD[t] ?? t).join(' or ')}`;
}

function issueFromAjv(e: ErrorObject, data: unknown): SchemaIssue | undefined {
  const { path: p, value } = pointerToPath(e.instancePath, data);
  const field = lastSegment(p) || 'the object';
  const base = { rule: SCHEMA_RULE_IDS.oas, severity: Severity.ERROR };
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const rp = child(p, missing);
      return { ...base, path: rp, message: `${rp} is required but missing`, fix: `set ${missing}${p ? ` in ${p}` : ''}` };
    }
    case 'type': {
      const expected = String(params.type).split(',');
      return {
        ...base,
        path: p,
        message: `${p} is ${describe(value)}; it must be ${expected.map((t) => TYPE_WORD[t] ?? t).join(' or ')}`,
        fix: typeFix(value, expected, field),
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).filter((x) => x !== null);
      const ci = typeof value === 'string' ? allowed.find((a) => typeof a === 'string' && a.toLowerCase() === value.toLowerCase()) : undefined;
      return {
        ...base,
        path: p,
        message: `${p} is ${show(value)}; it must be one of ${allowed.map((a) => String(a)).join(', ')}`,
        fix: ci !== undefined ? `write ${String(ci)} (values are case-sensitive)` : `use one of ${allowed.map((a) => String(a)).join(', ')}`,
      };
    }
    case 'pattern':
      return { ...base, path: p, message: `${p} is ${show(value)}, which does not match the pattern ${String(params.pattern)}`, fix: `change ${field} to match ${String(params.pattern)}` };
    case 'format':
      return { ...base, path: p, message: `${p} is ${show(value)}, which is not a valid ${String(params.format)}`, fix: `give ${field} a valid ${String(params.format)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const cmp = String(params.comparison);
      return { ...base, path: p, message: `${p} is ${show(value)}; it must be ${cmp} ${String(params.limit)}`, fix: `use a value ${cmp} ${String(params.limit)}` };
    }
    case 'minLength':
    case 'maxLength': {
      const lim = Number(params.limit);
      const word = e.keyword === 'minLength' ? 'at least' : 'at most';
      return { ...base, path: p, message: `${p} is ${show(value)}; it must be ${word} ${lim} characters long`, fix: `use ${word} ${lim} characters` };
    }
    case 'minItems':
    case 'maxItems': {
      const lim = Number(params.limit);
      const word = e.keyword === 'minItems' ? 'at least' : 'at most';
      const n = Array.isArray(value) ? value.length : 0;
      return { ...base, path: p, message: `${p} has ${n} item${n === 1 ? '' : 's'}; it must have ${word} ${lim}`, fix: `give ${field} ${word} ${lim} item${lim === 1 ? '' : 's'}` };
    }
    case 'minProperties':
    case 'maxProperties': {
      const lim = Number(params.limit);
      const word = e.keyword === 'minProperties' ? 'at least' : 'at most';
      return { ...base, path: p, message: `${p} must have ${word} ${lim} field${lim === 1 ? '' : 's'}`, fix: `set ${word} ${lim} field${lim === 1 ? '' : 's'} in ${field}` };
    }
    case 'uniqueItems':
      return { ...base, path: p, message: `${p} has duplicate items (items ${String(params.j)} and ${String(params.i)})`, fix: `remove the duplicate from ${field}` };
    case 'multipleOf':
      return { ...base, path: p, message: `${p} is ${show(value)}; it must be a multiple of ${String(params.multipleOf)}`, fix: `use a multiple of ${String(params.multipleOf)}` };
    case 'oneOf': {
      const groups = requiredOf(e.schema);
      const names = groups.map((g) => g.join('+'));
      const optional = Array.isArray(e.schema) && (e.schema as unknown[]).some((b) => isRecord(b) && b.not !== undefined);
      const set = isRecord(value) ? groups.filter((g) => g.every((k) => k in (value as Record<string, unknown>))).map((g) => g.join('+')) : [];
      if (names.length > 0 && set.length > 1) {
        return { ...base, path: p, message: `${p || 'the object'} sets ${set.join(' and ')}, but only one of ${names.join(', ')} may be set`, fix: `keep one of ${set.join(', ')} and remove the others` };
      }
      if (names.length > 0) {
        return { ...base, path: p, message: `${p || 'the object'} must set ${optional ? 'at most' : 'exactly'} one of ${names.join(', ')}`, fix: `set one of ${names.join(', ')}` };
      }
      return { ...base, path: p, message: `${p || 'the object'} does not match exactly one of the allowed forms`, fix: 'check the field against the CRD reference' };
    }
    case 'anyOf': {
      const groups = requiredOf(e.schema);
      if (groups.length > 0) {
        const names = groups.map((g) => g.join('+'));
        return { ...base, path: p, message: `${p || 'the object'} must set at least one of ${names.join(', ')}`, fix: `set one of ${names.join(', ')}` };
      }
      return { ...base, path: p, message: `${p} is ${describe(value)}, which matches none of the allowed forms`, fix: 'check the field against the CRD reference' };
    }
    case 'not':
      return { ...base, path: p, message: `${p || 'the object'} uses a combination of fields that is not allowed`, fix: 'check the field against the CRD reference' };
    default:
      return { ...base, path: p, message: `${p || 'the object'} ${e.message ?? 'is invalid'}`, fix: 'check the field against the CRD reference' };
  }
}

function ajvIssues(errors: readonly ErrorObject[] | null | undefined, data: unknown): SchemaIssue[] {
  if (!errors) return [];
  const out: SchemaIssue[] = [];
  for (const e of errors) {
    // Errors inside failed oneOf/anyOf/not branches are explained by the combinator's own error.
    if (/\/(oneOf|anyOf|not)(\/|$)/.test(e.schemaPath.replace(/\/(oneOf|anyOf|not)$/, ''))) continue;
    const i = issueFromAjv(e, data);
    if (i) out.push(i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// CEL walk

function fieldPathToPath(base: string, fieldPath: string): string {
  let p = base;
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[(\d+)\]/g;
  for (const m of fieldPath.matchAll(re)) {
    if (m[1] !== undefined) p = child(p, m[1]);
    else if (m[2] !== undefined) p = child(p, m[2]);
    else if (m[3] !== undefined) p = child(p, m[3]);
    else p = child(p, Number(m[4]));
  }
  return p;
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

function celWalk(v: unknown, node: CelNode, lp: LazyPath, memo: Map<object, unknown>, issues: SchemaIssue[], oasPaths: readonly string[]): void {
  if (v === undefined || v === null) return;
  for (const r of node.rules) {
    let result: CelResult;
    try {
      result = r.program({ self: toCel(v, node.schema, memo) });
    } catch (e) {
      result = e as CelResult;
    }
    if (result === true) continue;
    const p = pathOf(lp);
    const at = r.fieldPath ? fieldPathToPath(p, r.fieldPath) : p;
    const where = at || 'the object';
    const rule = truncate(r.rule.replace(/\s+/g, ' '), 160);
    if (isCelError(result) || result instanceof Error) {
      // A value of the wrong type (already an SCH-OAS-001 finding) makes rules over it fail to evaluate: say it once.
      if (oasPaths.some((o) => o === p || o.startsWith(p === '' ? '' : `${p}.`) || o.startsWith(`${p}[`))) continue;
      issues.push({
        rule: SCHEMA_RULE_IDS.cel,
        severity: Severity.ERROR,
        path: at,
        message: `${lastSegment(at) || 'object'}: the CRD validation rule "${rule}" fails to evaluate (${(result as Error).message}); the apiserver rejects the object${r.message ? `: ${lowerFirst(r.message)}` : ''}`,
        fix: r.message ? `make ${where} satisfy: ${lowerFirst(r.message)}` : 'set the fields the rule reads, or fix their types',
      });
      continue;
    }
    let message = r.message ?? `failed rule: ${rule}`;
    if (r.messageProgram) {
      const m = r.messageProgram({ self: toCel(v, node.schema, memo) });
      if (typeof m === 'string' && m.trim() !== '') message = m;
    }
    issues.push({
      rule: SCHEMA_RULE_IDS.cel,
      severity: Severity.ERROR,
      path: at,
      message: `${lastSegment(at) || 'object'}: ${lowerFirst(message)}${r.reason && r.reason !== 'FieldValueInvalid' ? ` (${r.reason})` : ''}`,
      fix: `change ${where} so that the CRD rule holds: ${rule}`,
    });
  }
  const s = node.schema;
  if (Array.isArray(v)) {
    listTypeIssues(v, s, lp, issues);
    if (node.items) v.forEach((x, i) => celWalk(x, node.items as CelNode, { parent: lp, key: i }, memo, issues, oasPaths));
    return;
  }
  if (!isRecord(v)) return;
  if (node.props) {
    for (const [k, c] of node.props) if (k in v) celWalk(v[k], c, { parent: lp, key: k }, memo, issues, oasPaths);
  }
  if (node.additional) {
    for (const [k, x] of Object.entries(v)) {
      if (!(node.props?.has(k) || s.properties?.[k])) celWalk(x, node.additional, { parent: lp, key: k }, memo, issues, oasPaths);
    }
  }
}

function listTypeIssues(v: unknown[], s: K8sSchema, lp: LazyPath, issues: SchemaIssue[]): void {
  const type = s['x-kubernetes-list-type'];
  if (type !== 'set' && type !== 'map') return;
  const p = pathOf(lp);
  if (type === 'set') {
    const seen = new Map<string, number>();
    v.forEach((x, i) => {
      const k = JSON.stringify(x);
      const first = seen.get(k);
      if (first !== undefined) {
        issues.push({ rule: SCHEMA_RULE_IDS.oas, severity: Severity.ERROR, path: child(p, i), message: `${child(p, i)} duplicates ${child(p, first)} (${show(x)}); ${p} is a set`, fix: `remove the duplicate ${show(x)}` });
      } else {seen.set(k, i);}
    });
  } else if (type === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Map<string, number>();
    v.forEach((x, i) => {
      if (!isRecord(x)) return;
      const k = JSON.stringify(keys.map((key) => x[key] ?? s.items?.properties?.[key]?.default ?? null));
      const first = seen.get(k);
      if (first !== undefined) {
        const desc = keys.map((key) => `${key}=${show(x[key])}`).join(', ');
        issues.push({ rule: SCHEMA_RULE_IDS.oas, severity: Severity.ERROR, path: child(p, i), message: `${child(p, i)} has the same ${desc} as ${child(p, first)}; entries of ${p} must be unique by ${keys.join('+')}`, fix: `merge the two entries or change ${keys.join('/')}` });
      } else {seen.set(k, i);}
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ObjectMeta, names, apiVersion

const OBJECT_META_FIELDS = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields']);
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => l.length <= 63 && DNS1123_LABEL.test(l)) && s.length > 0;
}

function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

function suggestName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return n || 'my-name';
}

type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path' | 'none';

const CORE_NAME_RULES: Record<string, NameRule> = {
  Service: 'dns1035',
  Namespace: 'label',
  Role: 'path',
  ClusterRole: 'path',
  RoleBinding: 'path',
  ClusterRoleBinding: 'path',
  Pod: 'subdomain',
  Deployment: 'subdomain',
  StatefulSet: 'subdomain',
  DaemonSet: 'subdomain',
  ReplicaSet: 'subdomain',
  Job: 'subdomain',
  CronJob: 'subdomain',
  Secret: 'subdomain',
  ConfigMap: 'subdomain',
  ServiceAccount: 'subdomain',
  PodDisruptionBudget: 'subdomain',
  HorizontalPodAutoscaler: 'subdomain',
  Ingress: 'subdomain',
  NetworkPolicy: 'subdomain',
  Endpoints: 'subdomain',
  EndpointSlice: 'subdomain',
  PersistentVolumeClaim: 'subdomain',
  CustomResourceDefinition: 'subdomain',
};

function nameRuleFor(group: string, kind: string, isCrd: boolean): NameRule {
  // Istio Gateway names must be DNS labels: GW-NAME-001 checks that (stronger than a subdomain), not repeated here.
  if (group === 'networking.istio.io' && kind === 'Gateway') return 'none';
  if (isCrd) return 'subdomain';
  if (group === '' || group === 'apps' || group === 'batch' || group === 'policy' || group === 'autoscaling' || group.endsWith('.k8s.io')) {
    return CORE_NAME_RULES[kind] ?? 'none';
  }
  return 'none';
}

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'subdomain':
      return isDns1123Subdomain(name) ? undefined : 'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", starting and ending alphanumeric, at most 253 characters)';
    case 'label':
      return isDns1123Label(name) ? undefined : 'a DNS-1123 label (lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters)';
    case 'dns1035':
      return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined : 'a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, at most 63 characters)';
    case 'path':
      return name !== '.' && name !== '..' && !/[/%]/.test(name) ? undefined : 'a path segment (no "/" or "%", not "." or "..")';
    default:
      return undefined;
  }
}

function metaIssues(o: Record<string, unknown>, group: string, kind: string, isCrd: boolean, issues: SchemaIssue[]): void {
  const E = Severity.ERROR;
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'apiVersion', message: o.apiVersion === undefined ? 'apiVersion is missing' : `apiVersion is ${describe(o.apiVersion)}, not a group/version string`, fix: 'set apiVersion, e.g. networking.istio.io/v1' });
  }
  if (typeof o.kind !== 'string' || o.kind === '') {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'kind', message: o.kind === undefined ? 'kind is missing' : `kind is ${describe(o.kind)}, not a kind name`, fix: 'set kind, e.g. Gateway' });
  }
  const m = o.metadata;
  if (!isRecord(m)) {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata', message: m === undefined ? 'metadata is missing, so the object has no name' : `metadata is ${describe(m)}, not an object`, fix: 'add metadata with a name (and a namespace)' });
    return;
  }
  for (const k of Object.keys(m)) {
    if (OBJECT_META_FIELDS.has(k)) continue;
    const guess = closest(k, OBJECT_META_FIELDS);
    const cp = child('metadata', k);
    issues.push({ rule: SCHEMA_RULE_IDS.prune, severity: E, path: cp, message: `unknown field ${cp}: the apiserver drops it (or rejects the object with kubectl's strict validation)`, fix: guess ? `did you mean metadata.${guess}?` : `remove ${k}` });
  }
  const name = m.name;
  if (name === undefined || name === null || name === '') {
    if (typeof m.generateName !== 'string' || m.generateName === '') {
      issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata.name', message: 'metadata.name is missing', fix: 'set metadata.name (kubectl apply and GitOps tools need a fixed name)' });
    }
  } else if (typeof name !== 'string') {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata.name', message: `metadata.name is ${describe(name)}, not a string`, fix: `quote the name ("${String(name)}"); unquoted YAML reads it as a ${typeof name}` });
  } else {
    const problem = nameProblem(name, nameRuleFor(group, kind, isCrd));
    if (problem) {
      issues.push({ rule: SCHEMA_RULE_IDS.name, severity: E, path: 'metadata.name', message: `metadata.name ${show(name)} is not ${problem}`, fix: `rename it, e.g. ${suggestName(name)}` });
    }
  }
  const ns = m.namespace;
  if (ns !== undefined && ns !== null) {
    if (typeof ns !== 'string') {
      issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata.namespace', message: `metadata.namespace is ${describe(ns)}, not a string`, fix: `quote the namespace ("${String(ns)}")` });
    } else if (ns !== '' && !isDns1123Label(ns)) {
      issues.push({ rule: SCHEMA_RULE_IDS.name, severity: E, path: 'metadata.namespace', message: `metadata.namespace ${show(ns)} is not a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)`, fix: `use a valid namespace name, e.g. ${suggestName(ns).replace(/\./g, '-')}` });
    }
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = m[field];
    if (map === undefined || map === null) continue;
    const fp = `metadata.${field}`;
    if (!isRecord(map)) {
      issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: fp, message: `${fp} is ${describe(map)}; it must be a map of strings`, fix: `write ${field} as key: "value" lines` });
      continue;
    }
    let total = 0;
    for (const [k, v] of Object.entries(map)) {
      const kp = child(fp, k);
      if (typeof v !== 'string') {
        issues.push({
          rule: SCHEMA_RULE_IDS.labels,
          severity: E,
          path: kp,
          message: `${kp} is ${describe(v)}; ${field} values must be strings, so the apiserver rejects the object`,
          fix: v === null ? `quote an empty value ("") or remove ${k}` : `quote the value: ${k}: "${String(v)}" (YAML 1.1 reads yes/no/on/off as booleans, 1.0 and 0777 as numbers)`,
        });
        continue;
      }
      total += k.length + v.length;
      const keyProblem = labelKeyProblem(k);
      if (keyProblem) {
        issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: kp, message: `${field === 'labels' ? 'label' : 'annotation'} key ${show(k)} ${keyProblem}`, fix: 'use an optional DNS subdomain prefix and "/" followed by a name of at most 63 characters (alphanumerics, "-", "_", ".")' });
      }
      if (field === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: kp, message: `label value ${show(v)} of ${k} is not a valid label value (at most 63 alphanumerics, "-", "_", ".", starting and ending alphanumeric)`, fix: `use a value like ${suggestName(v).slice(0, 63) || 'v1'}, or move it to an annotation` });
      }
    }
    if (field === 'annotations' && total > 256 * 1024) {
      issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: fp, message: `metadata.annotations total ${total} bytes; the apiserver's limit is 262144`, fix: 'move large data to a ConfigMap' });
    }
  }
}

function labelKeyProblem(k: string): string | undefined {
  const slash = k.indexOf('/');
  const prefix = slash >= 0 ? k.slice(0, slash) : undefined;
  const name = slash >= 0 ? k.slice(slash + 1) : k;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return `has the prefix ${show(prefix)}, which is not a DNS-1123 subdomain`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return 'has an invalid name part (at most 63 alphanumerics, "-", "_", ".", starting and ending alphanumeric)';
  return undefined;
}

const CORE_GROUP_KINDS = new Set(['Service', 'Pod', 'Secret', 'ConfigMap', 'Namespace', 'ServiceAccount', 'Endpoints', 'List', 'PersistentVolumeClaim', 'Node', 'Event']);

function apiIssues(group: string, version: string, kind: string, apiVersion: string): { crd?: CrdVersion; issues: SchemaIssue[] } {
  const cat = loadCatalog();
  const versions = cat.byGroupKind.get(`${group}/${kind}`);
  const E = Severity.ERROR;
  if (versions) {
    const crd = versions.get(version);
    if (crd && crd.served) return { crd, issues: [] };
    const served = [...versions.values()].filter((v) => v.served).map((v) => v.version);
    const preferred = served[0] ?? '';
    return {
      issues: [{
        rule: SCHEMA_RULE_IDS.api,
        severity: E,
        path: 'apiVersion',
        message: crd ? `apiVersion ${apiVersion} is no longer served for ${kind}; served versions are ${served.join(', ')}` : `${kind} has no version ${version} in ${group}; served versions are ${served.join(', ')}`,
        fix: `use apiVersion: ${group}/${preferred}`,
      }],
    };
  }
  const candidates = cat.byKindLower.get(kind.toLowerCase()) ?? [];
  if (cat.groups.has(group)) {
    // A kind that does not exist in a known group: misspelt or wrong group.
    const inGroup = [...cat.byGroupKind.keys()].filter((k) => k.startsWith(`${group}/`)).map((k) => k.slice(group.length + 1));
    const exact = candidates.find((c) => c.startsWith(`${group}/`));
    const elsewhere = candidates.filter((c) => !c.startsWith(`${group}/`));
    let fix: string;
    if (exact) {fix = `write kind: ${exact.slice(group.length + 1)} (kinds are case-sensitive)`;} else if (elsewhere.length > 0) {fix = `${kind} is in ${elsewhere.map((c) => c.split('/')[0]).join(' or ')}; set apiVersion to ${elsewhere.map((c) => `${c.split('/')[0]}/${preferredVersion(c)}`).join(' or ')}`;} else {
      const guess = closest(kind, inGroup);
      fix = guess ? `did you mean kind: ${guess}?` : `use one of the kinds of ${group}: ${inGroup.join(', ')}`;
    }
    return { issues: [{ rule: SCHEMA_RULE_IDS.api, severity: E, path: 'kind', message: `${group} has no kind ${kind}`, fix }] };
  }
  if (group === '' && candidates.length > 0 && !CORE_GROUP_KINDS.has(kind)) {
    return {
      issues: [{
        rule: SCHEMA_RULE_IDS.api,
        severity: E,
        path: 'apiVersion',
        message: `apiVersion ${apiVersion} names the core group, which has no kind ${kind}`,
        fix: `set apiVersion to ${candidates.map((c) => `${c.split('/')[0]}/${preferredVersion(c)}`).join(' or ')}`,
      }],
    };
  }
  return { issues: [] };
}

function preferredVersion(groupKind: string): string {
  const versions = loadCatalog().byGroupKind.get(groupKind);
  if (!versions) return 'v1';
  const served = [...versions.values()].filter((v) => v.served);
  return (served.find((v) => v.version === 'v1') ?? served[0])?.version ?? 'v1';
}

// ---------------------------------------------------------------------------------------------------------------
// Entry point

const resultCache = new WeakMap<object, SchemaIssue[]>();
/** Top-level fields the apiserver handles itself (type meta, ObjectMeta, status subresource). */
const ENVELOPE = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/**
 * Everything the apiserver would reject (or silently drop) in one object: ObjectMeta and names for every object;
 * apiVersion, OpenAPI schema, unknown fields and CEL rules for kinds of the vendored CRDs. Never throws.
 * Results are cached per object identity (the object must not be mutated afterwards).
 */
export function validateManifest(obj: KubeObject): SchemaIssue[] {
  if (!isRecord(obj)) return [];
  const hit = resultCache.get(obj);
  if (hit) return hit;
  const issues: SchemaIssue[] = [];
  try {
    validateInto(obj, issues);
  } catch (e) {
    issues.push({ rule: SCHEMA_RULE_IDS.oas, severity: Severity.WARNING, path: '', message: `the schema check failed internally and was skipped: ${e instanceof Error ? e.message : String(e)}`, fix: 'report this with the manifest that triggers it' });
  }
  resultCache.set(obj, issues);
  return issues;
}

function validateInto(obj: Record<string, unknown>, issues: SchemaIssue[]): void {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const isCrd = isKnownCrdKind(group, kind);
  metaIssues(obj, group, kind, isCrd, issues);
  if (!apiVersion || !kind) return;
  const api = apiIssues(group, version, kind, apiVersion);
  for (const i of api.issues) issues.push(i);
  if (!api.crd) return;
  const c = compileKind(api.crd);
  const root = c.root;
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) if (!ENVELOPE.has(k)) body[k] = obj[k];
  const prepared = prepare(body, root, null, issues);
  const oas = c.validate(prepared) ? [] : ajvIssues(c.validate.errors, prepared);
  for (const i of oas) issues.push(i); // not push(...oas): unbounded on hostile input
  if (c.cel) celWalk(prepared, c.cel, null, new Map(), issues, oas.map((i) => i.path));
}
