/**
 * The reading position of the goyaml v2 scanner port (scannerc.go skip, skip_line, read_line) and the objects of its
 * token queue.
 */
import { Style, Tok, Token, YamlSyntaxError } from './tokens';

// The plain style as a module-local constant: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const PLAIN = Style.PLAIN;

// declared here, not imported: V8 inlines module-local functions
const isBreak = (c: number) => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;

/** The largest {@link StringTable} (entries, a power of two): enough for the keys and common values of a manifest. */
const STRING_TABLE_SIZE = 4096;
/** Longer scalars are rarely repeated (names and hosts of each object): sliced without a lookup. */
const MAX_SHARED_LENGTH = 24;

/**
 * Short scalars read from one text, by a hash of their characters (see Reader.text); shared by the documents of a
 * file, since the same keys and values recur in each. Each entry keeps a copy of its characters, so that a lookup
 * compares the text with a typed array, read in one instruction per character (and in the CPU's cache), not with a
 * string (each charCodeAt checks the string's representation; a string once used as a key becomes a reference to
 * V8's interned copy, slower still).
 */
export class StringTable {
  readonly strings: string[];
  /** The characters of entry i at chars[i * MAX_SHARED_LENGTH, + its length). */
  readonly chars: Uint16Array;
  /** 0 for an empty entry (no scalar is looked up with length 0). */
  readonly lengths: Int32Array;
  /** Entries - 1. */
  readonly mask: number;

  /** A table for a text of `length` characters: small for a small text (e.g. one read back during synth). */
  constructor(length: number) {
    let size = 16;
    while (size < STRING_TABLE_SIZE && size * 16 < length) size *= 2;
    this.strings = new Array<string>(size).fill('');
    this.chars = new Uint16Array(size * MAX_SHARED_LENGTH);
    this.lengths = new Int32Array(size);
    this.mask = size - 1;
  }
}

/** The UTF-16 code units of a text, as the scanner reads them (see Reader). */
export type CharCodes = Uint8Array | Uint16Array;

/** The platform stores a Uint16Array's elements little-endian (as the `utf16le` encoding writes code units). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The code units of `s`: copied as bytes when the caller knows every character of `s` to be below U+0100 (`oneByte`;
 * e.g. an ASCII text), else as UTF-16 (lone surrogates included); natively, at memory speed, where possible.
 */
export function charCodes(s: string, oneByte: boolean): CharCodes {
  if (oneByte) return plainBytes(Buffer.from(s, 'latin1'));
  if (LITTLE_ENDIAN) {
    const units = Buffer.from(s, 'utf16le');
    // eslint-disable-next-line no-bitwise
    if ((units.byteOffset & 1) === 0) return new Uint16Array(units.buffer, units.byteOffset, s.length);
  }
  const codes = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = s.charCodeAt(i);
  return codes;
}

/**
 * The bytes as a plain Uint8Array (a view, not a copy): a Buffer is a subclass, and the scanner's reads of the
 * character codes stay monomorphic when all texts' codes have the same class.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** What ends a text for the scanner: longer than its look-ahead (goyaml's is 4 characters). */
export const END_PADDING = '\0\0\0\0';

/** The reading position, the token slots and the reading of line breaks; extended by {@link PropertyScanner}. */
export abstract class Reader {
  pos = 0;
  line = 0;
  col = 0;
  protected indent = -1;
  protected simpleKeyAllowed = false;
  protected flowLevel = 0;
  /**
   * The token queue (goyaml's tokens, a queue of structs): tokens[head, tail) are queued (Scanner), the objects after
   * tail are free and reused, and the queue restarts at 0 whenever it empties (every few tokens), so an insertion in
   * the middle (a simple key's KEY) moves only a few queued tokens and scanning allocates no token.
   */
  protected readonly tokens: Token[] = [];
  protected tail = 0;
  /**
   * Where the document's text ends: a NUL of the padding, or the `---` line that follows the document in the file
   * (read in place: see readDocuments), which the scanner reads as the end of input (Scanner.fetchNextToken, and the
   * quoted scalars' "unexpected end of stream").
   */
  protected end: number;

  /**
   * The text, read from `start` up to `end`, a NUL or a `---` line (see {@link end}): the end of input reads as 0, as
   * in goyaml's NUL-padded buffer (a document holds no NUL: the reader refuses it before the document is read), so
   * every read is in bounds and returns a small integer — reading past the end returns NaN (or undefined), and V8 then
   * drops the scanner's optimised code and recompiles it for doubles. The scanner reads the characters from `b`, the
   * text's UTF-16 code units ({@link charCodes}): a typed array's element is one load, where each `s.charCodeAt`
   * first checks how the string is represented (the plain-scalar loop runs about twice as fast); `s` is sliced for
   * the scalars' values.
   */
  constructor(protected readonly s: string, protected readonly b: CharCodes, start: number, end: number, private readonly strings: StringTable) {
    this.pos = start;
    this.end = end;
  }

  /** Back to the initial state, reading from `start` to `end` (the token objects are kept for reuse). */
  protected restartAt(start: number, end: number): void {
    this.pos = start;
    this.end = end;
    this.line = 0;
    this.col = 0;
    this.indent = -1;
    this.simpleKeyAllowed = false;
    this.flowLevel = 0;
    this.tail = 0;
  }

  /**
   * s.slice(from, to), as the same string object for a short text read before: keys and values recur throughout a
   * manifest (`name`, `metadata`, `http`, `v1`), and sharing one string saves allocating and keeping a copy per
   * occurrence and, for keys, V8 hashing the new copy again at each property store.
   */
  protected text(from: number, to: number): string {
    const s = this.s;
    const b = this.b;
    const length = to - from;
    if (length > MAX_SHARED_LENGTH) return s.slice(from, to);
    /* eslint-disable no-bitwise */ // a hash of the length and five characters (the comparison below checks them all)
    const last = to - 1;
    let h = Math.imul(length, 0x9e3779b1) ^ b[from];
    h = (Math.imul(h, 31) + b[from + (length >> 1)]) | 0;
    h = (Math.imul(h, 31) + b[last]) | 0;
    h = (Math.imul(h, 31) + b[length > 1 ? from + 1 : from]) | 0;
    h = (Math.imul(h, 31) + b[length > 1 ? last - 1 : from]) | 0;
    const table = this.strings;
    const slot = (h ^ (h >>> 13)) & table.mask;
    /* eslint-enable no-bitwise */
    const chars = table.chars;
    const at = slot * MAX_SHARED_LENGTH;
    if (table.lengths[slot] === length) {
      let i = 0;
      while (i < length && chars[at + i] === b[from + i]) i++;
      if (i === length) return table.strings[slot];
    }
    const fresh = s.slice(from, to);
    table.strings[slot] = fresh;
    for (let i = 0; i < length; i++) chars[at + i] = b[from + i];
    table.lengths[slot] = length;
    return fresh;
  }

  protected fail(problem: string, line = this.line): never {
    throw new YamlSyntaxError(problem, line);
  }

  /** A new token, made in the free slot after the queue (Scanner.insert queues it next; one tok per insert). */
  protected tok(type: Tok, pos = this.pos, line = this.line, col = this.col, value = '', style = PLAIN, suffix = '', major = 0, minor = 0): Token {
    let t = this.tokens[this.tail];
    if (t === undefined) this.tokens.push(t = new Token(type, pos, line, col));
    t.type = type;
    t.pos = pos;
    t.line = line;
    t.col = col;
    t.value = value;
    t.style = style;
    t.suffix = suffix;
    t.major = major;
    t.minor = minor;
    return t;
  }

  protected adv(): void {
    // skip(): one character (a surrogate pair is one character)
    const c = this.b[this.pos];
    this.pos += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    this.col++;
  }

  protected skipLine(): void {
    const c = this.b[this.pos];
    if (c === 13 && this.b[this.pos + 1] === 10) {
      this.pos += 2;
      this.col = 0;
      this.line++;
    } else if (isBreak(c)) {
      this.pos++;
      this.col = 0;
      this.line++;
    }
  }

  /** read_line: consumes a break, returning what it contributes to a scalar ("\n", or LS/PS themselves). */
  protected readLine(): string {
    const c = this.b[this.pos];
    let r: string;
    if (c === 13 && this.b[this.pos + 1] === 10) {
      this.pos += 2;
      r = '\n';
    } else if (c === 13 || c === 10 || c === 0x85) {
      this.pos++;
      r = '\n';
    } else if (c === 0x2028 || c === 0x2029) {
      this.pos++;
      r = String.fromCharCode(c);
    } else {
      return '';
    }
    this.col = 0;
    this.line++;
    return r;
  }
}
