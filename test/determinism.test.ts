/**
 * Determinism: synthesizing the same code twice gives byte-identical YAML (every example, and generated apps), and
 * creating the order-free constructs in another order gives the same documents, each byte-identical: hosts and TCP/SNI
 * routes of a gateway, the gateways themselves, egress routes. Construct ids are taken from the config (not from the
 * creation order), so names generated from construct paths are the same in every order.
 *
 * The ORDER of the documents in the file is cdk8s's: creation order (topologically sorted by dependencies). The library
 * does not reorder them: that took a construct added to each chart during validation (issue 11), and cdk8s offers no
 * public mechanism to sort a chart's objects. README "Determinism" says so.
 *
 * Not order-free, and kept in order on purpose: the HTTP rules inside one HttpHost/SecureHost (a VirtualService's
 * `http` list is first-match-wins), and the matches inside one rule.
 */
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { exampleNames, loadExample } from '../examples/synth-all';
import { Destination, HttpRoute } from '../src';
import { appConfig, AppConfig } from './properties/arbitraries';
import { buildApp, BuildOptions, PemMaterial } from './properties/build';
import { base } from './properties/invalid';
import { pemMaterial } from './properties/pem';
import { fcParams } from './util/property';
import { configureChecks } from '../src/check/synth-hook';

let pem: PemMaterial;
beforeAll(async () => {
  pem = await pemMaterial();
});

function synthExample(name: string): string {
  const app = Testing.app();
  configureChecks(app, { warn: () => undefined });
  loadExample(name).build(app);
  return app.synthYaml();
}

describe('every example synthesizes byte-identical YAML twice', () => {
  test.each(exampleNames())('%s', (name) => {
    const first = synthExample(name);
    expect(first.length).toBeGreaterThan(0);
    expect(synthExample(name)).toBe(first);
  });
});

/** A deterministic permutation of 0..n-1 from random keys. */
function permutation(keys: number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => (keys[a % keys.length] ?? a) - (keys[b % keys.length] ?? b) || a - b);
}

function synth(cfg: AppConfig, options: BuildOptions = {}): string {
  return buildApp(cfg, { pem, ...options }).app.synthYaml();
}

const keys = fc.array(fc.integer(), { minLength: 1, maxLength: 12 });

/** The YAML documents of a synthesized app, each byte-exact, in sorted order. */
function documents(yaml: string): string[] {
  return yaml.split(/^---\n/m).sort();
}

test('generated apps: synth twice is byte-identical; any creation order of order-free constructs gives the same documents', () => {
  fc.assert(fc.property(appConfig(), keys, keys, keys, (cfg, k1, k2, k3) => {
    const reference = synth(cfg);
    expect(synth(cfg)).toBe(reference);
    const shuffled = synth(cfg, {
      itemOrder: (g, n) => permutation(k1.map((k) => k * (g + 1)), n),
      gatewayOrder: (n) => permutation(k2, n),
      egressOrder: (n) => permutation(k3, n),
    });
    expect(documents(shuffled)).toStrictEqual(documents(reference));
  }), fcParams(100));
});

describe('creation order of order-free constructs', () => {
  function twoHosts(first: 'a' | 'b'): string {
    const { app, gw } = base();
    const add = {
      a: () => gw.addHttpHost('a', { hosts: ['a.example.com'], routes: [HttpRoute.to([Destination.service('a', 80)])] }),
      b: () => gw.addHttpHost('b', { hosts: ['b.example.com'], routes: [HttpRoute.to([Destination.service('b', 80)])] }),
    };
    if (first === 'a') { add.a(); add.b(); } else { add.b(); add.a(); }
    return app.synthYaml();
  }

  test('the documents are the same either way, each byte-identical', () => {
    expect(documents(twoHosts('b'))).toStrictEqual(documents(twoHosts('a')));
  });

  test('the same creation order gives a byte-identical file', () => {
    expect(twoHosts('b')).toBe(twoHosts('b'));
    expect(twoHosts('a')).toBe(twoHosts('a'));
  });

  // cdk8s writes a chart's objects in creation order; the library does not reorder them (see the header).
  test('the file follows creation order: the VirtualService created first comes first', () => {
    const order = (yaml: string) => (yaml.match(/^ {4}- (a|b)\.example\.com$/gm) ?? []).map((l) => l.trim());
    expect(order(twoHosts('a'))[0]).toBe('- a.example.com');
    expect(order(twoHosts('b'))[0]).toBe('- b.example.com');
  });
});
