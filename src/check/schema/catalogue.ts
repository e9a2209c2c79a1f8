/**
 * The CRD catalogue: the vendored CRDs of the package's `crds/` directory, by (group, kind) and version, read on
 * first use.
 *
 * Start-up: the CRD YAML files are 1.8 MB, and parsing them was most of a small `check`. They are read from
 * `crds/catalogue.json` instead: the same CRDs reduced to what the checks use (group, kind, scope, versions, schemas
 * without `description`), generated from the YAML files by {@link buildCatalogueJson} and kept up to date by
 * test/check/schema-catalogue.test.ts (`UPDATE_CRD_CATALOGUE=1` rewrites it). Without that file the YAML files are
 * parsed, as before.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isRecord } from '../model';
import { CrdVersion, K8sSchema } from './types';
import { readDocuments } from '../yaml';

/** The generated catalogue file in the `crds/` directory. */
export const CATALOGUE_FILE = 'catalogue.json';

interface Catalog {
  /** `group/kind` → version → CRD version. */
  readonly byGroupKind: Map<string, Map<string, CrdVersion>>;
  /** lower-cased kind → `group/kind` keys. */
  readonly byKindLower: Map<string, string[]>;
  readonly groups: Set<string>;
  /** sha256 of each CRD YAML file the catalogue was generated from (file name → hex). */
  readonly sources: Readonly<Record<string, string>>;
}

let catalog: Catalog | undefined;

interface CrdSpec {
  readonly group: string;
  readonly scope: string;
  readonly names: { readonly kind: string };
  readonly versions: { readonly name: string; readonly served: boolean; readonly schema?: { readonly openAPIV3Schema?: K8sSchema } }[];
}

/** The content of `crds/catalogue.json`. */
interface CatalogueFile {
  /** sha256 of each CRD YAML file it was generated from */
  readonly sources: Record<string, string>;
  readonly crds: CrdSpec[];
}

/**
 * The `crds/` directory shipped with the package (src/check/schema → ../../../crds, lib/src/check/schema →
 * ../../../../crds, lib/ → ../crds for the bundled bin of src/cli/bundle.ts). ../crds is tried first: from the bundle,
 * ../../../crds is outside the package (next to the app's node_modules/).
 */
export function crdDirectory(): string {
  const candidates = [
    path.resolve(__dirname, '..', 'crds'), path.resolve(__dirname, '..', '..', '..', 'crds'), path.resolve(__dirname, '..', '..', '..', '..', 'crds'),
  ];
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'istio-crds.yaml'))) return c;
  }
  return candidates[1]; // the src/ layout, as before the bundle
}

function yamlFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
}

/** The CRDs of the YAML files in `dir` (read with the checker's own, kubectl-exact YAML loader). */
function readCrdYaml(dir: string): { sources: Record<string, string>; crds: CrdSpec[] } {
  const sources: Record<string, string> = {};
  const crds: CrdSpec[] = [];
  for (const f of yamlFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    // build time (or no catalogue.json): node:crypto is not loaded by a check that reads the catalogue
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sources[f] = (require('crypto') as typeof import('crypto')).createHash('sha256').update(text).digest('hex');
    for (const doc of readDocuments(text, f)) {
      if (isRecord(doc.value) && doc.value.kind === 'CustomResourceDefinition') crds.push(doc.value.spec as CrdSpec);
    }
  }
  return { sources, crds };
}

/** A schema node without `description` keywords (field names called `description` under `properties` are kept). */
function stripSchema(s: unknown): unknown {
  if (!isRecord(s)) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'description') continue;
    if (k === 'properties' && isRecord(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, stripSchema(ps)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = stripSchema(v);
    } else if ((k === 'oneOf' || k === 'anyOf' || k === 'allOf') && Array.isArray(v)) {
      out[k] = v.map(stripSchema);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** The text of `crds/catalogue.json` for the CRD YAML files in `dir` (deterministic). */
export function buildCatalogueJson(dir: string = crdDirectory()): string {
  const { sources, crds } = readCrdYaml(dir);
  const file: CatalogueFile = {
    sources,
    crds: crds.map((c) => ({
      group: c.group,
      scope: c.scope,
      names: { kind: c.names.kind },
      versions: c.versions.map((v) => ({
        name: v.name,
        served: v.served,
        ...(v.schema?.openAPIV3Schema ? { schema: { openAPIV3Schema: stripSchema(v.schema.openAPIV3Schema) as K8sSchema } } : {}),
      })),
    })),
  };
  return `${JSON.stringify(file)}\n`;
}

function readCrds(dir: string): { sources: Record<string, string>; crds: CrdSpec[] } {
  const file = path.join(dir, CATALOGUE_FILE);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as CatalogueFile;
  return readCrdYaml(dir);
}

/** The catalogue of the vendored CRDs (read once). */
export function loadCatalog(): Catalog {
  if (catalog) return catalog;
  const byGroupKind = new Map<string, Map<string, CrdVersion>>();
  const byKindLower = new Map<string, string[]>();
  const groups = new Set<string>();
  const { sources, crds } = readCrds(crdDirectory());
  for (const spec of crds) {
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
  catalog = { byGroupKind, byKindLower, groups, sources };
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
