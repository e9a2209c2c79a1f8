import * as fs from 'fs';
import * as path from 'path';
import { Severity } from '../../src/check/findings';
import { TABLE_END, TABLE_START, extractRulesTable, readmeRulesTable, rulesTableMarkdown, withRulesTable } from '../../src/check/rules-table';

const FIX = 'run `npx ts-node -T src/check/rules-table.ts --write` to regenerate it';

describe('README rules table', () => {
  test('rulesTableMarkdown renders ID | istioctl code | severity | istioctl level where it differs | summary', () => {
    expect(rulesTableMarkdown([
      { id: 'GWX-DUP-001', code: 'IST0145', severity: Severity.ERROR, summary: 'a | b' },
      { id: 'GWX-PORT-001', code: 'IST0162', severity: Severity.ERROR, istioctlLevel: 'warning — ours error: unreachable', summary: 'd' },
      { id: 'GW-SEL-001', severity: Severity.WARNING, summary: 'c' },
    ])).toBe([
      '| ID | istioctl code | severity | istioctl level, where ours differs (why) | summary |',
      '|---|---|---|---|---|',
      '| GWX-DUP-001 | IST0145 | error |  | a \\| b |',
      '| GWX-PORT-001 | IST0162 | error | warning — ours error: unreachable | d |',
      '| GW-SEL-001 |  | warning |  | c |',
    ].join('\n'));
  });

  test('withRulesTable replaces only the text between the markers', () => {
    const readme = `# x\n${TABLE_START}\nold\n${TABLE_END}\ntail\n`;
    expect(withRulesTable(readme, 'T')).toBe(`# x\n${TABLE_START}\nT\n${TABLE_END}\ntail\n`);
    expect(withRulesTable('# no markers', 'T')).toBeUndefined();
  });

  test('README.md contains exactly the generated table', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const current = extractRulesTable(readme);
    if (current === undefined) {
      throw new Error(`README.md lacks the ${TABLE_START} / ${TABLE_END} markers: add them where the rules table belongs, then ${FIX}`);
    }
    if (current !== readmeRulesTable()) {
      throw new Error(`the rules table in README.md is out of date: ${FIX}`);
    }
  });
});
