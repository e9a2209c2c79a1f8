/**
 * Compiled kinds: per served (group, version, kind), the ajv validator of its value validations and its CEL tree,
 * compiled on first use (a check compiles only the kinds its input contains; CEL rules are planned when first
 * evaluated), and the CEL rule statistics.
 */
import type { ValidateFunction } from 'ajv';
import { isRecord } from '../model';
import { loadCatalog } from './catalogue';
import { CelNode, Stats, celTreeStats, compileCelTree } from './cel';
import { ajv, rootForValidation, validationSchema } from './openapi';
import { precompiledValidator } from './precompiled';
import { PruneNode } from './prune';
import { CelRuleStats, CrdVersion, K8sSchema } from './types';

export interface CompiledKind {
  readonly crd: CrdVersion;
  /** The root schema without apiVersion/kind/metadata/status. */
  readonly root: K8sSchema;
  /** Spec-level value validations (metadata and status are handled separately). */
  readonly validate: ValidateFunction;
  /** The root of the pruning/defaulting walk (prune.ts). */
  readonly prune: PruneNode;
  /** The CEL tree; its rules are planned on first evaluation. */
  readonly cel?: CelNode;
}

const compiled = new Map<string, CompiledKind>();

/**
 * The compiled form of a served CRD version, on first use: the build-time validator when there is one (precompiled.ts),
 * else compiled now; `options.precompiled: false` always compiles (tests compare both).
 */
export function compileKind(crd: CrdVersion, options: { precompiled?: boolean } = {}): CompiledKind {
  const usePrecompiled = options.precompiled !== false;
  const key = `${crd.group}/${crd.version}/${crd.kind}${usePrecompiled ? '' : ' (compiled)'}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const root = rootForValidation(crd.schema);
  const validate = (usePrecompiled ? precompiledValidator(crd) : undefined) ?? ajv().compile(validationSchema(root));
  const c: CompiledKind = { crd, root, validate, prune: new PruneNode(root), cel: compileCelTree(root) };
  compiled.set(key, c);
  return c;
}

/** CEL rule counts per served (group, version, kind) of the vendored CRDs; compiles every kind. */
export function celRuleStats(): CelRuleStats[] {
  const out: CelRuleStats[] = [];
  for (const versions of loadCatalog().byGroupKind.values()) {
    for (const crd of versions.values()) {
      const stats: Stats = { total: 0, evaluated: 0, skipped: [] };
      if (crd.served) {
        celTreeStats(compileKind(crd).cel, stats);
      } else {
        stats.skipped = allRules(rootForValidation(crd.schema)).map((rule) => ({ rule, reason: 'version not served: the apiserver rejects the object before any rule runs (SCH-API-001)' }));
        stats.total = stats.skipped.length;
      }
      const status = crd.schema.properties?.status;
      if (status) {
        for (const rule of allRules(status)) {
          stats.total++;
          stats.skipped.push({ rule, reason: 'under status, which the apiserver ignores when the object is applied' });
        }
      }
      out.push({ group: crd.group, version: crd.version, kind: crd.kind, served: crd.served, ...stats });
    }
  }
  return out.sort((a, b) => `${a.group}/${a.kind}/${a.version}`.localeCompare(`${b.group}/${b.kind}/${b.version}`));
}

function allRules(s: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!isRecord(x)) return;
    for (const v of asValidations(x['x-kubernetes-validations'])) out.push(v);
    for (const v of Object.values(x)) walk(v);
  };
  walk(s);
  return out;
}

function asValidations(v: unknown): string[] {
  return Array.isArray(v) ? v.filter(isRecord).map((r) => String(r.rule)) : [];
}
