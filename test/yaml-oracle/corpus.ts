/**
 * Generated YAML documents over the YAML 1.1/1.2 and goyaml edge cases: every scalar of SCALARS in every context of
 * CONTEXTS (block/flow values and keys, quoted, tagged, block scalars, anchors), plus STRUCTURES (merge keys,
 * nesting, document markers, CRLF, BOM, long and unicode strings, IPv6 in flow collections).
 */

export const SCALARS: readonly string[] = [
  // booleans and look-alikes
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'true', 'True', 'TRUE', 'false', 'FALSE', 'yEs', 'oN', 'tRUE',
  // nulls
  '~', 'null', 'Null', 'NULL', 'nULL',
  // integers: octal, hex, binary, signs, underscores, int64/uint64 bounds, above 2^53
  '0', '00', '0777', '0644', '08', '09', '0x1F', '0X1F', '0xg', '0x', '0o17', '0O17', '0o8', '0o', '0b101', '0B101', '0b2', '0b',
  '-_0', '+_1', '1_000', '_1', '1__0', '1_', '+12', '-7', '+0', '-0', '-0x1F', '+0o7', '-0b11',
  '9007199254740992', '9007199254740993', '-9007199254740993', '12345678901234567890', '9223372036854775807', '9223372036854775808',
  '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616', '+18446744073709551615',
  '0x8000000000000000', '0xFFFFFFFFFFFFFFFF', '0x10000000000000000', '0b' + '1'.repeat(64), '07777777777777777777777',
  // floats
  '1e3', '1E3', '1e+3', '1e-3', '.5', '-.5', '+.5', '1.', '1.0', '-0.0', '0.0', '1e400', '-1e400', '1e-400', '.5e3', '.5_5', '._5', '.5_',
  '1_0.5', '6.02e23', '1e21', '1e20', '123456789.0', '0.1', '3.14159265358979323846', '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.nan', '.NaN',
  '.NAN', 'inf', 'nan', '1e', 'e3', '1.2.3', '0.1.2', '1e3.5', '0x1p-2', '1_e3',
  // sexagesimal (YAML 1.1 base 60, strings for goyaml v2)
  '12:30', '1:20:30', '-1:30', '190:20:30.15',
  // timestamps
  '2001-12-14', '2001-12-14T21:59:43.10-05:00', '2001-12-14t21:59:43Z', '2001-12-14 21:59:43.10', '2001-13-01', '2001-02-29',
  '2000-02-29', '2001-1-2', '2001-12-14 21:59:43.10 -5',
  // strings that look special
  '<<', '=', 'hello', 'hello world', 'a:b', 'a::b', 'http://x.example.com/p', 'fe80::', 'fe80::1', '::1', '2001:db8::', '2001:db8::1%eth0',
  '-', '--', '-a', '?a', ':a', 'a#b', 'a #b', 'a,b', 'a]b', '@a', '`a', '%a', '!a', '&a', '*a', '|a', '>a', "'a", '"a', 'a\'b', 'a"b',
  'héllo', '日本語', '😀', 'e\u0301', 'Ω≈ç√', 'a b  c', 'x'.repeat(300), 'é'.repeat(600), '😀'.repeat(520),
];

/** Characters that need escaping (double-quoted) or are line breaks for goyaml. */
export const SPECIAL_CHARS: readonly string[] = ['\t', '\u0085', '\u2028', '\u2029', '\u007f', '\u0000', '\u00a0', '\ufeff', '\u0007', '\u001b', '\r'];

const dq = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const sq = (s: string) => `'${s.replace(/'/g, '\'\'')}'`;

/** Contexts a scalar text is put in. */
export const CONTEXTS: ReadonlyArray<(v: string) => string> = [
  (v) => `k: ${v}\n`,
  (v) => `${v}: x\n`,
  (v) => `k: [${v}]\n`,
  (v) => `k: [${v}, z]\n`,
  (v) => `k: {a: ${v}}\n`,
  (v) => `k: {${v}: z}\n`,
  (v) => `k: {${v}}\n`,
  (v) => `k:\n- ${v}\n- z\n`,
  (v) => `k: ${dq(v)}\n`,
  (v) => `k: ${sq(v)}\n`,
  (v) => `${dq(v)}: x\n`,
  (v) => `k: !!str ${v}\n`,
  (v) => `k: !!int ${v}\n`,
  (v) => `k: !!float ${v}\n`,
  (v) => `k: !custom ${v}\n`,
  (v) => `k: |\n  ${v}\n`,
  (v) => `k: >-\n  ${v}\n  ${v}\n`,
  (v) => `k: &a ${v}\nj: *a\n`,
  (v) => `a: &a ${v}\n*a : x\n`,
  (v) => `k:\n  ${v}\n`,
];

/** Hand-written structures: merges, nesting, anchors, document markers, line endings. */
export const STRUCTURES: readonly string[] = [
  'b: &b {p: 1}\nc: {p: 2, <<: *b}\n', 'b: &b {p: 1}\nc: {<<: *b, p: 2}\n', 'b: &b {p: 1, q: 1}\nd: &d {q: 2}\nc: {<<: [*b, *d]}\n',
  'b: &b {p: 1}\nc:\n  <<: *b\n  p: 3\n', 'c:\n  <<: {p: 1}\n  <<: {p: 2}\n', 'c: {<<: 1}\n', 'c: {<<: [1]}\n', 'c: {<<: ~}\n', 'c: {"<<": 1}\n',
  'c: {!!merge <<: {a: 1}}\n', 'c: {! <<: {a: 1}}\n', 'a: &a <<\nc: {*a : 1}\n', 'b: &b {a: [1]}\nc: {<<: *b, a: 2}\n',
  '- -\n- z\n', '- - - a\n', '-\n  - a\n- b\n', 'k:\n- a\n-\n- b\n', 'k:\n  - a\n  -   - b\n      - c\n',
  'a: &a [*a]\n', 'a: &a {b: *a}\n', 'a: *u\n', 'a: &a 1\nb: &a 2\nc: *a\n', 'a: &x.y 1\n', 'a: &a\nb: *a\n', '&a a: *a\n',
  'a: 1\n...\nb: 2\n', '...\na: 1\n', 'a: 1\n...\n---\nb: 2\n', '--- \na: 1\n', '--- # c\na: 1\n---\n', '---a: 1\n', '----\na: 1\n',
  'a: 1\n--- x\n', '---\n---\n---\n', '---\n~\n---\nnull\n', '---\n""\n', '---\n[]\n', '---\n- a\n', '---\nabc\n', '',
  '# only a comment\n', '\n\n', '\t\n', 'a: 1\n  ---\n', 'a: |\n  ---\n  x\n', 'a: "\n---\n"\n', '%YAML 1.1\n---\na: 1\n',
  '\ufeff---\na: 1\n', '%YAML 1.1\n\ufeff---\na: 1\n', '%YAML 1.2\n\ufeff---\na: 1\n', '%TAG !e! tag:yaml.org,2002:\n\ufeff---\na: !e!int "12"\n',
  'a: x\r\nb: y\r\n', 'a: |\r\n  x\r\n  y\r\n', 'a: "x\r\n  y"\r\n', 'a: 1\rb: 2\r', '\ufeffa: 1\n', 'a: 1\n\ufeffb: 2\n', 'a: "\ufeff"\n',
  'a: b\u0085c: d\n', 'a: b\u2028c: d\n', 'a: b\u2029c: d\n', 'a: "x\u2028y"\n', 'a: |\n  x\u2028y\n', 'a: "x\ty"\n', 'a:\tb\n', '\ta: b\n', 'a: b\t\n',
  'a: [fe80::]\n', 'a: [fe80::, ::1]\n', 'a: [::1]\n', 'a: {a: 2001:db8::}\n', 'a: [a:b]\n', 'a: [a: b]\n', 'a: {a:b}\n', 'a: [a:]\n', 'a: {a:}\n',
  'a: [? b : c]\n', 'a: [? : c]\n', 'a: {? b : c}\n', 'a: [a, b, ]\n', 'a: {a: 1, }\n', 'a: [,]\n', 'a: [[a], {b: c}]\n', 'a: {[a]: b}\n',
  '? [a]\n: b\n', '? a\n: b\n', '? |\n  a\n: b\n', 'a: !!binary aGVsbG8=\n', 'a: !!binary |\n  aGVs\n  bG8=\n', 'a: !!binary aGVsbG8\n', 'a: !!binary /w==\n',
  'a: !!timestamp 2001-12-14\n', 'a: !!timestamp x\n', 'a: !!null ""\n', 'a: !!bool yes\n', 'a: !!bool 1\n', 'a: !<tag:yaml.org,2002:int> "7"\n',
  'a: !!in%74 "7"\n', 'a: !\n', 'a: !!str\n', 'a: ! 12\n', 'a: !!map {b: 1}\n', 'a: !!seq [1]\n', 'a: !foo {b: 1}\n', 'a: !!set {b}\n',
  '~: v\n', 'null: v\n', '"~": v\n', ': v\n', '? \n: v\n', '1: a\n"1": b\n', '1: a\n01: b\n', 'on: a\ntrue: b\n', '1.0: a\n1: b\n', 'a: 1\na: 2\n',
  'a: {b: 1, b: 2}\n', '.inf: a\n', '.nan: a\n', '1e3: a\n', '18446744073709551615: a\n', '9223372036854775807: a\n', '0x10: a\n', '-0.0: a\n',
  'a: [.inf]\n', 'a: &i .inf\nb: 1\n', 'a: {x: .inf, <<: {x: 1}}\n', 'a: "\\ud800"\n', 'a: "\\U0001F600"\n', 'a: "\\x41\\u00e9\\N\\_\\L\\P\\e\\0"\n',
  'a: "\\q"\n', 'a: "\\U00110000"\n', 'a: \'it\'\'s\'\n', 'a: "line\n\n  two"\n', 'a: plain\n  continued\n\n  more\n', 'a: |+\n  x\n\n', 'a: |-\n  x\n\n',
  'a: >\n  x\n   y\n  z\n', 'a: |2\n   x\n', 'a: |0\n  x\n', 'a: >+1\n  x\n', 'a: |\n x\n  y\n', 'a:\n  b: 1\n c: 2\n', 'a:\n  b: 1\n   c: 2\n',
  'a: b: c\n', 'a: - b\n', 'a: [b\n', 'a: {b\n', 'a: "b\n', "a: 'b\n", 'a: b]\n', 'a: b}\n', '[a]\nb\n', '{a: 1}\n[b]\n', 'a\nb: c\n', 'x: 1\na\nb: 2\n',
  `k: ${'a'.repeat(1100)}\n`, `${'a'.repeat(1100)}: v\n`, `${'a'.repeat(1020)}: v\n`, `${'😀'.repeat(600)}: v\n`, `${'é'.repeat(1030)}: v\n`,
  `a: ${'['.repeat(50)}${']'.repeat(50)}\n`, 'a: [b, {c: [d, {e: f}]}]\n', 'apiVersion: v1\nkind: List\nitems:\n- {kind: A}\n',
  '{"apiVersion": "v1", "kind": "Service", "n": 12345678901234567890}\n', '{"a": "\\/"}\n', '{"a":1,"a":2}\n', '{"a": 1e400}\n',
];

/** All enumerated documents: SCALARS × CONTEXTS, special characters in quoted and plain contexts, and STRUCTURES. */
export function enumeratedDocuments(): string[] {
  const out: string[] = [];
  for (const v of SCALARS) for (const c of CONTEXTS) out.push(c(v));
  for (const ch of SPECIAL_CHARS) {
    for (const c of [(x: string) => `k: a${x}b\n`, (x: string) => `k: "a${x}b"\n`, (x: string) => `k: 'a${x}b'\n`, (x: string) => `k${x}: v\n`, (x: string) => `k: |\n  a${x}b\n`]) out.push(c(ch));
  }
  out.push(...STRUCTURES);
  return out;
}
