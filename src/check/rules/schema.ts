/**
 * SCH-*: what the apiserver itself rejects or silently drops, before Istio ever sees the object. One rule per ID,
 * all backed by schema.ts (validated once per object, cached), so `disabledRules`/suppressions work per ID.
 */
import { Severity } from '../findings';
import { defineRule, Rule, RuleMeta } from '../rule';
import { SCHEMA_RULE_IDS, validateManifest } from '../schema';

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

function schemaRule(meta: RuleMeta): Rule {
  return defineRule({
    ...meta,
    check(ctx) {
      for (const o of ctx.index.objects) {
        if (o.isContext) continue;
        for (const issue of validateManifest(o.raw)) {
          if (issue.rule !== meta.id) continue;
          const severity = issue.severity !== meta.severity ? { severity: issue.severity } : {};
          ctx.report({ object: o, path: issue.path, message: issue.message, fix: issue.fix, ...severity });
        }
      }
    },
  });
}

/** The SCH-* rules, in ID order of the schema family. */
export const SCHEMA_RULES: readonly Rule[] = META.map(schemaRule);
