import fc, { type Arbitrary } from 'fast-check';

/** The part of JSON Schema (draft 2020-12, as zod writes it) the description's operations use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
}

export type Resolve = (ref: string) => JsonSchema;

/** Strings a careless parser, marshaller or logger trips over. */
export const hostileString: Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '𝓤𝓷𝓲𝓬𝓸𝓭𝓮 ✓ 日本語 🛒',
    '\u202Egnp.exe',
    '../../etc/passwd',
    '%',
    '%zz',
    '%E0%A4%A',
    '<script>alert(1)</script>',
    "' OR '1'='1",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the probe
    '${jndi:ldap://x}',
    'constructor',
    '__proto__',
    'prototype',
    'toString',
    'NaN',
    '-0',
    '1e309',
    'null',
    'true',
    '[]',
    '{}',
  ),
  fc.integer({ min: 256, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** Values of every JSON type, nested a little, including the awkward ones. */
export const anyJson: Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.constantFrom(-1, 0, 1.5, -0, 2 ** 53 + 2, 1e308, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a'), fc.jsonValue({ maxDepth: 1 })),
);

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/**
 * Values the schema accepts (as far as a generator can tell: patterns and formats are honoured where
 * fast-check can), so requests get past validation and reach the handlers' own code.
 */
export const validValue = (schema: JsonSchema, resolve: Resolve, depth = 0): Arbitrary<unknown> => {
  if (schema.$ref) return validValue(resolve(schema.$ref), resolve, depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices?.length) return fc.oneof(...choices.map((choice) => validValue(choice, resolve, depth)));
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf), resolve, depth);
  const types = typesOf(schema);
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue({ ...schema, type }, resolve, depth)));
  switch (types[0]) {
    case 'object':
      return objectValue(schema, resolve, depth);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? minLength + 3, minLength + 3);
      return fc.array(schema.items ? validValue(schema.items, resolve, depth + 1) : anyJson, { minLength, maxLength });
    }
    case 'string':
      return stringValue(schema);
    case 'integer':
    case 'number':
      return numberValue(schema, types[0] === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return anyJson;
  }
};

const objectValue = (schema: JsonSchema, resolve: Resolve, depth: number): Arbitrary<Record<string, unknown>> => {
  const properties = schema.properties ?? {};
  const shape = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => [key, validValue(property, resolve, depth + 1)]),
  );
  return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
};

const stringValue = (schema: JsonSchema): Arbitrary<string> => {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, minLength + 40));
  if (schema.format === 'email') return fc.emailAddress().filter((email) => email.length <= maxLength);
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  if (schema.format === 'date') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((text) => text.length >= minLength && text.length <= maxLength);
  }
  return fc.string({ minLength, maxLength });
};

const numberValue = (schema: JsonSchema, integer: boolean): Arbitrary<number> => {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1e-6 : -1e6);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1e-6 : 1e6);
  if (integer || schema.multipleOf === 1) {
    return fc.integer({ min: Math.ceil(Math.max(min, -1e9)), max: Math.floor(Math.min(max, 1e9)) });
  }
  const value = fc.double({ min: Math.max(min, -1e9), max: Math.min(max, 1e9), noNaN: true, noDefaultInfinity: true });
  return schema.multipleOf
    ? value.map((n) => Math.round(n / (schema.multipleOf ?? 1)) * (schema.multipleOf ?? 1))
    : value;
};

/**
 * A value the schema should refuse or that probes its edges: one field of a valid object dropped, retyped,
 * made hostile, or joined by an unknown field; or any JSON at all.
 */
export const hostileValue = (schema: JsonSchema, resolve: Resolve): Arbitrary<unknown> => {
  const resolved = schema.$ref ? resolve(schema.$ref) : schema;
  const base = validValue(resolved, resolve);
  const mutations: Arbitrary<unknown>[] = [anyJson, hostileString];
  if (typesOf(resolved).includes('object') && resolved.properties) {
    const keys = Object.keys(resolved.properties);
    if (keys.length > 0) {
      const key = fc.constantFrom(...keys);
      mutations.push(
        fc.tuple(base, key).map(([value, dropped]) => {
          const copy = { ...(value as Record<string, unknown>) };
          delete copy[dropped];
          return copy;
        }),
        fc.tuple(base, key, anyJson).map(([value, field, replacement]) => ({
          ...(value as object),
          [field]: replacement,
        })),
      );
    }
    mutations.push(
      fc
        .tuple(base, fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor')), anyJson)
        .map(([value, field, extra]) => ({ ...(value as object), [field]: extra })),
    );
  }
  return fc.oneof(...mutations);
};

/** A JSON text nested this deep: parsers and validators that recurse can blow their stack on it. */
export const deeplyNested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
