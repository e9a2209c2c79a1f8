/** Shared by the jest global setup and teardown: the run's temp folder and what was in the real one before. */
import * as fs from 'fs';

export const TEMP_RUN_STATE = '__cdk8sIstioGatewaysTempRun';

export interface TempRunState {
  /** The temp folder before the run (os.tmpdir()). */
  readonly original: string;
  /** The run's own temp folder, inside `original`. */
  readonly runDir: string;
  /** `cdk8s.outdir.*` entries of `original` before the run. */
  readonly before: ReadonlySet<string>;
  /** TMPDIR, TEMP and TMP before the run. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Names of the `cdk8s.outdir.*` entries of a folder (none if it cannot be read). */
export function cdk8sOutdirs(dir: string): Set<string> {
  try {
    return new Set(fs.readdirSync(dir).filter((n) => n.startsWith('cdk8s.outdir.')));
  } catch {
    return new Set();
  }
}
