/**
 * The suite leaves nothing in the temp folder (test/util/jest-global-setup.ts, jest-global-teardown.ts): every test
 * process, and every process a test spawns, writes its temp files into the run's folder, which the teardown removes
 * (and then fails the run if a `cdk8s.outdir.*` directory appeared in the real temp folder).
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { cdk8sOutdirs } from './temp-run';

const runDir = process.env.CDK8S_ISTIO_GATEWAYS_TEST_TMP;

test('the jest global setup gave this run its own temp folder', () => {
  expect(runDir).toBeDefined();
  expect(os.tmpdir()).toBe(runDir);
  expect(path.basename(runDir!)).toMatch(/^cdk8s-istio-gateways-test-/);
});

test('Testing.app() creates its cdk8s.outdir.* inside the run folder, removed with it', () => {
  const app = Testing.app();
  expect(path.dirname(app.outdir)).toBe(runDir);
  expect(cdk8sOutdirs(runDir!).has(path.basename(app.outdir))).toBe(true);
});

test('processes spawned by tests inherit it', () => {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("os").tmpdir())'], { encoding: 'utf8' });
  expect(r.stdout).toBe(runDir);
});
