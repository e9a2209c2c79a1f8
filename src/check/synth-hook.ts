/**
 * Runs the rule engine on every synth of a cdk8s App.
 *
 * cdk8s calls `node.validate()` on every construct of the App in `App.synth()` and in every `Chart.toJson()` (which
 * `Testing.synth(chart)` calls). {@link installChecks} adds one validation to the App's root node that collects every
 * ApiObject of the App (via `apiObject.toJson()`, never `chart.toJson()`, which would recurse into validation), adds
 * the registered context, runs {@link analyze}, and turns error findings into validation errors that name the
 * construct path. Warnings go to stderr once per distinct set (strict mode turns them into errors).
 *
 * Cost: validation runs 1 + (number of charts) times per `app.synth()`. The result is cached on a digest of the
 * synthesized manifests (plus a version counter bumped by registerContext/suppress/configure), so `analyze` runs once
 * per synth and again only after a change; within one `app.synth()`/`synthYaml()` only the first validation
 * collects the manifests, the repeated ones reuse its result, and cdk8s's own serialization of each ApiObject in that
 * synth reuses the manifest the checks built (measured in test/check/synth-hook.test.ts, bench/).
 */
import { createHash } from 'crypto';
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IstioGatewaysError } from '../errors';
import { SUPPRESS_ANNOTATION, analyze, parseSuppressions } from './analyze';
import { Finding, Severity, formatFindingLine } from './findings';
import type { AssumeInstall } from './mesh-index';
import { KubeObject, SourceRef, asRecord, asString, meta } from './model';
import { orderOwnedObjects } from '../internal/ordering';

/** App-wide settings of the checks (set through `Checks.configure`). */
export interface CheckSettings {
  strict?: boolean;
  disabled?: boolean;
  meshConfig?: Record<string, unknown>;
  assumeInstall?: AssumeInstall;
  disabledRules?: string[];
  /** Where warnings go. @default process.stderr */
  warn?: (text: string) => void;
}

interface AppState {
  installed: boolean;
  settings: CheckSettings;
  /** context objects by identity (first registration wins) */
  context: Map<string, { object: KubeObject; source: SourceRef }>;
  suppressions: { scope: IConstruct; line: string }[];
  /** bumped by every change that is not visible in the manifests */
  version: number;
  /** digest of the version and of the manifests and sources analyze last ran on (see {@link evaluate}) */
  cacheKey?: string;
  /**
   * During one App.synth()/synthYaml(): the manifest the checks serialized for each ApiObject, handed to cdk8s's own
   * serialization of that object in the same synth instead of resolving it again (see {@link reuseInSynth}).
   */
  synthJson?: WeakMap<ApiObject, unknown>;
  findings: Finding[];
  errors: string[];
  printed: Set<string>;
  /** how many times analyze() ran (for tests and benchmarks) */
  analyzeRuns: number;
  validations: number;
  /** > 0 while App.synth()/synthYaml() of this App runs */
  synthDepth: number;
  /** the checks already ran in the current App.synth()/synthYaml() */
  evaluatedInSynth: boolean;
  /** the library's L2 constructs (they called installChecks): findings on their objects are reported on them */
  owners: Set<IConstruct>;
  ownerPaths: Set<string>;
  /** error messages of the last root validation, by owner path (read by the owners' validations in the same pass) */
  ownedErrors: Map<string, string[]>;
  /** by Gateway construct path: the construct paths that added each rendered server (`spec.servers[i]`) and host */
  serverOwners: Map<string, () => readonly ServerOwners[]>;
}

const STATES = new WeakMap<IConstruct, AppState>();
/** Suppression lines this library wrote per ApiObject (the annotation cannot be read back from cdk8s metadata). */
const SUPPRESS_LINES = new WeakMap<ApiObject, string[]>();

function stateOf(scope: IConstruct): AppState {
  const root = scope.node.root;
  let s = STATES.get(root);
  if (!s) {
    s = {
      installed: false,
      settings: {},
      context: new Map(),
      suppressions: [],
      version: 0,
      findings: [],
      errors: [],
      printed: new Set(),
      analyzeRuns: 0,
      validations: 0,
      synthDepth: 0,
      evaluatedInSynth: false,
      owners: new Set(),
      ownerPaths: new Set(),
      ownedErrors: new Map(),
      serverOwners: new Map(),
    };
    STATES.set(root, s);
  }
  return s;
}

/**
 * Declares facts that are not synthesized (e.g. a gateway Deployment/Service installed by istioctl) so that the
 * synth-time checker sees them, exactly like a CLI user passes the gateway's Service manifest as extra input.
 * Objects are plain Kubernetes manifests (apiVersion, kind, metadata with explicit namespace, spec). The same object
 * (apiVersion kind namespace/name) registered twice is kept once (the first registration wins); a synthesized object
 * of the same identity wins over context.
 */
export function registerContext(scope: IConstruct, objects: KubeObject[]): void {
  const s = stateOf(scope);
  for (const o of objects) {
    const m = meta(o);
    const key = `${asString(o.apiVersion) ?? ''}|${asString(o.kind) ?? ''}|${m.namespace ?? ''}|${m.name}`;
    if (s.context.has(key)) continue;
    s.context.set(key, { object: o, source: { constructPath: scope.node.path } });
    s.version++;
  }
  installChecks(scope);
}

/**
 * Makes sure the App that contains `scope` runs the checks once per synth, and makes `scope` (an L2 construct of
 * this library) the construct that error findings on its objects are reported on: cdk8s prefixes each validation
 * message with the path of the construct that returned it. Idempotent; every L2 calls it in its constructor.
 */
export function installChecks(scope: IConstruct): void {
  const s = ensureInstalled(scope);
  if (scope === scope.node.root || Chart.isChart(scope) || s.owners.has(scope)) return;
  s.owners.add(scope);
  s.ownerPaths.add(scope.node.path);
  scope.node.addValidation({ validate: () => ownerErrors(scope) });
}

/** Adds the App-root validation once. */
function ensureInstalled(scope: IConstruct): AppState {
  const s = stateOf(scope);
  if (s.installed) return s;
  s.installed = true;
  const root = scope.node.root;
  root.node.addValidation({ validate: () => runChecks(root) });
  scopeSynth(root, s);
  return s;
}

/**
 * cdk8s validates the whole App 1 + (number of charts) times in one `App.synth()` (once itself, then in every
 * `Chart.toJson()`), with no user code in between. Marking the App's synth() and synthYaml() calls lets
 * {@link runChecks} collect and check the manifests on the first of those validations only; the others reuse the
 * result instead of re-serializing every ApiObject for the cache key (linear in the App per validation, so
 * (charts + 1) × objects per synth).
 */
function scopeSynth(root: IConstruct, s: AppState): void {
  const target = root as unknown as Record<string, unknown>;
  for (const method of ['synth', 'synthYaml']) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    Object.defineProperty(root, method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        if (s.synthDepth++ === 0) s.evaluatedInSynth = false;
        try {
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        } finally {
          if (--s.synthDepth === 0) {
            s.evaluatedInSynth = false;
            s.synthJson = undefined;
          }
        }
      },
    });
  }
}

/** Construct paths that added one rendered Gateway server and each of its rendered hosts. */
export interface ServerOwners {
  readonly owner: string;
  readonly hostOwners: readonly string[];
}

/**
 * Declares which construct added each server (and host) of the Gateway that `gateway` (an L2 of this library)
 * renders, in render order: a finding on `spec.servers[i]` (or `spec.servers[i].hosts[j]`) of its Gateway is then
 * reported on that construct (e.g. a team's route on a shared gateway) instead of on the gateway.
 */
export function registerServerOwners(gateway: IConstruct, owners: () => readonly ServerOwners[]): void {
  stateOf(gateway).serverOwners.set(gateway.node.path, owners);
}

/** The construct a finding is reported on: the one that added the Gateway server (or host) its path points at. */
function refineOwner(s: AppState, f: Finding): Finding {
  if (!f.constructPath || s.serverOwners.size === 0) return f;
  const owners = s.serverOwners.get(f.constructPath);
  const m = owners && /^spec\.servers\[(\d+)\](?:\.hosts\[(\d+)\])?/.exec(f.path);
  const server = m ? owners!()[Number(m[1])] : undefined;
  const owner = server && m![2] !== undefined ? server.hostOwners[Number(m![2])] ?? server.owner : server?.owner;
  return owner && owner !== f.constructPath && s.ownerPaths.has(owner) ? { ...f, constructPath: owner } : f;
}

/** Merges App-wide settings. */
export function configureChecks(scope: IConstruct, settings: CheckSettings): void {
  const s = stateOf(scope);
  const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as CheckSettings;
  s.settings = { ...s.settings, ...defined };
  s.version++;
  ensureInstalled(scope);
}

/** Adds `ruleId: reason` to the suppress annotation of every ApiObject under `scope`, now and at synth. */
export function addSuppression(scope: IConstruct, ruleId: string, reason: string): void {
  const id = ruleId.trim();
  const why = reason.replace(/\s+/g, ' ').trim();
  if (!/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/.test(id)) {
    throw new IstioGatewaysError(scope, `Checks.suppress: rule id ${JSON.stringify(ruleId)} is not a rule ID such as GWX-DUP-001`);
  }
  if (!why) {
    throw new IstioGatewaysError(scope, `Checks.suppress(${id}): reason is empty; say why the finding is acceptable`);
  }
  const s = stateOf(scope);
  const line = `${id}: ${why}`;
  s.suppressions.push({ scope, line });
  s.version++;
  applySuppression(scope, line);
  ensureInstalled(scope);
}

function applySuppression(scope: IConstruct, line: string): void {
  for (const c of scope.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    let lines = SUPPRESS_LINES.get(c);
    if (!lines) {
      const existing = asString(asRecord(asRecord(safe(() => c.metadata.toJson())).annotations)[SUPPRESS_ANNOTATION]);
      lines = existing ? existing.split('\n').filter((l) => l.trim()) : [];
      SUPPRESS_LINES.set(c, lines);
    }
    if (lines.includes(line)) continue;
    lines.push(line);
    c.metadata.addAnnotation(SUPPRESS_ANNOTATION, lines.join('\n'));
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/**
 * The construct a finding on `o` is attributed to: the nearest enclosing L2 of this library, else the construct
 * that owns the ApiObject, else the ApiObject.
 */
function ownerPath(s: AppState, o: ApiObject): string {
  for (let c: IConstruct | undefined = o.node.scope; c; c = c.node.scope) {
    if (s.owners.has(c)) return c.node.path;
  }
  const parent = o.node.scope;
  if (!parent || Chart.isChart(parent) || !parent.node.scope) return o.node.path;
  return parent.node.path;
}

/** ApiObjects whose `toJson` was given the in-synth reuse of {@link reuseInSynth}. */
const REUSING = new WeakSet<ApiObject>();

/**
 * In one `App.synth()`/`synthYaml()`, cdk8s serializes every ApiObject again (chart by chart) after the validation in
 * which the checks serialized it, with only dependency resolution and validations in between. The object's next
 * `toJson()` in that synth returns the manifest the checks built (once: later calls serialize again), so a synth with
 * checks resolves each object once, not twice. The reuse is an own, non-enumerable `toJson` on the instance that
 * defers to the class's method whenever no manifest is pending; manifests are dropped when the synth ends.
 */
function reuseInSynth(s: AppState, pending: WeakMap<ApiObject, unknown>, o: ApiObject, json: unknown): void {
  pending.set(o, json);
  if (REUSING.has(o)) return;
  REUSING.add(o);
  Object.defineProperty(o, 'toJson', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function (this: ApiObject): unknown {
      const m = s.synthJson;
      const j = m?.get(this);
      if (m && j !== undefined) {
        m.delete(this);
        return j;
      }
      return (Object.getPrototypeOf(this) as ApiObject).toJson.call(this);
    },
  });
}

/** Collects manifests and runs analyze (cached). Returns the findings. */
function evaluate(root: IConstruct): AppState {
  const s = stateOf(root);
  for (const sup of s.suppressions) applySuppression(sup.scope, sup.line);
  const manifests: KubeObject[] = [];
  const sources: SourceRef[] = [];
  // The cache key is a digest, not the manifests themselves: keeping JSON.stringify of every manifest between
  // synths cost as much memory as the manifests. JSON text has no raw tab or newline, so the records are unambiguous.
  const digest = createHash('sha256').update(`${s.version}\n`);
  const reuse = s.synthDepth > 0 ? (s.synthJson = new WeakMap()) : undefined;
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const json: unknown = safe(() => c.toJson());
    if (json === undefined || typeof json !== 'object' || json === null) continue; // cdk8s reports it on its own
    const constructPath = ownerPath(s, c);
    manifests.push(json as KubeObject);
    sources.push({ constructPath });
    digest.update(`${JSON.stringify(json)}\t${JSON.stringify(constructPath)}\n`);
    if (reuse) reuseInSynth(s, reuse, c, json);
  }
  const key = digest.digest('base64');
  if (key === s.cacheKey) return s;
  const context = Array.from(s.context.values());
  s.analyzeRuns++;
  s.findings = analyze(manifests, {
    sources,
    context: context.map((c) => c.object),
    contextSources: context.map((c) => c.source),
    meshConfig: s.settings.meshConfig,
    assumeInstall: s.settings.assumeInstall,
    disabledRules: s.settings.disabledRules,
  }).map((f) => refineOwner(s, f));
  s.cacheKey = key;
  return s;
}

/** `<rule> (<code>) <kind> <ns>/<name> <path>: <message> — fix: <fix> [<constructPath>]` */
export function formatSynthMessage(f: Finding): string {
  const code = f.code ? ` (${f.code})` : '';
  const res = `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}`;
  const path = f.path ? ` ${f.path}` : '';
  const cp = f.constructPath ? ` [${f.constructPath}]` : '';
  return `${f.rule}${code} ${res}${path}: ${f.message} — fix: ${f.fix}${cp}`;
}

/**
 * The App-root validation. cdk8s validates the root first in every pass, so this one orders the library's objects,
 * runs the checks, prints warnings, and reports the errors that no L2 of this library owns (e.g. on the user's own
 * ApiObjects); {@link ownerErrors} reports the rest on the L2 constructs.
 */
function runChecks(root: IConstruct): string[] {
  const s = stateOf(root);
  s.validations++;
  const firstInSynth = !(s.synthDepth > 0 && s.evaluatedInSynth);
  if (firstInSynth) orderOwnedObjects(s.owners);
  if (s.settings.disabled) return [];
  if (firstInSynth) {
    evaluate(root);
    if (s.synthDepth > 0) s.evaluatedInSynth = true;
  }
  const failing = failingFindings(s);
  const warnings = s.settings.strict === true ? [] : s.findings.filter((f) => f.severity === Severity.WARNING);
  if (warnings.length > 0) {
    const text = warnings.map((f) => `${formatFindingLine(f)}${f.constructPath ? ` [${f.constructPath}]` : ''}`).join('\n');
    if (!s.printed.has(text)) {
      s.printed.add(text);
      const out = s.settings.warn ?? ((t: string) => process.stderr.write(t));
      out(`cdk8s-istio-gateways: ${warnings.length} warning(s):\n${text}\n`);
    }
  }
  const unowned: string[] = [];
  s.ownedErrors = new Map();
  for (const f of failing) {
    if (!f.constructPath || !s.ownerPaths.has(f.constructPath)) {
      unowned.push(formatSynthMessage(f));
      continue;
    }
    const list = s.ownedErrors.get(f.constructPath);
    if (list) list.push(formatOwnedMessage(f));
    else s.ownedErrors.set(f.constructPath, [formatOwnedMessage(f)]);
  }
  return unowned;
}

function failingFindings(s: AppState): Finding[] {
  const strict = s.settings.strict === true;
  return s.findings.filter((f) => f.severity === Severity.ERROR || (strict && f.severity === Severity.WARNING));
}

/** Errors on the objects of one L2 construct, from the root validation that ran first in this validation pass. */
function ownerErrors(owner: IConstruct): string[] {
  const s = stateOf(owner);
  if (s.settings.disabled) return [];
  return s.ownedErrors.get(owner.node.path) ?? [];
}

/** Like {@link formatSynthMessage} without the construct path, which cdk8s puts in front of the message. */
function formatOwnedMessage(f: Finding): string {
  return formatSynthMessage({ ...f, constructPath: undefined });
}

/** Current findings of the App that contains `scope` (runs the checks if the App changed since the last run). */
export function currentFindings(scope: IConstruct): Finding[] {
  const s = stateOf(scope);
  if (s.settings.disabled) return [];
  return [...evaluate(scope.node.root).findings];
}

/** Counters for tests and benchmarks: validations run and analyze() runs. */
export function checkStats(scope: IConstruct): { validations: number; analyzeRuns: number } {
  const s = stateOf(scope);
  return { validations: s.validations, analyzeRuns: s.analyzeRuns };
}

export { parseSuppressions };
