/**
 * Reading the CLI's inputs: files and directories of manifests, and the mesh config. Errors are
 * {@link InputError}/{@link ManifestLoadError} with a file (and line) — the CLI prints them and exits 2.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isRecord, KubeObject, SourceRef } from '../check/model';
import { decodeManifestBytes, loadManifests } from '../check/yaml';

/** An input the CLI cannot read (missing file, unreadable directory, bad mesh config). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Manifests read from the inputs, with the source of each. */
export interface Inputs {
  readonly objects: KubeObject[];
  readonly sources: SourceRef[];
  readonly files: string[];
}

const MANIFEST_EXT = /\.ya?ml$/i;

/** Expands paths to files: a file as given; a directory recursively (*.yaml, *.yml; hidden entries skipped), sorted. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function walk(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`${dir}: cannot read the directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const names = entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of names) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full));
    else if (e.isFile() && MANIFEST_EXT.test(e.name)) out.push(full);
  }
  return out;
}

function readBytes(file: string): Buffer {
  try {
    return file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Reads and parses every manifest of the paths. */
export function readInputs(paths: readonly string[]): Inputs {
  const files = expandPaths(paths);
  const objects: KubeObject[] = [];
  const sources: SourceRef[] = [];
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    const loaded = loadManifests(decodeManifestBytes(readBytes(file), name), name);
    objects.push(...loaded.objects);
    sources.push(...loaded.sources);
  }
  return { objects, sources, files };
}

/**
 * Reads a MeshConfig: the YAML of the `istio` ConfigMap's `mesh` key, or the whole ConfigMap (its `data.mesh` is
 * used), or an IstioOperator (its `spec.meshConfig`).
 */
export function readMeshConfig(file: string): Record<string, unknown> {
  const loaded = loadManifests(decodeManifestBytes(readBytes(file), file), file);
  const doc = loaded.objects[0];
  if (!doc) throw new InputError(`${file}: the mesh config file is empty`);
  if (doc.kind === 'ConfigMap') {
    const data = isRecord(doc.data) ? doc.data : {};
    if (typeof data.mesh !== 'string') throw new InputError(`${file}: the ConfigMap has no data.mesh; pass the istio ConfigMap (istio-system/istio) or its mesh YAML`);
    const inner = loadManifests(data.mesh, `${file} (data.mesh)`).objects[0];
    return inner ? { ...inner } : {};
  }
  if (doc.kind === 'IstioOperator') {
    const spec = isRecord(doc.spec) ? doc.spec : {};
    return isRecord(spec.meshConfig) ? { ...spec.meshConfig } : {};
  }
  return { ...doc };
}
