import { describe, expect, it } from 'vitest';
import { FlatSchemaValidator } from '../../src/safety/elicitation-validator.js';

/** The validator that replaces the SDK's Ajv for elicitation answers (flat primitive schemas only). */
const validate = (schema: object, input: unknown) =>
  new FlatSchemaValidator().getValidator(schema as never)(input);

const confirmSchema = {
  type: 'object',
  properties: { confirm: { type: 'boolean', default: false } },
  required: ['confirm'],
};

describe('FlatSchemaValidator', () => {
  it('accepts the confirmation answer and hands the data back', () => {
    expect(validate(confirmSchema, { confirm: true })).toEqual({
      valid: true,
      data: { confirm: true },
      errorMessage: undefined,
    });
  });

  it.each([
    [{}, "must have required property 'confirm'"],
    [{ confirm: 'yes' }, '/confirm must be boolean'],
    [null, 'must be an object'],
    [[true], 'must be an object'],
  ])('rejects %j: %s', (input, message) => {
    expect(validate(confirmSchema, input)).toEqual({ valid: false, data: undefined, errorMessage: message });
  });

  it('checks strings, numbers, integers and enums with their bounds', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 2, maxLength: 4 },
        size: { type: 'number', minimum: 1, maximum: 10 },
        count: { type: 'integer' },
        mode: { type: 'string', enum: ['a', 'b'] },
      },
      additionalProperties: false,
    };
    expect(validate(schema, { name: 'abc', size: 2.5, count: 3, mode: 'a' }).valid).toBe(true);
    expect(validate(schema, { name: 'a' }).errorMessage).toBe('/name must NOT have fewer than 2 characters');
    expect(validate(schema, { name: 'abcde' }).errorMessage).toBe(
      '/name must NOT have more than 4 characters',
    );
    expect(validate(schema, { size: 11 }).errorMessage).toBe('/size must be <= 10');
    expect(validate(schema, { size: Number.NaN }).errorMessage).toBe('/size must be number');
    expect(validate(schema, { count: 1.5 }).errorMessage).toBe('/count must be integer');
    expect(validate(schema, { mode: 'c' }).errorMessage).toBe(
      '/mode must be equal to one of the allowed values',
    );
    expect(validate(schema, { extra: 1 }).errorMessage).toBe("must NOT have additional property 'extra'");
  });
});
