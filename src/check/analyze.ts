/**
 * analyze(): the one entry point of the rule engine, shared by the synth hook and the CLI.
 *
 * Builds the {@link MeshIndex} once, runs every rule against it, drops findings on context objects, applies
 * suppressions, and returns the findings sorted deterministically.
 */
import { Finding, Severity, compareFindings } from './findings';
import { IndexedObject, InstallAssumption, MeshIndex } from './mesh-index';
import { KubeObject, SourceRef } from './model';
import type { Report, Rule, RuleMeta } from './rule';
import { ALL_RULES } from './rules';

/** Annotation that suppresses findings on an object: one `RULE-ID: reason` per line. */
export const SUPPRESS_ANNOTATION = 'checks.cdk8s-istio-gateways.io/suppress';

/** istioctl's annotation: `"IST0101,IST0132"` or `"*"` suppresses those istioctl codes on the object. */
export const ISTIOCTL_SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

/** True when istioctl's suppress annotation value names `code` (or is `*`). */
export function istioctlSuppresses(value: string | undefined, code: string | undefined): boolean {
  if (value === undefined || !code) return false;
  return value.split(',').map((c) => c.trim()).some((c) => c === '*' || c === code);
}

/** Engine-level rules (not in shared/ISTIO-RULES.md): internal errors and suppression hygiene. */
export const ENGINE_RULES: readonly RuleMeta[] = [
  {
    id: 'CHK-INT-001',
    severity: Severity.WARNING,
    summary: 'A rule failed internally on this input; its checks did not run (please report it)',
  },
  {
    id: 'CHK-SUP-001',
    severity: Severity.WARNING,
    summary: 'A suppression needs a reason (`RULE-ID: reason`); one without is ignored',
  },
  {
    id: 'CHK-DUP-001',
    severity: Severity.WARNING,
    summary: 'An object given twice (same API group, kind, namespace, name): the later copy replaces the earlier, as `kubectl apply` does',
  },
];

export interface AnalyzeOptions {
  /** Facts installed elsewhere (gateway Deployments/Services, Secrets, Namespaces, mesh ConfigMap); never reported on. */
  readonly context?: readonly KubeObject[];
  /** Parallel to `manifests`: where each came from (file/line or construct path). */
  readonly sources?: readonly (SourceRef | undefined)[];
  /** Parallel to `context`. */
  readonly contextSources?: readonly (SourceRef | undefined)[];
  /**
   * MeshConfig (as in the `mesh` key of the `istio` ConfigMap); istiod env may be given under `pilotEnv`
   * (`{ pilotEnv: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } }`). Overrides mesh settings found in the input.
   * @default - from the input (istio ConfigMap, istiod Deployment env, IstioOperator), else Istio defaults
   */
  readonly meshConfig?: Record<string, unknown>;
  /** @default 'default' */
  readonly defaultNamespace?: string;
  /** What to assume when no gateway workload is declared. @default 'demo' */
  readonly assumeInstall?: InstallAssumption;
  /**
   * Closed world: the input is a complete cluster snapshot, as `istioctl analyze` sees it; IST-coded findings then
   * follow istioctl to the letter (shared/ISTIOCTL-PARITY.md). Open world (default, and synth time): the input is
   * desired state from Git, and no conclusion is drawn that needs a fact the input cannot have.
   * @default false
   */
  readonly closedWorld?: boolean;
  /** "Now" for certificate expiry. @default new Date() */
  readonly now?: Date;
  /** Rules to run. @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Rule IDs not to run (also silences CHK-* engine findings by ID). */
  readonly disabledRules?: readonly string[];
}

/** A parsed suppression annotation. */
interface Suppressions {
  readonly ids: Set<string>;
  /** lines without a reason (reported as CHK-SUP-001) */
  readonly missingReason: string[];
}

/**
 * Parses the suppress annotation. Format (the one `Checks.suppress` writes): one entry per line, `RULE-ID: reason`;
 * only newlines separate entries, the reason is everything after the first `:` on the line (it may contain `;`, `:`
 * and commas). A line without a reason is ignored and reported as CHK-SUP-001.
 */
export function parseSuppressions(value: string | undefined): Suppressions {
  const ids = new Set<string>();
  const missingReason: string[] = [];
  if (!value) return { ids, missingReason };
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    const id = (colon < 0 ? line : line.slice(0, colon)).trim();
    const reason = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (!id) continue;
    if (reason) ids.add(id);
    else missingReason.push(id);
  }
  return { ids, missingReason };
}

/** Runs every rule over the manifests (plus context) and returns the findings, sorted. Never throws on bad input. */
export function analyze(manifests: readonly KubeObject[], options: AnalyzeOptions = {}): Finding[] {
  const index = new MeshIndex(manifests, {
    context: options.context,
    sources: options.sources,
    contextSources: options.contextSources,
    defaultNamespace: options.defaultNamespace,
    assumeInstall: options.assumeInstall,
    meshConfig: options.meshConfig,
    closedWorld: options.closedWorld,
  });
  return analyzeIndex(index, options);
}

/** Like {@link analyze} over an index built by the caller (benchmarks, tools that reuse the index). */
export function analyzeIndex(index: MeshIndex, options: Pick<AnalyzeOptions, 'now' | 'rules' | 'disabledRules'> = {}): Finding[] {
  const disabled = new Set(options.disabledRules ?? []);
  const rules = (options.rules ?? ALL_RULES).filter((r) => !disabled.has(r.id));
  const now = options.now ?? new Date();
  const suppressionCache = new Map<IndexedObject, Suppressions>();
  const suppressionsOf = (o: IndexedObject): Suppressions => {
    let s = suppressionCache.get(o);
    if (!s) {
      s = parseSuppressions(o.annotations[SUPPRESS_ANNOTATION]);
      suppressionCache.set(o, s);
    }
    return s;
  };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const emit = (rule: RuleMeta, r: Report) => {
    const o = r.object;
    if (!o || o.isContext) return;
    if (suppressionsOf(o).ids.has(rule.id)) return;
    const code = r.code ?? rule.code;
    if (istioctlSuppresses(o.annotations[ISTIOCTL_SUPPRESS_ANNOTATION], code)) return;
    const f: Finding = {
      rule: rule.id,
      ...(code ? { code } : {}),
      ...(code === 'IST0101' && r.refType ? { refType: r.refType } : {}),
      severity: r.severity ?? rule.severity,
      resource: o.ref,
      path: r.path,
      message: r.message,
      fix: r.fix,
      ...(o.source.constructPath ? { constructPath: o.source.constructPath } : {}),
    };
    const key = `${f.rule}|${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}|${f.path}|${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  for (const rule of rules) {
    try {
      rule.check({ index, now, report: (r) => emit(rule, r) });
    } catch (e) {
      if (disabled.has('CHK-INT-001')) continue;
      const message = e instanceof Error ? e.message : String(e);
      findings.push({
        rule: 'CHK-INT-001',
        severity: Severity.WARNING,
        resource: { apiVersion: 'checks.cdk8s-istio-gateways.io/v1', kind: 'Rule', name: rule.id },
        path: '',
        message: `rule ${rule.id} failed on this input and did not run: ${message}`,
        fix: `report it with the input that triggers it; meanwhile disable ${rule.id} if it blocks you`,
      });
    }
  }
  if (!disabled.has('CHK-DUP-001')) {
    const dupRule = ENGINE_RULES[2];
    for (const d of index.duplicates()) {
      const r = d.replaced;
      const at = r.file ? `${r.file}${r.line !== undefined ? `:${r.line}` : ''}` : r.constructPath ?? 'earlier in the input';
      emit(dupRule, {
        object: d.object,
        path: '',
        message: `${d.object.kind} ${d.object.namespace ? `${d.object.namespace}/` : ''}${d.object.name} is given ${d.copies} times; this later copy replaces the one at ${at}, as kubectl apply would, and only it is checked`,
        fix: 'keep one copy per object (tutorial step files: apply them in turn, not together), or rename one of them',
      });
    }
  }
  if (!disabled.has('CHK-SUP-001')) {
    const supRule = ENGINE_RULES[1];
    for (const o of index.objects) {
      if (o.isContext || o.annotations[SUPPRESS_ANNOTATION] === undefined) continue;
      for (const id of suppressionsOf(o).missingReason) {
        emit(supRule, {
          object: o,
          path: `metadata.annotations["${SUPPRESS_ANNOTATION}"]`,
          message: `suppression of ${id} has no reason, so it is ignored`,
          fix: `write it as "${id}: <why this is fine>" (one suppression per line)`,
        });
      }
    }
  }
  return findings.sort(compareFindings);
}
