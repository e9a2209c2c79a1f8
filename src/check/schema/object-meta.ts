/**
 * ObjectMeta as the apiserver checks it for every object: type meta present, known metadata fields, the name grammar
 * of the kind (SCH-NAME-001), namespace, labels and annotations (SCH-META-002).
 */
import {
  DNS1035_LABEL_TEXT, DNS1123_LABEL_TEXT, DNS1123_SUBDOMAIN_TEXT, DNS_LABEL_MAX_LENGTH, DNS_SUBDOMAIN_MAX_LENGTH,
  isDns1035Label, isDns1123Label, isDns1123Subdomain,
} from '../../internal/dns-names';
import { Severity } from '../findings';
import { isRecord } from '../model';
import { child, closest, describe, show } from './paths';
import { SCHEMA_RULE_IDS, SchemaIssue } from './types';

const OBJECT_META_FIELDS = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields']);
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function suggestName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return n || 'my-name';
}

/** The name grammar of a kind (SCH-NAME-001). */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path' | 'none';

const CORE_NAME_RULES: Record<string, NameRule> = {
  Service: 'dns1035',
  Namespace: 'label',
  Role: 'path',
  ClusterRole: 'path',
  RoleBinding: 'path',
  ClusterRoleBinding: 'path',
  Pod: 'subdomain',
  Deployment: 'subdomain',
  StatefulSet: 'subdomain',
  DaemonSet: 'subdomain',
  ReplicaSet: 'subdomain',
  Job: 'subdomain',
  CronJob: 'subdomain',
  Secret: 'subdomain',
  ConfigMap: 'subdomain',
  ServiceAccount: 'subdomain',
  PodDisruptionBudget: 'subdomain',
  HorizontalPodAutoscaler: 'subdomain',
  Ingress: 'subdomain',
  NetworkPolicy: 'subdomain',
  Endpoints: 'subdomain',
  EndpointSlice: 'subdomain',
  PersistentVolumeClaim: 'subdomain',
  CustomResourceDefinition: 'subdomain',
};

/** The name grammar of `kind` in `group` (`isCrd`: a kind of the vendored CRDs). */
export function nameRuleFor(group: string, kind: string, isCrd: boolean): NameRule {
  // Istio Gateway names must be DNS labels: GW-NAME-001 checks that (stronger than a subdomain), not repeated here.
  if (group === 'networking.istio.io' && kind === 'Gateway') return 'none';
  if (isCrd) return 'subdomain';
  if (group === '' || group === 'apps' || group === 'batch' || group === 'policy' || group === 'autoscaling' || group.endsWith('.k8s.io')) {
    return CORE_NAME_RULES[kind] ?? 'none';
  }
  return 'none';
}

/** a-z or 0-9 (character code) */
function isLowerAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** A-Z, a-z or 0-9 (character code) */
function isAlnum(c: number): boolean {
  return isLowerAlnum(c) || (c >= 65 && c <= 90);
}

/**
 * True for 1..`max` characters of a-z, 0-9 and "-" (and "." when `dots`) that start with a-z0-9 (a-z when
 * `letterFirst`) and end with a-z0-9, every "." between two of a-z0-9. Such a name is a DNS-1123 subdomain (`dots`,
 * max 253), a DNS-1123 label (max 63) or a DNS-1035 label (`letterFirst`, max 63): the callers accept it without
 * running the grammar's regex, and let the regex decide any other (it rejects them; it is kept as the definition).
 * A character loop because nearly every name is valid and the regexes were ≈ 10 ms of the 44,010 names of the
 * N=5000 tenant YAML.
 */
export function plainDnsName(s: string, max: number, dots: boolean, letterFirst: boolean): boolean {
  const n = s.length;
  if (n === 0 || n > max) return false;
  const first = s.charCodeAt(0);
  if (letterFirst ? !(first >= 97 && first <= 122) : !isLowerAlnum(first)) return false;
  if (!isLowerAlnum(s.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (isLowerAlnum(c) || c === 45) continue;
    if (dots && c === 46 && isLowerAlnum(s.charCodeAt(i - 1)) && isLowerAlnum(s.charCodeAt(i + 1))) continue;
    return false;
  }
  return true;
}

/**
 * True for a label value of 1..63 characters of A-Za-z0-9, "-", "_" and "." starting and ending alphanumeric: one
 * that {@link LABEL_VALUE} accepts (which also decides every other value; see {@link plainDnsName}).
 */
export function plainLabelValue(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 63 || !isAlnum(s.charCodeAt(0)) || !isAlnum(s.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 45 && c !== 95 && c !== 46) return false;
  }
  return true;
}

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'subdomain':
      return plainDnsName(name, DNS_SUBDOMAIN_MAX_LENGTH, true, false) || isDns1123Subdomain(name) ? undefined : DNS1123_SUBDOMAIN_TEXT;
    case 'label':
      return plainDnsName(name, DNS_LABEL_MAX_LENGTH, false, false) || isDns1123Label(name) ? undefined : DNS1123_LABEL_TEXT;
    case 'dns1035':
      return plainDnsName(name, DNS_LABEL_MAX_LENGTH, false, true) || isDns1035Label(name) ? undefined : DNS1035_LABEL_TEXT;
    case 'path':
      return name !== '.' && name !== '..' && !/[/%]/.test(name) ? undefined : 'a path segment (no "/" or "%", not "." or "..")';
    default:
      return undefined;
  }
}

export function metaIssues(o: Record<string, unknown>, group: string, kind: string, nameRule: NameRule, issues: SchemaIssue[]): void {
  const E = Severity.ERROR;
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'apiVersion', message: o.apiVersion === undefined ? 'apiVersion is missing' : `apiVersion is ${describe(o.apiVersion)}, not a group/version string`, fix: 'set apiVersion, e.g. networking.istio.io/v1' });
  }
  if (typeof o.kind !== 'string' || o.kind === '') {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'kind', message: o.kind === undefined ? 'kind is missing' : `kind is ${describe(o.kind)}, not a kind name`, fix: 'set kind, e.g. Gateway' });
  }
  const m = o.metadata;
  // istioctl install/manifest read an IstioOperator from a file, where metadata.name is optional (Istio's own profiles
  // have no metadata); the IOP rules judge when two IstioOperators would need names.
  const unnamedOk = group === 'install.istio.io' && kind === 'IstioOperator';
  if (m === undefined && unnamedOk) return;
  if (!isRecord(m)) {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata', message: m === undefined ? 'metadata is missing, so the object has no name' : `metadata is ${describe(m)}, not an object`, fix: 'add metadata with a name (and a namespace)' });
    return;
  }
  for (const k of Object.keys(m)) {
    if (OBJECT_META_FIELDS.has(k)) continue;
    const guess = closest(k, OBJECT_META_FIELDS);
    const cp = child('metadata', k);
    issues.push({ rule: SCHEMA_RULE_IDS.prune, severity: E, path: cp, message: `unknown field ${cp}: the apiserver drops it (or rejects the object with kubectl's strict validation)`, fix: guess ? `did you mean metadata.${guess}?` : `remove ${k}` });
  }
  const name = m.name;
  if (name === undefined || name === null || name === '') {
    // istioctl install/manifest read an IstioOperator from a file, where the name is optional (Istio's own profiles
    // have none); only an IstioOperator applied to the cluster for the in-cluster operator needs one (IOP rules).
    if (!unnamedOk && (typeof m.generateName !== 'string' || m.generateName === '')) {
      issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata.name', message: 'metadata.name is missing', fix: 'set metadata.name (kubectl apply and GitOps tools need a fixed name)' });
    }
  } else if (typeof name !== 'string') {
    issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata.name', message: `metadata.name is ${describe(name)}, not a string`, fix: `quote the name ("${String(name)}"); unquoted YAML reads it as a ${typeof name}` });
  } else {
    const problem = nameProblem(name, nameRule);
    if (problem) {
      issues.push({ rule: SCHEMA_RULE_IDS.name, severity: E, path: 'metadata.name', message: `metadata.name ${show(name)} is not ${problem}`, fix: `rename it, e.g. ${suggestName(name)}` });
    }
  }
  const ns = m.namespace;
  if (ns !== undefined && ns !== null) {
    if (typeof ns !== 'string') {
      issues.push({ rule: SCHEMA_RULE_IDS.meta, severity: E, path: 'metadata.namespace', message: `metadata.namespace is ${describe(ns)}, not a string`, fix: `quote the namespace ("${String(ns)}")` });
    } else if (ns !== '' && !plainDnsName(ns, DNS_LABEL_MAX_LENGTH, false, false) && !isDns1123Label(ns)) {
      issues.push({ rule: SCHEMA_RULE_IDS.name, severity: E, path: 'metadata.namespace', message: `metadata.namespace ${show(ns)} is not a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)`, fix: `use a valid namespace name, e.g. ${suggestName(ns).replace(/\./g, '-')}` });
    }
  }
  mapIssues(m.labels, 'labels', issues);
  mapIssues(m.annotations, 'annotations', issues);
}

/** SCH-META-002 for `metadata.labels` or `metadata.annotations` (not a loop over both: this runs for every object). */
function mapIssues(map: unknown, field: 'labels' | 'annotations', issues: SchemaIssue[]): void {
  const E = Severity.ERROR;
  if (map === undefined || map === null) return;
  const fp = `metadata.${field}`;
  if (!isRecord(map)) {
    issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: fp, message: `${fp} is ${describe(map)}; it must be a map of strings`, fix: `write ${field} as key: "value" lines` });
    return;
  }
  let total = 0;
  for (const k of Object.keys(map)) {
    const v = map[k];
    if (typeof v !== 'string') {
      const kp = child(fp, k);
      issues.push({
        rule: SCHEMA_RULE_IDS.labels,
        severity: E,
        path: kp,
        message: `${kp} is ${describe(v)}; ${field} values must be strings, so the apiserver rejects the object`,
        fix: v === null ? `quote an empty value ("") or remove ${k}` : `quote the value: ${k}: "${String(v)}" (YAML 1.1 reads yes/no/on/off as booleans, 1.0 and 0777 as numbers)`,
      });
      continue;
    }
    total += k.length + v.length;
    const keyProblem = labelKeyProblem(k);
    if (keyProblem) {
      issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: child(fp, k), message: `${field === 'labels' ? 'label' : 'annotation'} key ${show(k)} ${keyProblem}`, fix: 'use an optional DNS subdomain prefix and "/" followed by a name of at most 63 characters (alphanumerics, "-", "_", ".")' });
    }
    if (field === 'labels' && !plainLabelValue(v) && (v.length > 63 || !LABEL_VALUE.test(v))) {
      issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: child(fp, k), message: `label value ${show(v)} of ${k} is not a valid label value (at most 63 alphanumerics, "-", "_", ".", starting and ending alphanumeric)`, fix: `use a value like ${suggestName(v).slice(0, 63) || 'v1'}, or move it to an annotation` });
    }
  }
  if (field === 'annotations' && total > 256 * 1024) {
    issues.push({ rule: SCHEMA_RULE_IDS.labels, severity: E, path: fp, message: `metadata.annotations total ${total} bytes; the apiserver's limit is 262144`, fix: 'move large data to a ConfigMap' });
  }
}

/** Label and annotation keys repeat across objects (app, app.kubernetes.io/name, …): their verdicts are memoized. */
const keyProblems = new Map<string, string | undefined>();

function labelKeyProblem(k: string): string | undefined {
  if (keyProblems.has(k)) return keyProblems.get(k);
  const problem = labelKeyProblemUncached(k);
  if (keyProblems.size < 10_000) keyProblems.set(k, problem);
  return problem;
}

function labelKeyProblemUncached(k: string): string | undefined {
  const slash = k.indexOf('/');
  const prefix = slash >= 0 ? k.slice(0, slash) : undefined;
  const name = slash >= 0 ? k.slice(slash + 1) : k;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return `has the prefix ${show(prefix)}, which is not a DNS-1123 subdomain`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return 'has an invalid name part (at most 63 alphanumerics, "-", "_", ".", starting and ending alphanumeric)';
  return undefined;
}
