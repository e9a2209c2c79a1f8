/** Small readers over synthesized manifests for the construct tests. */
import { Chart, Testing } from 'cdk8s';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = { [key: string]: any };

/** A chart in a fresh test app (no namespace unless given). */
export function testChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'chart', { namespace });
}

/** All manifests of the chart. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** Manifests of one kind (and name, when given). */
export function ofKind(manifests: Manifest[], kind: string, name?: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
}

/** The single manifest of a kind (and name); throws when there is not exactly one. */
export function one(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = ofKind(manifests, kind, name);
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}
