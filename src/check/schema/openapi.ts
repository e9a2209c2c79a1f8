/**
 * OpenAPI v3 (Kubernetes structural schema) → JSON Schema for ajv: the value validations the apiserver runs
 * (types, enums, patterns, formats, bounds, combinators). Pruning and defaults are in prune.ts, CEL in cel.ts.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { isRecord } from '../model';
import { K8sSchema } from './types';

let ajvInstance: Ajv | undefined;

/** The shared ajv instance, configured like the apiserver (formats it knows, others ignored). */
export function ajv(): Ajv {
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

/** The CRD root schema with `metadata` (validated as ObjectMeta) and `status` (dropped on create) left out. */
export function rootForValidation(s: K8sSchema): K8sSchema {
  const props = { ...(s.properties ?? {}) };
  delete props.apiVersion;
  delete props.kind;
  delete props.metadata;
  delete props.status;
  return { ...s, properties: props, required: (s.required ?? []).filter((r) => !['apiVersion', 'kind', 'metadata', 'status'].includes(r)) };
}
