import * as fc from 'fast-check';
import { ManifestLoadError, decodeManifestBytes, loadManifestBytes, loadManifests, readDocuments, resolvePlainScalar } from '../../src/check/yaml';
import { charCodes } from '../../src/check/yaml/reader';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;

const one = (text: string) => loadManifests(text, 'f.yaml').objects[0] as Record<string, unknown>;
const loadError = (text: string): ManifestLoadError => {
  try {
    loadManifests(text, 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestLoadError);
    return e as ManifestLoadError;
  }
  throw new Error('expected a ManifestLoadError');
};

describe('goyaml v2 scalar resolution', () => {
  test.each([
    ['yes', true], ['Yes', true], ['YES', true], ['on', true], ['On', true], ['y', true], ['Y', true], ['true', true], ['True', true],
    ['no', false], ['off', false], ['OFF', false], ['n', false], ['N', false], ['false', false],
  ])('%s is the boolean %s', (s, v) => {
    expect(resolvePlainScalar(s)).toBe(v);
    expect(one(`v: ${s}`).v).toBe(v);
  });

  test('mixed-case look-alikes stay strings', () => {
    expect(one('a: yEs\nb: oN\nc: nULL\nd: tRUE')).toEqual({ a: 'yEs', b: 'oN', c: 'nULL', d: 'tRUE' });
  });

  test('null forms', () => {
    expect(one('a: ~\nb: null\nc: Null\nd: NULL\ne:')).toEqual({ a: null, b: null, c: null, d: null, e: null });
  });

  test('0777 is YAML 1.1 octal (511), as in a Secret volume defaultMode', () => {
    expect(one('defaultMode: 0644').defaultMode).toBe(420);
    expect(one('a: 0777').a).toBe(511);
  });

  test('hex, 0o octal, binary, signs and underscores are integers', () => {
    expect(one('a: 0x1F\nb: 0o17\nc: 0b101\nd: +12\ne: -7\nf: 1_000\ng: 1__0')).toEqual({ a: 31, b: 15, c: 5, d: 12, e: -7, f: 1000, g: 10 });
  });

  test('08 is not octal, so it is the float 8 (Go ParseInt fails, the float regex matches)', () => {
    expect(one('a: 08').a).toBe(8);
  });

  test('floats: 1e3, .5, -.5, 1.0, 1.', () => {
    expect(one('a: 1e3\nb: .5\nc: -.5\nd: 1.0\ne: 1.')).toEqual({ a: 1000, b: 0.5, c: -0.5, d: 1, e: 1 });
  });

  test('.inf and .nan cannot become JSON: a load error with the line', () => {
    const e = loadError('a: 1\nb: .inf\n');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^f\.yaml:2: invalid YAML: \.inf is a YAML 1\.1 infinity\/NaN/);
    expect(loadError('x: .NaN').message).toMatch(/quote it/);
  });

  test('timestamps stay strings (goyaml v2 keeps them as strings in interface{})', () => {
    expect(one('a: 2001-12-14\nb: 2001-12-14T21:59:43.10-05:00')).toEqual({ a: '2001-12-14', b: '2001-12-14T21:59:43.10-05:00' });
  });

  test('sexagesimal 12:30 and versions like 0.1.2 stay strings', () => {
    expect(one('a: 12:30\nb: 0.1.2\nc: 1.2.3.4')).toEqual({ a: '12:30', b: '0.1.2', c: '1.2.3.4' });
  });

  test('quoted scalars are always strings', () => {
    expect(one('a: "0777"\nb: \'yes\'\nc: "1e3"\nd: "~"')).toEqual({ a: '0777', b: 'yes', c: '1e3', d: '~' });
  });

  test('[a:b] in a flow sequence is the string "a:b"; [a: b] is a one-pair map', () => {
    expect(one('a: [a:b]\nb: [a: b]\nc: [http://x.example.com/p]')).toEqual({ a: ['a:b'], b: [{ a: 'b' }], c: ['http://x.example.com/p'] });
  });

  test('{a:b} in a flow mapping is the key "a:b" with a null value', () => {
    expect(one('m: {a:b}').m).toEqual({ 'a:b': null });
  });

  test('keys resolve too: on: becomes "true", 0777: becomes "511"', () => {
    expect(one('on: 1\n0777: 2')).toEqual({ true: 1, 511: 2 });
  });

  test('merge keys <<', () => {
    expect(one('a: &a {b: 1}\nc:\n  <<: *a\n  d: 2').c).toEqual({ b: 1, d: 2 });
  });
});

describe('documents', () => {
  test('CRLF line endings read as LF', () => {
    expect(loadManifests('kind: A\r\nb: |\r\n  x\r\n', 'f.yaml').objects).toEqual([{ kind: 'A', b: 'x\n' }]);
  });

  test('multi-document with sources (1-based line of each document)', () => {
    const r = loadManifests('kind: A\n---\n\n# comment\nkind: B\n---\nkind: C\n', 'm.yaml');
    expect(r.objects).toEqual([{ kind: 'A' }, { kind: 'B' }, { kind: 'C' }]);
    expect(r.sources).toEqual([{ file: 'm.yaml', line: 1 }, { file: 'm.yaml', line: 5 }, { file: 'm.yaml', line: 7 }]);
  });

  test('document lines count only \\n after documents with other line breaks, a ... end marker or block scalars', () => {
    // YAML reads CR, NEL, LS and PS as line breaks, kubectl's splitter (and the line of each document) only \n
    const lines = (text: string) => loadManifests(text, 'm.yaml').sources.map((s) => s.line);
    expect(lines('a: "x\ry"\n---\nkind: B\n---\nkind: C\n')).toEqual([1, 3, 5]);
    expect(lines('a: "x\u2028y\u0085z"\n---\nkind: B\n')).toEqual([1, 3]);
    expect(lines('kind: A\n...\nignored: [\n\n---\nkind: B\n')).toEqual([1, 6]);
    expect(lines('a: |\n  x\n\n  y\n\n---\n---\n\n# c\nkind: B\nb: >\n  z\n---\nkind: C\n')).toEqual([1, 10, 14]);
    expect(lines('kind: A # café\nb: [1,\n  2]\n---\nkind: B\n')).toEqual([1, 5]);
  });

  test('a file kubectl cannot read is reported before a document that is not an object', () => {
    expect(loadError('- a\n---\nkind: B\n---\na: [\n').message).toMatch(/^f\.yaml:6: invalid YAML: while parsing a flow node/);
    expect(loadError('- a\n---\nkind: B\n--- x\n').message).toMatch(/^f\.yaml:4: invalid document separator/);
    expect(loadError('kind: A\n---\n- a\n---\n"b"\n').message).toMatch(/^f\.yaml:3: the document is a list/);
  });

  test('empty and comment-only documents are skipped; leading --- and a comment after --- are fine', () => {
    const r = loadManifests('---\n---\n# only a comment\n--- # note\nkind: A\n---\n', 'm.yaml');
    expect(r.objects).toEqual([{ kind: 'A' }]);
    expect(loadManifests('', 'e.yaml').objects).toEqual([]);
    expect(loadManifests('# nothing\n', 'e.yaml').objects).toEqual([]);
  });

  test('a document ends at the --- line after it, whatever that line is followed by', () => {
    // documents followed by a plain `---` line are read in place, others (here `---` then U+00A0 or `#`, which YAML
    // does not read as a document indicator) from a copy: the outcome is the same
    for (const sep of ['---', '--- # c', '---\t', '---\u00a0', '---#c']) {
      const docs = readDocuments(`kind: A\nb: |\n  x\n${sep}\nplain\n  more\n${sep}\nc: [1,\n  2]\n${sep}\nkind: D`, 'm.yaml');
      expect(docs).toEqual([
        { value: { kind: 'A', b: 'x\n' }, line: 1 }, { value: 'plain more', line: 5 }, { value: { c: [1, 2] }, line: 8 },
        { value: { kind: 'D' }, line: 11 },
      ]);
      expect(loadError(`kind: A\nb: 'x\n${sep}\nkind: B\n`).message).toBe(
        'f.yaml:2: invalid YAML: while scanning a quoted scalar: found unexpected end of stream');
      expect(loadError(`kind: A\n${sep}\nplain\n  more\n${sep}\nkind: C\n`).message).toMatch(/^f\.yaml:3: the document is a string/);
      expect(loadError(`kind: A\n${sep}\nb: [1,\n${sep}\nkind: C\n`).message).toMatch(/^f\.yaml:4: invalid YAML: while parsing a flow node: did not find expected node content/);
    }
  });

  test('kind: List is expanded', () => {
    const r = loadManifests('apiVersion: v1\nkind: List\nitems:\n- {kind: Service}\n- {kind: Secret}\n', 'l.yaml');
    expect(r.objects).toEqual([{ kind: 'Service' }, { kind: 'Secret' }]);
    expect(r.sources).toHaveLength(2);
  });

  test('JSON input is YAML', () => {
    expect(loadManifests('{"apiVersion": "v1", "kind": "Service"}', 'x.json').objects).toEqual([{ apiVersion: 'v1', kind: 'Service' }]);
  });

  test('a UTF-8 BOM is ignored', () => {
    expect(loadManifests('\ufeffkind: A', 'b.yaml').objects).toEqual([{ kind: 'A' }]);
  });
});

describe('errors: file:line, never a stack', () => {
  test('duplicate keys are rejected with the line of the duplicate', () => {
    const e = loadError('kind: A\nmetadata:\n  name: a\n  name: b\n');
    expect(e.message).toMatch(/^f\.yaml:4: invalid YAML: duplicate key/);
  });

  test('bad indentation names the line, offset by earlier documents', () => {
    const e = loadError('kind: A\n---\na: b\n  c: d\n');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^f\.yaml:4: invalid YAML: mapping values are not allowed in this context \(check indentation/);
  });

  test('content after --- on the same line is rejected like kubectl does', () => {
    expect(loadError('kind: A\n--- kind: B\n').message).toMatch(/^f\.yaml:2: invalid document separator/);
  });

  test('a document that is not an object', () => {
    expect(loadError('- a\n- b\n').message).toMatch(/^f\.yaml:1: the document is a list, not an object/);
    expect(loadError('just a string').message).toMatch(/is a string, not an object/);
  });

  test('unterminated quotes', () => {
    expect(loadError('a: "x\n').message).toMatch(/^f\.yaml:\d+: invalid YAML/);
  });

  test('NUL bytes and invalid UTF-8 are binary input', () => {
    expect(loadError('kind: A\n\u0000\u0001').message).toMatch(/^f\.yaml:2: the file contains NUL bytes/);
    expect(() => decodeManifestBytes(Uint8Array.from([0x61, 0x0a, 0xff, 0xfe, 0x00, 0x81]), 'bin')).toThrow(/^bin:2: the file is not UTF-8 text/);
  });

  test('UTF-16 with a BOM is decoded', () => {
    const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: A\n', 'utf16le')]);
    expect(loadManifests(decodeManifestBytes(buf, 'u16.yaml'), 'u16.yaml').objects).toEqual([{ kind: 'A' }]);
  });

  test('alias bombs are rejected', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 8; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    expect(loadError(text).message).toMatch(/document contains excessive aliasing/);
  });

  test('unknown tags are ignored and !!binary is decoded, as kubectl does', () => {
    expect(one('a: !Ref x\nb: !!binary aGVsbG8=')).toEqual({ a: 'x', b: 'hello' });
  });
});

describe('the classes kubectl reads differently from js-yaml (issue 13)', () => {
  test('IPv6 addresses in flow collections are single scalars', () => {
    expect(one('a: [fe80::]\nb: {c: 2001:db8::}')).toEqual({ a: ['fe80::'], b: { c: '2001:db8::' } });
    expect(loadError('a: [::1]').message).toMatch(/^f\.yaml:1: invalid YAML: .*did not find expected node content/);
  });

  test('a merge after a key overrides it; an explicit key after a merge wins', () => {
    expect(one('b: &b {p: 1}\nc: {p: 2, <<: *b}\nd: {<<: *b, p: 3}')).toEqual({ b: { p: 1 }, c: { p: 1 }, d: { p: 3 } });
  });

  test('"- -" nests a sequence in the first item', () => {
    expect(loadManifests('k:\n- -\n- z\n', 'f.yaml').objects[0]).toEqual({ k: [[null], 'z'] });
  });

  test('~ as a key, surrogate escapes, LS line breaks and self-referencing anchors are errors', () => {
    expect(loadError('~: v').message).toMatch(/null map key/);
    expect(loadError('a: "\\ud800"').message).toMatch(/invalid Unicode character escape code/);
    expect(loadError('a: b\u2028c').message).toMatch(/could not find expected ':'/);
    expect(loadError('a: &a [*a]').message).toMatch(/anchor 'a' value contains itself/);
  });

  test('content after a "..." end marker is ignored, as kubectl ignores it', () => {
    expect(loadManifests('kind: A\n...\nkind: B\n', 'f.yaml').objects).toEqual([{ kind: 'A' }]);
  });
});

describe('a file read from its bytes (loadManifestBytes, the CLI\'s reading)', () => {
  /** The objects, sources or error message of one way of reading. */
  const outcome = (read: () => ReturnType<typeof loadManifests>): unknown => {
    try {
      return read();
    } catch (e) {
      expect(e).toBeInstanceOf(ManifestLoadError);
      return (e as Error).message;
    }
  };

  test('the same objects, lines and errors as loading the decoded text, for ASCII and other files', () => {
    // fragments of manifests: documents read in place or not (separators with comments, a last document with or
    // without a line break), ASCII or not (a BOM, accented letters, astral characters), CRLF, and errors
    const fragment = fc.constantFrom(
      'kind: A', 'metadata:', '  name: web', '  labels: {app: web}', 'spec:', '  hosts:', '  - a.example.com', '  - "b c"',
      '---', '--- # next', '---\t', '...', '# comment', '', 'name: caf\u00e9', 'x: \u{1F600}', '\ufeffkind: B', 'port: 8080',
      'on: yes', 'a: |', '  text', 'k: [1, 2', 'bad: : x', '\tkind: C', 'key: "unterminated', 'n: \u0001', 'dup: 1', 'dup: 2',
    );
    const file = fc.tuple(fc.array(fragment, { minLength: 1, maxLength: 16 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
      .map(([lines, eol, last]) => lines.join(eol) + (last ? eol : ''));
    fc.assert(fc.property(file, (text) => {
      const bytes = Buffer.from(text, 'utf8');
      expect(outcome(() => loadManifestBytes(bytes, 'f.yaml'))).toEqual(outcome(() => loadManifests(decodeManifestBytes(bytes, 'f.yaml'), 'f.yaml')));
    }), { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) });
  });

  test('bytes that are a view of a larger buffer (as a file is read) give the objects of their text only', () => {
    const whole = Buffer.from('kind: A\nname: a\n---\nkind: B\nname: b\nXXXX: tail beyond the file');
    const file = whole.subarray(0, whole.indexOf('XXXX'));
    const loaded = loadManifestBytes(file, 'f.yaml');
    expect(loaded.objects).toEqual([{ kind: 'A', name: 'a' }, { kind: 'B', name: 'b' }]);
    expect(loaded.sources).toEqual([{ file: 'f.yaml', line: 1 }, { file: 'f.yaml', line: 4 }]);
  });
});

describe('the character codes the scanner reads (charCodes)', () => {
  const units = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

  test('any text\'s UTF-16 code units, lone surrogates included; a one-byte text\'s as bytes', () => {
    const runs = { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
      (text, surrogates) => {
        const s = text + surrogates + text;
        expect(Array.from(charCodes(s, false))).toEqual(units(s));
      }), runs);
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) }), (s) => {
      const codes = charCodes(s, true);
      expect(codes).toBeInstanceOf(Uint8Array);
      expect(Array.from(codes)).toEqual(units(s));
    }), runs);
  });
});
