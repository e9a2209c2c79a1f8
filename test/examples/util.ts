/** Synthesizes one example app into its manifests. */
import { Testing } from 'cdk8s';
import { loadExample } from '../../examples/synth-all';
import { Manifest } from '../util/manifests';

export function synthExample(name: string): Manifest[] {
  const app = Testing.app();
  loadExample(name).build(app);
  return app.charts.flatMap((c) => c.toJson()) as Manifest[];
}
