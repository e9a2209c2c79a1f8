/**
 * The nodes of goyaml v2's parser (parserc.go) and decoder into interface{} (decode.go), read straight into JavaScript
 * values: aliases and anchors, tags, scalars resolved as sigs.k8s.io/yaml converts them to JSON, map keys, and goyaml's
 * rule against excessive alias expansion. The collections are read by the subclasses (flow.ts, block.ts); the document
 * by parser.ts.
 */
import { KeySource, MERGE_KEY } from './mapping';
import { BINARY, decodeScalar, isShortDecimal, jsonKey, MERGE, plainIsString, Resolved, ResolveError, STR } from './resolve';
import { Scanner } from './scanner';
// Tok and Style straight from their module (not re-exported through scanner.ts: a getter per read when transpiled
// file by file, as the bench and ts-node do, where const enums are not inlined)
import { Style, Tok, YamlSyntaxError } from './tokens';

// Token types and styles as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const TAG = Tok.TAG;
const ALIAS = Tok.ALIAS;
const ANCHOR = Tok.ANCHOR;
const BLOCK_ENTRY = Tok.BLOCK_ENTRY;
const SCALAR = Tok.SCALAR;
const FLOW_SEQUENCE_START = Tok.FLOW_SEQUENCE_START;
const FLOW_MAPPING_START = Tok.FLOW_MAPPING_START;
const BLOCK_SEQUENCE_START = Tok.BLOCK_SEQUENCE_START;
const BLOCK_MAPPING_START = Tok.BLOCK_MAPPING_START;
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
export const SCALAR_NODE = 0;
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

/** The tag handles of a document without %TAG directives. */
export const DEFAULT_TAGS: ReadonlyArray<[string, string]> = [['!', '!'], ['!!', 'tag:yaml.org,2002:']];

/** Reads one node of any kind; the collections are read by the subclasses (see {@link node}). */
export abstract class NodeParser implements KeySource {
  protected tags: ReadonlyArray<[string, string]> = DEFAULT_TAGS;
  /** Created at the first anchor (most documents have none). */
  protected anchors: Map<string, Anchor> | undefined;
  protected decodeCount = 0;
  protected aliasCount = 0;
  protected nonFinite: { text: string; line: number } | undefined;
  // what the last parsed node was, for keys
  protected lastKind: Kind = SCALAR_NODE;
  /** The last node was a scalar (or an alias to one): its tag, text and implicitness, for keys and anchors. */
  protected lastIsScalar = false;
  protected lastTag = '';
  protected lastText = '';
  protected lastImplicit = false;
  protected lastAlias: Anchor | undefined;
  /** Go identity of the last key when it is not a plain string (`i:1`, `b:true`...), for collision messages. */
  lastKeyId: string | undefined;
  /**
   * The entries of the open sequences: items[0, top), each sequence's from where it started. A sequence is copied out
   * of it once complete, into an array of its exact size: V8 gives an array built by push 16 slots at its first push
   * (garbage once trimmed), and manifests are full of sequences of one or two entries (hosts, ports, routes).
   */
  protected top = 0;

  constructor(protected readonly sc: Scanner, protected readonly exact: boolean, protected readonly items: unknown[]) {}

  /** Back to the initial state, for the next document (the documents of a file share one parser: one object less each). */
  protected reset(): void {
    this.tags = DEFAULT_TAGS;
    this.anchors = undefined;
    this.decodeCount = 0;
    this.aliasCount = 0;
    this.nonFinite = undefined;
    this.lastKind = SCALAR_NODE;
    this.lastIsScalar = false;
    this.lastTag = '';
    this.lastText = '';
    this.lastImplicit = false;
    this.lastAlias = undefined;
    this.lastKeyId = undefined;
    this.top = 0;
  }

  protected fail(problem: string, line: number): never {
    throw new YamlSyntaxError(problem, line);
  }

  protected count(n: number, aliased: number): void {
    this.decodeCount += n;
    this.aliasCount += aliased;
    if (this.aliasCount > 100) this.checkAliasing();
  }

  protected checkAliasing(): void {
    if (this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      this.fail('document contains excessive aliasing (its aliases expand to far more nodes than it holds; kubectl refuses it)', this.sc.line);
    }
  }

  /** The entries items[base, top) as the array of a complete sequence, dropped from the open ones. */
  protected sequence(base: number): unknown[] {
    const out = this.items.slice(base, this.top);
    this.top = base;
    return out;
  }

  /** An empty scalar (goyaml process_empty_scalar, or a node with only an anchor/tag). */
  protected empty(tag: string, implicit: boolean, line = this.sc.line): unknown {
    this.lastKind = SCALAR_NODE;
    this.setLastScalar(tag, '', implicit);
    this.lastAlias = undefined;
    return this.scalarValue(tag, '', implicit, line);
  }

  protected setLastScalar(tag: string, text: string, implicit: boolean): void {
    this.lastIsScalar = true;
    this.lastTag = tag;
    this.lastText = text;
    this.lastImplicit = implicit;
  }

  protected scalarValue(tag: string, text: string, implicit: boolean, line: number): unknown {
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

  protected node(block: boolean, indentless: boolean): unknown {
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
  protected child(block: boolean, indentless: boolean): unknown {
    this.decodeCount++;
    if (this.aliasCount > 100) this.checkAliasing();
    return this.node(block, indentless);
  }

  protected emptyChild(line: number): unknown {
    this.count(1, 0);
    return this.empty('', true, line);
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

  protected abstract indentlessSequence(): unknown[];
  protected abstract blockSequence(): unknown[];
  protected abstract blockMapping(): Record<string, unknown>;
  protected abstract flowSequence(): unknown[];
  protected abstract flowMapping(): Record<string, unknown>;
}
