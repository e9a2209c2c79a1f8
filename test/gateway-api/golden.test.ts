/**
 * Golden YAML of every example's Gateway API form (the Istio forms are in test/examples/golden). The rendering and
 * equivalence tests assert the fields that carry meaning; this locks the whole output so any change shows in review.
 * To accept an intended change: `UPDATE_GOLDEN=1 npx jest test/gateway-api/golden` and review the diff.
 */
import * as fs from 'fs';
import * as path from 'path';
import { withApp } from './util';
import { gatewayApiExampleNames, loadExample } from '../../examples/synth-all';
import { GatewayApi } from '../../src';

const GOLDEN = path.join(__dirname, 'golden');

test.each(gatewayApiExampleNames())('example %s (Gateway API) matches golden YAML', (name) => {
  const yaml = withApp((app) => {
    loadExample(name).build(app, GatewayApi.KUBERNETES);
    return app.synthYaml();
  });
  const file = path.join(GOLDEN, `${name}.k8s.yaml`);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, yaml);
  expect(fs.existsSync(file)).toBe(true);
  expect(yaml).toBe(fs.readFileSync(file, 'utf8'));
});
