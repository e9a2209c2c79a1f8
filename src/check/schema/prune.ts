/**
 * The apiserver's steps before validation: prune unknown fields (reported, SCH-PRUNE-001), drop nulls of
 * non-nullable fields (SCH-NULL-001), apply `default`s.
 */
import { Severity } from '../findings';
import { isRecord } from '../model';
import { KeyPath, child, closest, pathOf } from './paths';
import { K8sSchema, SCHEMA_RULE_IDS, SchemaIssue } from './types';

/**
 * A schema node as prepare() reads it, derived once per node and linked to its children on first use: prepare() visits
 * every node of every object, and re-deriving these from the schema (or a WeakMap lookup per node) was most of its time.
 */
export class PruneNode {
  readonly objectLike: boolean;
  /** x-kubernetes-preserve-unknown-fields without properties or additionalProperties: kept as is */
  readonly opaque: boolean;
  readonly preserveUnknown: boolean;
  /**
   * prepare() returns every value at this node as it is, with no issue: not an object node (or an opaque one), and
   * its items (if any) are inert too. prepare() skips such values without visiting them: a list of strings (hosts,
   * exportTo, …) is not walked element by element.
   */
  readonly inert: boolean;
  /** The properties that have a `default`, in schema order. */
  readonly defaults: readonly (readonly [string, unknown])[];
  private readonly additionalSchema?: K8sSchema;
  private readonly children = new Map<string, PruneNode>();
  private additionalNode?: PruneNode;
  private itemsNode?: PruneNode;

  constructor(readonly schema: K8sSchema) {
    this.additionalSchema = isRecord(schema.additionalProperties) ? (schema.additionalProperties as K8sSchema) : undefined;
    this.objectLike = schema.type === 'object' || schema.properties !== undefined || this.additionalSchema !== undefined;
    this.preserveUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;
    this.opaque = this.preserveUnknown && !schema.properties && !this.additionalSchema;
    const defaults: [string, unknown][] = [];
    const props = schema.properties ?? {};
    for (const k in props) {
      const d = props[k].default;
      if (d !== undefined) defaults.push([k, d]);
    }
    this.defaults = defaults;
    // the items chain is linked now (bounded by the schema's depth): inert depends on it
    this.inert = (!this.objectLike || this.opaque) && (this.items()?.inert ?? true);
  }

  /** The node of `items`, if any. */
  items(): PruneNode | undefined {
    if (!this.schema.items) return undefined;
    this.itemsNode ??= new PruneNode(this.schema.items);
    return this.itemsNode;
  }

  /** The node of property `k` (or of additionalProperties), undefined when `k` is unknown here. */
  child(k: string): PruneNode | undefined {
    const c = this.children.get(k);
    if (c) return c;
    const ps = this.schema.properties?.[k];
    if (ps) {
      // only the schema's own property names are cached: the keys of a map (additionalProperties) come from the input
      const n = new PruneNode(ps);
      this.children.set(k, n);
      return n;
    }
    if (!this.additionalSchema) return undefined;
    this.additionalNode ??= new PruneNode(this.additionalSchema);
    return this.additionalNode;
  }
}

/** A new object with the first `n` fields of `v` (the copy that prepare() returns once something changes). */
function copyFields(v: Record<string, unknown>, fields: readonly string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < n; j++) out[fields[j]] = v[fields[j]];
  return out;
}

/**
 * Returns `v` itself when nothing is pruned or defaulted (no copy), else a pruned and defaulted copy. `keys` is the
 * path of `v` (restored on return).
 */
export function prepare(v: unknown, node: PruneNode, keys: KeyPath, issues: SchemaIssue[]): unknown {
  if (Array.isArray(v)) {
    const items = node.items();
    if (!items || items.inert) return v;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null || typeof x !== 'object') continue;
      keys.push(i);
      const y = prepare(x, items, keys, issues);
      keys.pop();
      if (y !== x) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  if (!isRecord(v) || !node.objectLike || node.opaque) return v;
  const s = node.schema;
  let out: Record<string, unknown> | undefined;
  const fields = Object.keys(v);
  for (let i = 0; i < fields.length; i++) {
    const k = fields[i];
    const x = v[k];
    const c = node.child(k);
    if (!c) {
      if (node.preserveUnknown) {
        if (out) out[k] = x;
        continue;
      }
      const p = pathOf(keys);
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
      out ??= copyFields(v, fields, i);
      continue;
    }
    if (x === null && !c.schema.nullable) {
      const cp = child(pathOf(keys), k);
      issues.push({
        rule: SCHEMA_RULE_IDS.nullValue,
        severity: Severity.WARNING,
        path: cp,
        message: `${cp} is null, which the apiserver drops as if the field were not set`,
        fix: `give ${k} a value or remove the line (an empty "${k}:" in YAML is null)`,
      });
      out ??= copyFields(v, fields, i);
      continue;
    }
    let y = x;
    if (x !== null && typeof x === 'object' && !c.inert) {
      keys.push(k);
      y = prepare(x, c, keys, issues);
      keys.pop();
    }
    if (y !== x) out ??= copyFields(v, fields, i);
    if (out) out[k] = y;
  }
  const defaults = node.defaults;
  for (let j = 0; j < defaults.length; j++) {
    const [k, d] = defaults[j];
    if (!(k in (out ?? v))) {
      out ??= copyFields(v, fields, fields.length);
      out[k] = structuredClone(d);
    }
  }
  return out ?? v;
}
