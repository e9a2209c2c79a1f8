/**
 * Flow collections of goyaml v2's parser (parserc.go parse_flow_sequence_entry, parse_flow_mapping_key/value):
 * `[a, b]`, `{a: 1, b}`, and the single-pair mappings of a flow sequence (`[a: b]`).
 */
import { MappingBuilder, setEntry } from './mapping';
import { NodeParser } from './nodes';
import { Tok } from './tokens';

// Token types as module-local constants: tsc inlines a const enum, but code transpiled file by file
// (ts-node, the benchmarks) reads each member from the enum object, a dictionary lookup in the loader's hottest code
const KEY = Tok.KEY;
const VALUE = Tok.VALUE;
const FLOW_SEQUENCE_END = Tok.FLOW_SEQUENCE_END;
const FLOW_ENTRY = Tok.FLOW_ENTRY;
const FLOW_MAPPING_END = Tok.FLOW_MAPPING_END;

/** A {@link NodeParser} that reads flow collections. */
export abstract class FlowCollectionParser extends NodeParser {
  protected flowSequence(): unknown[] {
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

  protected flowMapping(): Record<string, unknown> {
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
}
