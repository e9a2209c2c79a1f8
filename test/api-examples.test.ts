/**
 * Every `@example` in the API docs (src/**\/*.ts, rendered into API.md) and every TypeScript block of the README
 * that is an app is code users copy: each must type-check against the public API and synthesize without an error
 * finding.
 *
 * Convention for `@example` blocks: they may use `app` (a cdk8s App), `chart` (a Chart with namespace `demo`),
 * `kplus` (cdk8s-plus-28) and every name the package exports; anything else they declare themselves.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as ts from 'typescript';
import * as lib from '../src';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');

interface Example {
  /** `src/file.ts:LINE` or `README.md:LINE` */
  readonly where: string;
  readonly code: string;
  /** a whole app (imports and `new App()` of its own) rather than a fragment */
  readonly wholeApp: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  }).sort();
}

/** The `@example` blocks of the doc comments (up to the next tag or the end of the comment). */
function docExamples(): Example[] {
  const out: Example[] = [];
  for (const file of sourceFiles(SRC)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/^\s*\* @example\s*$/.test(line)) return;
      const body: string[] = [];
      for (let j = i + 1; j < lines.length; j++) {
        const l = lines[j];
        if (/^\s*\*\//.test(l) || /^\s*\* @\w/.test(l)) break;
        body.push(l.replace(/^\s*\* ?/, ''));
      }
      out.push({ where: `${path.relative(ROOT, file)}:${i + 1}`, code: body.join('\n').trim(), wholeApp: false });
    });
  }
  return out;
}

/** README TypeScript blocks that import the package (the others are fragments of configuration). */
function readmeExamples(): Example[] {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const out: Example[] = [];
  const re = /```ts\n([\s\S]*?)```/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (!m[1].includes("from 'cdk8s-istio-gateways'")) continue;
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ where: `README.md:${line}`, code: m[1], wholeApp: m[1].includes('new App(') });
  }
  return out;
}

const EXAMPLES = [...docExamples(), ...readmeExamples()];

/** Names the package exports (values and types), from the type checker. */
function exportedNames(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(SRC, 'index.ts'));
  if (!index) throw new Error('src/index.ts not in the program');
  const symbol = checker.getSymbolAtLocation(index);
  return checker.getExportsOfModule(symbol!).map((s) => s.getName()).sort();
}

/** The module an example becomes: whole apps as written, fragments inside `run(app, chart)`. */
function moduleText(example: Example, names: readonly string[]): string {
  if (example.wholeApp) return example.code;
  const used = names.filter((n) => new RegExp(`\\b${n}\\b`).test(example.code));
  return [
    "import { App, Chart } from 'cdk8s';",
    "import * as kplus from 'cdk8s-plus-28';",
    used.length ? `import { ${used.join(', ')} } from 'cdk8s-istio-gateways';` : '',
    '// eslint-disable-next-line',
    'export function run(app: App, chart: Chart): void {',
    '  void app; void chart; void kplus;',
    example.code,
    '}',
  ].join('\n');
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  noUnusedLocals: false,
  baseUrl: ROOT,
  paths: { 'cdk8s-istio-gateways': ['src/index.ts'] },
  types: ['node'],
};

/** Type-checks all examples in one program of in-memory files (nothing is written to disk). */
function typeCheck(): Map<string, string[]> {
  const base = ts.createProgram([path.join(SRC, 'index.ts')], COMPILER_OPTIONS);
  const names = exportedNames(base);
  const virtual = new Map<string, string>();
  EXAMPLES.forEach((e, i) => virtual.set(path.join(ROOT, 'test', `__api_example_${i}__.ts`), moduleText(e, names)));
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, onError, create) => {
    const text = virtual.get(path.resolve(file));
    return text !== undefined ? ts.createSourceFile(file, text, lang) : getSourceFile(file, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists(file);
  const program = ts.createProgram([...virtual.keys()], COMPILER_OPTIONS, host, base);
  const byFile = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? path.resolve(d.file.fileName) : '';
    const list = byFile.get(file) ?? [];
    list.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    byFile.set(file, list);
  }
  const result = new Map<string, string[]>();
  [...virtual.keys()].forEach((file, i) => result.set(EXAMPLES[i].where, byFile.get(file) ?? []));
  return result;
}

let diagnostics: Map<string, string[]>;
beforeAll(() => {
  diagnostics = typeCheck();
});

test('the API docs have examples to check', () => {
  expect(EXAMPLES.filter((e) => !e.where.startsWith('README')).length).toBeGreaterThanOrEqual(15);
});

describe.each(EXAMPLES.map((e) => [e.where, e] as const))('%s', (_where, example) => {
  test('type-checks against the public API', () => {
    expect(diagnostics.get(example.where)).toEqual([]);
  });

  test('synthesizes without an error finding', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-example-'));
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      const js = ts.transpileModule(moduleText(example, Object.keys(lib)), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const req = (id: string) => require(id === 'cdk8s-istio-gateways' ? '../src' : id);
      const exports: { run?: (app: App, chart: Chart) => void } = {};
      new Function('require', 'exports', js)(req, exports);
      if (exports.run) {
        const app = new App({ outdir });
        const chart = new Chart(app, 'demo', { namespace: 'demo' });
        exports.run(app, chart);
        app.synth();
      }
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = previous;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
