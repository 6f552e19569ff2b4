/**
 * Validation of stack configs and plugin options with readable errors:
 * every message names the config path, the expected value and what was
 * given, e.g. `transport.options.minRto: expected a number ≥ 1, got "abc"`,
 * and says when a required key is missing:
 * `transport: required; expected a plugin name or { use, options }, got nothing`.
 *
 * Zod schemas get messages derived from their JSON Schema: the whole
 * constraint of the value's schema (`an integer ≥ 256 and ≤ 65507`, whichever
 * bound was missed), unions listed by their alternatives, and a union whose
 * input matched the type of exactly one alternative reported by that
 * alternative's own problems. A custom zod message names what is expected
 * (`'a hex string'`, or `'expected a hex string'`); `expected ` is prepended
 * when missing. Any other Standard Schema is validated through
 * `~standard.validate` and its own messages are used.
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

/** What {@link describeJsonSchema} says of a schema that constrains nothing it can name (e.g. a zod custom check). */
const ANY_VALUE = 'a valid value';

/** Objects with at most this many properties are described by their keys (`{ use, options }`) when they are one alternative of several. */
const MAX_KEYS_SHOWN = 4;

function plural(n: unknown, word: string): string {
  return `${String(n)} ${word}${Number(n) === 1 ? '' : 's'}`;
}

function sizeBounds(min: unknown, max: unknown, word: string): string {
  const hasMin = typeof min === 'number' && min > 0;
  const hasMax = typeof max === 'number';
  if (hasMin && hasMax) return min === max ? ` of exactly ${plural(min, word)}` : ` of ${String(min)} to ${plural(max, word)}`;
  if (hasMin) return ` of at least ${plural(min, word)}`;
  if (hasMax) return ` of at most ${plural(max, word)}`;
  return '';
}

function describeAlternatives(alts: readonly JsonSchema[]): string {
  const all = alts.map((a) => describeSchema(a, true));
  const named = all.filter((d) => d !== ANY_VALUE);
  const unique = [...new Set(named.length > 0 ? named : all)];
  return unique.join(' or ') || ANY_VALUE;
}

function describeSchema(s: JsonSchema, alternative: boolean): string {
  if (Array.isArray(s.enum)) return s.enum.length === 1 ? JSON.stringify(s.enum[0]) : `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in s) return JSON.stringify(s.const);
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alts)) return describeAlternatives(alts);
  if (Array.isArray(s.type)) return describeAlternatives(s.type.map((type: unknown) => ({ ...s, type })));
  switch (s.type) {
    case 'integer':
    case 'number': {
      const bounds: string[] = [];
      if (typeof s.minimum === 'number' && s.minimum > Number.MIN_SAFE_INTEGER) bounds.push(`≥ ${s.minimum}`);
      if (typeof s.exclusiveMinimum === 'number') bounds.push(`> ${s.exclusiveMinimum}`);
      if (typeof s.maximum === 'number' && s.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${s.maximum}`);
      if (typeof s.exclusiveMaximum === 'number') bounds.push(`< ${s.exclusiveMaximum}`);
      if (typeof s.multipleOf === 'number') bounds.push(`a multiple of ${s.multipleOf}`);
      return `${s.type === 'integer' ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
    }
    case 'string': {
      const nonEmpty = s.minLength === 1 && typeof s.maxLength !== 'number';
      const base = nonEmpty ? 'a non-empty string' : `a string${sizeBounds(s.minLength, s.maxLength, 'character')}`;
      if (typeof s.format === 'string') return `${base} in ${s.format} format`;
      if (typeof s.pattern === 'string') return `${base} matching /${s.pattern}/`;
      return base;
    }
    case 'array':
      return `an array${sizeBounds(s.minItems, s.maxItems, 'item')}`;
    case 'object': {
      const keys = typeof s.properties === 'object' && s.properties !== null ? Object.keys(s.properties) : [];
      return alternative && keys.length > 0 && keys.length <= MAX_KEYS_SHOWN ? `{ ${keys.join(', ')} }` : 'an object';
    }
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
    default:
      return ANY_VALUE;
  }
}

/**
 * Describe what a JSON Schema accepts, in a few words: `an integer ≥ 256 and ≤ 65507`,
 * `one of "a", "b"`, `a non-empty string`, `an array of at least 1 item`; the
 * alternatives of `anyOf` / `oneOf` joined with "or" (objects among them by
 * their keys, `{ use, options }`; alternatives that constrain nothing nameable
 * left out). A schema that constrains nothing nameable is `a valid value`.
 */
export function describeJsonSchema(s: JsonSchema): string {
  return describeSchema(s, false);
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

/** True when `path` names a key its (object) parent does not have: a missing value, not a wrong one. */
function isMissing(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0 || valueAt(root, path) !== undefined) return false;
  const parent = valueAt(root, path.slice(0, -1));
  return typeof parent === 'object' && parent !== null && !Array.isArray(parent);
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
  inst?: unknown;
  schema?: unknown;
  expected?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
}

function isZodSchema(value: unknown): value is z.core.$ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value && typeof (value as { _zod: { def?: { type?: unknown } } })._zod.def?.type === 'string';
}

/** What a zod schema accepts, from its JSON Schema; undefined when it cannot be converted or names nothing. */
function describeZod(schema: unknown): string | undefined {
  if (!isZodSchema(schema)) return undefined;
  try {
    const described = describeJsonSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
    return described === ANY_VALUE ? undefined : described;
  } catch {
    return undefined;
  }
}

/** The bound alone, for a size issue whose schema cannot be described. */
function boundOf(iss: RawZodIssue): string {
  const small = iss.code === 'too_small';
  const limit = String(small ? iss.minimum : iss.maximum);
  if (iss.origin === 'string') return `a string of ${small ? 'at least' : 'at most'} ${plural(limit, 'character')}`;
  if (iss.origin === 'array') return `${small ? 'at least' : 'at most'} ${plural(limit, 'item')}`;
  const op = small ? (iss.inclusive ? '≥' : '>') : iss.inclusive ? '≤' : '<';
  return `a number ${op} ${limit}`;
}

/** The message of a zod issue that has no custom message: what the value's schema accepts as a whole. */
function expectationOf(iss: RawZodIssue): string {
  switch (iss.code) {
    case 'invalid_value':
      return `expected ${(iss.values ?? []).length === 1 ? JSON.stringify(iss.values?.[0]) : `one of ${(iss.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
      const allowed = shape ? Object.keys(shape) : [];
      const keys = (iss.keys ?? []).map((k) => JSON.stringify(k)).join(', ');
      return `unknown key ${keys}${allowed.length ? `; allowed keys: ${allowed.join(', ')}` : ''}`;
    }
    case 'custom':
      // A refinement without a message: the type was right, so describing the schema would mislead.
      return `expected ${ANY_VALUE}`;
    case 'too_small':
    case 'too_big':
      return `expected ${describeZod(iss.schema ?? iss.inst) ?? boundOf(iss)}`;
    default:
      return `expected ${describeZod(iss.schema ?? iss.inst) ?? iss.expected ?? ANY_VALUE}`;
  }
}

/** A custom message reads as an expectation: `expected ` is added when it does not start so. */
function asExpectation(message: string): string {
  if (/^(expected |unknown key )/.test(message)) return message;
  if (/^Expected /.test(message)) return `e${message.slice(1)}`;
  return `expected ${message}`;
}

/**
 * The issues to report for one zod issue: a union whose input had the type of
 * exactly one alternative (its problems all lie inside the value) is reported
 * by that alternative's problems, e.g. `transport.options: expected an object`
 * rather than "expected a plugin name or { use, options }".
 */
function expandUnions(iss: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (iss.code !== 'invalid_union' || iss.errors.length === 0) return [iss];
  const matched = iss.errors.filter((branch) => branch.length > 0 && branch.every((b) => b.path.length > 0));
  if (matched.length !== 1) return [iss];
  return matched[0]!.flatMap((b) => expandUnions({ ...b, path: [...iss.path, ...b.path] } as z.core.$ZodIssue));
}

function isZod(schema: unknown): schema is z.ZodType {
  return isZodSchema(schema) && 'safeParseAsync' in schema;
}

/**
 * Validate `value` against `schema` and format issues with paths under `prefix`:
 * `<path>: expected <what>, got <value>`, with `required; ` before `expected`
 * when the key is missing, or `<path>: unknown key "k"; allowed keys: …`.
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
    const r = await schema.safeParseAsync(value, { error: (iss) => expectationOf(iss as unknown as RawZodIssue) });
    if (r.success) return { ok: true, value: r.data as T };
    const found = r.error.issues.flatMap(expandUnions);
    const issues = found.map((iss) => {
      const path = joinPath(prefix, iss.path);
      if (iss.code === 'unrecognized_keys') return `${path}: ${iss.message}`;
      const required = isMissing(value, iss.path) ? 'required; ' : '';
      return `${path}: ${required}${asExpectation(iss.message)}, got ${formatGot(valueAt(value, iss.path))}`;
    });
    return { ok: false, issues, firstPath: joinPath(prefix, found[0]?.path ?? []) };
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
