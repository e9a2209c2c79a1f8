/**
 * Runs the rule engine on every synth of a cdk8s App, through cdk8s's public validation mechanism only.
 *
 * cdk8s calls `node.validate()` on every construct of the App in `App.synth()` (once before writing, then once more in
 * every `Chart.toJson()`: 1 + charts passes), in `App.synthYaml()` (likewise) and in `Chart.toJson()` /
 * `Testing.synth(chart)` (one pass). {@link installChecks} adds ONE validation to the App's root node (`addValidation`,
 * the root is validated first in every pass) that serializes every ApiObject of the App with its public `toJson()`
 * (never `chart.toJson()`, which would recurse into validation), adds the registered context, runs {@link analyze}, and
 * turns error findings into validation errors that name the construct path. Each L2 construct of this library adds a
 * validation of its own that returns the errors on its objects, so cdk8s prefixes them with the L2's path.
 *
 * Nothing is patched: no own property is added to the App, a chart or any ApiObject, no construct is added or removed,
 * `synth` is not intercepted. State lives in module-level WeakMaps keyed by the root construct.
 *
 * Cache: analyze runs again only when something changed. A pass is "verified" when it serializes every ApiObject
 * with `toJson()` and compares a SHA-256 digest of the manifests (JSON text, in App order) with the digest analyze last
 * saw, together with the same ApiObjects in the same order and the same settings version (bumped by
 * registerContext/suppress/configure/installChecks). Only the digest is kept between passes, never the manifests or
 * the MeshIndex: once findings are computed, the manifests are garbage.
 *
 * Which passes are verified: every pass except the per-chart passes of `App.synth()`/`App.synthYaml()`. Those are
 * recognised on the call stack (read with V8's structured stack trace API; nothing is intercepted):
 * `validate` ← `App._synthChart` ← `Chart.toJson` ← `App.synth`/`App.synthYaml`, each frame in cdk8s's own files.
 * cdk8s runs its App-wide pass (`validate(this)` in `App.synth`, a verified pass of ours) before any chart pass of the
 * same call, and between the two only cdk8s's synth runs, so the chart passes reuse its findings when the ApiObjects,
 * their order and the settings version are unchanged. User code between two synths (a props object mutated, a label
 * or JSON patch added) is always followed by a verified pass. Anything else on the stack (a chart subclass
 * overriding `toJson`, `Testing.synth(chart)`, `chart.toJson()`, a bundled cdk8s, an unreadable stack) makes the pass
 * verified. Not covered: code that cdk8s itself runs during one synth (Lazy producers, custom resolvers, other
 * validations) and that changes what ANOTHER object serializes to: the findings are those of the App as serialized
 * in that synth's App-wide pass.
 *
 * Cost: analyze once per synth, one `toJson()` + `JSON.stringify` of every ApiObject per verified pass (measured in
 * bench/).
 *
 * Warnings reach users through three public channels: an {@link IWarningSinkLike} given to `Checks.configure`
 * (else stderr), and construct metadata of type {@link WARNING_METADATA} on the construct the finding is attributed to.
 */
import { createHash } from 'crypto';
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { IstioGatewaysError } from '../errors';
import { SUPPRESS_ANNOTATION, analyze, parseSuppressions } from './analyze';
import { Finding, Severity, formatFindingLine } from './findings';
import type { InstallAssumption } from './mesh-index';
import { KubeObject, SourceRef, asRecord, asString, meta } from './model';

/** Construct metadata type under which warnings are recorded on the construct a warning finding is attributed to. */
export const WARNING_METADATA = 'cdk8s-istio-gateways/warning';

/** Where warning findings go (the public `IWarningSink` of src/checks.ts has this shape). */
export interface IWarningSinkLike {
  warn(warnings: Finding[], text: string): void;
}

/** App-wide settings of the checks (set through `Checks.configure`). */
export interface CheckSettings {
  strict?: boolean;
  disabled?: boolean;
  meshConfig?: Record<string, unknown>;
  assumeInstall?: InstallAssumption;
  disabledRules?: string[];
  /** Receives warnings instead of stderr. */
  warningSink?: IWarningSinkLike;
  /** Where warnings go as text when no sink is set (tests, benchmarks). @default process.stderr */
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
  /** the ApiObjects analyze last ran on, in order, and the settings version it ran with (see {@link evaluate}) */
  lastObjects?: ApiObject[];
  lastVersion?: number;
  /** SHA-256 of the manifests analyze last ran on (see {@link fingerprint}) */
  lastDigest?: string;
  findings: Finding[];
  /** constructs by path that findings were attributed to in the last analysis (for warning metadata) */
  constructs: Map<string, IConstruct>;
  printed: Set<string>;
  /** how many times analyze() ran (for tests and benchmarks) */
  analyzeRuns: number;
  validations: number;
  /** how many passes serialized the App to verify or refresh the findings (the others reused them) */
  verifiedPasses: number;
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
      constructs: new Map(),
      printed: new Set(),
      analyzeRuns: 0,
      validations: 0,
      verifiedPasses: 0,
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
 * Makes sure the App that contains `scope` runs the checks in its validation, and makes `scope` (an L2 construct of
 * this library) the construct that error findings on its objects are reported on: cdk8s prefixes each validation
 * message with the path of the construct that returned it. Idempotent; every L2 calls it in its constructor.
 */
export function installChecks(scope: IConstruct): void {
  const s = ensureInstalled(scope);
  if (scope === scope.node.root || Chart.isChart(scope) || s.owners.has(scope)) return;
  s.owners.add(scope);
  s.ownerPaths.add(scope.node.path);
  s.version++; // findings may be attributed to the new owner
  scope.node.addValidation(new OwnerValidation(scope));
}

/** The validation of an owner construct: its share of the App's error findings (an object, not a closure per owner). */
class OwnerValidation implements IValidation {
  constructor(private readonly owner: IConstruct) {}

  public validate(): string[] {
    return ownerErrors(this.owner);
  }
}

/** Adds the App-root validation once. */
function ensureInstalled(scope: IConstruct): AppState {
  const s = stateOf(scope);
  if (s.installed) return s;
  s.installed = true;
  const root = scope.node.root;
  root.node.addValidation({ validate: () => runChecks(root) });
  return s;
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
function ownerOf(s: AppState, o: ApiObject): IConstruct {
  for (let c: IConstruct | undefined = o.node.scope; c; c = c.node.scope) {
    if (s.owners.has(c)) return c;
  }
  const parent = o.node.scope;
  if (!parent || Chart.isChart(parent) || !parent.node.scope) return o;
  return parent;
}

/**
 * Appends one manifest to a digest: the object's position among the App's ApiObjects, its JSON text, and a separator
 * no JSON text contains. False if the manifest has no JSON text (the pass then counts as a change).
 */
function fingerprint(hash: ReturnType<typeof createHash>, position: number, json: unknown): boolean {
  const text = safe(() => JSON.stringify(json));
  if (text === undefined) return false;
  hash.update(`${position} `).update(text).update('\n');
  return true;
}

/**
 * The frames of the call stack above `below`, through V8's structured stack trace API: `Error.prepareStackTrace` and
 * `Error.stackTraceLimit` are set for the one capture and restored right after. `[]` where that is unavailable (another
 * engine, frozen intrinsics): the pass is then verified.
 */
function callSites(below: Function): NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.stackTraceLimit = 20;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, below);
    const stack = holder.stack; // formatted now, while our prepareStackTrace is installed
    return Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : [];
  } catch {
    return [];
  } finally {
    safe(() => {
      Error.prepareStackTrace = prepare;
    });
    safe(() => {
      Error.stackTraceLimit = limit;
    });
  }
}

const CDK8S_APP_JS = /[\\/]cdk8s[\\/]lib[\\/]app\.js$/;
const CDK8S_CHART_JS = /[\\/]cdk8s[\\/]lib[\\/]chart\.js$/;

/**
 * Whether this validation pass is one that `App.synth()` or `App.synthYaml()` runs for one chart (cdk8s's
 * `App._synthChart`, called by `Chart.toJson`, called by the App's synth) — i.e. the same synth call already ran its
 * App-wide pass. Read from the stack: `validate` (cdk8s/lib/app.js) ← `_synthChart` (app.js) ← `toJson` (chart.js) ←
 * `synth`|`synthYaml` (app.js). Any other caller, or a stack that cannot be read, is not such a pass.
 */
function isChartPassOfAppSynth(): boolean {
  const sites = callSites(isChartPassOfAppSynth);
  const i = sites.findIndex((c) => c.getFunctionName() === '_synthChart' && CDK8S_APP_JS.test(c.getFileName() ?? ''));
  if (i < 1 || i + 2 >= sites.length) return false;
  const validate = sites[i - 1];
  const toJson = sites[i + 1];
  const synth = sites[i + 2];
  return validate.getFunctionName() === 'validate' && CDK8S_APP_JS.test(validate.getFileName() ?? '')
    && toJson.getFunctionName() === 'toJson' && CDK8S_CHART_JS.test(toJson.getFileName() ?? '')
    && ['synth', 'synthYaml'].includes(synth.getFunctionName() ?? '') && CDK8S_APP_JS.test(synth.getFileName() ?? '');
}

/** The ApiObjects of the App, in cdk8s's tree order. */
function apiObjectsOf(root: IConstruct): ApiObject[] {
  return root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

function sameObjects(a: readonly ApiObject[] | undefined, b: readonly ApiObject[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Runs analyze unless nothing changed since it last ran (see the module comment). `trusted`: a chart pass of
 * `App.synth()` whose App-wide pass already verified the findings — reused when the ApiObjects (same objects, same
 * order) and the settings version are unchanged, without serializing anything.
 */
function evaluate(root: IConstruct, trusted = false): AppState {
  const s = stateOf(root);
  const all = apiObjectsOf(root);
  const unchangedShape = s.lastVersion === s.version && sameObjects(s.lastObjects, all);
  // (the verified pass before it wrote the suppression annotations of these same objects)
  if (trusted && unchangedShape && s.lastDigest !== undefined) return s;
  for (const sup of s.suppressions) applySuppression(sup.scope, sup.line);
  s.verifiedPasses++;
  const manifests: KubeObject[] = [];
  const sources: SourceRef[] = [];
  // parallel to `sources`: the construct each SourceRef names (looked up for the findings' paths once analyze ran)
  const owners: IConstruct[] = [];
  const hash = createHash('sha256');
  let hashed = true;
  let lastOwner: IConstruct | undefined;
  let source: SourceRef | undefined;
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    const json: unknown = safe(() => c.toJson());
    if (json === undefined || typeof json !== 'object' || json === null) continue; // cdk8s reports it on its own
    // computed in every verified pass and not kept (a new owner may be the nearest one of existing objects). The
    // objects of one owner are consecutive in tree order: one SourceRef (readonly) per run of them, no map by owner
    // (the live set of the analysis holds every SourceRef)
    const owner = ownerOf(s, c);
    if (owner !== lastOwner || source === undefined) {
      source = { constructPath: owner.node.path };
      lastOwner = owner;
    }
    hashed = fingerprint(hash, i, json) && hashed;
    manifests.push(json as KubeObject);
    sources.push(source);
    owners.push(owner);
  }
  const digest = hashed ? hash.digest('base64') : undefined;
  if (unchangedShape && digest !== undefined && digest === s.lastDigest) return s;
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
  s.constructs = constructsOf(s.findings, sources, owners);
  s.lastObjects = all;
  s.lastVersion = s.version;
  s.lastDigest = digest;
  return s;
}

/**
 * The constructs that findings are attributed to, by path, among the owners of the analysed objects (`sources` and
 * `owners` are parallel). Only these are kept after the analysis (for warning metadata), not one entry per owner.
 */
function constructsOf(findings: readonly Finding[], sources: readonly SourceRef[], owners: readonly IConstruct[]): Map<string, IConstruct> {
  const out = new Map<string, IConstruct>();
  const wanted = new Set<string>();
  for (const f of findings) if (f.constructPath) wanted.add(f.constructPath);
  for (let i = 0; i < sources.length && out.size < wanted.size; i++) {
    const path = sources[i].constructPath!;
    if (wanted.has(path) && !out.has(path)) out.set(path, owners[i]);
  }
  return out;
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
 * The App-root validation. cdk8s validates the root first in every pass, so this one runs the checks (cached),
 * reports warnings, and returns the errors that no L2 of this library owns (e.g. on the user's own ApiObjects);
 * {@link ownerErrors} reports the rest on the L2 constructs.
 */
function runChecks(root: IConstruct): string[] {
  const s = stateOf(root);
  s.validations++;
  if (s.settings.disabled) return [];
  evaluate(root, isChartPassOfAppSynth());
  const warnings = s.settings.strict === true ? [] : s.findings.filter((f) => f.severity === Severity.WARNING);
  if (warnings.length > 0) reportWarnings(s, warnings);
  const unowned: string[] = [];
  s.ownedErrors = new Map();
  for (const f of failingFindings(s)) {
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

/**
 * Hands warnings to the sink (or stderr) once per distinct set, and records each on the construct it is attributed
 * to as construct metadata ({@link WARNING_METADATA}; once per construct and text).
 */
function reportWarnings(s: AppState, warnings: Finding[]): void {
  const lines = warnings.map((f) => `${formatFindingLine(f)}${f.constructPath ? ` [${f.constructPath}]` : ''}`);
  const text = lines.join('\n');
  if (s.printed.has(text)) return;
  s.printed.add(text);
  for (const f of warnings) {
    const target = f.constructPath ? s.constructs.get(f.constructPath) : undefined;
    if (!target) continue;
    const data = formatSynthMessage({ ...f, constructPath: undefined });
    if (target.node.metadata.some((m) => m.type === WARNING_METADATA && m.data === data)) continue;
    target.node.addMetadata(WARNING_METADATA, data);
  }
  const message = `cdk8s-istio-gateways: ${warnings.length} warning(s):\n${text}\n`;
  if (s.settings.warningSink) s.settings.warningSink.warn([...warnings], message);
  else (s.settings.warn ?? ((t: string) => process.stderr.write(t)))(message);
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

/** Counters for tests and benchmarks: validations run, passes that serialized the App, and analyze() runs. */
export function checkStats(scope: IConstruct): { validations: number; verifiedPasses: number; analyzeRuns: number } {
  const s = stateOf(scope);
  return { validations: s.validations, verifiedPasses: s.verifiedPasses, analyzeRuns: s.analyzeRuns };
}

export { parseSuppressions };
