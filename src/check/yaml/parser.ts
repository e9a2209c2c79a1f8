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
import { checkFinite, KeySource, MappingBuilder, MERGE_KEY, setEntry } from './mapping';

export { DuplicateKeyError } from './mapping';
import { END_PADDING, StringTable } from './reader';
import { BINARY, decodeScalar, isShortDecimal, jsonKey, MERGE, plainIsString, Resolved, ResolveError, STR } from './resolve';
import { Scanner } from './scanner';
// Tok and Style straight from their module (not re-exported through scanner.ts: a getter per read when transpiled
// file by file, as the bench and ts-node do, where const enums are not inlined)
import { Style, Tok, Token, YamlSyntaxError } from './tokens';

// Token types and styles as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const VERSION_DIRECTIVE = Tok.VERSION_DIRECTIVE;
const TAG = Tok.TAG;
const TAG_DIRECTIVE = Tok.TAG_DIRECTIVE;
const DOCUMENT_START = Tok.DOCUMENT_START;
const STREAM_END = Tok.STREAM_END;
const DOCUMENT_END = Tok.DOCUMENT_END;
const ALIAS = Tok.ALIAS;
const ANCHOR = Tok.ANCHOR;
const BLOCK_ENTRY = Tok.BLOCK_ENTRY;
const SCALAR = Tok.SCALAR;
const FLOW_SEQUENCE_START = Tok.FLOW_SEQUENCE_START;
const FLOW_MAPPING_START = Tok.FLOW_MAPPING_START;
const BLOCK_SEQUENCE_START = Tok.BLOCK_SEQUENCE_START;
const BLOCK_MAPPING_START = Tok.BLOCK_MAPPING_START;
const BLOCK_END = Tok.BLOCK_END;
const KEY = Tok.KEY;
const VALUE = Tok.VALUE;
const FLOW_SEQUENCE_END = Tok.FLOW_SEQUENCE_END;
const FLOW_ENTRY = Tok.FLOW_ENTRY;
const FLOW_MAPPING_END = Tok.FLOW_MAPPING_END;
const PLAIN = Style.PLAIN;

const ALIAS_RATIO_RANGE_LOW = 400000;
const ALIAS_RATIO_RANGE_HIGH = 4000000;
const ALIAS_RATIO_RANGE = ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_RANGE_HIGH) return 0.10;
  return 0.99 - 0.89 * ((decodeCount - ALIAS_RATIO_RANGE_LOW) / ALIAS_RATIO_RANGE);
}


/** Node kinds (numbers, not an enum: see the token types above). */
const SCALAR_NODE = 0;
const MAPPING_NODE = 1;
const SEQUENCE_NODE = 2;
type Kind = typeof SCALAR_NODE | typeof MAPPING_NODE | typeof SEQUENCE_NODE;

interface Anchor {
  value: unknown;
  kind: Kind;
  /** For scalars: how to resolve it again as a map key. */
  tag: string;
  text: string;
  implicit: boolean;
  complete: boolean;
  start: number;
  count: number;
  line: number;
}

/** Options of {@link parseFirstDocument}. */
export interface ParseOptions {
  /** Keep integers outside ±2^53 as bigint (for printing them exactly); default: JavaScript numbers. */
  readonly exactIntegers?: boolean;
}

const DEFAULT_TAGS: ReadonlyArray<[string, string]> = [['!', '!'], ['!!', 'tag:yaml.org,2002:']];


/**
 * Parses the first YAML document of `text` like goyaml's Unmarshal into interface{} followed by sigs.k8s.io/yaml's
 * JSON conversion. Returns undefined when the text holds no document. Throws {@link YamlSyntaxError} (0-based line).
 * The text must hold no NUL (the scanner reads NUL as the end of input; readDocuments refuses NUL first).
 */
export function parseFirstDocument(text: string, options: ParseOptions = {}): unknown {
  return new DocumentReader(text + END_PADDING, options.exactIntegers === true).read(0, text.length);
}

/**
 * Reads documents of one text that holds several: each ends at its `end` offset, where a `---` line follows it in the
 * text, or the text ends with {@link END_PADDING} (see readDocuments in ../yaml.ts).
 */
export class DocumentReader {
  /** One scanner for all documents (restarted for each). */
  private readonly sc: Scanner;
  /** The entries of the sequences being parsed, shared by the documents (see DocumentParser.items). */
  private readonly items: unknown[] = [];

  constructor(padded: string, private readonly exact: boolean) {
    this.sc = new Scanner(padded, 0, 0, new StringTable(padded.length));
  }

  /**
   * The first document of the text from `start` to `end`, as {@link parseFirstDocument}: `end` is a NUL followed by
   * the rest of {@link END_PADDING}, or the start of a `---` line that the scanner would read as a document indicator.
   */
  read(start: number, end: number): unknown {
    this.sc.restart(start, end);
    return new DocumentParser(this.sc, this.exact, this.items).document();
  }

  /**
   * After {@link read}: the line breaks from its `start` to its `end` when the scanner read that far (the text ends
   * with a line break), else -1 (e.g. the document ended at a `...` marker).
   */
  linesRead(): number {
    return this.sc.streamEndFetched ? this.sc.line : -1;
  }
}

class DocumentParser implements KeySource {
  private tags: ReadonlyArray<[string, string]> = DEFAULT_TAGS;
  /** Created at the first anchor (most documents have none). */
  private anchors: Map<string, Anchor> | undefined;
  private decodeCount = 0;
  private aliasCount = 0;
  private nonFinite: { text: string; line: number } | undefined;
  // what the last parsed node was, for keys
  private lastKind: Kind = SCALAR_NODE;
  /** The last node was a scalar (or an alias to one): its tag, text and implicitness, for keys and anchors. */
  private lastIsScalar = false;
  private lastTag = '';
  private lastText = '';
  private lastImplicit = false;
  private lastAlias: Anchor | undefined;
  /** Go identity of the last key when it is not a plain string (`i:1`, `b:true`...), for collision messages. */
  lastKeyId: string | undefined;
  /**
   * The entries of the open sequences: items[0, top), each sequence's from where it started. A sequence is copied out
   * of it once complete, into an array of its exact size: V8 gives an array built by push 16 slots at its first push
   * (garbage once trimmed), and manifests are full of sequences of one or two entries (hosts, ports, routes).
   */
  private top = 0;

  constructor(private readonly sc: Scanner, private readonly exact: boolean, private readonly items: unknown[]) {}

  private fail(problem: string, line: number): never {
    throw new YamlSyntaxError(problem, line);
  }

  private count(n: number, aliased: number): void {
    this.decodeCount += n;
    this.aliasCount += aliased;
    if (this.aliasCount > 100) this.checkAliasing();
  }

  private checkAliasing(): void {
    if (this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      this.fail('document contains excessive aliasing (its aliases expand to far more nodes than it holds; kubectl refuses it)', this.sc.line);
    }
  }

  /** The entries items[base, top) as the array of a complete sequence, dropped from the open ones. */
  private sequence(base: number): unknown[] {
    const out = this.items.slice(base, this.top);
    this.top = base;
    return out;
  }

  document(): unknown {
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

  /** An empty scalar (goyaml process_empty_scalar, or a node with only an anchor/tag). */
  private empty(tag: string, implicit: boolean, line = this.sc.line): unknown {
    this.lastKind = SCALAR_NODE;
    this.setLastScalar(tag, '', implicit);
    this.lastAlias = undefined;
    return this.scalarValue(tag, '', implicit, line);
  }

  private setLastScalar(tag: string, text: string, implicit: boolean): void {
    this.lastIsScalar = true;
    this.lastTag = tag;
    this.lastText = text;
    this.lastImplicit = implicit;
  }

  private scalarValue(tag: string, text: string, implicit: boolean, line: number): unknown {
    if (tag === '' && (!implicit || plainIsString(text))) return text; // what decodeScalar returns, without allocating
    if (tag === '' && text !== '' && isShortDecimal(text)) return Number(text); // ports, weights: as decodeScalar gives
    let r: Resolved;
    try {
      r = decodeScalar(tag, text, implicit);
    } catch (e) {
      if (e instanceof ResolveError) this.fail(e.message, line);
      throw e;
    }
    const v = r.value;
    if (typeof v === 'number') {
      if (!Number.isFinite(v) && !this.nonFinite) this.nonFinite = { text, line };
      return v;
    }
    if (typeof v === 'bigint') return this.exact ? v : Number(v);
    return v;
  }

  private node(block: boolean, indentless: boolean): unknown {
    const sc = this.sc;
    let t = sc.peek();
    if (t.type === ALIAS) {
      sc.skip();
      const a = this.anchors?.get(t.value);
      if (!a) this.fail(`unknown anchor '${t.value}' referenced`, t.line);
      if (!a.complete) this.fail(`anchor '${t.value}' value contains itself`, t.line);
      this.count(1 + a.count, a.count);
      this.lastKind = a.kind;
      if (a.kind === SCALAR_NODE) this.setLastScalar(a.tag, a.text, a.implicit);
      else this.lastIsScalar = false;
      this.lastAlias = a;
      return a.value;
    }
    const startLine = t.line;
    let anchor: string | undefined;
    let tagHandle: string | undefined;
    let tagSuffix = '';
    if (t.type === ANCHOR) {
      anchor = t.value;
      sc.skip();
      t = sc.peek();
      if (t.type === TAG) {
        tagHandle = t.value;
        tagSuffix = t.suffix;
        sc.skip();
        t = sc.peek();
      }
    } else if (t.type === TAG) {
      tagHandle = t.value;
      tagSuffix = t.suffix;
      sc.skip();
      t = sc.peek();
      if (t.type === ANCHOR) {
        anchor = t.value;
        sc.skip();
        t = sc.peek();
      }
    }
    let tag = '';
    if (tagHandle !== undefined) {
      if (tagHandle === '') {
        tag = tagSuffix;
      } else {
        const d = this.tags.find(([h]) => h === tagHandle);
        if (!d) this.fail('while parsing a node: found undefined tag handle', startLine);
        tag = d[1] + tagSuffix;
      }
    }
    const a: Anchor | undefined = anchor !== undefined
      ? { value: undefined, kind: SCALAR_NODE, tag, text: '', implicit: true, complete: false, start: this.decodeCount - 1, count: 0, line: startLine }
      : undefined;
    if (a) (this.anchors ??= new Map()).set(anchor!, a);
    let value: unknown;
    let kind: Kind;
    if (indentless && t.type === BLOCK_ENTRY) {
      kind = SEQUENCE_NODE;
      value = this.indentlessSequence();
    } else if (t.type === SCALAR) {
      sc.skip();
      const implicit = (tag === '' && t.style === PLAIN) || tag === '!';
      kind = SCALAR_NODE;
      value = this.scalarValue(tag, t.value, implicit, t.line);
      this.setLastScalar(tag, t.value, implicit);
    } else if (t.type === FLOW_SEQUENCE_START) {
      kind = SEQUENCE_NODE;
      value = this.flowSequence();
    } else if (t.type === FLOW_MAPPING_START) {
      kind = MAPPING_NODE;
      value = this.flowMapping();
    } else if (block && t.type === BLOCK_SEQUENCE_START) {
      kind = SEQUENCE_NODE;
      value = this.blockSequence();
    } else if (block && t.type === BLOCK_MAPPING_START) {
      kind = MAPPING_NODE;
      value = this.blockMapping();
    } else if (anchor !== undefined || tag !== '') {
      kind = SCALAR_NODE;
      value = this.empty(tag, tag === '', t.line);
    } else {
      this.fail(`while parsing a ${block ? 'block' : 'flow'} node: did not find expected node content`, t.line);
    }
    this.lastKind = kind;
    if (kind !== SCALAR_NODE) this.lastIsScalar = false;
    this.lastAlias = undefined;
    if (a) {
      if (kind === SCALAR_NODE && this.lastIsScalar) {
        a.text = this.lastText;
        a.implicit = this.lastImplicit;
      }
      a.value = value;
      a.kind = kind;
      a.complete = true;
      a.count = this.decodeCount - a.start;
    }
    return value;
  }

  /** The node of a collection entry, counted as one decode (count(1, 0), inlined: once per node). */
  private child(block: boolean, indentless: boolean): unknown {
    this.decodeCount++;
    if (this.aliasCount > 100) this.checkAliasing();
    return this.node(block, indentless);
  }

  private emptyChild(line: number): unknown {
    this.count(1, 0);
    return this.empty('', true, line);
  }

  private blockSequence(): unknown[] {
    const sc = this.sc;
    const startLine = sc.peek().line; // not the token: its object is reused
    sc.skip();
    // (no value for the anchor yet: an alias to it fails until it is complete)
    const base = this.top;
    for (;;) {
      let t = sc.peek();
      if (t.type === BLOCK_ENTRY) {
        sc.skip();
        t = sc.peek();
        const v = t.type === SCALAR ? this.scalarChild(t)
          : t.type !== BLOCK_ENTRY && t.type !== BLOCK_END ? this.child(true, false) : this.emptyChild(t.line);
        this.items[this.top++] = v;
      } else if (t.type === BLOCK_END) {
        sc.skip();
        return this.sequence(base);
      } else {
        this.fail(`while parsing a block collection (line ${startLine + 1}): did not find expected '-' indicator`, t.line);
      }
    }
  }

  private indentlessSequence(): unknown[] {
    const sc = this.sc;
    const base = this.top;
    for (let t = sc.peek(); t.type === BLOCK_ENTRY; t = sc.peek()) {
      sc.skip();
      t = sc.peek();
      const hasItem = t.type !== BLOCK_ENTRY && t.type !== KEY && t.type !== VALUE && t.type !== BLOCK_END;
      const v = t.type === SCALAR ? this.scalarChild(t) : hasItem ? this.child(true, false) : this.emptyChild(t.line);
      this.items[this.top++] = v;
    }
    return this.sequence(base);
  }

  private blockMapping(): Record<string, unknown> {
    const sc = this.sc;
    const startLine = sc.peek().line; // not the token: its object is reused
    sc.skip();
    const obj: Record<string, unknown> = {};
    let m: MappingBuilder | undefined; // see setEntry
    for (;;) {
      let t = sc.peek();
      if (t.type === KEY) {
        sc.skip();
        t = sc.peek();
        const keyLine = t.line;
        let k: string | typeof MERGE_KEY;
        if (t.type === SCALAR && (t.style !== PLAIN || (plainIsString(t.value) && t.value !== '<<'))) {
          k = this.stringKey(t.value, t.style === PLAIN);
        } else {
          if (t.type !== KEY && t.type !== VALUE && t.type !== BLOCK_END) this.child(true, true);
          else this.emptyChild(t.line);
          k = this.keyOf(keyLine);
        }
        t = sc.peek();
        let value: unknown;
        if (t.type === VALUE) {
          sc.skip();
          t = sc.peek();
          value = t.type === SCALAR ? this.scalarChild(t)
            : t.type !== KEY && t.type !== VALUE && t.type !== BLOCK_END ? this.child(true, true) : this.emptyChild(t.line);
        } else {
          value = this.emptyChild(t.line);
        }
        m = setEntry(this, obj, m, k, value, keyLine);
      } else if (t.type === BLOCK_END) {
        sc.skip();
        return obj;
      } else {
        this.fail(`while parsing a block mapping (line ${startLine + 1}): did not find expected key`, t.line);
      }
    }
  }

  private flowSequence(): unknown[] {
    const sc = this.sc;
    const startLine = sc.peek().line; // not the token: its object is reused
    sc.skip();
    const base = this.top;
    for (let first = true; ; first = false) {
      let t = sc.peek();
      if (t.type !== FLOW_SEQUENCE_END) {
        if (!first) {
          if (t.type !== FLOW_ENTRY) this.fail(`while parsing a flow sequence (line ${startLine + 1}): did not find expected ',' or ']'`, t.line);
          sc.skip();
          t = sc.peek();
        }
        if (t.type === KEY) {
          // a single-pair mapping inside a flow sequence: [a: b]
          sc.skip();
          this.count(1, 0);
          const obj: Record<string, unknown> = {};
          t = sc.peek();
          const keyLine = t.line;
          if (t.type !== VALUE && t.type !== FLOW_ENTRY && t.type !== FLOW_SEQUENCE_END) {
            this.child(false, false);
          } else {
            sc.skip(); // goyaml (like libyaml) consumes this token here
            this.emptyChild(t.line);
          }
          const k = this.keyOf(keyLine);
          t = sc.peek();
          let value: unknown;
          if (t.type === VALUE) {
            sc.skip();
            t = sc.peek();
            value = t.type !== FLOW_ENTRY && t.type !== FLOW_SEQUENCE_END ? this.child(false, false) : this.emptyChild(t.line);
          } else {
            value = this.emptyChild(t.line);
          }
          setEntry(this, obj, undefined, k, value, keyLine);
          this.items[this.top++] = obj;
          continue;
        } else if (t.type !== FLOW_SEQUENCE_END) {
          const v = this.child(false, false);
          this.items[this.top++] = v;
          continue;
        }
      }
      sc.skip();
      return this.sequence(base);
    }
  }

  private flowMapping(): Record<string, unknown> {
    const sc = this.sc;
    const startLine = sc.peek().line; // not the token: its object is reused
    sc.skip();
    const obj: Record<string, unknown> = {};
    let m: MappingBuilder | undefined; // see setEntry
    for (let first = true; ; first = false) {
      let t = sc.peek();
      if (t.type !== FLOW_MAPPING_END) {
        if (!first) {
          if (t.type !== FLOW_ENTRY) this.fail(`while parsing a flow mapping (line ${startLine + 1}): did not find expected ',' or '}'`, t.line);
          sc.skip();
          t = sc.peek();
        }
        if (t.type === KEY) {
          sc.skip();
          t = sc.peek();
          const keyLine = t.line;
          if (t.type !== VALUE && t.type !== FLOW_ENTRY && t.type !== FLOW_MAPPING_END) this.child(false, false);
          else this.emptyChild(t.line);
          const k = this.keyOf(keyLine);
          t = sc.peek();
          let value: unknown;
          if (t.type === VALUE) {
            sc.skip();
            t = sc.peek();
            value = t.type !== FLOW_ENTRY && t.type !== FLOW_MAPPING_END ? this.child(false, false) : this.emptyChild(t.line);
          } else {
            value = this.emptyChild(t.line);
          }
          m = setEntry(this, obj, m, k, value, keyLine);
          continue;
        } else if (t.type !== FLOW_MAPPING_END) {
          const keyLine = t.line;
          this.child(false, false);
          const k = this.keyOf(keyLine);
          m = setEntry(this, obj, m, k, this.emptyChild(keyLine), keyLine);
          continue;
        }
      }
      sc.skip();
      return obj;
    }
  }

  /**
   * child() for a scalar token (so without anchor or tag): node()'s scalar branch without its checks for the other
   * kinds of node, taken by most entries of a block collection.
   */
  private scalarChild(t: Token): unknown {
    this.decodeCount++;
    if (this.aliasCount > 100) this.checkAliasing();
    const text = t.value;
    const implicit = t.style === PLAIN;
    this.sc.skip();
    const value = this.scalarValue('', text, implicit, t.line);
    this.setLastScalar('', text, implicit);
    this.lastKind = SCALAR_NODE;
    this.lastAlias = undefined;
    return value;
  }

  /**
   * The key node of a block mapping when it is a scalar token that is a string (quoted, or plain that goyaml does not
   * resolve, and not `<<`): what child() and keyOf() give, without resolving its text twice (most keys of a manifest).
   */
  private stringKey(text: string, implicit: boolean): string {
    this.decodeCount++;
    if (this.aliasCount > 100) this.checkAliasing();
    this.sc.skip();
    this.lastKind = SCALAR_NODE;
    this.setLastScalar('', text, implicit);
    this.lastAlias = undefined;
    this.lastKeyId = undefined;
    return text;
  }

  /** The last node as a map key: the JSON key, or MERGE_KEY for `<<`. */
  keyOf(line: number): string | typeof MERGE_KEY {
    if (this.lastKind !== SCALAR_NODE || !this.lastIsScalar) {
      this.fail('invalid map key: a mapping or sequence cannot be a key', line);
    }
    const tag = this.lastTag;
    const text = this.lastText;
    const implicit = this.lastImplicit;
    if (!this.lastAlias && text === '<<' && (implicit || tag === MERGE)) {
      this.decodeCount--; // goyaml does not decode a merge key
      return MERGE_KEY;
    }
    if (tag === '' && (!implicit || plainIsString(text))) {
      this.lastKeyId = undefined; // what decodeScalar and jsonKey give, without allocating
      return text;
    }
    try {
      const r = decodeScalar(tag, text, implicit);
      this.lastKeyId = typeof r.value === 'string' ? undefined : `${r.tag}:${String(r.value)}`;
      return jsonKey(r.tag === BINARY || r.tag === MERGE ? { tag: STR, value: String(r.value) } : r);
    } catch (e) {
      if (e instanceof ResolveError) this.fail(e.message, line);
      throw e;
    }
  }

  failAt(problem: string, line: number): never {
    this.fail(problem, line);
  }
}
