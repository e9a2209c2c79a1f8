/**
 * Text output of the CLI, for people: findings grouped by resource, a summary line, colour only on a TTY.
 */
import { Finding, Severity } from '../check/findings';
import type { SourceRef } from '../check/model';

const COLORS = { red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m', bold: '\u001b[1m', dim: '\u001b[2m', reset: '\u001b[0m' };

export interface TextOptions {
  readonly color: boolean;
  /** Where each resource came from, by `kind|namespace|name`. */
  readonly sourceOf?: (f: Finding) => SourceRef | undefined;
  readonly objectCount: number;
  readonly fileCount: number;
}

function paint(on: boolean, code: string, s: string): string {
  return on ? `${code}${s}${COLORS.reset}` : s;
}

function severityLabel(s: Severity, color: boolean): string {
  const code = s === Severity.ERROR ? COLORS.red : s === Severity.WARNING ? COLORS.yellow : COLORS.cyan;
  return paint(color, code, s.padEnd(7));
}

/** Findings (already sorted) as text, grouped by resource in first-appearance order, then a summary line. */
export function formatText(findings: readonly Finding[], opts: TextOptions): string {
  const parts: string[] = [];
  writeText(findings, opts, (s) => parts.push(s));
  return parts.join('');
}

/**
 * {@link formatText}, written group by group: no single string grows with the number of findings (a V8 string holds
 * at most ~512 MB, and a large report is printed as it is produced).
 */
export function writeText(findings: readonly Finding[], opts: TextOptions, write: (s: string) => void): void {
  const groups = new Map<string, Finding[]>();
  let e = 0;
  let w = 0;
  let i = 0;
  for (const f of findings) {
    if (f.severity === Severity.ERROR) e++;
    else if (f.severity === Severity.WARNING) w++;
    else if (f.severity === Severity.INFO) i++;
    const key = `${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}|${f.resource.apiVersion}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  for (const list of groups.values()) {
    const lines: string[] = [];
    const r = list[0].resource;
    const src = opts.sourceOf?.(list[0]);
    const where = src?.file ? ` (${src.file}${src.line ? `:${src.line}` : ''})` : src?.constructPath ? ` (${src.constructPath})` : '';
    const id = `${r.kind || '<no kind>'} ${r.namespace ? `${r.namespace}/` : ''}${r.name || '<no name>'}`;
    lines.push(`${paint(opts.color, COLORS.bold, id)}${paint(opts.color, COLORS.dim, where)}`);
    for (const f of list) {
      const code = f.code ? ` (${f.code})` : '';
      lines.push(`  ${severityLabel(f.severity, opts.color)} ${f.rule}${code}${f.path ? ` ${f.path}` : ''}: ${f.message}`);
      lines.push(`          fix: ${f.fix}`);
    }
    lines.push('');
    write(`${lines.join('\n')}\n`);
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary = `${plural(e, 'error')}, ${plural(w, 'warning')}, ${i} info in ${plural(opts.objectCount, 'object')} from ${plural(opts.fileCount, 'file')}`;
  const colored = e > 0 ? paint(opts.color, COLORS.red + COLORS.bold, summary) : w > 0 ? paint(opts.color, COLORS.yellow, summary) : summary;
  write(`${findings.length === 0 ? `no problems found: ${summary}` : colored}\n`);
}
