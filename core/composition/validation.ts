/**
 * Validation of stack configs and plugin options with readable errors:
 * every message names the config path, the expected value and what was
 * given, e.g. `transport.options.mss: expected an integer ≥ 536, got "abc"`.
 *
 * Zod schemas get messages derived from their JSON Schema; any other
 * Standard Schema is validated through `~standard.validate` and its own
 * messages are used.
 *
 * @module
 */
import { z } from 'zod';
import type { StandardSchemaV1, StandardSchemaV1Issue } from '../contracts/standard-schema.js';

/** A successful {@link validateWithSchema}. */
export interface ValidationSuccess<T> {
  /** True. */
  readonly ok: true;
  /** The validated value (defaults applied). */
  readonly value: T;
}

/** A failed {@link validateWithSchema}. */
export interface ValidationFailure {
  /** False. */
  readonly ok: false;
  /** One line per problem, each starting with its config path. */
  readonly issues: string[];
  /** Path of the first problem. */
  readonly firstPath: string;
}

/** Result of {@link validateWithSchema}. */
export type ValidationResult<T> = ValidationSuccess<T> | ValidationFailure;

/** A JSON Schema document (an object). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Describe what a JSON Schema accepts, in a few words ("an integer ≥ 536", "one of \"a\", \"b\""). */
export function describeJsonSchema(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in s) return JSON.stringify(s.const);
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alts)) return alts.map(describeJsonSchema).join(' or ');
  const type = s.type;
  const bounds: string[] = [];
  if (typeof s.minimum === 'number' && s.minimum > Number.MIN_SAFE_INTEGER) bounds.push(`≥ ${s.minimum}`);
  if (typeof s.exclusiveMinimum === 'number') bounds.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.maximum === 'number' && s.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${s.maximum}`);
  if (typeof s.exclusiveMaximum === 'number') bounds.push(`< ${s.exclusiveMaximum}`);
  const b = bounds.length ? ` ${bounds.join(' and ')}` : '';
  switch (type) {
    case 'integer':
      return `an integer${b}`;
    case 'number':
      return `a number${b}`;
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'null':
      return 'null';
    default:
      return 'a valid value';
  }
}

/** Format a value for an error message. */
export function formatGot(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out || '(root)';
}

interface RawZodIssue {
  code: string;
  input?: unknown;
  inst?: unknown;
  expected?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  message?: string;
}

function expectationOf(iss: RawZodIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
    case 'invalid_union':
      try {
        return `expected ${describeJsonSchema(z.toJSONSchema(iss.inst as z.ZodType, { unrepresentable: 'any' }) as JsonSchema)}`;
      } catch {
        return iss.expected ? `expected ${iss.expected}` : undefined;
      }
    case 'invalid_value':
      return `expected one of ${(iss.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const small = iss.code === 'too_small';
      const limit = String(small ? iss.minimum : iss.maximum);
      const op = small ? (iss.inclusive ? '≥' : '>') : iss.inclusive ? '≤' : '<';
      if (iss.origin === 'string') return `expected a string of ${small ? 'at least' : 'at most'} ${limit} characters`;
      if (iss.origin === 'array') return `expected ${small ? 'at least' : 'at most'} ${limit} items`;
      return `expected a number ${op} ${limit}`;
    }
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
      const allowed = shape ? Object.keys(shape) : [];
      const keys = (iss.keys ?? []).map((k) => JSON.stringify(k)).join(', ');
      return `unknown key ${keys}${allowed.length ? `; allowed keys: ${allowed.join(', ')}` : ''}`;
    }
    default:
      return undefined;
  }
}

function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema && 'safeParseAsync' in schema;
}

/**
 * Validate `value` against `schema` and format issues with paths under `prefix`.
 * @param schema - a Standard Schema (zod gets richer messages)
 * @param value - the value to validate
 * @param prefix - config path of `value` (e.g. `transport.options`)
 */
export async function validateWithSchema<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
  prefix: string,
): Promise<ValidationResult<T>> {
  if (isZod(schema)) {
    const r = await schema.safeParseAsync(value, {
      error: (iss) => {
        const e = expectationOf(iss as unknown as RawZodIssue);
        return e === undefined ? undefined : e;
      },
    });
    if (r.success) return { ok: true, value: r.data as T };
    const issues = r.error.issues.map((iss) => {
      const path = joinPath(prefix, iss.path);
      const got = iss.code === 'unrecognized_keys' ? '' : `, got ${formatGot(valueAt(value, iss.path))}`;
      return `${path}: ${iss.message}${got}`;
    });
    return { ok: false, issues, firstPath: joinPath(prefix, r.error.issues[0]?.path ?? []) };
  }
  const result = await schema['~standard'].validate(value);
  if (result.issues === undefined) return { ok: true, value: result.value };
  const issues = result.issues.map((iss: StandardSchemaV1Issue) => {
    const p = (iss.path ?? []).map((k) => (typeof k === 'object' && k !== null && 'key' in k ? k.key : k)) as PropertyKey[];
    return `${joinPath(prefix, p)}: ${iss.message}, got ${formatGot(valueAt(value, p))}`;
  });
  const p0 = (result.issues[0]?.path ?? []).map((k) => (typeof k === 'object' && k !== null && 'key' in k ? k.key : k)) as PropertyKey[];
  return { ok: false, issues, firstPath: joinPath(prefix, p0) };
}
