/**
 * cdk8s-cli validation plugin: `cdk8s synth` runs the checker over the synthesized manifests of any cdk8s app
 * (also apps that do not use this library's constructs) and reports the findings as violations.
 *
 * cdk8s.yaml:
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-istio-gateways/lib/src/validation-plugin.js
 *     version: 0.0.0          # any exact version; a local path is loaded as is
 *     class: IstioGatewaysValidation
 *     properties:             # all optional
 *       failOn: error         # or warning
 *       assumeInstall: demo   # or default, none
 *       defaultNamespace: default
 *       meshConfig: {}        # MeshConfig as in the istio ConfigMap's mesh key
 * ```
 * Not exported from the jsii API (it takes cdk8s-cli's untyped context); it is plain Node.js.
 */
import * as fs from 'fs';
import { analyze } from './check/analyze';
import { Finding, Severity } from './check/findings';
import type { InstallAssumption } from './check/mesh-index';
import { KubeObject, SourceRef } from './check/model';
import { ManifestLoadError, decodeManifestBytes, loadManifests } from './check/yaml';

/** Options from the `properties` of the cdk8s.yaml validation entry. */
export interface IstioGatewaysValidationProps {
  /** Lowest severity that fails the report. @default 'error' */
  readonly failOn?: 'error' | 'warning';
  /** @default 'demo' */
  readonly assumeInstall?: InstallAssumption;
  /** @default 'default' */
  readonly defaultNamespace?: string;
  /** MeshConfig (the istio ConfigMap's `mesh` key as an object). @default - Istio defaults */
  readonly meshConfig?: Record<string, unknown>;
}

/** The parts of cdk8s-cli's ValidationContext that the plugin uses (cdk8s-cli/lib/plugins/validation). */
export interface ValidationContextLike {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(v: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
  readonly logger?: { log(message: string): void };
}

/** cdk8s-cli `Validation` implementation. */
export class IstioGatewaysValidation {
  private readonly props: IstioGatewaysValidationProps;

  constructor(props: IstioGatewaysValidationProps = {}) {
    this.props = props ?? {};
  }

  public async validate(context: ValidationContextLike): Promise<void> {
    const objects: KubeObject[] = [];
    const sources: SourceRef[] = [];
    const loadErrors: { file: string; message: string }[] = [];
    for (const file of context.manifests) {
      try {
        const loaded = loadManifests(decodeManifestBytes(fs.readFileSync(file), file), file);
        // one by one: spreading (push(...xs)) overflows the stack above ~125,000 objects
        for (const o of loaded.objects) objects.push(o);
        for (const src of loaded.sources) sources.push(src);
      } catch (e) {
        loadErrors.push({ file, message: e instanceof ManifestLoadError ? e.message : `${file}: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    let findings: Finding[] = [];
    try {
      findings = analyze(objects, {
        sources,
        ...(this.props.meshConfig ? { meshConfig: this.props.meshConfig } : {}),
        ...(this.props.defaultNamespace ? { defaultNamespace: this.props.defaultNamespace } : {}),
        ...(this.props.assumeInstall ? { assumeInstall: this.props.assumeInstall } : {}),
      });
    } catch (e) {
      loadErrors.push({ file: '', message: `internal error: ${e instanceof Error ? e.message : String(e)}` });
    }
    for (const err of loadErrors) {
      context.report.addViolation({
        ruleName: '[error] CHK-LOAD-001',
        recommendation: err.message,
        fix: 'fix the manifest so that it parses as YAML',
        violatingResources: [{ resourceName: err.file, locations: [], manifestPath: err.file }],
      });
    }
    for (const f of findings) {
      const src = findSource(f, objects, sources, this.props.defaultNamespace ?? 'default');
      context.report.addViolation({
        ruleName: `[${f.severity}] ${f.rule}${f.code ? ` (${f.code})` : ''}`,
        recommendation: `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}: ${f.message}`,
        fix: f.fix,
        violatingResources: [{ resourceName: f.resource.name, locations: [f.path || '(whole object)'], manifestPath: src?.file ?? '' }],
      });
    }
    const min = this.props.failOn === 'warning' ? 1 : 2;
    const rank = (s: Severity) => (s === Severity.ERROR ? 2 : s === Severity.WARNING ? 1 : 0);
    const failed = loadErrors.length > 0 || findings.some((f) => rank(f.severity) >= min);
    const count = (s: Severity) => String(findings.filter((f) => f.severity === s).length);
    context.report.submit(failed ? 'failure' : 'success', {
      errors: count(Severity.ERROR),
      warnings: count(Severity.WARNING),
      info: count(Severity.INFO),
      objects: String(objects.length),
    });
  }
}

function findSource(f: Finding, objects: readonly KubeObject[], sources: readonly SourceRef[], defaultNs: string): SourceRef | undefined {
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    const m = (o.metadata ?? {}) as Record<string, unknown>;
    if (o.kind !== f.resource.kind || m.name !== f.resource.name) continue;
    const ns = typeof m.namespace === 'string' && m.namespace ? m.namespace : defaultNs;
    if (f.resource.namespace === undefined || f.resource.namespace === ns) return sources[i];
  }
  return undefined;
}
