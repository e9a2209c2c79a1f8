/**
 * goyaml v2's parser (parserc.go) and decoder into interface{} (decode.go), plus sigs.k8s.io/yaml's conversion to
 * JSON values, in one pass: reads the FIRST document of a chunk (goyaml's Unmarshal ignores the rest) straight into
 * JavaScript values. Semantics kept from goyaml: merge keys `<<` are applied in order (a later merge overrides an
 * earlier key: `{p: 2, <<: *b}` takes p from b), sequences of merges give precedence to the first, aliases must
 * point to a complete earlier anchor ("value contains itself" otherwise), excessive alias expansion is refused with
 * goyaml's ratio rule, `.inf`/`.nan` values cannot become JSON.
 *
 * Deliberate refusals (kubectl's non-strict reader accepts them, its strict reader refuses or is non-deterministic):
 * two keys of one mapping that are the same key (`a` twice, `on` and `true`) or that become the same JSON key
 * (`1` and `"1"`).
 */
import { BlockCollectionParser } from './block';
import { checkFinite } from './mapping';
import { DEFAULT_TAGS } from './nodes';
import { charCodes, END_PADDING, plainBytes, StringTable } from './reader';
import { Scanner } from './scanner';
// Tok straight from its module (not re-exported through scanner.ts: a getter per read when transpiled file by file,
// as the bench and ts-node do, where const enums are not inlined)
import { Tok } from './tokens';

export { DuplicateKeyError } from './mapping';

// Token types as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const VERSION_DIRECTIVE = Tok.VERSION_DIRECTIVE;
const TAG_DIRECTIVE = Tok.TAG_DIRECTIVE;
const DOCUMENT_START = Tok.DOCUMENT_START;
const STREAM_END = Tok.STREAM_END;
const DOCUMENT_END = Tok.DOCUMENT_END;

/** Options of {@link parseFirstDocument}. */
export interface ParseOptions {
  /** Keep integers outside ±2^53 as bigint (for printing them exactly); default: JavaScript numbers. */
  readonly exactIntegers?: boolean;
}

/**
 * Parses the first YAML document of `text` like goyaml's Unmarshal into interface{} followed by sigs.k8s.io/yaml's
 * JSON conversion. Returns undefined when the text holds no document. Throws {@link YamlSyntaxError} (0-based line).
 * The text must hold no NUL (the scanner reads NUL as the end of input; readDocuments refuses NUL first).
 */
export function parseFirstDocument(text: string, options: ParseOptions = {}): unknown {
  return new DocumentReader(text + END_PADDING, options.exactIntegers === true, false).read(0, text.length);
}

/**
 * Reads documents of one text that holds several: each ends at its `end` offset, where a `---` line follows it in the
 * text, or the text ends with {@link END_PADDING} (see readDocuments in ../yaml.ts).
 */
export class DocumentReader {
  /** One scanner for all documents (restarted for each). */
  private readonly sc: Scanner;
  /** One parser for all documents (reset for each). */
  private readonly parser: DocumentParser;

  /**
   * `oneByte`: every character of `padded` is below U+0100 (see {@link charCodes}); `codes`: its character codes, if
   * the caller has them.
   */
  constructor(padded: string, exact: boolean, oneByte: boolean, codes?: Uint8Array) {
    const b = codes !== undefined ? plainBytes(codes) : charCodes(padded, oneByte);
    this.sc = new Scanner(padded, b, 0, 0, new StringTable(padded.length));
    // the entries of the sequences being parsed, shared by the documents (see NodeParser.items in nodes.ts)
    this.parser = new DocumentParser(this.sc, exact, []);
  }

  /**
   * The first document of the text from `start` to `end`, as {@link parseFirstDocument}: `end` is a NUL followed by
   * the rest of {@link END_PADDING}, or the start of a `---` line that the scanner would read as a document indicator.
   */
  read(start: number, end: number): unknown {
    this.sc.restart(start, end);
    return this.parser.document();
  }

  /**
   * After {@link read}: the line breaks from its `start` to its `end` when the scanner read that far (the text ends
   * with a line break), else -1 (e.g. the document ended at a `...` marker).
   */
  linesRead(): number {
    return this.sc.streamEndFetched ? this.sc.line : -1;
  }
}

/**
 * Reads the first document of a chunk. The reading is split by concept along a chain of classes: nodes (nodes.ts),
 * flow collections (flow.ts), block collections (block.ts), and the document with its directives (here).
 */
class DocumentParser extends BlockCollectionParser {
  document(): unknown {
    this.reset();
    const sc = this.sc;
    sc.peek(); // STREAM_START
    sc.skip();
    let t = sc.peek();
    let value: unknown;
    if (t.type !== VERSION_DIRECTIVE && t.type !== TAG_DIRECTIVE && t.type !== DOCUMENT_START && t.type !== STREAM_END) {
      this.processDirectives();
      this.count(1, 0);
      value = this.child(true, false);
    } else if (t.type !== STREAM_END) {
      this.processDirectives();
      t = sc.peek();
      if (t.type !== DOCUMENT_START) this.fail('did not find expected <document start>', t.line);
      sc.skip();
      t = sc.peek();
      this.count(1, 0);
      if (t.type === VERSION_DIRECTIVE || t.type === TAG_DIRECTIVE || t.type === DOCUMENT_START ||
        t.type === DOCUMENT_END || t.type === STREAM_END) {
        value = this.empty('', true);
      } else {
        value = this.child(true, false);
      }
    } else {
      return undefined;
    }
    t = sc.peek();
    if (t.type === DOCUMENT_END) sc.skip();
    if (this.nonFinite) checkFinite(value, this.nonFinite);
    return value;
  }

  private processDirectives(): void {
    const sc = this.sc;
    let version = false;
    const tags: Array<[string, string]> = [];
    for (let t = sc.peek(); t.type === VERSION_DIRECTIVE || t.type === TAG_DIRECTIVE; t = sc.peek()) {
      if (t.type === VERSION_DIRECTIVE) {
        if (version) this.fail('found duplicate %YAML directive', t.line);
        if (t.major !== 1 || t.minor !== 1) this.fail('found incompatible YAML document', t.line);
        version = true;
      } else {
        if (tags.some(([h]) => h === t.value)) this.fail('found duplicate %TAG directive', t.line);
        tags.push([t.value, t.suffix]);
      }
      sc.skip();
    }
    if (tags.length === 0) return; // the default tags, shared
    for (const d of DEFAULT_TAGS) if (!tags.some(([h]) => h === d[0])) tags.push(d);
    this.tags = tags;
  }
}
