/**
 * Jest global teardown: removes the run's temp folder (see ./jest-global-setup.ts) and proves that the run left
 * nothing behind: the folder is gone, and no `cdk8s.outdir.*` directory appeared in the real temp folder. On CI
 * (`CI` set, as .ci/run runs) a leftover fails the run; elsewhere it is a warning, since other test runs on the same
 * machine (another checkout's `npm test`) may create such directories at the same time.
 */
import * as fs from 'fs';
import { TEMP_RUN_STATE, TempRunState, cdk8sOutdirs } from './temp-run';

export default function globalTeardown(): void {
  const state = (globalThis as Record<string, unknown>)[TEMP_RUN_STATE] as TempRunState | undefined;
  if (!state) return;
  for (const [k, v] of Object.entries(state.env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  delete process.env.CDK8S_ISTIO_GATEWAYS_TEST_TMP;
  const created = cdk8sOutdirs(state.runDir).size;
  fs.rmSync(state.runDir, { recursive: true, force: true, maxRetries: 3 });
  const problems: string[] = [];
  if (fs.existsSync(state.runDir)) problems.push(`the run's temp folder ${state.runDir} could not be removed`);
  const leaked = [...cdk8sOutdirs(state.original)].filter((d) => !state.before.has(d));
  if (leaked.length > 0) {
    problems.push(`${leaked.length} new cdk8s.outdir.* directories in ${state.original} (e.g. ${leaked.slice(0, 3).join(', ')}): `
      + 'a test process did not use the run\'s temp folder');
  }
  process.stdout.write(`\ntemp folder: ${created} cdk8s.outdir.* directories removed with ${state.runDir}; `
    + `${leaked.length} new in ${state.original}\n`);
  if (problems.length === 0) return;
  const message = `the tests left files behind: ${problems.join('; ')}`;
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  if (ci) throw new Error(message);
  process.stderr.write(`warning: ${message}\n`);
}
