/**
 * Corpus: real Istio configurations (istio.io tasks and istio/istio samples) and known-bad variants of the seed
 * pitfalls of shared/ISTIO-RULES.md §11, checked the way the CLI checks them (loader + analyze), in both worlds.
 *
 * A case is `corpus/<name>.yaml` or a directory `corpus/<name>/` (several files, as in a GitOps repo), with the exact
 * expected findings in `corpus/<name>.expected.json`: `{ "open": [...], "closed": [...] }` of `{rule, code?, kind,
 * name, path}` — `open` for the default (desired state from Git), `closed` for `--closed-world` (the input as a complete
 * cluster snapshot, as istioctl analyze sees it). Official samples must have no errors in the open world; every finding
 * listed was reviewed against Istio's behaviour (closed world: against istioctl's, shared/ISTIOCTL-PARITY.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/check/analyze';
import { Severity } from '../../src/check/findings';
import { readInputs } from '../../src/cli/inputs';

const DIR = path.join(__dirname, 'corpus');
/** Later than every certificate's notBefore in the corpus (the CA in secure-ingress-mutual is valid for 100 years). */
const NOW = new Date('2030-01-01T00:00:00Z');

interface Expected {
  readonly rule: string;
  readonly code?: string;
  readonly kind: string;
  readonly name: string;
  readonly path?: string;
}

const cases = fs.readdirSync(DIR).filter((f) => !f.endsWith('.json')).sort().map((f) => ({ name: f.replace(/\.yaml$/, ''), file: path.join(DIR, f) }));

const key = (e: Expected) => `${e.rule}|${e.code ?? ''}|${e.kind}|${e.name}|${e.path ?? ''}`;

describe('corpus', () => {
  test('every case has an expected-findings file and vice versa', () => {
    const expected = fs.readdirSync(DIR).filter((f) => f.endsWith('.expected.json')).map((f) => f.replace(/\.expected\.json$/, '')).sort();
    expect(expected).toEqual(cases.map((c) => c.name).sort());
  });

  const worlds = cases.flatMap((c) => (['open', 'closed'] as const).map((world) => ({ ...c, world })));
  test.each(worlds)('$name ($world world)', ({ name, file, world }) => {
    const inputs = readInputs([file]);
    const findings = analyze(inputs.objects, { sources: inputs.sources, now: NOW, closedWorld: world === 'closed' });
    const got = findings.map((f) => ({ rule: f.rule, ...(f.code ? { code: f.code } : {}), kind: f.resource.kind, name: f.resource.name, path: f.path }));
    const want: Expected[] = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.expected.json`), 'utf8'))[world];
    expect(got.map(key).sort()).toEqual(want.map((e) => key({ ...e, path: e.path ?? '' })).sort());
    if (!name.startsWith('bad-') && world === 'open') expect(findings.filter((f) => f.severity === Severity.ERROR)).toEqual([]);
  });

  test('at least 40 configurations', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
});
