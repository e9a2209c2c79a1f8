import { Severity } from './findings';
import type { IndexedObject, MeshIndex } from './mesh-index';

/** Static description of a rule: the row of shared/ISTIO-RULES.md it implements. */
export interface RuleMeta {
  /** Stable ID, e.g. `GWX-DUP-001`. Never renamed: users suppress and grep it. */
  readonly id: string;
  /** istioctl analyze code (IST0xxx) where Istio has one. */
  readonly code?: string;
  /** Default severity of the rule's findings. */
  readonly severity: Severity;
  /**
   * Where our severity differs from istioctl's level for the code: istioctl's level and why ours differs (README
   * rules table). Our rule: `error` only when the configuration as written breaks traffic or is ignored.
   */
  readonly istioctlLevel?: string;
  /** One line for the README table. */
  readonly summary: string;
  /** True when the rule needs facts outside the Istio object (pods, Services, Secrets, mesh config). */
  readonly needsContext?: boolean;
}

/** What a rule reports: the object, the field path, the message (naming the value) and the fix. */
export interface Report {
  readonly object: IndexedObject;
  /** e.g. `spec.servers[1].hosts[0]`; empty string for the whole object. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /** Overrides the rule's default severity (rules with a W/E split). */
  readonly severity?: Severity;
  /**
   * Overrides the rule's istioctl code (rules with two codes, e.g. VS-ORDER-001 IST0130/IST0131); `''` for a finding
   * that istioctl would not give (knowledge beyond istioctl, reported without the code).
   */
  readonly code?: string;
  /** IST0101 only: the reference type istioctl names (see {@link Finding.refType}). */
  readonly refType?: string;
}

/** Handed to each rule's `check`. */
export interface RuleContext {
  readonly index: MeshIndex;
  /** "Now" for time-dependent rules (certificate expiry); `AnalyzeOptions.now`, default the current time. */
  readonly now: Date;
  /** Records a finding. Reports on context objects are dropped by the engine, so rules need not filter them. */
  report(r: Report): void;
}

/** One unit per rule ID. `check` must not throw on malformed input (it is untrusted YAML). */
export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
}

/** Identity helper that keeps rule files readable and type-checked. */
export function defineRule(rule: Rule): Rule {
  return rule;
}
