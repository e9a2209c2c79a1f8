/**
 * Generates the README rules table from the rule registry, so the documentation cannot drift from the code.
 *
 * `npx ts-node -T src/check/rules-table.ts --write` rewrites README.md between the markers
 * `<!-- rules-table:start -->` and `<!-- rules-table:end -->`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ENGINE_RULES } from './analyze';
import type { RuleMeta } from './rule';
import { ALL_RULES } from './rules';

export const TABLE_START = '<!-- rules-table:start -->';
export const TABLE_END = '<!-- rules-table:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * `| ID | istioctl code | severity | istioctl level, where ours differs | summary |` table, one row per rule, in the given
 * order.
 */
export function rulesTableMarkdown(rules: readonly RuleMeta[]): string {
  const rows = rules.map((r) => `| ${r.id} | ${r.code ?? ''} | ${r.severity} | ${cell(r.istioctlLevel ?? '')} | ${cell(r.summary)} |`);
  return ['| ID | istioctl code | severity | istioctl level, where ours differs (why) | summary |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The table the README must contain: every registered rule, then the engine rules (CHK-*). */
export function readmeRulesTable(): string {
  return rulesTableMarkdown([...ALL_RULES, ...ENGINE_RULES]);
}

/** The README text with the generated table between the markers, or undefined when the markers are missing. */
export function withRulesTable(readme: string, table: string = readmeRulesTable()): string | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The table currently between the markers, or undefined when the markers are missing. */
export function extractRulesTable(readme: string): string | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + TABLE_START.length, end).trim();
}

function main(argv: string[]): number {
  const readmePath = path.join(__dirname, '..', '..', 'README.md');
  if (!argv.includes('--write')) {
    process.stdout.write(`${readmeRulesTable()}\n`);
    return 0;
  }
  const readme = fs.readFileSync(readmePath, 'utf8');
  const updated = withRulesTable(readme);
  if (updated === undefined) {
    process.stderr.write(`README.md has no ${TABLE_START} … ${TABLE_END} markers; add them where the table belongs\n`);
    return 1;
  }
  if (updated !== readme) fs.writeFileSync(readmePath, updated);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
