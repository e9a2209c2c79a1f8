/**
 * The README's example is code users copy: it must compile against the public API and synthesize without findings.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

function example(): string {
  const m = /## Example\n\n```ts\n([\s\S]*?)```/.exec(README);
  if (!m) throw new Error('README.md has no "## Example" TypeScript block');
  return m[1];
}

test('the README example is at most ~20 lines of code', () => {
  expect(example().trim().split('\n').length).toBeLessThanOrEqual(25);
});

test('the README example synthesizes with the published package name resolved to src/', () => {
  const js = ts.transpileModule(example(), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  const req = (id: string) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id === 'cdk8s-istio-gateways' ? '../src' : id);
  };
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    new Function('require', 'exports', js)(req, {});
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
  }
  const yaml = fs.readFileSync(path.join(outdir, 'coolstore.k8s.yaml'), 'utf8');
  expect(yaml).toContain('kind: Gateway');
  expect(yaml).toContain('httpsRedirect: true');
  expect(yaml).toContain('minProtocolVersion: TLSV1_2');
  expect(yaml).toContain('kind: Certificate');
});
