/** Transpiles the benchmark and the library to JavaScript for the child processes (see {@link transpileAll}). */
import * as fs from 'fs';
import * as path from 'path';
import { bundleCli } from '../src/cli/bundle';

const ROOT = path.join(__dirname, '..');
/** Transpiled JavaScript of src/, imports/ and bench/ (bench/out is gitignored). */
export const JS_DIR = path.join(__dirname, 'out', 'js');

/**
 * Transpiles src/, imports/ and bench/ to JavaScript once (as ts-node --transpile-only would, file by file), so the
 * children start in a fraction of a second and their memory is not inflated by the TypeScript compiler: ts-node
 * costs each child ~5 s and ~120 MB. The layout mirrors lib/ (src/check/schema/catalogue.ts finds ../../../crds).
 */
export function transpileAll(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  fs.rmSync(JS_DIR, { recursive: true, force: true });
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'out' ? [] : walk(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
  for (const file of ['src', 'imports', 'bench'].flatMap((d) => walk(path.join(ROOT, d)))) {
    const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        experimentalDecorators: true,
        isolatedModules: true,
      },
    });
    const dest = path.join(JS_DIR, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, out.outputText);
  }
  for (const f of ['crds', 'README.md', 'package.json']) fs.symlinkSync(path.join(ROOT, f), path.join(JS_DIR, f));
  // the CLI bundled as the package's bin is (lib/cli.js, src/cli/bundle.ts): run.ts times this one
  bundleCli(path.join(JS_DIR, 'src', 'cli', 'main.js'), path.join(JS_DIR, 'lib', 'cli.js'));
}


if (require.main === module) transpileAll();
