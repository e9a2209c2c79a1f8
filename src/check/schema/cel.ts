/**
 * The CRDs' `x-kubernetes-validations` CEL rules (@bufbuild/cel + the Kubernetes CEL library of ../cel-k8s.ts):
 * compiled per schema node, evaluated where the node exists in the object (SCH-CEL-001), plus the list-type
 * constraints (`x-kubernetes-list-type: set|map`) walked along the same tree.
 */
import type { CelEnv, CelResult } from '@bufbuild/cel';
import { Severity } from '../findings';
import { isRecord } from '../model';
import { celFieldName } from './cel-fields';
import { Evaluator, ResultMemo, SelfReads, selfReads } from './cel-memo';
import { parsedCel } from './cel-parsed';
import { CelRuntime, celRuntime } from './cel-runtime';
import { KeyPath, child, lastSegment, pathOf, show, truncate } from './paths';
import { K8sSchema, SCHEMA_RULE_IDS, SchemaIssue } from './types';

export { escapeCelProperty } from './cel-fields';

const STD_CEL_FUNCS = new Set([
  'size', 'has', 'all', 'exists', 'exists_one', 'filter', 'map', 'matches', 'startsWith', 'endsWith', 'contains',
  'duration', 'timestamp', 'int', 'uint', 'double', 'string', 'bool', 'bytes', 'dyn', 'type', 'getFullYear', 'getMonth',
  'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds',
]);

/**
 * A rule's programs, or why it is not evaluated. `reads`: the fields of `self` the rule reads, when it reads nothing
 * else of it (cel-memo.ts).
 */
type Planned = PlannedRule | { readonly skip: string };

type Program = (bindings: { self: unknown }) => CelResult;

/**
 * One `x-kubernetes-validations` entry, planned on its first evaluation: a check parses only the rules of the schema
 * nodes its objects reach (parsing every rule of a kind with cel's PEG parser was most of a small `check`), and a
 * check that reaches no rule never loads @bufbuild/cel.
 */
export class CompiledRule {
  private planned?: Planned;
  /** Results by value of `self` (cel-memo.ts) */
  private readonly results = new ResultMemo();

  constructor(private readonly validation: CelValidation) {}

  get rule(): string { return this.validation.rule; }
  get message(): string | undefined { return this.validation.message; }
  get fieldPath(): string | undefined { return this.validation.fieldPath; }
  get reason(): string | undefined { return this.validation.reason; }

  /** The programs, or the reason the rule is skipped (an unsupported function, oldSelf, a parse error). */
  plan(): Planned {
    this.planned ??= planRule(this.validation);
    return this.planned;
  }

  /**
   * The rule's result for `v`, the value at this rule's schema node `s` (`memo`: the object's toCel memo). Most
   * evaluations of a big input repeat a value already seen at the node: its result is reused (cel-memo.ts).
   */
  evaluate(planned: PlannedRule, v: unknown, s: K8sSchema, memo: CelMemo): CelResult {
    return this.results.result(v, s, planned.reads, planned, memo);
  }
}

/** The program of a planned rule, as the rule's {@link ResultMemo} runs it (an object per rule, not a closure per call). */
class PlannedRule implements Evaluator<CelMemo> {
  /** (tells a plan from a skip) */
  readonly skip: undefined = undefined;

  constructor(readonly program: Program, readonly messageProgram: Program | undefined, readonly reads: SelfReads | undefined) {}

  evaluate(v: unknown, s: K8sSchema, memo: CelMemo): CelResult {
    return this.program({ self: toCel(v, s, memo) });
  }
}

type CelValidation = NonNullable<K8sSchema['x-kubernetes-validations']>[number];

function planRule(v: CelValidation): Planned {
  const reason = skipReason(v.rule);
  if (reason) return { skip: reason };
  try {
    const { plan, parse } = cel();
    // the build-time tree when there is one (cel-parsed.ts): parse()'s tree, without running the parser
    const parsed = parsedCel(v.rule) ?? parse(v.rule);
    // parsedCel() gives the expression, parse() a ParsedExpr around it
    const reads = selfReads('expr' in parsed ? parsed.expr : parsed);
    const program = plan(env(), parsed) as Program;
    let messageProgram: Program | undefined;
    if (v.messageExpression) {
      try {
        messageProgram = plan(env(), parsedCel(v.messageExpression) ?? parse(v.messageExpression)) as Program;
      } catch {
        messageProgram = undefined;
      }
    }
    return new PlannedRule(program, messageProgram, reads);
  } catch (e) {
    return { skip: `does not parse: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** CEL rules and list-type constraints along the schema, pruned to the subtrees that have any. */
export interface CelNode {
  readonly schema: K8sSchema;
  readonly rules: CompiledRule[];
  readonly props?: Map<string, CelNode>;
  /** `props` as two arrays, in the same order: celWalk runs through them for every object (no Map iterator) */
  readonly propKeys?: readonly string[];
  readonly propNodes?: readonly CelNode[];
  readonly items?: CelNode;
  readonly additional?: CelNode;
}

/**
 * @bufbuild/cel and the Kubernetes CEL library (cel-runtime.ts), loaded when the first rule is planned (on its first
 * evaluation): a check whose objects reach no CEL rule (core objects, cert-manager) does not pay their start-up.
 */
function cel(): CelRuntime {
  return celRuntime();
}

let envInstance: CelEnv | undefined;
function env(): CelEnv {
  envInstance ??= cel().celEnv({ funcs: [...cel().K8S_CEL_FUNCS] });
  return envInstance;
}

function skipReason(rule: string): string | undefined {
  if (/\boldSelf\b/.test(rule)) return 'transition rule (references oldSelf): needs the stored object, only evaluated on update';
  const stripped = rule.replace(/r?"""[\s\S]*?"""|r?'''[\s\S]*?'''|r?"(?:[^"\\]|\\.)*"|r?'(?:[^'\\]|\\.)*'/g, '""');
  for (const m of stripped.matchAll(/([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g)) {
    const name = m[1].split('.').pop() as string;
    if (!STD_CEL_FUNCS.has(name) && !cel().K8S_CEL_FUNC_NAMES.has(name)) return `uses the function ${name}(), which this checker does not implement`;
  }
  return undefined;
}

export interface Stats {
  total: number;
  evaluated: number;
  skipped: { rule: string; reason: string }[];
}

/** The CEL tree of a schema (rules planned lazily, see {@link CompiledRule}). */
export function compileCelTree(s: K8sSchema): CelNode | undefined {
  const rules = (s['x-kubernetes-validations'] ?? []).map((v) => new CompiledRule(v));
  let props: Map<string, CelNode> | undefined;
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const sub = compileCelTree(v);
    if (sub) (props ??= new Map()).set(k, sub);
  }
  const items = s.items ? compileCelTree(s.items) : undefined;
  const additional = isRecord(s.additionalProperties) ? compileCelTree(s.additionalProperties as K8sSchema) : undefined;
  const listConstraint = s['x-kubernetes-list-type'] === 'set' || s['x-kubernetes-list-type'] === 'map';
  if (rules.length === 0 && !props && !items && !additional && !listConstraint) return undefined;
  return { schema: s, rules, props, propKeys: props && [...props.keys()], propNodes: props && [...props.values()], items, additional };
}

/** Counts the rules of a CEL tree as evaluated or skipped, in schema order (plans every rule). */
export function celTreeStats(node: CelNode | undefined, stats: Stats): void {
  if (!node) return;
  for (const r of node.rules) {
    stats.total++;
    const p = r.plan();
    if (p.skip !== undefined) stats.skipped.push({ rule: r.rule, reason: p.skip });
    else stats.evaluated++;
  }
  for (const c of node.props?.values() ?? []) celTreeStats(c, stats);
  celTreeStats(node.items, stats);
  celTreeStats(node.additional, stats);
}

/**
 * One object's converted values, by identity and the schema node they were converted for: a YAML alias puts the same
 * value under two nodes, and each gets its own conversion, as in the apiserver's JSON (where aliases are copies), so
 * that a conversion is a function of the value and its node alone (cel-memo.ts relies on it).
 */
export type CelMemo = Map<object, { readonly schema: K8sSchema | undefined; readonly value: unknown }>;

/** Converts a JSON value to a CEL value typed by its schema: integers → int, objects → maps with escaped fields. */
function toCel(v: unknown, s: K8sSchema | undefined, memo: CelMemo): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    const isInt = s ? s.type === 'integer' || (s['x-kubernetes-int-or-string'] === true) || (s.type === undefined && Number.isInteger(v)) : Number.isInteger(v);
    return isInt && Number.isSafeInteger(v) ? BigInt(v) : v;
  }
  if (typeof v !== 'object') return v;
  const cached = memo.get(v);
  if (cached !== undefined && cached.schema === s) return cached.value;
  let out: unknown;
  if (Array.isArray(v)) {
    out = v.map((x) => toCel(x, s?.items, memo));
  } else {
    const m = new Map<string, unknown>();
    const rec = v as Record<string, unknown>;
    const add = s?.properties ? undefined : isRecord(s?.additionalProperties) ? (s?.additionalProperties as K8sSchema) : undefined;
    for (const [k, x] of Object.entries(rec)) {
      const ek = celFieldName(k, s);
      if (ek !== undefined) m.set(ek, toCel(x, s?.properties ? s.properties[k] : add, memo));
    }
    out = m;
  }
  if (cached === undefined) memo.set(v, { schema: s, value: out });
  return out;
}


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

export function celWalk(
  v: unknown, node: CelNode, keys: KeyPath, memo: CelMemo, issues: SchemaIssue[], oasPaths: readonly string[],
): void {
  if (v === undefined || v === null) return;
  const rules = node.rules;
  for (let ri = 0; ri < rules.length; ri++) {
    const r = rules[ri];
    const planned = r.plan();
    if (planned.skip !== undefined) continue;
    let result: CelResult;
    try {
      result = r.evaluate(planned, v, node.schema, memo);
    } catch (e) {
      result = e as CelResult;
    }
    if (result === true) continue;
    const p = pathOf(keys);
    const at = r.fieldPath ? fieldPathToPath(p, r.fieldPath) : p;
    const where = at || 'the object';
    const rule = truncate(r.rule.replace(/\s+/g, ' '), 160);
    if (result instanceof Error || cel().isCelError(result)) {
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
    if (planned.messageProgram) {
      const m = planned.messageProgram({ self: toCel(v, node.schema, memo) });
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
    listTypeIssues(v, s, keys, issues);
    const items = node.items;
    if (items) {
      for (let i = 0; i < v.length; i++) {
        keys.push(i);
        celWalk(v[i], items, keys, memo, issues, oasPaths);
        keys.pop();
      }
    }
    return;
  }
  if (!isRecord(v)) return;
  const propKeys = node.propKeys;
  if (propKeys && node.propNodes) {
    for (let i = 0; i < propKeys.length; i++) {
      const k = propKeys[i];
      if (!(k in v)) continue;
      keys.push(k);
      celWalk(v[k], node.propNodes[i], keys, memo, issues, oasPaths);
      keys.pop();
    }
  }
  if (node.additional) {
    for (const [k, x] of Object.entries(v)) {
      if (node.props?.has(k) || s.properties?.[k]) continue;
      keys.push(k);
      celWalk(x, node.additional, keys, memo, issues, oasPaths);
      keys.pop();
    }
  }
}

function listTypeIssues(v: unknown[], s: K8sSchema, at: KeyPath, issues: SchemaIssue[]): void {
  const type = s['x-kubernetes-list-type'];
  if (type !== 'set' && type !== 'map') return;
  let path: string | undefined; // formatted for an issue only
  if (type === 'set') {
    const seen = new Map<string, number>();
    v.forEach((x, i) => {
      const k = JSON.stringify(x);
      const first = seen.get(k);
      if (first !== undefined) {
        const p = (path ??= pathOf(at));
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
        const p = (path ??= pathOf(at));
        const desc = keys.map((key) => `${key}=${show(x[key])}`).join(', ');
        issues.push({ rule: SCHEMA_RULE_IDS.oas, severity: Severity.ERROR, path: child(p, i), message: `${child(p, i)} has the same ${desc} as ${child(p, first)}; entries of ${p} must be unique by ${keys.join('+')}`, fix: `merge the two entries or change ${keys.join('/')}` });
      } else {seen.set(k, i);}
    });
  }
}
