/**
 * Plain manifest objects as the checker sees them (from synth or from YAML), and small typed readers.
 * Manifests are untrusted input: every reader tolerates missing or wrongly typed fields.
 */

/** A Kubernetes object as parsed from YAML/JSON. Fields are unknown until read through the helpers below. */
export interface KubeObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: unknown;
  readonly spec?: unknown;
  readonly [key: string]: unknown;
}

/** Where a manifest came from: a file and document index (CLI), or a construct path (synth). */
export interface SourceRef {
  readonly file?: string;
  readonly line?: number;
  readonly constructPath?: string;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asRecord(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

/**
 * One shared empty list for absent or non-list fields: rules read optional lists in hot loops, and the readers never
 * hand out a list to be mutated (frozen, so a mistake throws instead of corrupting every later read).
 */
const NONE: readonly never[] = Object.freeze([]);

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : (NONE as never[]);
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

/** Strings of a string map (labels, selectors); non-string values are dropped. */
export function asStringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const k of Object.keys(v)) {
    const val = v[k];
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

export function asStringArray(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) return NONE as never[];
  return v.filter((x): x is string => typeof x === 'string');
}

/** The metadata fields the checker reads (labels and annotations as {@link stringMap} gives them: read only). */
export interface Meta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly creationTimestamp?: string;
}

/** Labels or annotations of an object that has none: shared (most Istio objects carry neither), frozen. */
export const NO_STRINGS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * {@link asStringMap} without the copy when the map is already one: a plain object whose values are all strings (as
 * nearly every `labels` and `annotations` of a manifest is) is returned as it is. The readers never modify it.
 */
export function stringMap(v: unknown): Record<string, string> {
  if (!isRecord(v) || Object.getPrototypeOf(v) !== Object.prototype) return asStringMap(v);
  for (const k in v) {
    // a `__proto__` key the YAML loader kept as an own property is one asStringMap drops
    if (typeof v[k] !== 'string' || k === '__proto__') return asStringMap(v);
  }
  return v as Record<string, string>;
}

export function meta(o: KubeObject): Meta {
  const m = asRecord(o.metadata);
  return {
    name: asString(m.name) ?? '',
    namespace: asString(m.namespace),
    labels: m.labels === undefined ? NO_STRINGS : stringMap(m.labels),
    annotations: m.annotations === undefined ? NO_STRINGS : stringMap(m.annotations),
    creationTimestamp: asString(m.creationTimestamp),
  };
}

/** `group` of an apiVersion (`networking.istio.io/v1` → `networking.istio.io`, `v1` → ``). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** True when every key/value of `selector` is in `labels`. An empty selector matches everything. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k of Object.keys(selector)) {
    if (labels[k] !== selector[k]) return false;
  }
  return true;
}
