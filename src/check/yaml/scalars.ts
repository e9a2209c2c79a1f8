/**
 * Scalar scanning of the goyaml v2 scanner port (scannerc.go yaml_parser_scan_block_scalar, _flow_scalar,
 * _plain_scalar): block (`|`, `>`), quoted and plain scalars. The reading position is in reader.ts, anchors, tags and
 * directives in properties.ts, the token queue and simple keys in scanner.ts.
 */
import { PropertyScanner } from './properties';
import * as chars from './tokens';
import { Style, Tok, Token } from './tokens';

// Token types and styles as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const SCALAR = Tok.SCALAR;
const PLAIN = Style.PLAIN;
const LITERAL = Style.LITERAL;
const FOLDED = Style.FOLDED;
const SINGLE = Style.SINGLE;
const DOUBLE = Style.DOUBLE;

// module-level copies: the hot loops call local functions (V8 inlines them), not properties of the module object
const { isHex, hexVal } = chars;
// The hot predicates are declared here, not imported: V8 inlines module-local functions in the scanning loops.
// the end of input reads as 0 (the NUL padding of Reader.s)
const isBlank = (c: number) => c === 32 || c === 9;
const isBreak = (c: number) => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
const isZ = (c: number) => c === 0;
const isBreakz = (c: number) => isBreak(c) || c === 0;
const isBlankz = (c: number) => c === 32 || c === 9 || isBreak(c) || c === 0;

/**
 * ASCII characters that simply continue a plain scalar in block (flow) context: not blanks, breaks, `:` (which ends
 * it before a blank) nor, in flow context, `,?[]{}`.
 */
const PLAIN_BLOCK = new Uint8Array(128);
for (let c = 33; c < 127; c++) if (c !== 58) PLAIN_BLOCK[c] = 1;
const PLAIN_FLOW = PLAIN_BLOCK.slice();
for (const c of ',?[]{}') PLAIN_FLOW[c.charCodeAt(0)] = 0;

/** The scanning of one scalar token's text; extended by {@link Scanner}. */
export abstract class ScalarScanner extends PropertyScanner {
  protected scanBlockScalar(literal: boolean): Token {
    const s = this.s;
    const b = this.b;
    const startPos = this.pos;
    const startLine = this.line;
    const startCol = this.col;
    const ctx = 'while scanning a block scalar';
    this.adv();
    let chomping = 0;
    let increment = 0;
    let c = b[this.pos];
    if (c === 43 || c === 45) {
      chomping = c === 43 ? 1 : -1;
      this.adv();
      c = b[this.pos];
      if (c >= 48 && c <= 57) {
        if (c === 48) this.fail(`${ctx}: found an indentation indicator equal to 0`, startLine);
        increment = c - 48;
        this.adv();
      }
    } else if (c >= 48 && c <= 57) {
      if (c === 48) this.fail(`${ctx}: found an indentation indicator equal to 0`, startLine);
      increment = c - 48;
      this.adv();
      c = b[this.pos];
      if (c === 43 || c === 45) {
        chomping = c === 43 ? 1 : -1;
        this.adv();
      }
    }
    this.skipBlanksAndComment(ctx, startLine);
    let indent = 0;
    if (increment > 0) indent = this.indent >= 0 ? this.indent + increment : increment;
    let out = '';
    let leadingBreak = '';
    const st = { indent, breaks: '' };
    this.blockScalarBreaks(st, startLine);
    let leadingBlank = false;
    while (this.col === st.indent && !isZ(b[this.pos])) {
      const trailingBlank = isBlank(b[this.pos]);
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak.length > 0 && leadingBreak[0] === '\n') {
        if (st.breaks.length === 0) out += ' ';
      } else {
        out += leadingBreak;
      }
      leadingBreak = '';
      out += st.breaks;
      st.breaks = '';
      leadingBlank = isBlank(b[this.pos]);
      const from = this.pos;
      while (!isBreakz(b[this.pos])) this.adv();
      out += s.slice(from, this.pos);
      leadingBreak = this.readLine();
      this.blockScalarBreaks(st, startLine);
    }
    if (chomping !== -1) out += leadingBreak;
    if (chomping === 1) out += st.breaks;
    return this.tok(SCALAR, startPos, startLine, startCol, out, literal ? LITERAL : FOLDED);
  }

  protected blockScalarBreaks(st: { indent: number; breaks: string }, line: number): void {
    const b = this.b;
    let maxIndent = 0;
    for (;;) {
      while ((st.indent === 0 || this.col < st.indent) && b[this.pos] === 32) {
        this.pos++;
        this.col++;
      }
      if (this.col > maxIndent) maxIndent = this.col;
      if ((st.indent === 0 || this.col < st.indent) && b[this.pos] === 9) {
        this.fail('while scanning a block scalar: found a tab character where an indentation space is expected', line);
      }
      if (!isBreak(b[this.pos])) break;
      st.breaks += this.readLine();
    }
    if (st.indent === 0) {
      st.indent = maxIndent;
      if (st.indent < this.indent + 1) st.indent = this.indent + 1;
      if (st.indent < 1) st.indent = 1;
    }
  }

  protected atDocumentIndicator(): boolean {
    const b = this.b;
    const c = b[this.pos];
    return this.col === 0 && (c === 45 || c === 46) && b[this.pos + 1] === c && b[this.pos + 2] === c &&
      isBlankz(b[this.pos + 3]);
  }

  protected scanFlowScalar(single: boolean): Token {
    const s = this.s;
    const b = this.b;
    const startPos = this.pos;
    const startLine = this.line;
    const startCol = this.col;
    const ctx = 'while scanning a quoted scalar';
    this.adv();
    let out = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    for (;;) {
      // (the `---` line after a document read in place is its end, not a document indicator)
      if (this.pos === this.end || isZ(b[this.pos])) this.fail(`${ctx}: found unexpected end of stream`, startLine);
      if (this.atDocumentIndicator()) this.fail(`${ctx}: found unexpected document indicator`, startLine);
      let leadingBlanks = false;
      let run = this.pos;
      for (let c = b[this.pos]; !isBlankz(c); c = b[this.pos]) {
        if (single && c === 39 && b[this.pos + 1] === 39) {
          out += s.slice(run, this.pos) + '\'';
          this.pos += 2;
          this.col += 2;
          run = this.pos;
        } else if (single && c === 39) {
          break;
        } else if (!single && c === 34) {
          break;
        } else if (!single && c === 92 && isBreak(b[this.pos + 1])) {
          out += s.slice(run, this.pos);
          this.adv();
          this.skipLine();
          leadingBlanks = true;
          run = this.pos;
          break;
        } else if (!single && c === 92) {
          out += s.slice(run, this.pos);
          out += this.scanEscape(startLine);
          run = this.pos;
        } else {
          this.adv();
        }
      }
      out += s.slice(run, this.pos);
      const q = b[this.pos];
      if (q === (single ? 39 : 34)) break;
      for (let c = q; isBlank(c) || isBreak(c); c = b[this.pos]) {
        if (isBlank(c)) {
          if (!leadingBlanks) whitespaces += String.fromCharCode(c);
          this.pos++;
          this.col++;
        } else if (!leadingBlanks) {
          whitespaces = '';
          leadingBreak = this.readLine();
          leadingBlanks = true;
        } else {
          trailingBreaks += this.readLine();
        }
      }
      if (leadingBlanks) {
        if (leadingBreak.length > 0 && leadingBreak[0] === '\n') {
          out += trailingBreaks.length === 0 ? ' ' : trailingBreaks;
        } else {
          out += leadingBreak + trailingBreaks;
        }
        trailingBreaks = '';
        leadingBreak = '';
      } else {
        out += whitespaces;
        whitespaces = '';
      }
    }
    this.adv();
    return this.tok(SCALAR, startPos, startLine, startCol, out, single ? SINGLE : DOUBLE);
  }

  protected scanEscape(line: number): string {
    const b = this.b;
    const e = b[this.pos + 1];
    let codeLength = 0;
    let r = '';
    switch (e) {
      case 48: r = '\0'; break;
      case 97: r = '\x07'; break;
      case 98: r = '\b'; break;
      case 116: case 9: r = '\t'; break;
      case 110: r = '\n'; break;
      case 118: r = '\v'; break;
      case 102: r = '\f'; break;
      case 114: r = '\r'; break;
      case 101: r = '\x1b'; break;
      case 32: r = ' '; break;
      case 34: r = '"'; break;
      case 39: r = '\''; break;
      case 92: r = '\\'; break;
      case 78: r = '\x85'; break;
      case 95: r = '\xa0'; break;
      case 76: r = '\u2028'; break;
      case 80: r = '\u2029'; break;
      case 120: codeLength = 2; break;
      case 117: codeLength = 4; break;
      case 85: codeLength = 8; break;
      default: this.fail('while parsing a quoted scalar: found unknown escape character', line);
    }
    this.adv();
    this.adv();
    if (codeLength > 0) {
      let value = 0;
      for (let k = 0; k < codeLength; k++) {
        const h = b[this.pos + k];
        if (!isHex(h)) this.fail('while parsing a quoted scalar: did not find expected hexdecimal number', line);
        value = value * 16 + hexVal(h);
      }
      if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) this.fail('while parsing a quoted scalar: found invalid Unicode character escape code', line);
      r = String.fromCodePoint(value);
      this.pos += codeLength;
      this.col += codeLength;
    }
    return r;
  }

  protected scanPlainScalar(): Token {
    const s = this.s;
    const b = this.b;
    const startPos = this.pos;
    const startLine = this.line;
    const startCol = this.col;
    let out = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    let leadingBlanks = false;
    const indent = this.indent + 1;
    const flow = this.flowLevel > 0;
    const ordinary = flow ? PLAIN_FLOW : PLAIN_BLOCK;
    let pos = this.pos;
    let col = this.col;
    for (;;) {
      let c = b[pos];
      if (col === 0 && (c === 45 || c === 46) && b[pos + 1] === c && b[pos + 2] === c && isBlankz(b[pos + 3])) break;
      if (c === 35) break;
      const run = pos;
      for (;;) {
        // the common case, one table read per character (the end, 0, is not in the table); columns counted after
        const ascii = pos;
        while (c < 128 && ordinary[c] === 1) c = b[++pos];
        col += pos - ascii;
        if (isBlankz(c) || (c === 58 && isBlankz(b[pos + 1])) ||
          (flow && (c === 44 || c === 63 || c === 91 || c === 93 || c === 123 || c === 125))) break;
        pos += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        col++;
        c = b[pos];
      }
      if (pos > run) {
        // the blanks or breaks before this run join it (goyaml does this at its first character)
        if (leadingBlanks) {
          if (leadingBreak.charCodeAt(0) === 10) out += trailingBreaks.length === 0 ? ' ' : trailingBreaks;
          else out += leadingBreak + trailingBreaks;
          trailingBreaks = '';
          leadingBreak = '';
          leadingBlanks = false;
        } else if (whitespaces.length > 0) {
          out += whitespaces;
          whitespaces = '';
        }
        out = out === '' ? this.text(run, pos) : out + s.slice(run, pos);
      }
      if (!(c === 32 || c === 9 || isBreak(c))) break;
      while (c === 32 || c === 9 || isBreak(c)) {
        if (c === 32 || c === 9) {
          // runs of blanks at once: the next line's indentation, or blanks inside the line (kept as one slice)
          const from = pos;
          if (!leadingBlanks) {
            do c = b[++pos]; while (c === 32 || c === 9);
            col += pos - from;
            whitespaces += s.slice(from, pos);
            continue;
          }
          if (c === 32) {
            do c = b[++pos]; while (c === 32);
            col += pos - from;
            continue;
          }
          if (col < indent) {
            this.pos = pos;
            this.col = col;
            this.fail('while scanning a plain scalar: found a tab character that violates indentation', startLine);
          }
          pos++;
          col++;
        } else {
          this.pos = pos;
          this.col = col;
          if (!leadingBlanks) {
            whitespaces = '';
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else {
            trailingBreaks += this.readLine();
          }
          pos = this.pos;
          col = this.col;
        }
        c = b[pos];
      }
      if (!flow && col < indent) break;
    }
    this.pos = pos;
    this.col = col;
    if (leadingBlanks) this.simpleKeyAllowed = true;
    return this.tok(SCALAR, startPos, startLine, startCol, out, PLAIN);
  }
}
