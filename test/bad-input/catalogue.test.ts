/**
 * Runs every bad input of the catalogue: construct entries must throw (at construction or at synth) a message that
 * names the construct path; CLI entries must exit 0/1/2 with the expected output and never print a stack trace.
 */
import { App } from 'cdk8s';
import { BadInput, catalogue, cleanupCatalogue, CliResult } from './catalogue';

const entries = catalogue();
afterAll(cleanupCatalogue);

test('the catalogue has at least 100 distinct entries', () => {
  expect(entries.length).toBeGreaterThanOrEqual(100);
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  expect(new Set(entries.map((e) => e.description)).size).toBe(entries.length);
});

function isCli(r: unknown): r is CliResult {
  return typeof r === 'object' && r !== null && 'code' in r && 'stderr' in r;
}

test.each(entries.map((e) => [e.id, e] as [string, BadInput]))('%s', async (_id, entry) => {
  let result: App | CliResult | undefined;
  let error: unknown;
  try {
    result = await entry.run();
    if (!isCli(result)) result.synthYaml();
  } catch (e) {
    error = e;
  }
  if (isCli(result)) {
    const text = `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
    expect([0, 1, 2]).toContain(result.code);
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
    expect(text).not.toMatch(/internal error/);
    expect(text).toMatch(entry.expect);
    return;
  }
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  expect(e).not.toBeInstanceOf(TypeError);
  expect(e.message).toMatch(/\[[^\]]+\]/); // names a construct path
  expect(e.message).not.toMatch(/\[object Object\]/);
  expect(e.message).toMatch(entry.expect);
});
