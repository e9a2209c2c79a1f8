/**
 * `npm run examples`: synthesizes every example app (examples/<name>/main.ts) into dist/examples/<name>/.
 * Each example exports `build(app: App): void`; the synth-time checks run as in any cdk8s app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { GatewayApi } from '../src';

export interface ExampleModule {
  build(app: App, api?: GatewayApi): void;
}

/** Example folder names, sorted. */
export function exampleNames(): string[] {
  return fs.readdirSync(__dirname, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(__dirname, d.name, 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** Loads an example's build function. */
export function loadExample(name: string): ExampleModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, name, 'main.ts')) as ExampleModule;
}

function main(): void {
  const root = path.join(__dirname, '..', 'dist', 'examples');
  for (const name of exampleNames()) {
    const outdir = path.join(root, name);
    fs.rmSync(outdir, { recursive: true, force: true });
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    loadExample(name).build(app);
    app.synth();
    const files = fs.readdirSync(outdir).sort();
    console.log(`${name}: ${files.map((f) => path.join('dist', 'examples', name, f)).join(', ')}`);
  }
}

if (require.main === module) {
  main();
}
