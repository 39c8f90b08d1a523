import type {
  JsonSchemaType,
  JsonSchemaValidator,
  JsonSchemaValidatorResult,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * Validates what a client answers to an elicitation (the only thing the SDK server validates with
 * JSON Schema). MCP restricts elicitation schemas to a flat object of primitive properties, so this
 * covers exactly that: object, required keys, string/number/integer/boolean types, enum, string length
 * and number bounds. It replaces the SDK's default Ajv validator, whose ~1 MB of code would otherwise
 * be loaded at every start-up for one boolean checkbox (see tsup.config.ts).
 */
export class FlatSchemaValidator implements jsonSchemaValidator {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    return (input: unknown): JsonSchemaValidatorResult<T> => {
      const problem = checkObject(schema, input);
      return problem
        ? { valid: false, data: undefined, errorMessage: problem }
        : { valid: true, data: input as T, errorMessage: undefined };
    };
  }
}

type Property = {
  type?: unknown;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

function checkObject(schema: JsonSchemaType, input: unknown): string | undefined {
  if (schema.type !== undefined && schema.type !== 'object') return 'only object schemas are supported';
  if (!input || typeof input !== 'object' || Array.isArray(input)) return 'must be an object';
  const value = input as Record<string, unknown>;
  for (const key of schema.required ?? []) {
    if (!(key in value)) return `must have required property '${key}'`;
  }
  const properties = (schema.properties ?? {}) as Record<string, Property | boolean>;
  for (const [key, v] of Object.entries(value)) {
    const prop = properties[key];
    if (prop === undefined) {
      if (schema.additionalProperties === false) return `must NOT have additional property '${key}'`;
      continue;
    }
    if (typeof prop === 'boolean') {
      if (!prop) return `/${key} is not allowed`;
      continue;
    }
    const problem = checkPrimitive(prop, v);
    if (problem) return `/${key} ${problem}`;
  }
  return undefined;
}

function checkPrimitive(prop: Property, v: unknown): string | undefined {
  const type = prop.type;
  if (type === 'string' && typeof v !== 'string') return 'must be string';
  if (type === 'boolean' && typeof v !== 'boolean') return 'must be boolean';
  if (type === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) return 'must be number';
  if (type === 'integer' && !Number.isInteger(v)) return 'must be integer';
  if (prop.enum && !prop.enum.some((e) => e === v)) return 'must be equal to one of the allowed values';
  if (typeof v === 'string') {
    if (prop.minLength !== undefined && v.length < prop.minLength)
      return `must NOT have fewer than ${prop.minLength} characters`;
    if (prop.maxLength !== undefined && v.length > prop.maxLength)
      return `must NOT have more than ${prop.maxLength} characters`;
  }
  if (typeof v === 'number') {
    if (prop.minimum !== undefined && v < prop.minimum) return `must be >= ${prop.minimum}`;
    if (prop.maximum !== undefined && v > prop.maximum) return `must be <= ${prop.maximum}`;
  }
  return undefined;
}
