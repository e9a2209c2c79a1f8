/**
 * Reading the CLI's inputs: files and directories of manifests, and the mesh config. Errors are
 * {@link InputError}/{@link ManifestLoadError} with a file (and line) — the CLI prints them and exits 2.
 *
 * What is read, and how that compares with `kubectl apply -f PATH -R` (k8s.io/cli-runtime's resource builder:
 * `os.Stat` on each PATH, then `filepath.Walk`, which `lstat`s every entry and never follows symbolic links to
 * directories, then opens each file — following a symbolic link to a file):
 * - a PATH named on the command line is followed if it is a symbolic link (to a file or a directory; kubectl fails
 *   on a link to a directory, we check what it points to: the user named it);
 * - in a directory, recursively and in name order: regular files and symbolic links to files named *.yaml, *.yml
 *   (hidden entries skipped). Symbolic links to directories are not followed, as kubectl does not follow them; each
 *   one is reported on stderr (`note:`), so nothing is skipped silently. A broken link or a link loop named *.yaml
 *   is an error, as it is for kubectl;
 * - a file reached twice (two links, or a PATH given twice) is read once: applying it twice changes nothing in a
 *   cluster, and counting its objects twice would report conflicts with itself. A directory reached again through
 *   a bind mount is not walked again (loop detection);
 * - only regular files are read: a FIFO, socket or device is an error naming the path (kubectl would block on a
 *   FIFO or read /dev/zero forever); `-` reads stdin, whatever it is;
 * - at most `maxInputBytes` in total (default {@link DEFAULT_MAX_INPUT_BYTES}, `--max-input-bytes`): more is an
 *   error before the process runs out of memory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isRecord, KubeObject, SourceRef } from '../check/model';
import { decodeManifestBytes, loadManifestBytes, loadManifests } from '../check/yaml';

/** An input the CLI cannot read (missing file, unreadable directory, bad mesh config). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Default limit on the bytes read from all inputs together: 256 MiB, about 3× the 200,000-object benchmark
 * (80 MB), which a default Node.js heap checks comfortably; a larger input needs `--max-input-bytes` (and a larger
 * heap: `NODE_OPTIONS=--max-old-space-size=…`).
 */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 2 ** 20;

/** How to read inputs. */
export interface ReadOptions {
  /** Limit on the bytes read from all inputs together. @default DEFAULT_MAX_INPUT_BYTES */
  readonly maxInputBytes?: number;
  /** Receives notes about entries deliberately not read (symbolic links to directories). @default - dropped */
  readonly notice?: (message: string) => void;
}

/** Manifests read from the inputs, with the source of each. */
export interface Inputs {
  readonly objects: KubeObject[];
  readonly sources: SourceRef[];
  readonly files: string[];
}

const MANIFEST_EXT = /\.ya?ml$/i;
const MIB = 2 ** 20;

function errnoCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** What a path is, in words, for messages about files that are not regular files. */
function describeType(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

function notRegular(p: string, st: fs.Stats): InputError {
  return new InputError(`${p}: ${describeType(st)}, not a regular file: only regular files are read (pipe it to "-" to read it as stdin)`);
}

function statError(p: string, e: unknown, link: boolean): InputError {
  const code = errnoCode(e);
  if (code === 'ENOENT') return new InputError(link ? `${p}: broken symbolic link (its target does not exist)` : `${p}: no such file or directory`);
  if (code === 'ELOOP') return new InputError(`${p}: symbolic link loop (too many levels of symbolic links)`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${p}: permission denied`);
  return new InputError(`${p}: cannot read it (${code})`);
}

const identity = (st: fs.Stats) => `${st.dev}:${st.ino}`;

/**
 * Expands paths to files: a file as given; a directory recursively (*.yaml, *.yml; hidden entries skipped), sorted.
 * See the module comment for symbolic links, duplicates and non-regular files.
 */
export function expandPaths(paths: readonly string[], notice: (message: string) => void = () => undefined): string[] {
  const out: string[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const addFile = (p: string, st: fs.Stats) => {
    if (!st.isFile()) throw notRegular(p, st);
    const id = identity(st);
    if (seenFiles.has(id)) return;
    seenFiles.add(id);
    out.push(p);
  };
  const walk = (dir: string, st: fs.Stats): void => {
    const id = identity(st);
    if (seenDirs.has(id)) {
      notice(`${dir}: directory already read (a bind mount or a PATH given twice), not read again`);
      return;
    }
    seenDirs.add(id);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new InputError(`${dir}: cannot read the directory (${errnoCode(e)})`);
    }
    const names = entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of names) {
      const full = path.join(dir, e.name);
      const manifest = MANIFEST_EXT.test(e.name);
      if (e.isDirectory()) {
        walk(full, lstat(full));
      } else if (e.isSymbolicLink()) {
        let target: fs.Stats;
        try {
          target = fs.statSync(full);
        } catch (err) {
          if (manifest) throw statError(full, err, true);
          continue;
        }
        if (target.isDirectory()) {
          notice(`${full}: symbolic link to a directory, not followed (kubectl apply -f -R does not follow them either); pass it as a PATH to check it`);
        } else if (manifest) {
          addFile(full, target);
        }
      } else if (manifest) {
        addFile(full, lstat(full));
      }
    }
  };
  for (const p of paths) {
    if (p === '-') {
      // stdin is one input however often it is named
      if (!out.includes('-')) out.push(p);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      throw statError(p, e, isSymlink(p));
    }
    if (st.isDirectory()) walk(p, st);
    else addFile(p, st);
  }
  return out;
}

function lstat(p: string): fs.Stats {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    throw statError(p, e, false);
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30 && n % 2 ** 30 === 0) return `${n / 2 ** 30} GiB`;
  if (n >= 2 ** 20 && n % 2 ** 20 === 0) return `${n / 2 ** 20} MiB`;
  return `${n} bytes`;
}

/** Reads and budgets the bytes of the inputs (stdin once; regular files only). */
class InputReader {
  private remaining: number;
  private stdin: Buffer | undefined;

  constructor(private readonly limit: number) {
    this.remaining = limit;
  }

  public read(file: string): Buffer {
    if (file === '-') {
      // stdin can be read once; a second "-" is the same (already consumed) input
      if (this.stdin === undefined) this.stdin = this.readFd(0, '<stdin>', undefined);
      return this.stdin;
    }
    let fd: number;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer (it is rejected right after, by fstat)
      // eslint-disable-next-line no-bitwise
      fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (e) {
      throw new InputError(`${file}: cannot read the file (${errnoCode(e)})`);
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw notRegular(file, st);
      return this.readFd(fd, file, st.size);
    } finally {
      fs.closeSync(fd);
    }
  }

  private tooLarge(name: string): InputError {
    return new InputError(`${name}: the input is larger than the limit of ${formatBytes(this.limit)} for all inputs together; `
      + `pass --max-input-bytes with a larger size (e.g. --max-input-bytes ${Math.max(1, Math.ceil((this.limit * 2) / 2 ** 20))}Mi) if it is really meant to be checked`);
  }

  /** Reads to EOF, never more than the remaining budget (+1 byte to notice the overflow). */
  private readFd(fd: number, name: string, size: number | undefined): Buffer {
    if (size !== undefined && size > this.remaining) throw this.tooLarge(name);
    const chunks: Buffer[] = [];
    let total = 0;
    // a regular file's size is known (but /proc files report 0): read it in one piece when possible
    let chunk = Buffer.allocUnsafe(Math.min(this.remaining + 1, size !== undefined && size > 0 ? size + 1 : MIB, 256 * MIB));
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'EAGAIN') {
          // a non-blocking stdin pipe with no data yet: wait a little and retry
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        if (code === 'EOF') break; // stdin on Windows
        throw new InputError(`${name}: cannot read the file (${code})`);
      }
      if (n === 0) break;
      total += n;
      if (total > this.remaining) throw this.tooLarge(name);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      // the next read fills the rest of this buffer, or a new one: no copy per read (pipes give 64 KiB at a time)
      chunk = n === chunk.length ? Buffer.allocUnsafe(Math.min(this.remaining - total + 1, MIB)) : chunk.subarray(n);
    }
    this.remaining -= total;
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  }
}

/** Reads and parses every manifest of the paths. */
export function readInputs(paths: readonly string[], options: ReadOptions = {}): Inputs {
  const files = expandPaths(paths, options.notice);
  const reader = new InputReader(options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES);
  let objects: KubeObject[] = [];
  let sources: SourceRef[] = [];
  for (let f = 0; f < files.length; f++) {
    const file = files[f];
    const name = file === '-' ? '<stdin>' : file;
    const loaded = loadManifestBytes(reader.read(file), name);
    if (objects.length === 0) {
      // the first file's lists as they are (often the only file)
      objects = loaded.objects;
      sources = loaded.sources;
      continue;
    }
    // one by one: spreading (push(...xs)) overflows the stack above ~125,000 objects; indexed: a for-of allocates an
    // iterator result per object until the JIT optimises it
    for (let i = 0; i < loaded.objects.length; i++) {
      objects.push(loaded.objects[i]);
      sources.push(loaded.sources[i]);
    }
  }
  return { objects, sources, files };
}

/**
 * Reads a MeshConfig: the YAML of the `istio` ConfigMap's `mesh` key, or the whole ConfigMap (its `data.mesh` is
 * used), or an IstioOperator (its `spec.meshConfig`).
 */
export function readMeshConfig(file: string, options: ReadOptions = {}): Record<string, unknown> {
  if (file !== '-') {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (e) {
      throw statError(file, e, isSymlink(file));
    }
    if (!st.isFile()) throw notRegular(file, st);
  }
  const bytes = new InputReader(options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES).read(file);
  const name = file === '-' ? '<stdin>' : file;
  const loaded = loadManifests(decodeManifestBytes(bytes, name), name);
  const doc = loaded.objects[0];
  if (!doc) throw new InputError(`${name}: the mesh config file is empty`);
  if (doc.kind === 'ConfigMap') {
    const data = isRecord(doc.data) ? doc.data : {};
    if (typeof data.mesh !== 'string') throw new InputError(`${name}: the ConfigMap has no data.mesh; pass the istio ConfigMap (istio-system/istio) or its mesh YAML`);
    const inner = loadManifests(data.mesh, `${name} (data.mesh)`).objects[0];
    return inner ? { ...inner } : {};
  }
  if (doc.kind === 'IstioOperator') {
    const spec = isRecord(doc.spec) ? doc.spec : {};
    return isRecord(spec.meshConfig) ? { ...spec.meshConfig } : {};
  }
  return { ...doc };
}
