/**
 * `npm run examples`: synthesizes every example app (examples/<name>/main.ts) into dist/examples/<name>/ (Istio API)
 * and dist/examples/<name>-gateway-api/ (Kubernetes Gateway API, unless the example says why it has no such form).
 * Each example exports `build(app: App, api?: GatewayApi): void`; the synth-time checks run as in any cdk8s app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { GatewayApi } from '../src';

export interface ExampleModule {
  /** Set when the example has no Gateway API form: the reason. */
  readonly istioOnly?: string;
  /** Apps of other repositories that belong to the example (e.g. a team's routes), by suffix of their folder. */
  readonly otherApps?: Readonly<Record<string, (app: App) => void>>;
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

/** Names of the examples that also have a Gateway API form. */
export function gatewayApiExampleNames(): string[] {
  return exampleNames().filter((n) => loadExample(n).istioOnly === undefined);
}

function main(): void {
  const root = path.join(__dirname, '..', 'dist', 'examples');
  for (const name of exampleNames()) {
    const example = loadExample(name);
    const forms: [string, GatewayApi][] = [[name, GatewayApi.ISTIO]];
    if (example.istioOnly === undefined) forms.push([`${name}-gateway-api`, GatewayApi.KUBERNETES]);
    for (const [dir, api] of forms) {
      const outdir = path.join(root, dir);
      fs.rmSync(outdir, { recursive: true, force: true });
      const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
      example.build(app, api);
      app.synth();
      const files = fs.readdirSync(outdir).sort();
      console.log(`${dir}: ${files.map((f) => path.join('dist', 'examples', dir, f)).join(', ')}`);
    }
    for (const [suffix, buildOther] of Object.entries(example.otherApps ?? {})) {
      const dir = `${name}-${suffix}`;
      const outdir = path.join(root, dir);
      fs.rmSync(outdir, { recursive: true, force: true });
      const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
      buildOther(app);
      app.synth();
      console.log(`${dir}: ${fs.readdirSync(outdir).sort().map((f) => path.join('dist', 'examples', dir, f)).join(', ')}`);
    }
    if (example.istioOnly !== undefined) console.log(`${name}: no Gateway API form (${example.istioOnly})`);
  }
}

if (require.main === module) {
  main();
}
