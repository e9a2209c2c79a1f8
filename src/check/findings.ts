/**
 * The finding shape shared by synth-time reporting and the CLI's JSON output (see ARCHITECTURE.md).
 */

/** How bad a finding is. */
export enum Severity {
  /** Rejected by the API server or istiod, or accepted but silently ineffective. Fails synth. */
  ERROR = 'error',
  /** Works, but is risky or likely unintended. Reported; fails synth only in strict mode. */
  WARNING = 'warning',
  /** Worth knowing. Reported only. */
  INFO = 'info',
}

/** The object a finding is about. */
export interface ResourceRef {
  /** apiVersion of the object, e.g. `networking.istio.io/v1`. */
  readonly apiVersion: string;
  /** kind of the object, e.g. `Gateway`. */
  readonly kind: string;
  /**
   * Namespace of the object.
   * @default - cluster-scoped
   */
  readonly namespace?: string;
  /** metadata.name of the object. */
  readonly name: string;
}

/** One problem found by a rule. */
export interface Finding {
  /** Stable rule ID from the rule spec, e.g. `GWX-DUP-001`. Use it to suppress or grep. */
  readonly rule: string;
  /**
   * The istioctl analyze message code (IST0xxx) where the rule has one.
   * @default - no istioctl equivalent
   */
  readonly code?: string;
  /**
   * For IST0101 (ReferencedResourceNotFound): the kind of reference istioctl names, e.g. `selector`, `credentialName`,
   * `gateway`, `host`, `mirror host`, `host:port`, `host+subset in destinationrule`.
   * @default - not an IST0101 finding
   */
  readonly refType?: string;
  /** Severity of the finding. */
  readonly severity: Severity;
  /** The object the finding is about. */
  readonly resource: ResourceRef;
  /** Field path inside the object, e.g. `spec.servers[1].hosts[0]`. Empty for the whole object. */
  readonly path: string;
  /** What is wrong, naming the value. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * Construct path that created the object (synth time only).
   * @default - not known (CLI)
   */
  readonly constructPath?: string;
}

/** Sort order of findings: severity, then resource, then path, then rule. Deterministic output. */
export function compareFindings(a: Finding, b: Finding): number {
  const rank = (s: Severity) => (s === Severity.ERROR ? 0 : s === Severity.WARNING ? 1 : 2);
  return (
    rank(a.severity) - rank(b.severity) ||
    cmp(a.resource.namespace ?? '', b.resource.namespace ?? '') ||
    cmp(a.resource.kind, b.resource.kind) ||
    cmp(a.resource.name, b.resource.name) ||
    cmp(a.path, b.path) ||
    cmp(a.rule, b.rule) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `{"findings":[...]}` exactly, as the CLI prints it for `--format json`. */
export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify({ findings: findings.map(toPlain) });
}

function toPlain(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = { rule: f.rule };
  if (f.code) out.code = f.code;
  if (f.refType) out.refType = f.refType;
  out.severity = f.severity;
  const r: Record<string, unknown> = { apiVersion: f.resource.apiVersion, kind: f.resource.kind };
  if (f.resource.namespace !== undefined) r.namespace = f.resource.namespace;
  r.name = f.resource.name;
  out.resource = r;
  out.path = f.path;
  out.message = f.message;
  out.fix = f.fix;
  if (f.constructPath) out.constructPath = f.constructPath;
  return out;
}

/** One line per finding, for people: `error GWX-DUP-001 (IST0145) Gateway istio-system/a spec.servers[0]: msg — fix: …`. */
export function formatFindingLine(f: Finding): string {
  const code = f.code ? ` (${f.code})` : '';
  const where = f.path ? ` ${f.path}` : '';
  const res = `${f.resource.kind} ${f.resource.namespace ? f.resource.namespace + '/' : ''}${f.resource.name}`;
  return `${f.severity} ${f.rule}${code} ${res}${where}: ${f.message} — fix: ${f.fix}`;
}
