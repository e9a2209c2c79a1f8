/**
 * crds/cel/ holds what the schema checks' CEL rules need at start-up, generated at build time (`npx projen
 * cel-runtime`): runtime.js, @bufbuild/cel and src/check/cel-k8s*.ts bundled by esbuild (src/check/schema/
 * cel-runtime.ts), and parsed.tsv, the CRDs' CEL expressions parsed (src/check/schema/cel-parsed.ts). This test keeps
 * both up to date (`UPDATE_CRD_CATALOGUE=1 npx jest test/check/schema-cel-runtime` rewrites them) and checks that
 * they give what the packages give.
 */
import * as fs from 'fs';
import * as path from 'path';
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { K8S_CEL_FUNCS } from '../../src/check/cel-k8s';
import { crdDirectory } from '../../src/check/schema/catalogue';
import { CEL_PARSED_FILE, buildParsedCel, catalogueCelExpressions, decodeExpr, encodeExpr, parsedCel } from '../../src/check/schema/cel-parsed';
import { CEL_RUNTIME_FILE, buildCelRuntime, celRuntime } from '../../src/check/schema/cel-runtime';

/** The catalogue's CEL expressions that @bufbuild/cel parses (all of today's CRDs'). */
const parseable = (): string[] => catalogueCelExpressions().filter((text) => {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
});

const runtimeFile = path.join(crdDirectory(), CEL_RUNTIME_FILE);
const parsedFile = path.join(crdDirectory(), CEL_PARSED_FILE);

describe('crds/cel/runtime.js', () => {
  test('is the bundle of the installed @bufbuild/cel and src/check/cel-k8s*.ts', () => {
    const expected = buildCelRuntime();
    if (process.env.UPDATE_CRD_CATALOGUE === '1') {
      fs.mkdirSync(path.dirname(runtimeFile), { recursive: true });
      fs.writeFileSync(runtimeFile, expected);
    }
    // compared as text: the build is deterministic (esbuild is pinned)
    expect(fs.readFileSync(runtimeFile, 'utf8') === expected).toBe(true);
    expect(expected.split('\n')[2]).toMatch(/@bufbuild\/cel@\d+\.\d+\.\d+ under Apache-2\.0; .*@bufbuild\/protobuf@/);
  });

  test('is what the schema checks load: one copy of @bufbuild/cel, not the package', () => {
    const rt = celRuntime();
    const bundle = require.cache[runtimeFile]?.exports as Record<string, unknown>;
    for (const k of ['celEnv', 'plan', 'isCelError', 'K8S_CEL_FUNCS', 'K8S_CEL_FUNC_NAMES'] as const) expect(rt[k]).toBe(bundle[k]);
    expect(rt.celEnv).not.toBe(celEnv);
    expect(rt.K8S_CEL_FUNCS).not.toBe(K8S_CEL_FUNCS);
  });

  test('leaves the parser out: parsed.tsv holds every expression; a missing one is parsed by the package, and planned', () => {
    const rt = celRuntime();
    expect(Object.keys(require.cache[runtimeFile]?.exports as object).sort()).toEqual(['K8S_CEL_FUNCS', 'K8S_CEL_FUNC_NAMES', 'celEnv', 'isCelError', 'plan']);
    const text = 'self.size() > 2 && self.startsWith("a")';
    expect(parsedCel(text)).toBeUndefined();
    expect(rt.parse(text)).toEqual(parse(text));
    const program = rt.plan(rt.celEnv({ funcs: [...rt.K8S_CEL_FUNCS] }), rt.parse(text));
    expect([program({ self: 'abc' } as never), program({ self: 'xbc' } as never)]).toEqual([true, false]);
  });

  test('evaluates every CRD rule as the packages do, on values that pass, fail and fail to evaluate', () => {
    const rt = celRuntime();
    const bundled = rt.celEnv({ funcs: [...rt.K8S_CEL_FUNCS] });
    const packaged = celEnv({ funcs: [...K8S_CEL_FUNCS] });
    const outcome = (v: unknown, isError: (v: unknown) => boolean): unknown => (isError(v) ? `error: ${(v as Error).message}` : v);
    const selves: unknown[] = [
      undefined, 'x', 0n, new Map(), [],
      new Map<string, unknown>([['name', 'a'], ['port', 80n], ['hosts', ['*']], ['mode', 'SIMPLE']]),
    ];
    let evaluated = 0;
    for (const text of parseable()) {
      const expr = parse(text);
      const a = rt.plan(bundled, expr);
      const b = plan(packaged, expr);
      for (const self of selves) {
        expect([text, outcome(a({ self } as never), rt.isCelError)]).toStrictEqual([text, outcome(b({ self } as never), isCelError)]);
        evaluated++;
      }
    }
    expect(evaluated).toBeGreaterThan(500);
  });
});

describe('crds/cel/parsed.tsv', () => {
  test('holds every CRD CEL expression that parses, parsed by the installed @bufbuild/cel', () => {
    const expected = buildParsedCel(parse);
    if (process.env.UPDATE_CRD_CATALOGUE === '1') fs.writeFileSync(parsedFile, expected);
    expect(fs.readFileSync(parsedFile, 'utf8') === expected).toBe(true);
    expect(expected.split('\n').length - 1).toBe(parseable().length);
    expect(parseable().length).toBeGreaterThan(90);
  });

  test('gives, for every expression, exactly the tree parse() gives', () => {
    for (const text of parseable()) {
      expect([text, parsedCel(text)]).toStrictEqual([text, parse(text).expr]);
    }
  });

  test('has nothing for an expression outside the catalogue (parsed at run time)', () => {
    expect(parsedCel('self.size() > 0 && self != "not in any CRD"')).toBeUndefined();
  });

  test('encodes what JSON cannot hold: bigint, bytes, non-finite numbers and -0', () => {
    const tree = { id: 12345678901234567890n, b: new Uint8Array([0, 255]), n: [Infinity, -Infinity, NaN, -0, 0, 1.5], s: 'a\tb\n' };
    const back = decodeExpr(encodeExpr(tree)) as typeof tree;
    expect(back).toStrictEqual(tree);
    expect(Object.is(back.n[3], -0)).toBe(true);
    expect(encodeExpr(tree)).not.toMatch(/[\t\n]/);
  });
});
