/**
 * One mapping with goyaml's key semantics (decode.go `mapping`/`merge`): merges applied in order, later keys
 * override merged ones, duplicate keys refused (deliberate refusal), `__proto__` kept as a plain key.
 */
import { YamlSyntaxError } from './scanner';

/** A duplicate key (a deliberate refusal). */
export class DuplicateKeyError extends YamlSyntaxError {}

/** What a mapping needs from the parser: the last key node as a JSON key, and its Go identity. */
export interface KeySource {
  readonly lastKeyId: string | undefined;
  keyOf(line: number): string | typeof MERGE_KEY;
  failAt(problem: string, line: number): never;
}

/** Sets a key of a mapping this loader is building; a `__proto__` key becomes an own property, not the prototype. */
function setKey(mapping: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(mapping, key, { value, enumerable: true, writable: true, configurable: true });
  else mapping[key] = value;
}

/** The key of a `<<` merge. */
export const MERGE_KEY = Symbol('merge');

/**
 * Sets a key of a mapping being built, with a {@link MappingBuilder} only from the first key that needs goyaml's
 * bookkeeping (a merge, a key that is not a plain string, a key set before): most mappings never need one, and are
 * built without allocating it. Returns the builder for the mapping's next keys. `k` is the key node's
 * {@link KeySource.keyOf}, read before its value was parsed.
 */
export function setEntry(
  p: KeySource, obj: Record<string, unknown>, m: MappingBuilder | undefined, k: string | typeof MERGE_KEY, value: unknown, line: number,
): MappingBuilder | undefined {
  if (m === undefined && k !== MERGE_KEY && p.lastKeyId === undefined && !Object.prototype.hasOwnProperty.call(obj, k)) {
    setKey(obj, k, value); // what MappingBuilder.set does while it has no merged keys and no key identities
    return undefined;
  }
  const b = m ?? new MappingBuilder(p, obj);
  b.set(k, value, line);
  return b;
}

/** Builds one mapping with goyaml's key semantics. */
export class MappingBuilder {
  /** Keys set by merges (an explicit key may override them; a duplicate explicit key is refused). */
  private merged: Set<string> | undefined;
  /** Go identities of non-string keys. */
  private ids: Map<string, string> | undefined;

  constructor(private readonly p: KeySource, readonly obj: Record<string, unknown> = {}) {}

  set(k: string | typeof MERGE_KEY, value: unknown, line: number): void {
    const obj = this.obj;
    if (k === MERGE_KEY) {
      this.merge(value, line);
      return;
    }
    if (Object.prototype.hasOwnProperty.call(obj, k)) {
      if (this.merged?.has(k)) {
        this.merged.delete(k);
      } else if ((this.ids?.get(k) ?? `s:${k}`) === (this.p.lastKeyId ?? `s:${k}`)) {
        throw new DuplicateKeyError(`duplicate key "${k}" in a mapping (kubectl's strict decoding refuses it, the non-strict one keeps the last value silently); remove one of them`, line);
      } else {
        throw new DuplicateKeyError(`two keys of a mapping become the same JSON key "${k}" (e.g. 1 and "1"; kubectl keeps one of them at random); remove or rename one of them`, line);
      }
    }
    if (this.p.lastKeyId !== undefined) (this.ids ??= new Map()).set(k, this.p.lastKeyId);
    setKey(obj, k, value);
  }

  private merge(value: unknown, line: number): void {
    const wantMap = 'map merge requires map or sequence of maps as the value';
    if (Array.isArray(value)) {
      for (const v of value) if (!isPlainObject(v)) this.p.failAt(wantMap, line);
      for (let i = value.length - 1; i >= 0; i--) this.assign(value[i] as Record<string, unknown>);
    } else if (isPlainObject(value)) {
      this.assign(value);
    } else {
      this.p.failAt(wantMap, line);
    }
  }

  private assign(src: Record<string, unknown>): void {
    if (!this.merged) this.merged = new Set();
    for (const k of Object.keys(src)) {
      setKey(this.obj, k, src[k]);
      this.merged.add(k);
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `.inf`/`.nan` left in the final document cannot become JSON (json: unsupported value). */
export function checkFinite(v: unknown, first: { text: string; line: number }): void {
  const seen = new Set<object>();
  const walk = (x: unknown): void => {
    if (typeof x === 'number' && !Number.isFinite(x)) {
      throw new YamlSyntaxError(`${first.text} is a YAML 1.1 infinity/NaN that kubernetes cannot convert to JSON; quote it ("${first.text}") or use a number`, first.line);
    }
    if (typeof x !== 'object' || x === null || seen.has(x)) return;
    seen.add(x);
    for (const c of Array.isArray(x) ? x : Object.values(x)) walk(c);
  };
  walk(v);
}
