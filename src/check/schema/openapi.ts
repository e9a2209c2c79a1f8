/**
 * OpenAPI v3 (Kubernetes structural schema) → JSON Schema for ajv: the value validations the apiserver runs
 * (types, enums, patterns, formats, bounds, combinators). Pruning and defaults are in prune.ts, CEL in cel.ts.
 */
import type Ajv from 'ajv';
import type { Options } from 'ajv';
import { isRecord } from '../model';
import { K8sSchema } from './types';

let ajvInstance: Ajv | undefined;

/** The ajv options of the schema checks (shared with the build-time precompilation in precompiled.ts). */
// inlineRefs: false keeps the `$defs` of validationSchema() functions of their own (see there)
export const AJV_OPTIONS: Options = {
  allErrors: true, strict: false, verbose: true, unicodeRegExp: false, validateFormats: true, code: { optimize: false }, inlineRefs: false,
};
/** Formats taken from ajv-formats (its `full` mode). */
export const AJV_FORMATS_FULL = ['ipv4', 'ipv6', 'byte', 'uri', 'email', 'uuid', 'hostname'] as const;
/** k8s does not range-check numeric formats; unknown formats are ignored by the apiserver too. */
export const AJV_FORMATS_ANY = ['int32', 'int64', 'float', 'double', 'password'] as const;
/** The apiserver's date-time (RFC 3339, lenient separator). */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** Adds the formats the apiserver knows to `a`. */
export function addK8sFormats(a: Ajv): Ajv {
  // loaded on first use: a check whose kinds are all precompiled (precompiled.ts) never loads the ajv compiler
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  addFormats(a, [...AJV_FORMATS_FULL]);
  for (const f of AJV_FORMATS_ANY) a.addFormat(f, true);
  a.addFormat('date-time', DATE_TIME);
  return a;
}

/** The shared ajv instance, configured like the apiserver (formats it knows, others ignored). */
export function ajv(): Ajv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  ajvInstance ??= addK8sFormats(new AjvClass(AJV_OPTIONS));
  return ajvInstance;
}

const KNOWN_FORMATS = new Set(['ipv4', 'ipv6', 'byte', 'uri', 'email', 'uuid', 'hostname', 'int32', 'int64', 'float', 'double', 'password', 'date-time']);

/** The JSON Schema of a structural schema node (nullable → type list; x-kubernetes-int-or-string → integer|string). */
export function toJsonSchema(s: K8sSchema): Record<string, unknown> {
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

/** A subschema at least this long (as JSON) becomes a `$defs` entry of {@link validationSchema}. */
const DEF_MIN_JSON_LENGTH = 200;

/**
 * The JSON Schema ajv compiles for a CRD root (see {@link rootForValidation}): {@link toJsonSchema}, with each large
 * subschema under `properties`/`items`/`additionalProperties` moved to `$defs` (identical ones shared) and referred to
 * by `$ref`. Chosen for start-up: ajv inlines a schema into one function, which for DestinationRule (its traffic
 * policy repeated per subset and port) was 600 KB of code that V8 compiled whole on the first call; with `$defs` (and
 * `inlineRefs: false`) each becomes a function of its own, compiled only when an object reaches it, and repeated
 * subtrees are compiled once. Never under oneOf/anyOf/allOf/not, so the errors are the same but for the `$defs`
 * prefix of `schemaPath`, and messages.ts's test of combinator branches on it is unchanged.
 */
export function validationSchema(root: K8sSchema): Record<string, unknown> {
  const defs = new Map<string, string>();
  const bodies: Record<string, unknown> = {};
  const hoist = (s: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...s };
    if (isRecord(out.properties)) {
      out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, hoistNode(v as Record<string, unknown>)]));
    }
    if (isRecord(out.items)) out.items = hoistNode(out.items);
    if (isRecord(out.additionalProperties)) out.additionalProperties = hoistNode(out.additionalProperties);
    return out;
  };
  const hoistNode = (s: Record<string, unknown>): Record<string, unknown> => {
    const h = hoist(s);
    const json = JSON.stringify(h);
    if (json.length < DEF_MIN_JSON_LENGTH) return h;
    let name = defs.get(json);
    if (name === undefined) {
      name = `d${defs.size}`;
      defs.set(json, name);
      bodies[name] = h;
    }
    return { $ref: `#/$defs/${name}` };
  };
  const out = hoist(toJsonSchema(root));
  return defs.size > 0 ? { ...out, $defs: bodies } : out;
}

/** The CRD root schema with `metadata` (validated as ObjectMeta) and `status` (dropped on create) left out. */
export function rootForValidation(s: K8sSchema): K8sSchema {
  const props = { ...(s.properties ?? {}) };
  delete props.apiVersion;
  delete props.kind;
  delete props.metadata;
  delete props.status;
  return { ...s, properties: props, required: (s.required ?? []).filter((r) => !['apiVersion', 'kind', 'metadata', 'status'].includes(r)) };
}
