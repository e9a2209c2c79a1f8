/**
 * Tokens and character classes of the goyaml v2 scanner port (see scanner.ts).
 */

export const enum Tok {
  STREAM_START, STREAM_END, VERSION_DIRECTIVE, TAG_DIRECTIVE, DOCUMENT_START, DOCUMENT_END,
  BLOCK_SEQUENCE_START, BLOCK_MAPPING_START, BLOCK_END, FLOW_SEQUENCE_START, FLOW_SEQUENCE_END,
  FLOW_MAPPING_START, FLOW_MAPPING_END, BLOCK_ENTRY, FLOW_ENTRY, KEY, VALUE, ALIAS, ANCHOR, TAG, SCALAR,
}

export const enum Style { PLAIN, SINGLE, DOUBLE, LITERAL, FOLDED }

/**
 * A token; every token has the same fields (one object shape keeps the parser's property reads monomorphic). The
 * scanner reuses token objects (see Scanner.insert): a token read from the queue is valid until the next peek.
 */
export class Token {
  constructor(
    public type: Tok,
    public pos: number,
    public line: number,
    public col: number,
    /** Scalar value, anchor/alias name, tag handle, or %TAG handle. */
    public value: string = '',
    public style: Style = Style.PLAIN,
    /** Tag suffix, or %TAG prefix. */
    public suffix: string = '',
    public major: number = 0,
    public minor: number = 0,
  ) {}
}

/** A YAML syntax error at a 0-based line (goyaml's "yaml: line N: problem"). */
export class YamlSyntaxError extends Error {
  constructor(public readonly problem: string, public readonly line: number) {
    super(problem);
    this.name = 'YamlSyntaxError';
  }
}

/**
 * A YAML blank or line break (goyaml's is_blankz without NUL): what ends a `---` document indicator. The scanner keeps
 * module-local copies of its character classes (V8 inlines them); readDocuments (../yaml.ts) uses this one.
 */
export const isBlankOrBreak = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;

export const isAlpha = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
export const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
export const hexVal = (c: number) => (c <= 57 ? c - 48 : c <= 70 ? c - 55 : c - 87);

/** Characters a plain scalar may not start with, except as below (goyaml fetch_next_token): a table, read per token. */
export const NOT_PLAIN_START = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@`') NOT_PLAIN_START[c.charCodeAt(0)] = 1;
