/**
 * The YAML scanner of goyaml v2 (gopkg.in/yaml.v2 scannerc.go, itself a port of libyaml), ported to TypeScript
 * function for function so that tokens — and therefore documents — come out exactly as kubectl reads them:
 * plain scalars in flow collections end only at `: `, `,`, `?`, brackets and braces (`[fe80::]` is one scalar),
 * NEL/LS/PS are line breaks, simple keys are limited to one line and 1024 characters, anchors are alphanumeric.
 * Positions are 0-based lines and columns (columns in UTF-16 code units; goyaml counts code points, which only
 * differs after an astral character on the same line and never changes indentation).
 */
import { CharCodes, StringTable } from './reader';
import { ScalarScanner } from './scalars';
import * as chars from './tokens';
import { Tok, Token } from './tokens';

export { Style, Tok, Token, YamlSyntaxError } from './tokens';

// Token types as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const STREAM_END = Tok.STREAM_END;
const STREAM_START = Tok.STREAM_START;
const DOCUMENT_START = Tok.DOCUMENT_START;
const DOCUMENT_END = Tok.DOCUMENT_END;
const FLOW_SEQUENCE_START = Tok.FLOW_SEQUENCE_START;
const FLOW_MAPPING_START = Tok.FLOW_MAPPING_START;
const FLOW_SEQUENCE_END = Tok.FLOW_SEQUENCE_END;
const FLOW_MAPPING_END = Tok.FLOW_MAPPING_END;
const ALIAS = Tok.ALIAS;
const ANCHOR = Tok.ANCHOR;
const BLOCK_END = Tok.BLOCK_END;
const FLOW_ENTRY = Tok.FLOW_ENTRY;
const BLOCK_SEQUENCE_START = Tok.BLOCK_SEQUENCE_START;
const BLOCK_ENTRY = Tok.BLOCK_ENTRY;
const BLOCK_MAPPING_START = Tok.BLOCK_MAPPING_START;
const KEY = Tok.KEY;
const VALUE = Tok.VALUE;

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  pos: number;
  line: number;
  col: number;
  /**
   * goyaml's simple_keys_by_tok map (token number → key) as a flag: set when the key is saved, cleared where goyaml
   * deletes the entry (a lookup or delete is then a scan of the few keys, one per flow level, not a Map operation).
   * An entry goyaml leaves behind for a key that went stale is dropped when the key is saved again: by then the
   * parser is past its token and never looks it up.
   */
  byTok: boolean;
}

const { NOT_PLAIN_START } = chars;
// The hot predicates are declared here, not imported: V8 inlines module-local functions in the scanning loops.
// the end of input reads as 0 (the NUL padding of Reader.s)
const isBlank = (c: number) => c === 32 || c === 9;
const isBreak = (c: number) => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
const isZ = (c: number) => c === 0;
const isBreakz = (c: number) => isBreak(c) || c === 0;
const isBlankz = (c: number) => c === 32 || c === 9 || isBreak(c) || c === 0;


const MAX_FLOW_LEVEL = 10000;
const MAX_INDENTS = 10000;

export class Scanner extends ScalarScanner {
  /** The token queue is tokens[head, tail) (see Reader.tokens). */
  private head = 0;
  private tokensParsed = 0;
  private tokenAvailable = false;
  private streamStartProduced = false;
  streamEndProduced = false;
  /** The end of the text was reached: {@link line} is then the number of line breaks in it. */
  streamEndFetched = false;
  /**
   * The enclosing indentation levels, indents[0, depth): an explicit depth rather than push/pop, so that a restart
   * keeps the array's storage (truncating it to length 0 frees it, and each document would allocate it again).
   */
  private readonly indents: number[] = [];
  private depth = 0;
  private readonly simpleKeys: SimpleKey[] = [];

  constructor(s: string, b: CharCodes, start: number, end: number, strings: StringTable) {
    super(s, b, start, end, strings);
  }

  /**
   * Makes this scanner a new one over the text from `start` to `end`: the documents of a file share one scanner, whose
   * token objects and arrays are reused.
   */
  restart(start: number, end: number): void {
    this.restartAt(start, end);
    this.head = 0;
    this.tokensParsed = 0;
    this.tokenAvailable = false;
    this.streamStartProduced = false;
    this.streamEndProduced = false;
    this.streamEndFetched = false;
    this.depth = 0;
    // the stream's key is kept for reuse (see fetchNextToken), as is the array's storage
    if (this.simpleKeys.length > 1) this.simpleKeys.length = 1;
  }

  // ---- the token queue (parserc.go peek_token / skip_token)

  peek(): Token {
    if (!this.tokenAvailable) this.fetchMoreTokens();
    return this.tokens[this.head];
  }

  skip(): void {
    this.tokenAvailable = false;
    this.tokensParsed++;
    this.streamEndProduced = this.tokens[this.head].type === STREAM_END;
    if (++this.head === this.tail) this.head = this.tail = 0;
  }

  private fetchMoreTokens(): void {
    for (;;) {
      if (this.head !== this.tail) {
        const k = this.simpleKeyByTok(this.tokensParsed);
        if (k === undefined || !this.simpleKeyIsValid(k)) break;
      }
      this.fetchNextToken();
    }
    this.tokenAvailable = true;
  }

  /** simple_keys_by_tok[number]. */
  private simpleKeyByTok(number: number): SimpleKey | undefined {
    const keys = this.simpleKeys;
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i];
      if (k.byTok && k.tokenNumber === number) return k;
    }
    return undefined;
  }

  /** Queues t, the token just made by tok() in the slot after the queue, at position `number` (the end if < 0). */
  private insert(number: number, t: Token): void {
    const tokens = this.tokens;
    const tail = this.tail;
    const at = number < 0 ? tail : Math.min(this.head + number, tail); // as splice: never beyond the end
    for (let i = tail; i > at; i--) tokens[i] = tokens[i - 1];
    tokens[at] = t;
    this.tail = tail + 1;
  }

  private fetchNextToken(): void {
    const b = this.b;
    if (!this.streamStartProduced) {
      this.indent = -1;
      if (!this.streamKeyReused()) this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, pos: 0, line: 0, col: 0, byTok: false });
      this.simpleKeyAllowed = true;
      this.streamStartProduced = true;
      // The reader drops a leading BOM. (goyaml's scanner also skips a character at column 0 while the start of its
      // internal buffer holds a BOM, which only happens after a doubled BOM: not reproduced.)
      if (b[this.pos] === 0xfeff) this.pos++;
      this.insert(-1, this.tok(STREAM_START));
      return;
    }
    this.scanToNextToken();
    this.unrollIndent(this.col);
    // the end of the document reads as the NUL of the padding, also where a `---` line follows it in place
    const c = this.pos === this.end ? 0 : b[this.pos];
    // Fast path, same outcome: a letter or digit starts no token but a plain scalar (checked first: most tokens)
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return this.fetchPlainScalar();
    if (isZ(c)) return this.fetchStreamEnd();
    if (this.col === 0 && c === 37 /* % */) return this.fetchDirective();
    const c1 = b[this.pos + 1];
    if (this.col === 0 && (c === 45 || c === 46) && c1 === c && b[this.pos + 2] === c && isBlankz(b[this.pos + 3])) {
      return this.fetchDocumentIndicator(c === 45 ? DOCUMENT_START : DOCUMENT_END);
    }
    switch (c) {
      case 91: return this.fetchFlowCollectionStart(FLOW_SEQUENCE_START);
      case 123: return this.fetchFlowCollectionStart(FLOW_MAPPING_START);
      case 93: return this.fetchFlowCollectionEnd(FLOW_SEQUENCE_END);
      case 125: return this.fetchFlowCollectionEnd(FLOW_MAPPING_END);
      case 44: return this.fetchFlowEntry();
      default:
    }
    if (c === 45 && isBlankz(c1)) return this.fetchBlockEntry();
    if (c === 63 && (this.flowLevel > 0 || isBlankz(c1))) return this.fetchKey();
    if (c === 58 && (this.flowLevel > 0 || isBlankz(c1))) return this.fetchValue();
    if (c === 42) return this.fetchAnchor(ALIAS);
    if (c === 38) return this.fetchAnchor(ANCHOR);
    if (c === 33) return this.fetchTag();
    if (c === 124 && this.flowLevel === 0) return this.fetchBlockScalar(true);
    if (c === 62 && this.flowLevel === 0) return this.fetchBlockScalar(false);
    if (c === 39) return this.fetchFlowScalar(true);
    if (c === 34) return this.fetchFlowScalar(false);
    if (!(isBlankz(c) || (c < 128 && NOT_PLAIN_START[c] === 1)) || (c === 45 && !isBlank(c1)) ||
      (this.flowLevel === 0 && (c === 63 || c === 58) && !isBlankz(c1))) {
      return this.fetchPlainScalar();
    }
    this.fail(c === 9 ? 'found character that cannot start any token (a tab: YAML does not allow tabs for indentation)' : 'found character that cannot start any token');
  }

  /** Resets the stream's simple key of the previous document, if any, as a new one (true), else false. */
  private streamKeyReused(): boolean {
    if (this.simpleKeys.length === 0) return false;
    const k = this.simpleKeys[0];
    k.possible = false;
    k.required = false;
    k.tokenNumber = 0;
    k.pos = 0;
    k.line = 0;
    k.col = 0;
    k.byTok = false;
    return true;
  }

  private simpleKeyIsValid(k: SimpleKey): boolean {
    if (!k.possible) return false;
    if (k.line < this.line || (this.pos - k.pos > 1024 && codePoints(this.s, k.pos, this.pos) > 1024)) {
      if (k.required) this.fail('could not find expected \':\'', k.line);
      k.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.col;
    if (this.simpleKeyAllowed) {
      const tokenNumber = this.tokensParsed + (this.tail - this.head);
      this.removeSimpleKey();
      const k = this.simpleKeys[this.simpleKeys.length - 1]; // reused in place: no allocation per scalar
      k.possible = true;
      k.required = required;
      k.tokenNumber = tokenNumber;
      k.pos = this.pos;
      k.line = this.line;
      k.col = this.col;
      k.byTok = true;
    }
  }

  private removeSimpleKey(): void {
    const k = this.simpleKeys[this.simpleKeys.length - 1];
    if (k.possible) {
      if (k.required) this.fail('could not find expected \':\'', k.line);
      k.possible = false;
      k.byTok = false;
    }
  }

  private increaseFlowLevel(): void {
    const tokenNumber = this.tokensParsed + (this.tail - this.head);
    this.simpleKeys.push({ possible: false, required: false, tokenNumber, pos: this.pos, line: this.line, col: this.col, byTok: false });
    this.flowLevel++;
    if (this.flowLevel > MAX_FLOW_LEVEL) this.fail(`exceeded max depth of ${MAX_FLOW_LEVEL}`);
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel--;
      const k = this.simpleKeys.pop()!;
      // goyaml deletes the entry of the popped key's token number, which belongs to the key below when this level
      // never saved a key and the key below is its opening bracket (`[]: v`)
      if (!k.byTok) {
        const owner = this.simpleKeyByTok(k.tokenNumber);
        if (owner) owner.byTok = false;
      }
    }
  }

  private rollIndent(column: number, number: number, type: Tok, pos: number, line: number, col: number): void {
    if (this.flowLevel > 0) return;
    if (this.indent < column) {
      this.indents[this.depth++] = this.indent;
      this.indent = column;
      if (this.depth > MAX_INDENTS) this.fail(`exceeded max depth of ${MAX_INDENTS}`);
      this.insert(number > -1 ? number - this.tokensParsed : -1, this.tok(type, pos, line, col));
    }
  }

  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      this.insert(-1, this.tok(BLOCK_END));
      this.indent = this.indents[--this.depth];
    }
  }

  private fetchStreamEnd(): void {
    this.streamEndFetched = this.col === 0; // (a text that ends with a line break, as readDocuments gives)
    if (this.col !== 0) {
      this.col = 0;
      this.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.tok(STREAM_END));
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.scanDirective());
  }

  private fetchDocumentIndicator(type: Tok): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const t = this.tok(type);
    this.adv();
    this.adv();
    this.adv();
    this.insert(-1, t);
  }

  private fetchFlowCollectionStart(type: Tok): void {
    this.saveSimpleKey();
    this.increaseFlowLevel();
    this.simpleKeyAllowed = true;
    const t = this.tok(type);
    this.adv();
    this.insert(-1, t);
  }

  private fetchFlowCollectionEnd(type: Tok): void {
    this.removeSimpleKey();
    this.decreaseFlowLevel();
    this.simpleKeyAllowed = false;
    const t = this.tok(type);
    this.adv();
    this.insert(-1, t);
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const t = this.tok(FLOW_ENTRY);
    this.adv();
    this.insert(-1, t);
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail('block sequence entries are not allowed in this context');
      this.rollIndent(this.col, -1, BLOCK_SEQUENCE_START, this.pos, this.line, this.col);
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const t = this.tok(BLOCK_ENTRY);
    this.adv();
    this.insert(-1, t);
  }

  private fetchKey(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail('mapping keys are not allowed in this context');
      this.rollIndent(this.col, -1, BLOCK_MAPPING_START, this.pos, this.line, this.col);
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    const t = this.tok(KEY);
    this.adv();
    this.insert(-1, t);
  }

  private fetchValue(): void {
    const k = this.simpleKeys[this.simpleKeys.length - 1];
    if (this.simpleKeyIsValid(k)) {
      this.insert(k.tokenNumber - this.tokensParsed, this.tok(KEY, k.pos, k.line, k.col));
      this.rollIndent(k.col, k.tokenNumber, BLOCK_MAPPING_START, k.pos, k.line, k.col);
      k.possible = false;
      k.byTok = false;
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.fail('mapping values are not allowed in this context');
        this.rollIndent(this.col, -1, BLOCK_MAPPING_START, this.pos, this.line, this.col);
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    const t = this.tok(VALUE);
    this.adv();
    this.insert(-1, t);
  }

  private fetchAnchor(type: Tok): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.scanAnchor(type));
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.scanTag());
  }

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.insert(-1, this.scanBlockScalar(literal));
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.scanFlowScalar(single));
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.scanPlainScalar());
  }

  private scanToNextToken(): void {
    const b = this.b;
    for (;;) {
      // indentation is a good part of a manifest: counted in locals
      const tabs = this.flowLevel > 0 || !this.simpleKeyAllowed;
      const from = this.pos;
      let pos = from;
      let c = b[pos];
      while (c === 32 || (tabs && c === 9)) c = b[++pos];
      this.pos = pos;
      this.col += pos - from;
      if (c === 35 /* # */) {
        while (!isBreakz(c)) {
          this.adv();
          c = b[this.pos];
        }
      }
      if (isBreak(c)) {
        this.skipLine();
        if (this.flowLevel === 0) this.simpleKeyAllowed = true;
      } else {
        break;
      }
    }
  }

}

/** Code points in s[from, to) (a surrogate pair is one). */
function codePoints(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > from && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff)) n++;
  }
  return n;
}
