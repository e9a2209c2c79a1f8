/**
 * Block collections of goyaml v2's parser (parserc.go parse_block_sequence_entry, parse_indentless_sequence_entry,
 * parse_block_mapping_key/value): `- a` entries and `key: value` pairs, with fast paths for what most entries of a
 * manifest are — a scalar value without anchor or tag, and a key that is a string.
 */
import { FlowCollectionParser } from './flow';
import { MappingBuilder, MERGE_KEY, setEntry } from './mapping';
import { SCALAR_NODE } from './nodes';
import { plainIsString } from './resolve';
import { Style, Tok, Token } from './tokens';

// Token types and styles as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const BLOCK_ENTRY = Tok.BLOCK_ENTRY;
const SCALAR = Tok.SCALAR;
const BLOCK_END = Tok.BLOCK_END;
const KEY = Tok.KEY;
const VALUE = Tok.VALUE;
const PLAIN = Style.PLAIN;

/** A {@link FlowCollectionParser} that also reads block collections. */
export abstract class BlockCollectionParser extends FlowCollectionParser {
  protected blockSequence(): unknown[] {
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

  protected indentlessSequence(): unknown[] {
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

  protected blockMapping(): Record<string, unknown> {
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

  /**
   * child() for a scalar token (so without anchor or tag): node()'s scalar branch without its checks for the other
   * kinds of node, taken by most entries of a block collection.
   */
  protected scalarChild(t: Token): unknown {
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
  protected stringKey(text: string, implicit: boolean): string {
    this.decodeCount++;
    if (this.aliasCount > 100) this.checkAliasing();
    this.sc.skip();
    this.lastKind = SCALAR_NODE;
    this.setLastScalar('', text, implicit);
    this.lastAlias = undefined;
    this.lastKeyId = undefined;
    return text;
  }
}
