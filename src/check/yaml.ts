/**
 * Manifest loading exactly as kubectl reads YAML: k8s.io/apimachinery's YAMLReader splits the stream into documents,
 * then sigs.k8s.io/yaml (goyaml v2) converts each document to JSON. The differential test
 * (test/check/yaml-differential.test.ts) holds this loader to the real reader (tools/kubectl-yaml).
 *
 * - Documents: a line starting with `---` ends a document; anything but spaces or a comment after `---` is an
 *   error; `\r\n` is read as `\n`; within a document only the first YAML document counts (content after a `...`
 *   end marker is ignored, as kubectl ignores it); empty and `null` documents are dropped.
 * - Scalars (goyaml v2, YAML 1.1): `yes`/`no`/`on`/`off`/`y`/`n` are booleans (as keys too: `on:` is "true");
 *   `0777` is octal, `0x1F`/`0o17`/`0b101`/`1_000` integers (int64, then uint64, then float); `.inf`/`.nan`
 *   cannot become JSON (refused); timestamps stay strings; `!!binary` is decoded; unknown tags are ignored.
 * - Flow collections: a plain scalar ends at `: `, `,`, `?` and brackets only, so `[fe80::]` is `["fe80::"]` and
 *   `{a: 2001:db8::}` maps a to "2001:db8::"; `[::1]` is an error, as for kubectl.
 * - Merge keys apply in order (`{p: 2, <<: *b}` takes p from b); aliases to an anchor that contains them, unknown
 *   anchors and excessive alias expansion are errors.
 * - Deliberate refusals (kubectl's strict decoding refuses them too; its non-strict one keeps one value silently):
 *   the same key twice in one mapping, and two keys that become the same JSON key (`1` and `"1"`).
 * - Integers above 2^53 are JavaScript numbers for the checker; `readDocuments(..., { exactIntegers: true })`
 *   keeps them as bigint so `cdk8s-istio-gateways read` prints them exactly.
 *
 * Parser: a port of goyaml v2's scanner and parser (src/check/yaml/), measured against js-yaml in the README.
 */
import { isRecord, KubeObject, SourceRef } from './model';
import { DocumentReader } from './yaml/parser';
import { END_PADDING } from './yaml/reader';
import { YamlSyntaxError } from './yaml/scanner';
import { isBlankOrBreak } from './yaml/tokens';

export { resolvePlainScalar } from './yaml/resolve';

/** A manifest file that Kubernetes would not accept as YAML. `file:line: message`, never a stack trace. */
export class ManifestLoadError extends Error {
  constructor(public readonly file: string, public readonly line: number, public readonly reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ManifestLoadError';
  }
}

/** Objects of a manifest file with where each came from (file and 1-based line of its document). */
export interface LoadedManifests {
  readonly objects: KubeObject[];
  readonly sources: SourceRef[];
}

/** One YAML document as kubectl reads it, with its 1-based first line. */
export interface ReadDocument {
  readonly value: unknown;
  readonly line: number;
}

/** Options of {@link readDocuments}. */
export interface ReadOptions {
  /** Integers outside ±2^53 as bigint instead of (rounded) numbers. */
  readonly exactIntegers?: boolean;
}

/** Decodes file bytes (UTF-8, or UTF-16 with BOM); rejects binary input. A UTF-8 BOM is kept for the reader. */
export function decodeManifestBytes(buf: Uint8Array, file: string): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    throw new ManifestLoadError(file, lineOfByte(buf, firstInvalidUtf8(buf)), 'the file is not UTF-8 text (binary data?); pass YAML or JSON manifests');
  }
}

function firstInvalidUtf8(buf: Uint8Array): number {
  for (let lo = 0, hi = buf.length; ;) {
    // Binary search the longest valid prefix (decoding a truncated valid prefix can fail at the cut only).
    if (hi - lo <= 1) return lo;
    const mid = Math.floor((lo + hi) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
}

function lineOfByte(buf: Uint8Array, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < buf.length; i++) if (buf[i] === 10) line++;
  return line;
}

/** Go's unicode.IsSpace, as strings.TrimSpace uses it on the rest of a `---` line. */
function isGoSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * Characters goyaml's reader refuses ("control characters are not allowed"); lone surrogates are not UTF-8. Searched
 * in the whole text (one search for a clean file, not one per document): a chunk starts after a line break and ends
 * before a `---` line, so a match inside a chunk is the same whether the chunk or the whole text is searched.
 */
const NOT_ALLOWED = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\ud800-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The regular characters: printable ASCII, tabs and `\n`. What is not regular is a superset of {@link NOT_ALLOWED}
 * that this simpler expression skips about twice as fast as the exact search finds it (manifests are mostly ASCII:
 * the exact search starts at the first irregular character), and of the line breaks other than `\n` (a text without
 * them has as many lines for YAML as `\n`s). Sticky and greedy, for speed: one run of the class from `lastIndex`, which
 * it leaves at the first irregular character; an unanchored search of the negated class (`[^…]`) costs twice as
 * much, as it starts a match attempt at every character.
 */
const REGULAR_RUN = /[\t\n\x20-\x7e]*/y;

/** The index of the first character of `text` at or after `from` that is not regular ({@link REGULAR_RUN}), or -1. */
function irregularFrom(text: string, from: number): number {
  REGULAR_RUN.lastIndex = from;
  REGULAR_RUN.test(text);
  const end = REGULAR_RUN.lastIndex;
  return end < text.length ? end : -1;
}

/** The first character of `text` at or after `from`, the first irregular one there, that goyaml's reader refuses. */
function notAllowedFrom(text: string, irregular: number): RegExpExecArray | undefined {
  if (irregular < 0) return undefined;
  NOT_ALLOWED.lastIndex = irregular;
  return NOT_ALLOWED.exec(text) ?? undefined;
}

/** The number of `\n` in text[from, to). */
function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The 1-based line of position `pos` of text. */
function lineAt(text: string, pos: number): number {
  return 1 + newlines(text, 0, pos);
}

/**
 * A document of the stream: text[start, end) of the file, after `gap` separator lines (one line each) that follow the
 * previous chunk (or start the file).
 */
interface Chunk {
  readonly start: number;
  readonly end: number;
  readonly gap: number;
}

/**
 * Splits the stream like apimachinery's YAMLReader: a line starting with `---` ends a document. Returns the chunks
 * before the first invalid separator, and that separator's error (thrown once the chunks before it are read).
 */
function splitDocuments(text: string, file: string): { chunks: Chunk[]; error?: ManifestLoadError } {
  const chunks: Chunk[] = [];
  let chunkStart = 0;
  let gap = 0;
  for (let sep = text.startsWith('---') ? 0 : text.indexOf('\n---'); sep >= 0; sep = text.indexOf('\n---', chunkStart - 1)) {
    const at = text.charCodeAt(sep) === 10 ? sep + 1 : sep;
    const eol = text.indexOf('\n', at);
    const end = eol < 0 ? text.length : eol;
    const rest = end === at + 3 ? '' : goTrimSpace(text.slice(at + 3, end)); // (`---` alone: no slice)
    if (rest !== '' && rest[0] !== '#') {
      return { chunks, error: new ManifestLoadError(file, lineAt(text, at), `invalid document separator "${text.slice(at, end).trim()}": kubectl only accepts "---" alone on its line (a comment may follow); put the content on the next line`) };
    }
    if (at > chunkStart) {
      chunks.push({ start: chunkStart, end: at, gap });
      gap = 0;
    }
    gap++;
    chunkStart = eol < 0 ? text.length : eol + 1;
    if (eol < 0) break;
  }
  if (chunkStart < text.length) chunks.push({ start: chunkStart, end: text.length, gap });
  return { chunks };
}

/**
 * The documents of a file exactly as kubectl reads them (apimachinery's YAMLReader + sigs.k8s.io/yaml), in order,
 * empty and `null` documents dropped. Throws {@link ManifestLoadError} where kubectl would refuse the file (and for
 * the deliberate refusals: duplicate keys).
 */
export function readDocuments(input: string, file: string, options: ReadOptions = {}): ReadDocument[] {
  const docs: ReadDocument[] = [];
  forEachDocument(input, file, options.exactIntegers === true, (value, line) => docs.push({ value, line }));
  return docs;
}

/**
 * The documents' texts for the scanner: `text` is the string it reads, chunk i is text[starts[i], ends[i]), and each
 * `end` is a NUL followed by the rest of END_PADDING, or the start of a `---` line that it reads as a document indicator
 * (the scanner takes the end for the end of input either way). `last` is set when the last chunk has a string of its
 * own.
 */
interface ScannerTexts {
  readonly text: string;
  readonly starts: number[];
  readonly ends: number[];
  readonly last?: string;
}

/**
 * The chunks read in place when every chunk but the last ends at a `---` line that the scanner reads as a document
 * indicator (`---` then a blank or a line break: the usual separators), so that the scanner needs no copy of the file
 * (only the last chunk, which ends the file, gets a padded copy); else all chunks in one string, each followed by NULs
 * (as goyaml reads its NUL-padded buffer).
 */
function scannerTexts(text: string, chunks: readonly Chunk[]): ScannerTexts {
  const starts: number[] = [];
  const ends: number[] = [];
  const n = chunks.length;
  let inPlace = true;
  for (let i = 0; i + 1 < n && inPlace; i++) inPlace = isBlankOrBreak(text.charCodeAt(chunks[i].end + 3));
  if (inPlace && n > 1) {
    for (let i = 0; i + 1 < n; i++) {
      starts.push(chunks[i].start);
      ends.push(chunks[i].end);
    }
    const c = chunks[n - 1];
    const last = text.slice(c.start, c.end) + (lastNeedsBreak(text, c) ? '\n' : '') + END_PADDING;
    starts.push(0);
    ends.push(last.length - END_PADDING.length);
    return { text, starts, ends, last };
  }
  const parts: string[] = [];
  let offset = 0;
  for (const c of chunks) {
    const tail = lastNeedsBreak(text, c) ? `\n${END_PADDING}` : END_PADDING;
    starts.push(offset);
    parts.push(text.slice(c.start, c.end), tail);
    offset += c.end - c.start + tail.length;
    ends.push(offset - END_PADDING.length);
  }
  return { text: parts.join(''), starts, ends };
}

/** The chunk ends the file without a line break: the scanner gets one (its last line is read as a line). */
function lastNeedsBreak(text: string, c: Chunk): boolean {
  return c.end === text.length && text.charCodeAt(c.end - 1) !== 10;
}

/**
 * {@link readDocuments}, each document given to `take` as it is read (no record per document). `bytes`: the bytes
 * `input` was decoded from, if known (see {@link loadManifestBytes}).
 */
function forEachDocument(
  input: string, file: string, exactIntegers: boolean, take: (value: unknown, line: number) => void, bytes?: Uint8Array,
): void {
  const text = input.includes('\r\n') ? input.replace(/\r\n/g, '\n') : input;
  const { chunks, error } = splitDocuments(text, file);
  // the next irregular and refused characters at or after the current chunk (searched again only once a chunk is past
  // them: one search of the text for most files)
  let irregular = irregularFrom(text, 0);
  let bad = notAllowedFrom(text, irregular);
  const st = scannerTexts(text, chunks);
  // a text without irregular characters is ASCII, and so are the scanner's texts made of it and NULs
  const ascii = irregular < 0;
  // ASCII bytes decoded one character each are the text's character codes: the scanner reads them, no copy
  const codes = ascii && st.text === text && bytes !== undefined && bytes.length === text.length ? bytes : undefined;
  const parser = new DocumentReader(st.text, exactIntegers, ascii, codes);
  // the last chunk, when it has a string of its own
  const lastParser = st.last !== undefined ? new DocumentReader(st.last, exactIntegers, ascii) : parser;
  // the chunk's first line (1-based): counted from the previous chunk's, with the lines the scanner read in it
  let line = 1;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    const reader = i === chunks.length - 1 ? lastParser : parser;
    if (i > 0) {
      const p = chunks[i - 1];
      // the scanner counts the line breaks of a chunk it read to the end, which are its `\n`s if it has no other
      const scanned = irregular < 0 || irregular >= p.end ? parser.linesRead() : -1;
      line += scanned >= 0 ? scanned : newlines(text, p.start, p.end);
    }
    line += c.gap;
    const chunkLine = line;
    if (irregular >= 0 && irregular < c.start) irregular = irregularFrom(text, c.start);
    if (bad && bad.index < c.start) bad = notAllowedFrom(text, irregular);
    if (bad && bad.index < c.end) {
      const code = bad[0].charCodeAt(0);
      const what = code === 0 ? 'NUL bytes (binary data?)' : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new ManifestLoadError(file, chunkLine + newlines(text, c.start, bad.index), `the file contains ${what}, which YAML does not allow; pass YAML or JSON manifests (escape it in a double-quoted string)`);
    }
    let value: unknown;
    try {
      value = reader.read(st.starts[i], st.ends[i]);
    } catch (e) {
      if (e instanceof YamlSyntaxError) {
        const l = e.line >= 0 ? chunkLine + e.line : chunkLine + firstContentLine(chunkText(text, c)) - 1;
        throw new ManifestLoadError(file, l, `invalid YAML: ${hint(e.message)}`);
      }
      throw e;
    }
    if (value !== undefined && value !== null) {
      // a document usually starts with a key on its first line (`apiVersion:`): no search for its first content
      const first = text.charCodeAt(c.start);
      const contentLine = (first >= 97 && first <= 122) || (first >= 65 && first <= 90) ? 1 : firstContentLine(chunkText(text, c));
      take(value, chunkLine + contentLine - 1);
    }
  }
  if (error) throw error;
}

/** The text of a chunk. */
function chunkText(text: string, c: Chunk): string {
  return text.slice(c.start, c.end);
}

function hint(problem: string): string {
  if (/tab character|could not find expected ':'|mapping values are not allowed|did not find expected key|did not find expected '-'/.test(problem)) {
    return `${problem} (check indentation; YAML does not allow tabs for indentation)`;
  }
  return problem;
}

function firstContentLine(chunk: string): number {
  const m = /^[ \t\ufeff]*[^\s#\ufeff]/m.exec(chunk);
  if (!m) return 1;
  let n = 1;
  for (let i = chunk.indexOf('\n'); i >= 0 && i < m.index; i = chunk.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The first document of a YAML text as kubectl reads it (e.g. the `mesh` key of the `istio` ConfigMap, a CRD file's
 * document), or undefined for an empty text. Throws {@link ManifestLoadError} where kubectl would refuse it.
 */
export function readYamlValue(text: string, file: string): unknown {
  return readDocuments(text, file)[0]?.value;
}

/**
 * Parses a manifest file: multi-document YAML (or JSON), `kind: List` expanded, empty documents skipped. Throws
 * {@link ManifestLoadError} with the file and 1-based line for anything Kubernetes would reject.
 */
export function loadManifests(text: string, file: string): LoadedManifests {
  return load(text, file, undefined);
}

/**
 * {@link loadManifests} of a file's bytes, decoded by {@link decodeManifestBytes}: the same objects and errors (the
 * scanner reads the bytes of an ASCII file in place of a copy of the text's character codes).
 */
export function loadManifestBytes(buf: Uint8Array, file: string): LoadedManifests {
  return load(decodeManifestBytes(buf, file), file, buf);
}

function load(text: string, file: string, bytes: Uint8Array | undefined): LoadedManifests {
  const objects: KubeObject[] = [];
  const sources: SourceRef[] = [];
  // kept for after the reading: a file kubectl cannot read is reported as such before a document that is no object
  let invalid: ManifestLoadError | undefined;
  forEachDocument(text, file, false, (doc, line) => {
    if (invalid) return;
    if (!isRecord(doc)) {
      invalid = new ManifestLoadError(file, line, `the document is a ${Array.isArray(doc) ? 'list' : typeof doc}, not an object; each document must be a Kubernetes object with apiVersion, kind and metadata`);
      return;
    }
    if (doc.kind === 'List' && Array.isArray(doc.items)) {
      for (let i = 0; i < doc.items.length; i++) {
        const item: unknown = doc.items[i];
        if (!isRecord(item)) {
          invalid = new ManifestLoadError(file, line, `items[${i}] of the List is not an object; each item must be a Kubernetes object`);
          return;
        }
        objects.push(item as KubeObject);
        sources.push({ file, line });
      }
      return;
    }
    objects.push(doc as KubeObject);
    sources.push({ file, line });
  }, bytes);
  if (invalid) throw invalid;
  return { objects, sources };
}
