/**
 * The apiserver's steps before validation: prune unknown fields (reported, SCH-PRUNE-001), drop nulls of
 * non-nullable fields (SCH-NULL-001), apply `default`s.
 */
import { Severity } from '../findings';
import { isRecord } from '../model';
import { LazyPath, child, closest, pathOf } from './paths';
import { K8sSchema, SCHEMA_RULE_IDS, SchemaIssue } from './types';

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
export function prepare(v: unknown, s: K8sSchema, lp: LazyPath, issues: SchemaIssue[]): unknown {
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
