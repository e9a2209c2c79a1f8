/**
 * Random valid platform-team apps (test/properties/arbitraries.ts → build.ts): synth succeeds, the rule engine finds
 * no schema/CEL violation (SCH-*) and no error, and the YAML parses back to exactly the synthesized objects, both
 * with our loader (goyaml v2 semantics) and with `yaml`.
 *
 * Runs: VALID_APP_RUNS per CI run (PROPERTY_RUNS overrides or multiplies it, e.g. PROPERTY_RUNS=100000 for a soak).
 */
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { appConfig, AppConfig } from './arbitraries';
import { buildApp, PemMaterial } from './build';
import { pemMaterial } from './pem';
import { Checks } from '../../src';
import { Finding } from '../../src/check/findings';
import { loadManifests } from '../../src/check/yaml';
import { fcParams } from '../util/property';

export const VALID_APP_RUNS = 900;

let pem: PemMaterial;
beforeAll(async () => {
  pem = await pemMaterial();
});

function describeFindings(fs: Finding[]): string {
  return fs.map((f) => `${f.rule} ${f.severity} ${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name} ${f.path}: ${f.message} [${f.constructPath ?? ''}]`).join('\n');
}

/** The property: returns nothing, throws with the offending findings/objects. */
export function checkValidApp(cfg: AppConfig): void {
  const { app } = buildApp(cfg, { pem });
  const findings = Checks.findings(app);
  const bad = findings.filter((f) => f.severity === 'error' || f.rule.startsWith('SCH-'));
  if (bad.length > 0) throw new Error(`error/schema findings on a valid configuration:\n${describeFindings(bad)}`);
  const text = app.synthYaml(); // runs the synth-time checks too: throws on any error finding
  const objects = JSON.parse(JSON.stringify(app.charts.flatMap((c) => c.toJson())));
  expect(loadManifests(text, 'app.k8s.yaml').objects).toStrictEqual(objects);
  const docs = YAML.parseAllDocuments(text);
  docs.forEach((d) => expect(d.errors).toEqual([]));
  expect(docs.map((d) => d.toJS())).toStrictEqual(objects);
}

test(`${VALID_APP_RUNS} random valid apps: synth, 0 SCH-*/error findings, YAML round-trips`, () => {
  fc.assert(fc.property(appConfig(), checkValidApp), fcParams(VALID_APP_RUNS));
});
