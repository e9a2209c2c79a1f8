/**
 * Scalar resolution exactly as goyaml v2 (resolve.go + decode.go `scalar`) and sigs.k8s.io/yaml's JSON conversion
 * (`convertToJSONableObject`) do it for kubectl: YAML 1.1 booleans (`yes`, `on`, `y`...), `0777` octal,
 * `0x`/`0o`/`0b` prefixes, underscores, int64 then uint64 then float, `.inf`/`.nan` (not JSON: refused),
 * timestamps kept as strings, `!!binary` decoded, unknown tags read as strings. Map keys become JSON keys as
 * sigs.k8s.io/yaml writes them (ints exact, floats in float32 `%g`, booleans `true`/`false`; null and uint64 keys are
 * errors).
 */

export const STR = 'tag:yaml.org,2002:str';
export const INT = 'tag:yaml.org,2002:int';
export const FLOAT = 'tag:yaml.org,2002:float';
export const BOOL = 'tag:yaml.org,2002:bool';
export const NULL = 'tag:yaml.org,2002:null';
export const MERGE = 'tag:yaml.org,2002:merge';
export const BINARY = 'tag:yaml.org,2002:binary';
export const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

/** A resolved scalar: its tag and value (integers outside ±2^53 as bigint, `uint` set for uint64-only values). */
export interface Resolved {
  readonly tag: string;
  readonly value: string | number | bigint | boolean | null;
  readonly uint?: boolean;
}

const MAP = new Map<string, Resolved>();
for (const [value, tag, names] of [
  [true, BOOL, 'y Y yes Yes YES true True TRUE on On ON'],
  [false, BOOL, 'n N no No NO false False FALSE off Off OFF'],
  [null, NULL, '~ null Null NULL'],
  [NaN, FLOAT, '.nan .NaN .NAN'],
  [Infinity, FLOAT, '.inf .Inf .INF +.inf +.Inf +.INF'],
  [-Infinity, FLOAT, '-.inf -.Inf -.INF'],
  ['<<', MERGE, '<<'],
] as const) {
  for (const n of names.split(' ')) MAP.set(n, { tag, value });
}
MAP.set('', { tag: NULL, value: null });

/** goyaml's resolveTable: the hint of a first character, S(ign), D(igit), M(ap), '.', or 0 (always a string). */
const HINTS = new Uint8Array(128);
HINTS[43] = HINTS[45] = 83;
for (let c = 48; c <= 57; c++) HINTS[c] = 68;
HINTS[46] = 46;
for (const c of 'yYnNtTfFoO~') HINTS[c.charCodeAt(0)] = 77;

function hint(c: number): number {
  return c < 128 ? HINTS[c] : 0;
}

/** The longest name in MAP (`false`): a longer plain scalar with an M hint is a string. */
const LONGEST_NAME = Math.max(...[...MAP.keys()].map((k) => k.length));

/**
 * True when goyaml's `resolve` leaves this plain scalar a string because of its first character (most scalars of a
 * manifest: names, hosts, kinds), or because it starts like a boolean or null but is none (`name`, `targetPort`), so
 * the caller can skip {@link resolve} and its allocation.
 */
export function plainIsString(text: string): boolean {
  if (text === '') return false;
  const h = hint(text.charCodeAt(0));
  return h === 0 || (h === 77 && (text.length > LONGEST_NAME || !MAP.has(text)));
}

/**
 * A decimal integer without sign, leading zero or underscore that a double holds exactly (ports, replicas...); `s` is
 * not empty.
 */
export function isShortDecimal(s: string): boolean {
  const n = s.length;
  if (n > 15 || s.charCodeAt(0) === 48) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const GO_INT_BODY = /^(?:0[bB]([01]+)|0[oO]([0-7]+)|0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))$/;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go strconv.ParseFloat syntax for strings starting with '.', underscores only between digits. */
const GO_DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go `strconv.ParseInt(plain, 0, 64)`, then `ParseUint`: the integer, or undefined. */
function goInteger(plain: string): Resolved | undefined {
  let sign = '';
  let body = plain;
  if (body[0] === '+' || body[0] === '-') {
    sign = body[0];
    body = body.slice(1);
  }
  const m = GO_INT_BODY.exec(body);
  if (!m) return undefined;
  let v: bigint | number;
  if (m[5] !== undefined && m[5].length <= 15) {
    v = Number(m[5]);
  } else if (m[4] !== undefined && m[4].length <= 17) {
    v = m[4] === '' ? 0 : parseInt(m[4], 8);
  } else {
    const digits = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5];
    const prefix = m[1] !== undefined ? '0b' : m[2] !== undefined || m[4] !== undefined ? '0o' : m[3] !== undefined ? '0x' : '';
    v = BigInt(prefix + digits);
  }
  if (typeof v === 'number') return { tag: INT, value: sign === '-' ? -v || 0 : v };
  const signed = sign === '-' ? -v : v;
  if (signed >= INT64_MIN && signed <= INT64_MAX) return { tag: INT, value: toJs(signed) };
  if (sign === '' && v <= UINT64_MAX) return { tag: INT, value: toJs(v), uint: true };
  return undefined;
}

function toJs(v: bigint): number | bigint {
  return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
}

/** goyaml's `resolve(tag, in)` for the tags it resolves; undefined for others (the caller keeps the string). */
export function resolve(tag: string, input: string): Resolved {
  const h = input === '' ? 78 : hint(input.charCodeAt(0));
  if (h !== 0 && tag !== STR && tag !== BINARY) {
    const item = input.length <= LONGEST_NAME ? MAP.get(input) : undefined;
    if (item) return item;
    if (h === 46) {
      if (GO_DOT_FLOAT.test(input)) {
        const f = Number(input.includes('_') ? input.replace(/_/g, '') : input);
        if (Number.isFinite(f)) return { tag: FLOAT, value: f };
      }
    } else if (h === 68 && isShortDecimal(input)) {
      return { tag: INT, value: Number(input) }; // what the general branch below gives (goInteger), without regexps
    } else if (h === 68 || h === 83) {
      if ((tag === '' || tag === TIMESTAMP) && h === 68 && isTimestamp(input)) return { tag: TIMESTAMP, value: input };
      const plain = input.includes('_') ? input.replace(/_/g, '') : input;
      const i = goInteger(plain);
      if (i) return i;
      if (YAML_STYLE_FLOAT.test(plain)) {
        const f = Number(plain);
        if (Number.isFinite(f)) return { tag: FLOAT, value: f };
      }
      // goyaml's extra binary branches: "0b" + ParseInt(rest, 2) (the rest may carry a sign), "-0b" + digits
      const b = /^(-?)0b([-+]?)([01]+)$/.exec(plain);
      if (b && !(b[1] === '-' && b[2] !== '')) {
        const v = BigInt(`0b${b[3]}`);
        const signed = b[1] === '-' || b[2] === '-' ? -v : v;
        if (signed >= INT64_MIN && signed <= INT64_MAX) return { tag: INT, value: toJs(signed) };
        if (b[1] === '' && b[2] === '' && v <= UINT64_MAX) return { tag: INT, value: toJs(v), uint: true };
      }
    }
  }
  return { tag: STR, value: input };
}

/** The value goyaml v2 gives a plain (unquoted, untagged) scalar: string, number, boolean, null. */
export function resolvePlainScalar(s: string): string | number | boolean | null {
  const r = resolve('', s);
  if (r.tag === TIMESTAMP || r.tag === MERGE) return s;
  return typeof r.value === 'bigint' ? Number(r.value) : r.value;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TS = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:([Tt])|( ))([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/;

/** goyaml's parseTimestamp: the formats "2006-1-2T15:4:5.999999999Z07:00" (t too), "2006-1-2 15:4:5.999999999", "2006-1-2". */
export function isTimestamp(s: string): boolean {
  if (s.length < 8 || s.charCodeAt(4) !== 45) return false;
  const m = TS.exec(s);
  if (!m) return false;
  const [, y, mo, d, tT, sp, hh, mm, ss, , zone] = m;
  if (sp !== undefined && zone !== undefined) return false;
  if (tT !== undefined && zone === undefined) return false;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && !leap ? 28 : DAYS[month - 1])) return false;
  if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59)) return false;
  if (zone !== undefined && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return false;
  return true;
}

/** Error raised when a tagged scalar does not fit its tag (goyaml: "cannot decode !!str `x` as a !!int"). */
export class ResolveError extends Error {}

const shortTag = (t: string) => (t.startsWith('tag:yaml.org,2002:') ? `!!${t.slice(18)}` : t);

/**
 * Decodes a scalar node into what goyaml puts in an interface{}: quoted untagged → string; tagged or plain →
 * resolved, with tag checks; `!!binary` → its base64-decoded text; unknown tags → the string.
 */
export function decodeScalar(tag: string, value: string, implicit: boolean): Resolved {
  if (tag === '' && !implicit) return { tag: STR, value };
  if (tag !== '' && tag !== STR && tag !== BOOL && tag !== INT && tag !== FLOAT && tag !== NULL && tag !== TIMESTAMP) {
    if (tag === BINARY) return { tag: BINARY, value: decodeBase64(value) };
    return { tag, value };
  }
  const r = resolve(tag, value);
  if (tag === '' || tag === r.tag || tag === STR) {
    return r.tag === TIMESTAMP ? { tag: TIMESTAMP, value } : r;
  }
  if (tag === FLOAT && r.tag === INT && !r.uint) {
    return { tag: FLOAT, value: Number(r.value) };
  }
  throw new ResolveError(`cannot decode ${shortTag(r.tag)} \`${value}\` as a ${shortTag(tag)}`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(s: string): string {
  const clean = s.replace(/[\r\n]/g, '');
  if (!BASE64.test(clean)) throw new ResolveError('!!binary value contains invalid base64 data');
  return Buffer.from(clean, 'base64').toString('utf8');
}

/** The JSON key sigs.k8s.io/yaml makes of a decoded map key (throws for keys it cannot convert). */
export function jsonKey(r: Resolved): string {
  const v = r.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) throw new ResolveError('a null map key (e.g. "~:" or ":") cannot become a JSON key; quote it');
  if (r.uint) throw new ResolveError(`the map key ${String(v)} is above the int64 range and cannot become a JSON key; quote it`);
  if (r.tag === INT || typeof v === 'bigint') return typeof v === 'bigint' ? v.toString() : String(v);
  return formatFloat32G(v);
}

/** Go `strconv.FormatFloat(f, 'g', -1, 32)` with goyaml's .inf/.nan spellings (float map keys). */
export function formatFloat32G(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const x = Math.fround(f);
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const e = x.toExponential(p - 1);
    if (Math.fround(Number(e)) === x) {
      const [mant, ex] = e.split('e');
      digits = mant.replace('-', '').replace('.', '');
      exp = Number(ex);
      break;
    }
  }
  const neg = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${neg}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${neg}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${neg}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * True when goyaml v2 reads `s`, written as a plain (unquoted) scalar, back as the same string: the fast path of
 * SYN-YAML-001 (no allocation for the common case of a string starting with a letter other than y/n/t/f/o).
 */
export function plainReadsAsString(s: string): boolean {
  if (s === '') return false;
  const h = hint(s.charCodeAt(0));
  if (h === 0) return s !== '<<';
  if (h === 77) return !MAP.has(s);
  const r = resolve('', s);
  return r.tag === STR || r.tag === TIMESTAMP;
}
