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
 * Cache: analyze runs again only when something changed — the same ApiObjects in the same order, each `toJson()`
 * deep-equal to the manifest analyze last saw (kept per ApiObject), and the same version counter (bumped by
 * registerContext/suppress/configure/installChecks). This is checked in every validation pass — a pass cannot tell
 * whether user code ran since the previous one without intercepting synth — so analyze runs once per synth, and again
 * only after a change. Cost per pass: one `toJson()` of every ApiObject and a comparison (measured in bench/).
 *
 * Warnings reach users through three public channels: an {@link IWarningSinkLike} given to `Checks.configure`
 * (else stderr), and construct metadata of type {@link WARNING_METADATA} on the construct the finding is attributed to.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
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
  /** digest of the version and of the manifests and sources analyze last ran on (see {@link evaluate}) */
  /** the ApiObjects analyze last ran on, in order, and the settings version it ran with (see {@link evaluate}) */
  lastObjects?: ApiObject[];
  lastVersion?: number;
  /** per ApiObject: the manifest analyze last saw (compared, not re-hashed, in the next pass) */
  lastJson: WeakMap<ApiObject, unknown>;
  findings: Finding[];
  /** constructs by path that findings were attributed to in the last analysis (for warning metadata) */
  constructs: Map<string, IConstruct>;
  printed: Set<string>;
  /** how many times analyze() ran (for tests and benchmarks) */
  analyzeRuns: number;
  validations: number;
  /** the library's L2 constructs (they called installChecks): findings on their objects are reported on them */
  owners: Set<IConstruct>;
  ownerPaths: Set<string>;
  /** per ApiObject: the construct its findings are attributed to, and that construct's path */
  attribution: WeakMap<ApiObject, { owner: IConstruct; path: string }>;
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
      owners: new Set(),
      ownerPaths: new Set(),
      attribution: new WeakMap(),
      lastJson: new WeakMap(),
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
  s.attribution = new WeakMap(); // a new owner may be the nearest one of existing objects
  s.version++; // findings may be attributed to the new owner
  scope.node.addValidation({ validate: () => ownerErrors(scope) });
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

/** Deep equality of two JSON values (what ApiObject.toJson returns): no allocation, stops at the first difference. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(rb, k) || !jsonEqual(ra[k], rb[k])) return false;
  return true;
}

/**
 * Collects the manifests and runs analyze unless nothing changed since it last ran. "Nothing changed" is decided
 * exactly, per pass, without intercepting synth: the same ApiObjects in the same order, the same settings version, and
 * every object's `toJson()` deep-equal to the manifest analyze saw (kept per ApiObject). An unchanged object reuses
 * the kept manifest, so a pass holds one copy of the App's manifests, and no JSON text or digest is built.
 */
function evaluate(root: IConstruct): AppState {
  const s = stateOf(root);
  for (const sup of s.suppressions) applySuppression(sup.scope, sup.line);
  const manifests: KubeObject[] = [];
  const sources: SourceRef[] = [];
  const constructs = new Map<string, IConstruct>();
  const objects: ApiObject[] = [];
  const previous = s.lastObjects;
  let same = previous !== undefined && s.lastVersion === s.version;
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const json: unknown = safe(() => c.toJson());
    if (json === undefined || typeof json !== 'object' || json === null) continue; // cdk8s reports it on its own
    let a = s.attribution.get(c);
    if (!a) {
      // construct paths never change (ids are fixed, the tree only grows), and owners only change through
      // installChecks, which resets this cache
      const owner = ownerOf(s, c);
      a = { owner, path: owner.node.path };
      s.attribution.set(c, a);
    }
    const kept = s.lastJson.get(c);
    if (same && previous![objects.length] === c && kept !== undefined && jsonEqual(kept, json)) {
      manifests.push(kept as KubeObject);
    } else {
      same = false;
      s.lastJson.set(c, json);
      manifests.push(json as KubeObject);
    }
    objects.push(c);
    constructs.set(a.path, a.owner);
    sources.push({ constructPath: a.path });
  }
  if (same && objects.length === previous!.length) return s;
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
  s.constructs = constructs;
  s.lastObjects = objects;
  s.lastVersion = s.version;
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
 * The App-root validation. cdk8s validates the root first in every pass, so this one runs the checks (cached),
 * reports warnings, and returns the errors that no L2 of this library owns (e.g. on the user's own ApiObjects);
 * {@link ownerErrors} reports the rest on the L2 constructs.
 */
function runChecks(root: IConstruct): string[] {
  const s = stateOf(root);
  s.validations++;
  if (s.settings.disabled) return [];
  evaluate(root);
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

/** Counters for tests and benchmarks: validations run and analyze() runs. */
export function checkStats(scope: IConstruct): { validations: number; analyzeRuns: number } {
  const s = stateOf(scope);
  return { validations: s.validations, analyzeRuns: s.analyzeRuns };
}

export { parseSuppressions };
