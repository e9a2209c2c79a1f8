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
 * What a rule reads of `self` when it reads it only as `self.f` or `has(self.f)`: field → whether its value is read
 * (false: only tested with has()). See {@link selfReads}.
 */
export type SelfReads = ReadonlyMap<string, boolean>;

/**
 * The fields of `self` an expression (a @bufbuild/cel parse tree) reads, when `self` appears nowhere but as the
 * operand of a field selection and no other free variable appears (comprehension variables are bound): its result
 * then depends only on those fields. Undefined otherwise (`self` compared or iterated as a whole).
 */
export function selfReads(expr: unknown): Map<string, boolean> | undefined {
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
  return walk(expr, new Set()) && reads.size > 0 ? reads : undefined;
}

/** Longest key built (characters): a bigger value is evaluated, not keyed. */
const MAX_KEY = 2048;

/**
 * A text that is equal for two JSON values exactly when cel.ts converts them to the same CEL value under the same
 * schema: strings quoted, finite numbers in JavaScript's exact form, arrays and plain objects in their own order
 * (a CEL map keeps it). Undefined for anything it cannot tell apart exactly (-0, NaN, infinities, undefined, holes,
 * non-plain objects) or past `budget` characters.
 */
export function jsonKey(x: unknown, budget: number = MAX_KEY): string | undefined {
  const parts: string[] = [];
  let length = 0;
  const put = (s: string): boolean => {
    parts.push(s);
    length += s.length;
    return length <= budget;
  };
  const walk = (v: unknown): boolean => {
    if (v === null) return put('null');
    switch (typeof v) {
      case 'string':
        return put(JSON.stringify(v));
      case 'boolean':
        return put(v ? 'true' : 'false');
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0) && put(String(v));
      case 'object':
        break;
      default:
        return false;
    }
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if (!(i in v) || !put(i > 0 ? ',' : '') || !walk(v[i])) return false;
      return put(']');
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return false;
    if (!put('{')) return false;
    let first = true;
    for (const k of Object.keys(v as object)) {
      if (!put(`${first ? '' : ','}${JSON.stringify(k)}:`) || !walk((v as Record<string, unknown>)[k])) return false;
      first = false;
    }
    return put('}');
  };
  return walk(x) ? parts.join('') : undefined;
}

/**
 * The key of `self` = `v` (an object or array at schema node `s`) for a rule that reads `reads` of it (or all of it,
 * without `reads`): for each field read, its value's {@link jsonKey} (or only whether it is there, for a field only
 * tested with has()), in the rule's order.
 */
export function selfKey(v: unknown, s: K8sSchema, reads: SelfReads | undefined): string | undefined {
  if (!reads || !isRecord(v)) return jsonKey(v);
  const found = new Map<string, unknown>();
  for (const k of Object.keys(v)) {
    const f = celFieldName(k, s);
    if (f !== undefined && reads.has(f)) found.set(f, v[k]);
  }
  const parts: string[] = [];
  let length = 0;
  for (const [f, valueRead] of reads) {
    let part: string | undefined = '-';
    if (found.has(f)) {
      const x = found.get(f);
      // undefined is not JSON: whether CEL counts the field as there is left to the program
      part = x === undefined ? undefined : valueRead ? jsonKey(x, MAX_KEY - length) : '+';
    }
    if (part === undefined) return undefined;
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join('\n');
}

/** Entries per memo: hostile input cannot grow it without limit (beyond it, values are evaluated each time). */
const MAX_ENTRIES = 1024;
/** Lookups after which a memo whose values rarely repeat (fewer than 1 hit in 8) stops keying them. */
const TRIAL = 256;

/** One rule's results: scalars by value, other values by {@link selfKey}. */
export class ResultMemo {
  private readonly scalars = new Map<string | number | boolean, CelResult>();
  private readonly keyed = new Map<string, CelResult>();
  private lookups = 0;
  private hits = 0;

  /** The result for `v`, from the memo or from `evaluate()` (whose exceptions propagate, unmemoized). */
  result(v: unknown, s: K8sSchema, reads: SelfReads | undefined, evaluate: () => CelResult): CelResult {
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Object.is(v, -0))) {
      // a Map key tells every scalar apart but -0 from 0 (a double CEL value does); NaN is one value
      return this.lookup(this.scalars, v, evaluate);
    }
    if (this.lookups >= TRIAL && this.hits * 8 < this.lookups) return evaluate();
    const key = selfKey(v, s, reads);
    return key === undefined ? evaluate() : this.lookup(this.keyed, key, evaluate);
  }

  private lookup<K>(m: Map<K, CelResult>, key: K, evaluate: () => CelResult): CelResult {
    this.lookups++;
    const hit = m.get(key);
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    const result = evaluate();
    if (m.size < MAX_ENTRIES && result !== undefined) m.set(key, result);
    return result;
  }
}
