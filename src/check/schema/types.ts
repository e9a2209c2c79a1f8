/**
 * Shapes shared by the schema modules: the SCH-* rule IDs, the issue shape, and the Kubernetes structural-schema
 * subset the vendored CRDs use.
 */
import { Severity } from '../findings';

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

/** The subset of a Kubernetes structural schema (OpenAPI v3 with x-kubernetes-* extensions) the checks read. */
export interface K8sSchema {
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

/** One (group, version, kind) of a vendored CRD. */
export interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  readonly namespaced: boolean;
  readonly schema: K8sSchema;
}
