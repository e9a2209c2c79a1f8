/**
 * Jest global setup: every test process writes its temporary files into one folder per run, removed by
 * ./jest-global-teardown.ts.
 *
 * cdk8s's `Testing.app()`/`Testing.chart()` create a `cdk8s.outdir.*` directory in `os.tmpdir()` and never remove it
 * (about 3,500 per `npm test`). Node's `os.tmpdir()` reads TMPDIR (TEMP/TMP on Windows) on every call, and the jest
 * workers (and the CLIs the tests spawn) inherit the environment set here, before they start: so those directories,
 * and every other temp file of a test, land in the run's folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TEMP_RUN_STATE, TempRunState, cdk8sOutdirs } from './temp-run';

export default function globalSetup(): void {
  const original = os.tmpdir();
  const runDir = fs.mkdtempSync(path.join(original, 'cdk8s-istio-gateways-test-'));
  const state: TempRunState = {
    original,
    runDir,
    before: cdk8sOutdirs(original),
    env: { TMPDIR: process.env.TMPDIR, TEMP: process.env.TEMP, TMP: process.env.TMP },
  };
  (globalThis as Record<string, unknown>)[TEMP_RUN_STATE] = state;
  process.env.TMPDIR = runDir;
  process.env.TEMP = runDir;
  process.env.TMP = runDir;
  process.env.CDK8S_ISTIO_GATEWAYS_TEST_TMP = runDir;
}
