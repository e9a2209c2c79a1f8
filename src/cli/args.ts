/**
 * Argument parsing shared by the CLI's commands: node's `util.parseArgs` for the tokens, our own messages for
 * what it accepts leniently (unknown options, missing values), so every usage error reads the same.
 */
import { parseArgs } from 'util';

/** Bad usage: the CLI prints `error: <message>` and the usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option of a command: a flag (`boolean`) or an option with a value (`string`). */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

/** Options (last occurrence wins) and positionals (everything after `--` too; a lone `-` is stdin). */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parses a command's arguments. `--opt value`, `--opt=value`, `-o value`; unknown options and options without a
 * value are {@link UsageError}s naming the option as typed.
 */
export function parseCommandArgs(args: readonly string[], options: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(options)) config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  // strict: false so that unknown options and missing values come back as tokens and get our messages
  const { tokens } = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: false, tokens: true });
  const values: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') {
      positionals.push(t.value);
    } else if (t.kind === 'option') {
      const spec = Object.prototype.hasOwnProperty.call(options, t.name) ? options[t.name] : undefined;
      if (!spec) throw new UsageError(`unknown option ${t.rawName}`);
      if (spec.type === 'string') {
        if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value`);
        values[t.name] = t.value;
      } else {
        if (t.inlineValue) throw new UsageError(`${t.rawName} takes no value`);
        values[t.name] = true;
      }
    }
  }
  return { values, positionals };
}

/** `value` if it is one of `allowed`, else a {@link UsageError} naming the flag and the choices. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, 'k': 1e3, 'm': 1e6, 'g': 1e9, 'ki': 2 ** 10, 'mi': 2 ** 20, 'gi': 2 ** 30,
};

/** A byte count: `1048576`, `512Mi`, `1Gi`, `500M` (Kubernetes quantity suffixes, decimal or binary). */
export function parseByteSize(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]i?)?$/.exec(value.trim());
  const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive number of bytes such as 268435456, 256Mi or 1Gi, not "${value}"`);
  }
  return n;
}
