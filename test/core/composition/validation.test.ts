import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { describeJsonSchema, validateWithSchema } from '../../../core/index.js';

async function issues(schema: z.ZodType, value: unknown, prefix = 'x'): Promise<string[]> {
  const r = await validateWithSchema(schema, value, prefix);
  if (r.ok) throw new Error('expected validation to fail');
  return r.issues;
}

describe('describeJsonSchema', () => {
  it('gives every bound of a number', () => {
    expect(describeJsonSchema({ type: 'integer', minimum: 256, maximum: 65507 })).toBe('an integer ≥ 256 and ≤ 65507');
    expect(describeJsonSchema({ type: 'number', exclusiveMinimum: 0 })).toBe('a number > 0');
  });

  it('lists the alternatives of a union, leaving out those it cannot name and naming objects by their keys', () => {
    expect(describeJsonSchema({ anyOf: [{ type: 'string' }, { type: 'object', properties: { use: {}, options: {} } }, {}] })).toBe('a string or { use, options }');
    expect(describeJsonSchema({ anyOf: [{}, {}] })).toBe('a valid value');
  });

  it('gives the length of strings and arrays', () => {
    expect(describeJsonSchema({ type: 'string', minLength: 1 })).toBe('a non-empty string');
    expect(describeJsonSchema({ type: 'string', minLength: 2, maxLength: 8 })).toBe('a string of 2 to 8 characters');
    expect(describeJsonSchema({ type: 'array', minItems: 1 })).toBe('an array of at least 1 item');
  });
});

describe('validateWithSchema messages', () => {
  it('names a missing key as required', async () => {
    expect(await issues(z.object({ port: z.number() }), {})).toEqual(['x.port: required; expected a number, got nothing']);
  });

  it('describes the whole constraint of a value, whichever check failed', async () => {
    const schema = z.object({ n: z.number().int().min(1).max(9) });
    expect(await issues(schema, { n: 0 })).toEqual(['x.n: expected an integer ≥ 1 and ≤ 9, got 0']);
    expect(await issues(schema, { n: 10 })).toEqual(['x.n: expected an integer ≥ 1 and ≤ 9, got 10']);
    expect(await issues(schema, { n: 'a' })).toEqual(['x.n: expected an integer ≥ 1 and ≤ 9, got "a"']);
  });

  it('reads a custom message as what is expected', async () => {
    expect(await issues(z.string().regex(/^a+$/, 'a run of "a"'), 'b')).toEqual(['x: expected a run of "a", got "b"']);
    expect(await issues(z.string().regex(/^a+$/, 'Expected a run of "a"'), 'b')).toEqual(['x: expected a run of "a", got "b"']);
  });

  it('reports a union by the one alternative whose type the value has', async () => {
    const schema = z.union([z.string(), z.object({ port: z.number() })]);
    expect(await issues(schema, { port: 'a' })).toEqual(['x.port: expected a number, got "a"']);
    expect(await issues(schema, 5)).toEqual(['x: expected a string or { port }, got 5']);
  });
});
