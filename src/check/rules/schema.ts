/**
 * SCH-*: what the apiserver itself rejects or silently drops, before Istio ever sees the object. One rule per ID,
 * all backed by schema.ts (each object validated once per MeshIndex), so `disabledRules`/suppressions work per ID.
 */
import { Severity } from '../findings';
import type { IndexedObject, MeshIndex } from '../mesh-index';
import { defineRule, Rule, RuleMeta } from '../rule';
import { SCHEMA_RULE_IDS, SchemaIssue, validateManifest } from '../schema';

const META: readonly RuleMeta[] = [
  { id: SCHEMA_RULE_IDS.meta, severity: Severity.ERROR, summary: 'apiVersion, kind and metadata.name are set; metadata is an object; name and namespace are strings' },
  { id: SCHEMA_RULE_IDS.labels, severity: Severity.ERROR, summary: 'Labels and annotations are string maps with valid keys (and label values); YAML 1.1 turns yes/1.0 into non-strings' },
  { id: SCHEMA_RULE_IDS.name, severity: Severity.ERROR, summary: 'metadata.name is a DNS-1123 subdomain for custom resources (kind-specific rules for core kinds); namespace a DNS-1123 label' },
  { id: SCHEMA_RULE_IDS.api, severity: Severity.ERROR, summary: 'apiVersion is served for the kind by the vendored CRDs (no misspelt kind, wrong group or removed version)' },
  { id: SCHEMA_RULE_IDS.oas, severity: Severity.ERROR, summary: 'The object satisfies the CRD OpenAPI v3 schema (types, required, enums, ranges, patterns, oneOf, list-type uniqueness)' },
  { id: SCHEMA_RULE_IDS.prune, severity: Severity.ERROR, summary: 'No unknown fields: the apiserver prunes them silently (or rejects them under strict field validation)' },
  { id: SCHEMA_RULE_IDS.nullValue, severity: Severity.WARNING, summary: 'No null values in non-nullable fields: the apiserver drops them as if unset (an empty `tls:` line)' },
  { id: SCHEMA_RULE_IDS.cel, severity: Severity.ERROR, summary: 'Every x-kubernetes-validations CEL rule of the CRD holds (transition rules excepted)' },
];

/**
 * Schema/CEL issues that a semantic rule owns: one mistake, one finding. The semantic rule carries the istioctl/webhook
 * view and a better message, and fires on every input the schema issue fires on; both would otherwise report the
 * same field. Everything not listed here is reported by the SCH rules even when a semantic rule also looks at it,
 * because then they mean different things (e.g. an unknown field pruned by the apiserver vs. a webhook rule).
 */
export const SCHEMA_FIELDS_OWNED_BY_SEMANTIC_RULES: readonly {
  readonly kind: string;
  readonly schemaRule: string;
  readonly path: RegExp;
  readonly message?: RegExp;
  readonly owner: string;
}[] = [
  // quoted/missing/out-of-range port.number, missing protocol or name
  { kind: 'Gateway', schemaRule: SCHEMA_RULE_IDS.oas, path: /^spec\.servers\[\d+\]\.port(\.(number|protocol|name))?$/, owner: 'GW-PORT-001' },
  // credentialName + credentialNames, credentialName(s) + tlsCertificates (CEL exclusivity rules)
  { kind: 'Gateway', schemaRule: SCHEMA_RULE_IDS.cel, path: /^spec\.servers\[\d+\]\.tls$/, message: /only one of (credentialName|credentialNames|tlsCertificates) or (credentialName|credentialNames|tlsCertificates)/, owner: 'GW-TLS-006' },
  // 0 or more than 2 credentialNames / tlsCertificates (minItems/maxItems)
  { kind: 'Gateway', schemaRule: SCHEMA_RULE_IDS.oas, path: /^spec\.servers\[\d+\]\.tls\.(credentialNames|tlsCertificates)$/, owner: 'GW-TLS-008' },
];

function ownedBySemanticRule(kind: string, group: string, rule: string, path: string, message: string): boolean {
  if (group !== 'networking.istio.io') return false;
  return SCHEMA_FIELDS_OWNED_BY_SEMANTIC_RULES.some(
    (x) => x.kind === kind && x.schemaRule === rule && x.path.test(path) && (!x.message || x.message.test(message)),
  );
}

/** The schema issues of the index's own objects by rule ID, in object order: the SCH rules share one pass. */
const issuesCache = new WeakMap<MeshIndex, Map<string, { readonly object: IndexedObject; readonly issue: SchemaIssue }[]>>();

function issuesByRule(index: MeshIndex): Map<string, { readonly object: IndexedObject; readonly issue: SchemaIssue }[]> {
  let out = issuesCache.get(index);
  if (!out) {
    out = new Map();
    const objects = index.objects;
    for (let o = 0; o < objects.length; o++) {
      const object = objects[o];
      if (object.isContext) continue;
      const issues = validateManifest(object.raw);
      for (let i = 0; i < issues.length; i++) {
        const issue = issues[i];
        const list = out.get(issue.rule);
        if (list) list.push({ object, issue });
        else out.set(issue.rule, [{ object, issue }]);
      }
    }
    issuesCache.set(index, out);
  }
  return out;
}

function schemaRule(meta: RuleMeta): Rule {
  return defineRule({
    ...meta,
    check(ctx) {
      for (const { object: o, issue } of issuesByRule(ctx.index).get(meta.id) ?? []) {
        if (ownedBySemanticRule(o.kind, o.group, issue.rule, issue.path, issue.message)) continue;
        const severity = issue.severity !== meta.severity ? { severity: issue.severity } : {};
        ctx.report({ object: o, path: issue.path, message: issue.message, fix: issue.fix, ...severity });
      }
    },
  });
}

/** The SCH-* rules, in ID order of the schema family. */
export const SCHEMA_RULES: readonly Rule[] = META.map(schemaRule);
