/**
 * ajv errors → SCH-OAS-001 issues with messages that name the field, the value and the fix.
 */
import type { ErrorObject } from 'ajv';
import { Severity } from '../findings';
import { isRecord } from '../model';
import { child, describe, lastSegment, show } from './paths';
import { SCHEMA_RULE_IDS, SchemaIssue } from './types';

function pointerToPath(pointer: string, root: unknown): { path: string; value: unknown } {
  if (pointer === '') return { path: '', value: root };
  let p = '';
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      p = child(p, Number(seg));
      cur = cur[Number(seg)];
    } else {
      p = child(p, seg);
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return { path: p, value: cur };
}

function requiredOf(branches: unknown): string[][] {
  if (!Array.isArray(branches)) return [];
  return branches.map((b) => (isRecord(b) && Array.isArray(b.required) ? (b.required as string[]) : [])).filter((r) => r.length > 0);
}

const TYPE_WORD: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean', object: 'an object', array: 'a list', null: 'null' };

function typeFix(value: unknown, expected: string[], field: string): string {
  if (typeof value === 'string' && expected.some((t) => t === 'integer' || t === 'number') && value.trim() !== '' && !isNaN(Number(value))) {
    return `write ${value} without quotes`;
  }
  if (typeof value === 'boolean' && expected.includes('string')) {
    return `quote the value ("${value}"); YAML 1.1 reads yes/no/on/off/y/n/true/false as booleans`;
  }
  if (typeof value === 'number' && expected.includes('string')) {
    return `quote the value ("${value}"); unquoted it is a number (YAML 1.1 reads 0777 as octal 511 and 1_000 as 1000)`;
  }
  if (expected.includes('array') && !Array.isArray(value)) return `make ${field} a list, e.g. ${field}: [${value === null ? '' : show(value)}]`;
  return `give ${field} ${expected.map((t) => TYPE_WORD[t] ?? t).join(' or ')}`;
}

function issueFromAjv(e: ErrorObject, data: unknown): SchemaIssue | undefined {
  const { path: p, value } = pointerToPath(e.instancePath, data);
  const field = lastSegment(p) || 'the object';
  const base = { rule: SCHEMA_RULE_IDS.oas, severity: Severity.ERROR };
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const rp = child(p, missing);
      return { ...base, path: rp, message: `${rp} is required but missing`, fix: `set ${missing}${p ? ` in ${p}` : ''}` };
    }
    case 'type': {
      const expected = String(params.type).split(',');
      return {
        ...base,
        path: p,
        message: `${p} is ${describe(value)}; it must be ${expected.map((t) => TYPE_WORD[t] ?? t).join(' or ')}`,
        fix: typeFix(value, expected, field),
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).filter((x) => x !== null);
      const ci = typeof value === 'string' ? allowed.find((a) => typeof a === 'string' && a.toLowerCase() === value.toLowerCase()) : undefined;
      return {
        ...base,
        path: p,
        message: `${p} is ${show(value)}; it must be one of ${allowed.map((a) => String(a)).join(', ')}`,
        fix: ci !== undefined ? `write ${String(ci)} (values are case-sensitive)` : `use one of ${allowed.map((a) => String(a)).join(', ')}`,
      };
    }
    case 'pattern':
      return { ...base, path: p, message: `${p} is ${show(value)}, which does not match the pattern ${String(params.pattern)}`, fix: `change ${field} to match ${String(params.pattern)}` };
    case 'format':
      return { ...base, path: p, message: `${p} is ${show(value)}, which is not a valid ${String(params.format)}`, fix: `give ${field} a valid ${String(params.format)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const cmp = String(params.comparison);
      return { ...base, path: p, message: `${p} is ${show(value)}; it must be ${cmp} ${String(params.limit)}`, fix: `use a value ${cmp} ${String(params.limit)}` };
    }
    case 'minLength':
    case 'maxLength': {
      const lim = Number(params.limit);
      const word = e.keyword === 'minLength' ? 'at least' : 'at most';
      return { ...base, path: p, message: `${p} is ${show(value)}; it must be ${word} ${lim} characters long`, fix: `use ${word} ${lim} characters` };
    }
    case 'minItems':
    case 'maxItems': {
      const lim = Number(params.limit);
      const word = e.keyword === 'minItems' ? 'at least' : 'at most';
      const n = Array.isArray(value) ? value.length : 0;
      return { ...base, path: p, message: `${p} has ${n} item${n === 1 ? '' : 's'}; it must have ${word} ${lim}`, fix: `give ${field} ${word} ${lim} item${lim === 1 ? '' : 's'}` };
    }
    case 'minProperties':
    case 'maxProperties': {
      const lim = Number(params.limit);
      const word = e.keyword === 'minProperties' ? 'at least' : 'at most';
      return { ...base, path: p, message: `${p} must have ${word} ${lim} field${lim === 1 ? '' : 's'}`, fix: `set ${word} ${lim} field${lim === 1 ? '' : 's'} in ${field}` };
    }
    case 'uniqueItems':
      return { ...base, path: p, message: `${p} has duplicate items (items ${String(params.j)} and ${String(params.i)})`, fix: `remove the duplicate from ${field}` };
    case 'multipleOf':
      return { ...base, path: p, message: `${p} is ${show(value)}; it must be a multiple of ${String(params.multipleOf)}`, fix: `use a multiple of ${String(params.multipleOf)}` };
    case 'oneOf': {
      const groups = requiredOf(e.schema);
      const names = groups.map((g) => g.join('+'));
      const optional = Array.isArray(e.schema) && (e.schema as unknown[]).some((b) => isRecord(b) && b.not !== undefined);
      const set = isRecord(value) ? groups.filter((g) => g.every((k) => k in (value as Record<string, unknown>))).map((g) => g.join('+')) : [];
      if (names.length > 0 && set.length > 1) {
        return { ...base, path: p, message: `${p || 'the object'} sets ${set.join(' and ')}, but only one of ${names.join(', ')} may be set`, fix: `keep one of ${set.join(', ')} and remove the others` };
      }
      if (names.length > 0) {
        return { ...base, path: p, message: `${p || 'the object'} must set ${optional ? 'at most' : 'exactly'} one of ${names.join(', ')}`, fix: `set one of ${names.join(', ')}` };
      }
      return { ...base, path: p, message: `${p || 'the object'} does not match exactly one of the allowed forms`, fix: 'check the field against the CRD reference' };
    }
    case 'anyOf': {
      const groups = requiredOf(e.schema);
      if (groups.length > 0) {
        const names = groups.map((g) => g.join('+'));
        return { ...base, path: p, message: `${p || 'the object'} must set at least one of ${names.join(', ')}`, fix: `set one of ${names.join(', ')}` };
      }
      return { ...base, path: p, message: `${p} is ${describe(value)}, which matches none of the allowed forms`, fix: 'check the field against the CRD reference' };
    }
    case 'not':
      return { ...base, path: p, message: `${p || 'the object'} uses a combination of fields that is not allowed`, fix: 'check the field against the CRD reference' };
    default:
      return { ...base, path: p, message: `${p || 'the object'} ${e.message ?? 'is invalid'}`, fix: 'check the field against the CRD reference' };
  }
}

export function ajvIssues(errors: readonly ErrorObject[] | null | undefined, data: unknown): SchemaIssue[] {
  if (!errors) return [];
  const out: SchemaIssue[] = [];
  for (const e of errors) {
    // Errors inside failed oneOf/anyOf/not branches are explained by the combinator's own error.
    if (/\/(oneOf|anyOf|not)(\/|$)/.test(e.schemaPath.replace(/\/(oneOf|anyOf|not)$/, ''))) continue;
    const i = issueFromAjv(e, data);
    if (i) out.push(i);
  }
  return out;
}

