/**
 * cdk8s integration (issue 11): the synth-time checks use cdk8s's public validation mechanism only. Synthesizing does
 * not add own members to the App, its charts or any ApiObject (the user's included), adds or removes no construct,
 * and warnings reach the user through a sink and construct metadata.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  Checks, Destination, Finding, GatewayWorkload, HttpHost, HttpRoute, IWarningSink, IngressGateway, Severity,
} from '../src';
import { checkStats } from '../src/check/synth-hook';

let outdir: string;
beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'i11-integration-'));
});
afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

class Collector implements IWarningSink {
  public readonly calls: { warnings: Finding[]; text: string }[] = [];
  public warn(warnings: Finding[], text: string): void {
    this.calls.push({ warnings, text });
  }
}

function build(): { app: App; charts: Chart[]; user: ApiObject; sink: Collector; gateway: IngressGateway; host: HttpHost } {
  const app = new App({ outdir });
  const sink = new Collector();
  Checks.configure(app, { warningSink: sink });
  const edge = new Chart(app, 'edge', { namespace: 'istio-system' });
  const apps = new Chart(app, 'apps', { namespace: 'shop' });
  const workload = GatewayWorkload.istioIngressGateway(edge, 'ingress');
  const gateway = new IngressGateway(edge, 'gateway', { workload, name: 'shop-gateway' });
  // `hosts: ['*']` is valid but warned (GW-SEC-001)
  const host = gateway.addHttpHost('any', { hosts: ['*'], allowAnyHost: true, routes: [HttpRoute.to([Destination.service('web', 80, { namespace: 'shop' })])] });
  const user = new ApiObject(apps, 'web', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
  });
  return { app, charts: [edge, apps], user, sink, gateway, host };
}

/** Own property names and symbols of an object, sorted (symbols by description). */
function ownMembers(o: object): string[] {
  return [
    ...Object.getOwnPropertyNames(o),
    ...Object.getOwnPropertySymbols(o).map((s) => `symbol:${s.description ?? ''}`),
  ].sort();
}

interface TreeSnapshot {
  readonly paths: string[];
  readonly members: Map<IConstruct, string[]>;
  readonly children: Map<IConstruct, IConstruct[]>;
}

function snapshot(app: App): TreeSnapshot {
  const all = app.node.findAll();
  return {
    paths: all.map((c) => c.node.path),
    members: new Map(all.map((c) => [c, ownMembers(c)])),
    children: new Map(all.map((c) => [c, [...c.node.children]])),
  };
}

function expectUnchanged(app: App, before: TreeSnapshot): void {
  const after = snapshot(app);
  expect(after.paths).toStrictEqual(before.paths);
  for (const [c, members] of before.members) {
    expect({ path: c.node.path, members: ownMembers(c) }).toStrictEqual({ path: c.node.path, members });
    expect(c.node.children).toStrictEqual(before.children.get(c));
  }
}

describe('synth-time checks patch nothing', () => {
  test('after app.synth(), synthYaml() and Testing.synth(chart): no new own members, no construct added or removed', () => {
    const { app, charts, user } = build();
    const before = snapshot(app);
    const appMembers = ownMembers(app);
    const chartMembers = charts.map(ownMembers);
    const userMembers = ownMembers(user);

    app.synth();
    expectUnchanged(app, before);
    app.synthYaml();
    Testing.synth(charts[1]);
    expectUnchanged(app, before);

    // spelled out for the three kinds of construct the issue names
    expect(ownMembers(app)).toStrictEqual(appMembers);
    expect(charts.map(ownMembers)).toStrictEqual(chartMembers);
    expect(ownMembers(user)).toStrictEqual(userMembers);
    for (const c of app.node.findAll()) {
      expect(Object.prototype.hasOwnProperty.call(c, 'toJson')).toBe(false);
    }
    expect(Object.prototype.hasOwnProperty.call(app, 'synth')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(app, 'synthYaml')).toBe(false);
  });

  test('reading the call stack (to recognise the chart passes of App.synth) leaves Error\'s settings as they were', () => {
    const { app, charts } = build();
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    app.synth();
    // recognised with this cdk8s: only the App-wide pass of the 3 (App + 2 charts) serialized the App
    expect(checkStats(app)).toEqual({ validations: 3, verifiedPasses: 1, analyzeRuns: 1 });
    Testing.synth(charts[1]);
    expect(Error.prepareStackTrace).toBe(prepare);
    expect(Error.stackTraceLimit).toBe(limit);
    // and errors thrown after a synth still carry their usual text stack
    expect(typeof new Error('x').stack).toBe('string');
  });

  test('an error still fails synth, naming the construct; the tree is unchanged afterwards', () => {
    const { app, charts } = build();
    // a user-made Gateway on a port the gateway Service does not expose (GWX-PORT-001)
    new ApiObject(charts[1], 'raw-gateway', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'raw', namespace: 'istio-system' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 7070, protocol: 'HTTP', name: 'http' }, hosts: ['a.example.com'] }] },
    });
    const before = snapshot(app);
    expect(() => app.synth()).toThrow(/GWX-PORT-001 \(IST0162\) Gateway istio-system\/raw spec\.servers\[0\]\.port\.number: .* \[apps\/raw-gateway\]/);
    expectUnchanged(app, before);
  });

  test('the documents keep cdk8s\'s creation order (no construct is added to reorder them)', () => {
    const { app } = build();
    const kinds = (app.synthYaml().match(/^kind: .*$/gm) ?? []).map((l) => l.slice('kind: '.length));
    expect(kinds).toStrictEqual(app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.kind));
  });
});

describe('warnings reach the user through public channels', () => {
  test('the IWarningSink gets the warning findings once per distinct set, not stderr', () => {
    const { app, sink } = build();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      app.synth();
      app.synth();
    } finally {
      stderr.mockRestore();
    }
    expect(stderr).not.toHaveBeenCalled();
    expect(sink.calls).toHaveLength(1);
    const [call] = sink.calls;
    expect(call.warnings.map((f) => [f.rule, f.severity, f.resource.kind, f.resource.name, f.path, f.constructPath])).toContainEqual(
      // on the construct that added the host (the HttpHost), not only the gateway
      ['GW-SEC-001', Severity.WARNING, 'Gateway', 'shop-gateway', 'spec.servers[0].hosts[0]', 'edge/gateway/any'],
    );
    expect(call.text).toMatch(/^cdk8s-istio-gateways: \d+ warning\(s\):\n/);
    expect(call.text).toContain('warning GW-SEC-001 Gateway istio-system/shop-gateway spec.servers[0].hosts[0]: ');
  });

  test('each warning is recorded as construct metadata on the construct it is attributed to', () => {
    const { app, host } = build();
    app.synth();
    app.synth();
    const recorded = Checks.warningsOf(host);
    expect(recorded.filter((w) => w.startsWith('GW-SEC-001 Gateway istio-system/shop-gateway spec.servers[0].hosts[0]: '))).toHaveLength(1);
    expect(host.node.metadata.filter((m) => m.type === Checks.WARNING_METADATA).map((m) => m.data)).toStrictEqual(recorded);
    expect(recorded.every((w) => / — fix: /.test(w))).toBe(true);
  });
});
