/**
 * Node properties and directives of the goyaml v2 scanner port (scannerc.go yaml_parser_scan_anchor, _tag,
 * _tag_handle, _tag_uri, _directive): anchors `&a` and aliases `*a`, tags `!t`/`!!str`/`!<uri>`, and the `%YAML`
 * and `%TAG` directives. Extended by the scalars' scanning (scalars.ts).
 */
import { Reader } from './reader';
import * as chars from './tokens';
import { Style, Tok, Token } from './tokens';

// Token types and styles as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const VERSION_DIRECTIVE = Tok.VERSION_DIRECTIVE;
const TAG = Tok.TAG;
const TAG_DIRECTIVE = Tok.TAG_DIRECTIVE;
const ANCHOR = Tok.ANCHOR;
const PLAIN = Style.PLAIN;

const { isAlpha, isHex, hexVal } = chars;
// declared here, not imported: V8 inlines module-local functions
const isBlank = (c: number) => c === 32 || c === 9;
const isBreak = (c: number) => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBreakz = (c: number) => isBreak(c) || c === 0;
const isBlankz = (c: number) => c === 32 || c === 9 || isBreak(c) || c === 0;

/* eslint-disable no-bitwise */ // UTF-8 octet arithmetic of %-escaped tag URIs
const URI_CHARS = new Set([...';/?:@&=+$,.!~*\'()[]%'].map((c) => c.charCodeAt(0)));

/** The scanning of anchors, aliases, tags and directives; extended by {@link ScalarScanner}. */
export abstract class PropertyScanner extends Reader {
  protected skipBlanksAndComment(context: string, line: number): void {
    const b = this.b;
    while (isBlank(b[this.pos])) this.adv();
    if (b[this.pos] === 35) while (!isBreakz(b[this.pos])) this.adv();
    if (!isBreakz(b[this.pos])) this.fail(`${context}: did not find expected comment or line break`, line);
    if (isBreak(b[this.pos])) this.skipLine();
  }

  protected scanDirective(): Token {
    const startPos = this.pos;
    const startLine = this.line;
    const startCol = this.col;
    const b = this.b;
    this.adv();
    const name = this.readWhile(isAlpha);
    if (name === '') this.fail('while scanning a directive: could not find expected directive name', startLine);
    if (!isBlankz(b[this.pos])) this.fail('while scanning a directive: found unexpected non-alphabetical character', startLine);
    let t: Token;
    if (name === 'YAML') {
      while (isBlank(b[this.pos])) this.adv();
      const major = this.scanVersionNumber(startLine);
      if (b[this.pos] !== 46) this.fail('while scanning a %YAML directive: did not find expected digit or \'.\' character', startLine);
      this.adv();
      const minor = this.scanVersionNumber(startLine);
      t = this.tok(VERSION_DIRECTIVE, startPos, startLine, startCol, '', PLAIN, '', major, minor);
    } else if (name === 'TAG') {
      while (isBlank(b[this.pos])) this.adv();
      const handle = this.scanTagHandle(true, startLine);
      if (!isBlank(b[this.pos])) this.fail('while scanning a %TAG directive: did not find expected whitespace', startLine);
      while (isBlank(b[this.pos])) this.adv();
      const prefix = this.scanTagUri(true, '', startLine);
      if (!isBlankz(b[this.pos])) this.fail('while scanning a %TAG directive: did not find expected whitespace or line break', startLine);
      t = this.tok(TAG_DIRECTIVE, startPos, startLine, startCol, handle, PLAIN, prefix);
    } else {
      this.fail('while scanning a directive: found unknown directive name', startLine);
    }
    this.skipBlanksAndComment('while scanning a directive', startLine);
    return t;
  }

  protected scanVersionNumber(line: number): number {
    let value = 0;
    let length = 0;
    for (let c = this.b[this.pos]; c >= 48 && c <= 57; c = this.b[this.pos]) {
      if (++length > 2) this.fail('while scanning a %YAML directive: found extremely long version number', line);
      value = value * 10 + c - 48;
      this.adv();
    }
    if (length === 0) this.fail('while scanning a %YAML directive: did not find expected version number', line);
    return value;
  }

  protected readWhile(pred: (c: number) => boolean): string {
    const start = this.pos;
    while (pred(this.b[this.pos])) this.adv();
    return this.s.slice(start, this.pos);
  }

  protected scanAnchor(type: Tok): Token {
    const startPos = this.pos;
    const startLine = this.line;
    const startCol = this.col;
    this.adv();
    const name = this.readWhile(isAlpha);
    const c = this.b[this.pos];
    if (name === '' || !(isBlankz(c) || c === 63 || c === 58 || c === 44 || c === 93 || c === 125 || c === 37 || c === 64 || c === 96)) {
      this.fail(`while scanning an ${type === ANCHOR ? 'anchor' : 'alias'}: did not find expected alphabetic or numeric character`, startLine);
    }
    return this.tok(type, startPos, startLine, startCol, name);
  }

  protected scanTag(): Token {
    const startPos = this.pos;
    const startLine = this.line;
    const startCol = this.col;
    let handle: string;
    let suffix: string;
    if (this.b[this.pos + 1] === 60 /* < */) {
      this.adv();
      this.adv();
      handle = '';
      suffix = this.scanTagUri(false, '', startLine);
      if (this.b[this.pos] !== 62) this.fail('while scanning a tag: did not find the expected \'>\'', startLine);
      this.adv();
    } else {
      handle = this.scanTagHandle(false, startLine);
      if (handle.length > 1 && handle[0] === '!' && handle[handle.length - 1] === '!') {
        suffix = this.scanTagUri(false, '', startLine);
      } else {
        suffix = this.scanTagUri(false, handle, startLine);
        handle = '!';
        if (suffix === '') {
          suffix = handle;
          handle = '';
        }
      }
    }
    if (!isBlankz(this.b[this.pos])) this.fail('while scanning a tag: did not find expected whitespace or line break', startLine);
    return this.tok(TAG, startPos, startLine, startCol, handle, PLAIN, suffix);
  }

  protected scanTagHandle(directive: boolean, line: number): string {
    const ctx = directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
    if (this.b[this.pos] !== 33) this.fail(`${ctx}: did not find expected '!'`, line);
    const start = this.pos;
    this.adv();
    this.readWhile(isAlpha);
    if (this.b[this.pos] === 33) {
      this.adv();
    } else if (directive && this.pos - start !== 1) {
      this.fail(`${ctx}: did not find expected '!'`, line);
    }
    return this.s.slice(start, this.pos);
  }

  protected scanTagUri(directive: boolean, head: string, line: number): string {
    const ctx = directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
    let hasTag = head.length > 0;
    let out = head.length > 1 ? head.slice(1) : '';
    const bytes: number[] = [];
    const flush = () => {
      if (bytes.length) {
        out += Buffer.from(bytes).toString('utf8');
        bytes.length = 0;
      }
    };
    for (let c = this.b[this.pos]; isAlpha(c) || URI_CHARS.has(c); c = this.b[this.pos]) {
      if (c === 37) {
        let w = 1024;
        while (w > 0) {
          const p = this.pos;
          if (!(this.b[p] === 37 && isHex(this.b[p + 1]) && isHex(this.b[p + 2]))) this.fail(`${ctx}: did not find URI escaped octet`, line);
          const octet = (hexVal(this.b[p + 1]) << 4) + hexVal(this.b[p + 2]);
          if (w === 1024) {
            w = (octet & 0x80) === 0 ? 1 : (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : (octet & 0xf8) === 0xf0 ? 4 : 0;
            if (w === 0) this.fail(`${ctx}: found an incorrect leading UTF-8 octet`, line);
          } else if ((octet & 0xc0) !== 0x80) {
            this.fail(`${ctx}: found an incorrect trailing UTF-8 octet`, line);
          }
          bytes.push(octet);
          this.pos += 3;
          this.col += 3;
          w--;
        }
      } else {
        flush();
        const p = this.pos;
        this.adv();
        out += this.s.slice(p, this.pos);
      }
      hasTag = true;
    }
    flush();
    if (!hasTag) this.fail(`${ctx}: did not find expected tag URI`, line);
    return out;
  }
}
