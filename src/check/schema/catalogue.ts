/**
 * The CRD catalogue: the vendored CRDs of the package's `crds/` directory, read on first use, by (group, kind) and
 * version.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { isRecord } from '../model';
import { CrdVersion, K8sSchema } from './types';

interface Catalog {
  /** `group/kind` → version → CRD version. */
  readonly byGroupKind: Map<string, Map<string, CrdVersion>>;
  /** lower-cased kind → `group/kind` keys. */
  readonly byKindLower: Map<string, string[]>;
  readonly groups: Set<string>;
}

let catalog: Catalog | undefined;

interface CrdSpec {
  readonly group: string;
  readonly scope: string;
  readonly names: { readonly kind: string };
  readonly versions: { readonly name: string; readonly served: boolean; readonly schema?: { readonly openAPIV3Schema?: K8sSchema } }[];
}

/** The `crds/` directory shipped with the package (src/check/schema → ../../../crds, lib/src/check/schema → ../../../../crds). */
export function crdDirectory(): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..', 'crds'), path.resolve(__dirname, '..', '..', '..', '..', 'crds')];
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'istio-crds.yaml'))) return c;
  }
  return candidates[0];
}

export function loadCatalog(): Catalog {
  if (catalog) return catalog;
  const byGroupKind = new Map<string, Map<string, CrdVersion>>();
  const byKindLower = new Map<string, string[]>();
  const groups = new Set<string>();
  const dir = crdDirectory();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  for (const f of files) {
    for (const doc of jsyaml.loadAll(fs.readFileSync(path.join(dir, f), 'utf8'))) {
      if (!isRecord(doc) || doc.kind !== 'CustomResourceDefinition') continue;
      const spec = doc.spec as CrdSpec;
      const key = `${spec.group}/${spec.names.kind}`;
      groups.add(spec.group);
      const versions = byGroupKind.get(key) ?? new Map<string, CrdVersion>();
      for (const v of spec.versions) {
        versions.set(v.name, {
          group: spec.group,
          version: v.name,
          kind: spec.names.kind,
          served: v.served !== false,
          namespaced: spec.scope !== 'Cluster',
          schema: v.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
        });
      }
      byGroupKind.set(key, versions);
      const lower = spec.names.kind.toLowerCase();
      const list = byKindLower.get(lower) ?? [];
      if (!list.includes(key)) list.push(key);
      byKindLower.set(lower, list);
    }
  }
  catalog = { byGroupKind, byKindLower, groups };
  return catalog;
}

/** True when the vendored CRDs define `kind` in `group` (any version). */
export function isKnownCrdKind(group: string, kind: string): boolean {
  return loadCatalog().byGroupKind.has(`${group}/${kind}`);
}

/** The version of a `group/kind` to suggest: v1 when served, else the first served one. */
export function preferredVersion(groupKind: string): string {
  const versions = loadCatalog().byGroupKind.get(groupKind);
  if (!versions) return 'v1';
  const served = [...versions.values()].filter((v) => v.served);
  return (served.find((v) => v.version === 'v1') ?? served[0])?.version ?? 'v1';
}
