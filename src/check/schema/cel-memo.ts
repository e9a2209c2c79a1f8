/**
 * CEL rule results reused across equal values (cel.ts: CompiledRule.evaluate). A rule's program is a pure function
 * of `self` (its only binding; the Kubernetes library is pure), and a big input repeats the same values at a rule's
 * schema node: port lists, durations, a ServiceEntry's `resolution`, a TLS block's set of fields. A key stands for
 * the CEL value the program would see (cel.ts's toCel of the same JSON under the same schema node), so a result
 * found under a key is the result; a value whose key could not tell it from a different one gets no key and is
 * evaluated. Only results are shared, never the converted values.
 */
import type { CelResult } from '@bufbuild/cel';
import { isRecord } from '../model';
import { celFieldName } from './cel-fields';
import { K8sSchema } from './types';

/**
 * What a rule reads of `self` when it reads it only as `self.f` or `has(self.f)`: the fields, and for each whether
 * its value is read (false: only tested with has()). See {@link selfReads}.
 */
export interface SelfReads {
  readonly fields: readonly string[];
  readonly valueRead: readonly boolean[];
}

/**
 * The fields of `self` an expression (a @bufbuild/cel parse tree) reads, when `self` appears nowhere but as the
 * operand of a field selection and no other free variable appears (comprehension variables are bound): its result
 * then depends only on those fields. Undefined otherwise (`self` compared or iterated as a whole).
 */
export function selfReads(expr: unknown): SelfReads | undefined {
  const reads = new Map<string, boolean>();
  const walk = (e: unknown, bound: ReadonlySet<string>): boolean => {
    if (!isRecord(e) || !isRecord(e.exprKind) || !isRecord(e.exprKind.value)) return false;
    const x = e.exprKind.value;
    switch (e.exprKind.case) {
      case 'constExpr':
        return true;
      case 'identExpr':
        return typeof x.name === 'string' && bound.has(x.name);
      case 'selectExpr': {
        if (typeof x.field !== 'string') return false;
        const op = x.operand;
        if (isRecord(op) && isRecord(op.exprKind) && op.exprKind.case === 'identExpr' && isRecord(op.exprKind.value)
          && op.exprKind.value.name === 'self' && !bound.has('self')) {
          reads.set(x.field, reads.get(x.field) === true || x.testOnly !== true);
          return true;
        }
        return walk(op, bound);
      }
      case 'callExpr':
        return (x.target === undefined || walk(x.target, bound)) && Array.isArray(x.args) && x.args.every((a) => walk(a, bound));
      case 'listExpr':
        return Array.isArray(x.elements) && x.elements.every((a) => walk(a, bound));
      case 'comprehensionExpr': {
        const inner = new Set(bound);
        for (const v of [x.iterVar, x.iterVar2, x.accuVar]) if (typeof v === 'string' && v !== '') inner.add(v);
        return walk(x.iterRange, bound) && walk(x.accuInit, bound)
          && walk(x.loopCondition, inner) && walk(x.loopStep, inner) && walk(x.result, inner);
      }
      default:
        return false;
    }
  };
  return walk(expr, new Set()) && reads.size > 0 ? { fields: [...reads.keys()], valueRead: [...reads.values()] } : undefined;
}

/** Longest key built (characters): a bigger value is evaluated, not keyed (bounds a memo to 1024 × 512 characters). */
const MAX_KEY = 512;

/**
 * A text that is equal for two JSON values exactly when cel.ts converts them to the same CEL value under the same
 * schema: strings quoted, finite numbers in JavaScript's exact form, arrays and plain objects in their own order
 * (a CEL map keeps it). Undefined for anything it cannot tell apart exactly (-0, NaN, infinities, undefined, holes,
 * non-plain objects) or past `budget` characters.
 */
export function jsonKey(v: unknown, budget: number = MAX_KEY): string | undefined {
  // string concatenation, no intermediate arrays: this runs for most CEL evaluations of a big input
  let out: string;
  if (v === null) {
    out = 'null';
  } else if (typeof v === 'string') {
    out = JSON.stringify(v);
  } else if (typeof v === 'boolean') {
    out = v ? 'true' : 'false';
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) return undefined;
    out = String(v);
  } else if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length; i++) {
      const e = i in v ? jsonKey(v[i], budget - out.length - 1) : undefined;
      if (e === undefined) return undefined;
      out += i > 0 ? `,${e}` : e;
    }
    out += ']';
  } else if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    out = '{';
    for (const k of Object.keys(v)) {
      const e = jsonKey((v as Record<string, unknown>)[k], budget - out.length - k.length - 4);
      if (e === undefined) return undefined;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${e}`;
    }
    out += '}';
  } else {
    return undefined;
  }
  return out.length <= budget ? out : undefined;
}

/**
 * The key of `self` = `v` (an object or array at schema node `s`) for a rule that reads `reads` of it (or all of it,
 * without `reads`): for each field read, its value's {@link jsonKey} (or only whether it is there, for a field only
 * tested with has()), in the rule's order.
 */
export function selfKey(v: unknown, s: K8sSchema, reads: SelfReads | undefined, fieldIndex?: FieldIndex): string | undefined {
  if (!reads || !isRecord(v)) return jsonKey(v);
  const fields = reads.fields;
  const found: unknown[] = [];
  for (const k of Object.keys(v)) {
    let i = fieldIndex?.get(k);
    if (i === undefined) {
      const f = celFieldName(k, s);
      i = f === undefined ? -1 : fields.indexOf(f);
      if (fieldIndex && fieldIndex.size < MAX_ENTRIES) fieldIndex.set(k, i);
    }
    if (i < 0) continue;
    // undefined is not JSON: whether CEL counts the field as there is left to the program
    if (v[k] === undefined) return undefined;
    found[i] = v[k];
  }
  let key = '';
  for (let i = 0; i < fields.length; i++) {
    const x = found[i];
    const part = x === undefined ? '-' : reads.valueRead[i] ? jsonKey(x, MAX_KEY - key.length) : '+';
    if (part === undefined) return undefined;
    key += `${part}\n`;
  }
  return key;
}

/**
 * A JSON field name → the index of its CEL name in a rule's {@link SelfReads} fields (-1: not read), for one schema
 * node: {@link selfKey} looks at every field of every keyed value, and the names repeat.
 */
export type FieldIndex = Map<string, number>;

/** Entries per memo: hostile input cannot grow it without limit (beyond it, values are evaluated each time). */
const MAX_ENTRIES = 1024;
/** Lookups after which a memo whose values rarely repeat (fewer than 1 hit in 8) stops keying them. */
const TRIAL = 256;

/** What a {@link ResultMemo} asks for a result it does not hold: the rule's program run on `v` at schema node `s`. */
export interface Evaluator<M> {
  evaluate(v: unknown, s: K8sSchema, memo: M): CelResult;
}

/** One rule's results: scalars by value, other values by {@link selfKey}. */
export class ResultMemo {
  private readonly scalars = new Map<string | number | boolean, CelResult>();
  private readonly keyed = new Map<string, CelResult>();
  /** for selfKey(): a memo serves one rule at one schema node, so a field's index depends on its name alone */
  private readonly fieldIndex: FieldIndex = new Map();
  private lookups = 0;
  private hits = 0;

  /**
   * The result for `v`, from the memo or from `e.evaluate(v, s, memo)` (whose exceptions propagate, unmemoized). An
   * evaluator object and its argument rather than a closure: this runs for most CEL evaluations of a big input.
   */
  result<M>(v: unknown, s: K8sSchema, reads: SelfReads | undefined, e: Evaluator<M>, memo: M): CelResult {
    if ((typeof v === 'string' && v.length <= MAX_KEY) || typeof v === 'boolean' || (typeof v === 'number' && !Object.is(v, -0))) {
      // a Map key tells every scalar apart but -0 from 0 (a double CEL value does); NaN is one value
      return this.lookup(this.scalars, v, s, e, memo);
    }
    if (typeof v === 'string') return e.evaluate(v, s, memo);
    if (this.lookups >= TRIAL && this.hits * 8 < this.lookups) return e.evaluate(v, s, memo);
    const key = selfKey(v, s, reads, this.fieldIndex);
    return key === undefined ? e.evaluate(v, s, memo) : this.lookup(this.keyed, key, s, e, memo, v);
  }

  /** `v` is the value keyed by `key` (a scalar is its own key). */
  private lookup<K, M>(m: Map<K, CelResult>, key: K, s: K8sSchema, e: Evaluator<M>, memo: M, v: unknown = key): CelResult {
    this.lookups++;
    const hit = m.get(key);
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    const result = e.evaluate(v, s, memo);
    if (m.size < MAX_ENTRIES && result !== undefined) m.set(key, result);
    return result;
  }
}
