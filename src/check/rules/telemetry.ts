/**
 * TEL-*: Telemetry resources (section 9 of shared/ISTIO-RULES.md). Workload matching only knows gateway workloads
 * (the index models gateway pods, not application pods), so the per-workload rules speak about gateways.
 */
import { Severity } from '../findings';
import { WorkloadInfo, IndexedObject, MeshIndex, describeWorkload } from '../mesh-index';
import { asArray, asRecord, asString, isRecord } from '../model';
import { Rule, defineRule } from '../rule';

const q = (v: unknown) => JSON.stringify(v);

function ownTelemetries(index: MeshIndex): IndexedObject[] {
  return index.ofKind('Telemetry').filter((t) => !t.isContext && t.group === 'telemetry.istio.io');
}

function allTelemetries(index: MeshIndex): IndexedObject[] {
  return index.ofKind('Telemetry').filter((t) => t.group === 'telemetry.istio.io');
}

/** `spec.selector.matchLabels` as written (values may be non-strings). */
function matchLabels(t: IndexedObject): Record<string, unknown> {
  return asRecord(asRecord(t.spec.selector).matchLabels);
}

function selectorLabels(t: IndexedObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(matchLabels(t))) if (typeof v === 'string') out[k] = v;
  return out;
}

function hasTargetRefs(t: IndexedObject): boolean {
  return isRecord(t.spec.targetRef) || asArray(t.spec.targetRefs).length > 0;
}

/** True for a Telemetry that applies to a whole namespace (no selector labels, no targetRef). */
function isNamespaceWide(t: IndexedObject): boolean {
  return Object.keys(matchLabels(t)).length === 0 && !hasTargetRefs(t);
}

const pathKey = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${q(k)}]`);

export const TEL_SEL_001 = defineRule({
  id: 'TEL-SEL-001',
  severity: Severity.ERROR,
  summary: 'At most one of selector/targetRef/targetRefs; no `*` labels; no cross-namespace targetRef; tagOverride UPSERT needs value, REMOVE none',
  check(ctx) {
    for (const t of ownTelemetries(ctx.index)) {
      const ns = t.namespace ?? ctx.index.defaultNamespace;
      const set = [
        isRecord(t.spec.selector) ? 'selector' : undefined,
        isRecord(t.spec.targetRef) ? 'targetRef' : undefined,
        asArray(t.spec.targetRefs).length > 0 ? 'targetRefs' : undefined,
      ].filter((x): x is string => !!x);
      if (set.length > 1) {
        ctx.report({
          object: t,
          path: `spec.${set[1]}`,
          message: `${set.join(' and ')} are both set; a Telemetry takes only one of selector, targetRef, targetRefs`,
          fix: 'keep selector for sidecar/istioctl gateways, or targetRefs for Gateway API gateways, not both',
        });
      }
      for (const [k, v] of Object.entries(matchLabels(t))) {
        if (!k.includes('*') && !(typeof v === 'string' && v.includes('*'))) continue;
        ctx.report({
          object: t,
          path: `spec.selector.matchLabels${pathKey(k)}`,
          message: `selector label ${k}=${String(v)} contains "*"; wildcards are not supported in Telemetry selectors`,
          fix: 'use exact label values, e.g. istio: ingressgateway; omit the selector to cover the whole namespace',
        });
      }
      const refs: { ref: unknown; path: string }[] = [];
      if (isRecord(t.spec.targetRef)) refs.push({ ref: t.spec.targetRef, path: 'spec.targetRef' });
      asArray(t.spec.targetRefs).forEach((r, i) => refs.push({ ref: r, path: `spec.targetRefs[${i}]` }));
      for (const { ref, path } of refs) {
        const rns = asString(asRecord(ref).namespace);
        if (rns === undefined || rns === '' || rns === ns) continue;
        ctx.report({
          object: t,
          path: `${path}.namespace`,
          message: `targetRef namespace ${q(rns)} differs from the Telemetry namespace ${q(ns)}; cross-namespace references are not supported`,
          fix: `move the Telemetry to ${q(rns)} and drop targetRef.namespace`,
        });
      }
      asArray(t.spec.metrics).forEach((mtr, i) => {
        asArray(asRecord(mtr).overrides).forEach((ov, j) => {
          for (const [tag, op] of Object.entries(asRecord(asRecord(ov).tagOverrides))) {
            const o = asRecord(op);
            const operation = (asString(o.operation) ?? 'UPSERT').toUpperCase();
            const hasValue = typeof o.value === 'string' && o.value !== '';
            const base = `spec.metrics[${i}].overrides[${j}].tagOverrides${pathKey(tag)}`;
            if (operation === 'UPSERT' && !hasValue) {
              ctx.report({ object: t, path: `${base}.value`, message: `tagOverride ${q(tag)} is UPSERT without a value`, fix: 'set value to a CEL expression, e.g. value: request.host, or use operation: REMOVE' });
            } else if (operation === 'REMOVE' && o.value !== undefined) {
              ctx.report({ object: t, path: `${base}.value`, message: `tagOverride ${q(tag)} is REMOVE but sets value ${q(o.value)}`, fix: 'drop value for REMOVE, or use operation: UPSERT' });
            }
          }
        });
      });
    }
  },
});

export const TEL_SEL_002 = defineRule({
  id: 'TEL-SEL-002',
  code: 'IST0101',
  severity: Severity.ERROR,
  summary: 'A selector Telemetry matches only pods of its own namespace: place it in the gateway namespace',
  needsContext: true,
  check(ctx) {
    for (const t of ownTelemetries(ctx.index)) {
      const sel = selectorLabels(t);
      if (Object.keys(sel).length === 0) continue;
      const ns = t.namespace ?? ctx.index.defaultNamespace;
      if (ctx.index.workloadsMatching(sel, ns).length > 0) continue;
      const elsewhere = ctx.index.workloadsMatching(sel).filter((w) => w.namespace !== ns);
      if (elsewhere.length === 0) continue;
      const nss = Array.from(new Set(elsewhere.map((w) => w.namespace))).sort();
      ctx.report({
        object: t,
        path: 'spec.selector.matchLabels',
        message: `selector matches gateway ${elsewhere.map(describeWorkload).join(', ')}, but a Telemetry selector only matches pods in its own namespace ${q(ns)}; it configures nothing`,
        fix: `move the Telemetry to namespace ${q(nss[0])}`,
      });
    }
  },
});

export const TEL_DUP_001 = defineRule({
  id: 'TEL-DUP-001',
  code: 'IST0159',
  severity: Severity.ERROR,
  summary: 'At most one Telemetry per workload (IST0159) and one selector-less Telemetry per namespace (IST0160)',
  check(ctx) {
    const byNs = new Map<string, IndexedObject[]>();
    const byWorkload = new Map<WorkloadInfo, IndexedObject[]>();
    for (const t of allTelemetries(ctx.index)) {
      const ns = t.namespace ?? ctx.index.defaultNamespace;
      if (isNamespaceWide(t)) {
        byNs.set(ns, [...(byNs.get(ns) ?? []), t]);
        continue;
      }
      const sel = selectorLabels(t);
      if (Object.keys(sel).length === 0) continue;
      for (const w of ctx.index.workloadsMatching(sel, ns)) {
        const l = byWorkload.get(w) ?? [];
        l.push(t);
        byWorkload.set(w, l);
      }
    }
    for (const [ns, list] of byNs) {
      if (list.length < 2) continue;
      for (const t of list.slice(1)) {
        ctx.report({
          object: t,
          path: 'spec',
          code: 'IST0160',
          message: `namespace ${q(ns)} already has the selector-less Telemetry ${list[0].name}; with several, which one applies is undefined`,
          fix: `merge the settings into ${list[0].name}, or add a selector to target specific workloads`,
        });
      }
    }
    for (const [w, list] of byWorkload) {
      if (list.length < 2) continue;
      for (const t of list.slice(1)) {
        ctx.report({
          object: t,
          path: 'spec.selector',
          code: 'IST0159',
          message: `gateway ${describeWorkload(w)} is also selected by Telemetry ${list[0].name}; with several, which one applies is undefined`,
          fix: `merge the settings into one Telemetry for this workload (${list[0].name})`,
        });
      }
    }
  },
});

function defaultAccessLogProviders(index: MeshIndex): string[] {
  const dp = asRecord(asRecord(index.meshConfig.raw).defaultProviders);
  return asArray(dp.accessLogging).filter((x): x is string => typeof x === 'string' && x !== '');
}

export const TEL_PROV_001 = defineRule({
  id: 'TEL-PROV-001',
  code: 'IST0157',
  severity: Severity.WARNING,
  summary: 'accessLogging without providers (and no mesh default provider) is ignored',
  check(ctx) {
    if (defaultAccessLogProviders(ctx.index).length > 0) return;
    for (const t of ownTelemetries(ctx.index)) {
      asArray(t.spec.accessLogging).forEach((al, i) => {
        const a = asRecord(al);
        if (a.disabled === true) return;
        if (asArray(a.providers).some((p) => typeof asRecord(p).name === 'string' && asRecord(p).name !== '')) return;
        ctx.report({
          object: t,
          path: `spec.accessLogging[${i}].providers`,
          message: 'accessLogging has no providers and meshConfig.defaultProviders.accessLogging is empty, so no access log is written',
          fix: 'set providers: [{name: envoy}] (the built-in stdout provider), or set meshConfig.defaultProviders.accessLogging',
        });
      });
    }
  },
});

export const TEL_MESH_001 = defineRule({
  id: 'TEL-MESH-001',
  severity: Severity.WARNING,
  summary: 'Telemetry accessLogging replaces meshConfig.accessLogFile for the workloads it matches',
  needsContext: true,
  check(ctx) {
    const file = ctx.index.meshConfig.accessLogFile;
    if (!file) return;
    for (const t of ownTelemetries(ctx.index)) {
      const entries = asArray(t.spec.accessLogging);
      const i = entries.findIndex((al) => asRecord(al).disabled !== true);
      if (i < 0) continue;
      const sel = selectorLabels(t);
      const ns = t.namespace ?? ctx.index.defaultNamespace;
      const scope = Object.keys(sel).length > 0
        ? (ctx.index.workloadsMatching(sel, ns).map(describeWorkload).join(', ') || `pods matching ${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')}`)
        : hasTargetRefs(t) ? 'the referenced gateways' : ns === ctx.index.meshConfig.rootNamespace ? 'every workload of the mesh' : `every workload in ${ns}`;
      ctx.report({
        object: t,
        path: `spec.accessLogging[${i}]`,
        message: `meshConfig.accessLogFile is ${q(file)}, but this Telemetry's accessLogging replaces it for ${scope}; those proxies log only to the Telemetry providers`,
        fix: 'use one mechanism: drop meshConfig.accessLogFile and configure Telemetry (providers: [{name: envoy}] for stdout), or drop accessLogging here',
      });
    }
  },
});

export const TELEMETRY_RULES: readonly Rule[] = [TEL_SEL_001, TEL_SEL_002, TEL_DUP_001, TEL_PROV_001, TEL_MESH_001];
