/**
 * apiVersion and kind against the CRD catalogue (SCH-API-001): unserved or unknown versions, misspelt kinds, kinds in
 * the wrong group.
 */
import { Severity } from '../findings';
import { loadCatalog, preferredVersion } from './catalogue';
import { closest } from './paths';
import { CrdVersion, SCHEMA_RULE_IDS, SchemaIssue } from './types';

const CORE_GROUP_KINDS = new Set(['Service', 'Pod', 'Secret', 'ConfigMap', 'Namespace', 'ServiceAccount', 'Endpoints', 'List', 'PersistentVolumeClaim', 'Node', 'Event']);

export function apiIssues(group: string, version: string, kind: string, apiVersion: string): { crd?: CrdVersion; issues: SchemaIssue[] } {
  const cat = loadCatalog();
  const versions = cat.byGroupKind.get(`${group}/${kind}`);
  const E = Severity.ERROR;
  if (versions) {
    const crd = versions.get(version);
    if (crd && crd.served) return { crd, issues: [] };
    const served = [...versions.values()].filter((v) => v.served).map((v) => v.version);
    const preferred = served[0] ?? '';
    return {
      issues: [{
        rule: SCHEMA_RULE_IDS.api,
        severity: E,
        path: 'apiVersion',
        message: crd ? `apiVersion ${apiVersion} is no longer served for ${kind}; served versions are ${served.join(', ')}` : `${kind} has no version ${version} in ${group}; served versions are ${served.join(', ')}`,
        fix: `use apiVersion: ${group}/${preferred}`,
      }],
    };
  }
  const candidates = cat.byKindLower.get(kind.toLowerCase()) ?? [];
  if (cat.groups.has(group)) {
    // A kind that does not exist in a known group: misspelt or wrong group.
    const inGroup = [...cat.byGroupKind.keys()].filter((k) => k.startsWith(`${group}/`)).map((k) => k.slice(group.length + 1));
    const exact = candidates.find((c) => c.startsWith(`${group}/`));
    const elsewhere = candidates.filter((c) => !c.startsWith(`${group}/`));
    let fix: string;
    if (exact) {fix = `write kind: ${exact.slice(group.length + 1)} (kinds are case-sensitive)`;} else if (elsewhere.length > 0) {fix = `${kind} is in ${elsewhere.map((c) => c.split('/')[0]).join(' or ')}; set apiVersion to ${elsewhere.map((c) => `${c.split('/')[0]}/${preferredVersion(c)}`).join(' or ')}`;} else {
      const guess = closest(kind, inGroup);
      fix = guess ? `did you mean kind: ${guess}?` : `use one of the kinds of ${group}: ${inGroup.join(', ')}`;
    }
    return { issues: [{ rule: SCHEMA_RULE_IDS.api, severity: E, path: 'kind', message: `${group} has no kind ${kind}`, fix }] };
  }
  if (group === '' && candidates.length > 0 && !CORE_GROUP_KINDS.has(kind)) {
    return {
      issues: [{
        rule: SCHEMA_RULE_IDS.api,
        severity: E,
        path: 'apiVersion',
        message: `apiVersion ${apiVersion} names the core group, which has no kind ${kind}`,
        fix: `set apiVersion to ${candidates.map((c) => `${c.split('/')[0]}/${preferredVersion(c)}`).join(' or ')}`,
      }],
    };
  }
  return { issues: [] };
}
