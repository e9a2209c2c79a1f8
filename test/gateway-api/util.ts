/** Synthesis helpers for the Gateway API tests: no output directory is left behind. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { loadExample } from '../../examples/synth-all';
import { GatewayApi } from '../../src';
import { Manifest } from '../util/manifests';

/** Runs `fn` with an App whose outdir is a temp dir removed afterwards. */
export function withApp<T>(fn: (app: App) => T): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gapi-test-'));
  try {
    return fn(new App({ outdir }));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The manifests of an example in one API form (validations run, as in `app.synth()`). */
export function exampleManifests(name: string, api: GatewayApi): Manifest[] {
  return withApp((app) => {
    loadExample(name).build(app, api);
    app.synthYaml();
    return app.charts.flatMap((c) => c.toJson()) as Manifest[];
  });
}

/** The manifests of a chart built by `fn` (validations run). */
export function chartManifests(fn: (chart: Chart) => void, namespace = 'shop'): Manifest[] {
  return withApp((app) => {
    const chart = new Chart(app, 'chart', { namespace });
    fn(chart);
    app.synthYaml();
    return chart.toJson() as Manifest[];
  });
}
