/**
 * How object fields are named in CEL: Kubernetes' escaping of property names, and which fields of an object a CEL
 * map holds (cel.ts converts values with it, cel-memo.ts keys results with it: both must agree).
 */
import { K8sSchema } from './types';

const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var']);

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

/**
 * The CEL map key of the field `k` of an object at schema node `s`, or undefined when CEL does not see it: declared
 * properties and preserved unknown fields escaped, the keys of a map (additionalProperties) as they are.
 */
export function celFieldName(k: string, s: K8sSchema | undefined): string | undefined {
  if (!s?.properties) return k;
  return s.properties[k] || s['x-kubernetes-preserve-unknown-fields'] ? escapeCelProperty(k) : undefined;
}
