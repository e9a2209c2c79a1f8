/**
 * Golden YAML of every example app. The per-example tests (test/examples/<name>.test.ts) assert the fields that
 * carry meaning; this one locks the whole output so any change shows up in review.
 * To accept an intended change: `UPDATE_GOLDEN=1 npx jest test/examples/golden` and review the diff.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { exampleNames, loadExample } from '../../examples/synth-all';

const GOLDEN = path.join(__dirname, 'golden');

describe.each(exampleNames())('example %s', (name) => {
  test('matches golden YAML', () => {
    const app = Testing.app();
    loadExample(name).build(app);
    const yaml = app.synthYaml();
    const file = path.join(GOLDEN, `${name}.k8s.yaml`);
    if (process.env.UPDATE_GOLDEN === '1') {
      fs.writeFileSync(file, yaml);
    }
    expect(fs.existsSync(file)).toBe(true);
    expect(yaml).toBe(fs.readFileSync(file, 'utf8'));
  });

  test('synthesizes byte-identically twice', () => {
    const a = Testing.app();
    loadExample(name).build(a);
    const b = Testing.app();
    loadExample(name).build(b);
    expect(a.synthYaml()).toBe(b.synthYaml());
  });
});
