import { BlockList, isIP } from 'node:net';

/**
 * EventBridge event-pattern matching, following the Amazon EventBridge User Guide ("Amazon EventBridge
 * event patterns", "Content filtering in Amazon EventBridge event patterns", "Arrays in ...", "Matching
 * null values and empty strings ...") and aws/event-ruler, the library EventBridge matches with, where
 * the guide is silent (validation messages, array-consistent matching, `$or` rules).
 *
 * A pattern is compiled once into a tree of predicates; compiling is also the validation, so a pattern
 * that compiles is one EventBridge would accept.
 */

export class InvalidEventPatternError extends Error {
  override name = 'InvalidEventPatternError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    // Same lead as EventBridge's InvalidEventPatternException, plus where, which AWS does not say.
    super(`Event pattern is not valid. Reason: ${reason}${path ? ` (at "${path}")` : ''}`);
  }
}

type Scalar = string | number | boolean | null;
type ValueTest = (value: Scalar) => boolean;
/** One element of a field's value list: `exists` looks at presence, the others at each leaf value. */
type Matcher = { exists: boolean } | { test: ValueTest };
type Field = { key: string; matchers: Matcher[] } | { key: string; node: ObjectNode };
interface ObjectNode {
  fields: Field[];
  /** Alternatives from `$or`, each evaluated against the same event object as the fields. */
  or?: ObjectNode[];
}

/** Operator names, which Event Ruler refuses as field names inside `$or` to keep the grammar unambiguous. */
const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
]);

/** Event Ruler's ComparableNumber range: numbers outside it cannot take part in numeric matching. */
const NUMERIC_LIMIT = 5e9;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const lower = (value: string): string => value.toLowerCase();

// --- compiling (and validating) ---------------------------------------------------------------

const compileObject = (pattern: unknown, path: string[], insideOr: boolean): ObjectNode => {
  const at = path.join('.');
  if (!isObject(pattern)) throw new InvalidEventPatternError(at, 'Filter is not an object');
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw new InvalidEventPatternError(at, 'Empty objects are not allowed');
  const node: ObjectNode = { fields: [] };
  for (const [key, value] of entries) {
    if (key === '$or') {
      node.or = compileOr(value, path);
      continue;
    }
    const fieldPath = [...path, key];
    if (insideOr && OPERATORS.has(key)) {
      throw new InvalidEventPatternError(
        fieldPath.join('.'),
        `${key} is a reserved word and cannot be a field inside $or`,
      );
    }
    if (Array.isArray(value)) node.fields.push({ key, matchers: compileValues(value, fieldPath.join('.')) });
    else if (isObject(value)) node.fields.push({ key, node: compileObject(value, fieldPath, insideOr) });
    else throw new InvalidEventPatternError(fieldPath.join('.'), `"${key}" must be an object or an array`);
  }
  return node;
};

const compileOr = (value: unknown, path: string[]): ObjectNode[] => {
  const at = [...path, '$or'].join('.');
  if (!Array.isArray(value)) throw new InvalidEventPatternError(at, '$or must be followed by an array');
  if (value.length < 2) throw new InvalidEventPatternError(at, '$or needs at least 2 objects');
  return value.map((branch) => {
    if (!isObject(branch)) throw new InvalidEventPatternError(at, 'Only JSON objects are allowed in $or');
    return compileObject(branch, path, true);
  });
};

const compileValues = (values: unknown[], at: string): Matcher[] => {
  if (values.length === 0) throw new InvalidEventPatternError(at, 'Empty arrays are not allowed');
  return values.map((value) => {
    if (isScalar(value)) return { test: exactly(value) };
    if (isObject(value)) return compileExpression(value, at);
    throw new InvalidEventPatternError(at, 'Match value must be String, number, true, false, null or an object');
  });
};

/**
 * Numbers compare by value: Event Ruler adds a numeric-equality matcher for every number in a
 * pattern, so 300 matches 3.0e2 (the older guide's "not considered equal" predates that).
 */
const exactly =
  (expected: Scalar): ValueTest =>
  (value) =>
    value === expected;

const expectString = (value: unknown, at: string, what: string): string => {
  if (typeof value !== 'string') throw new InvalidEventPatternError(at, `${what} match pattern must be a string`);
  return value;
};

const singleKey = (expression: Record<string, unknown>, at: string): [string, unknown] => {
  const entries = Object.entries(expression);
  const [first] = entries;
  if (!first) throw new InvalidEventPatternError(at, 'Match expression name not found');
  if (entries.length > 1) throw new InvalidEventPatternError(at, 'Only one key allowed in match expression');
  return first;
};

/** `prefix` and `suffix` take a string or `{ "equals-ignore-case": string }`. */
const compileAffix = (operator: 'prefix' | 'suffix', argument: unknown, at: string): ValueTest => {
  const has = (value: string, affix: string) =>
    operator === 'prefix' ? value.startsWith(affix) : value.endsWith(affix);
  if (isObject(argument)) {
    const [key, inner] = singleKey(argument, at);
    if (key !== 'equals-ignore-case') {
      throw new InvalidEventPatternError(at, `Unsupported ${operator} pattern: ${key}`);
    }
    const affix = lower(expectString(inner, at, `${operator}/equals-ignore-case`));
    return (value) => typeof value === 'string' && has(lower(value), affix);
  }
  const affix = expectString(argument, at, operator);
  return (value) => typeof value === 'string' && has(value, affix);
};

const compileExpression = (expression: Record<string, unknown>, at: string): Matcher => {
  const [operator, argument] = singleKey(expression, at);
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return { test: compileAffix(operator, argument, at) };
    case 'equals-ignore-case': {
      const expected = lower(expectString(argument, at, operator));
      return { test: (value) => typeof value === 'string' && lower(value) === expected };
    }
    case 'wildcard': {
      const regExp = wildcardRegExp(expectString(argument, at, operator), at);
      return { test: (value) => typeof value === 'string' && regExp.test(value) };
    }
    case 'anything-but': {
      const excluded = compileAnythingBut(argument, at);
      // Any present leaf value that is not excluded, whatever its type; a missing field never matches.
      return { test: (value) => !excluded(value) };
    }
    case 'numeric':
      return { test: compileNumeric(argument, at) };
    case 'exists':
      if (typeof argument !== 'boolean') {
        throw new InvalidEventPatternError(at, 'exists match pattern must be either true or false');
      }
      return { exists: argument };
    case 'cidr':
      return { test: compileCidr(expectString(argument, at, operator), at) };
    default:
      throw new InvalidEventPatternError(at, `Unrecognized match type ${operator}`);
  }
};

/** Returns the test for the values anything-but excludes. */
const compileAnythingBut = (argument: unknown, at: string): ValueTest => {
  if (typeof argument === 'string' || typeof argument === 'number') {
    checkNumber(argument, at);
    return exactly(argument);
  }
  if (Array.isArray(argument)) {
    const strings = argument.every((item) => typeof item === 'string');
    const numbers = argument.every((item) => typeof item === 'number');
    if (argument.length === 0 || (!strings && !numbers)) {
      throw new InvalidEventPatternError(at, 'Inside anything-but list, either all values are numbers or all strings');
    }
    for (const item of argument) checkNumber(item, at);
    const set = new Set<unknown>(argument);
    return (value) => set.has(value);
  }
  if (isObject(argument)) {
    const [operator, inner] = singleKey(argument, at);
    switch (operator) {
      case 'prefix':
      case 'suffix': {
        const affix = expectString(inner, at, `anything-but/${operator}`);
        if (affix === '') throw new InvalidEventPatternError(at, 'Null prefix/suffix not allowed');
        return compileAffix(operator, affix, at);
      }
      case 'equals-ignore-case': {
        const list = stringList(inner, at, 'anything-but/equals-ignore-case').map(lower);
        return (value) => typeof value === 'string' && list.includes(lower(value));
      }
      case 'wildcard': {
        const regExps = stringList(inner, at, 'anything-but/wildcard').map((item) => wildcardRegExp(item, at));
        return (value) => typeof value === 'string' && regExps.some((regExp) => regExp.test(value));
      }
      default:
        throw new InvalidEventPatternError(at, `Unsupported anything-but pattern: ${operator}`);
    }
  }
  throw new InvalidEventPatternError(at, 'Value of anything-but must be an array, an object or a single string/number');
};

const stringList = (value: unknown, at: string, what: string): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
    throw new InvalidEventPatternError(at, `${what} takes a string or a non-empty list of strings`);
  }
  return list;
};

const checkNumber = (value: unknown, at: string): void => {
  if (typeof value === 'number' && !(Math.abs(value) <= NUMERIC_LIMIT)) {
    throw new InvalidEventPatternError(at, `Value ${value} must be between -5.0E9 and 5.0E9, inclusive`);
  }
};

const numericValue = (value: unknown, operator: string, at: string): number => {
  if (typeof value !== 'number') throw new InvalidEventPatternError(at, `Value of ${operator} must be numeric`);
  checkNumber(value, at);
  return value;
};

/** `[op, n]` or a range `[">"|">=", low, "<"|"<=", high]`, as Event Ruler parses it. */
const compileNumeric = (argument: unknown, at: string): ValueTest => {
  if (!Array.isArray(argument)) throw new InvalidEventPatternError(at, 'Value of numeric must be an array');
  const [operator, operand, upperOperator, upperOperand, ...rest] = argument as unknown[];
  if (typeof operator !== 'string') throw new InvalidEventPatternError(at, 'Invalid member in numeric match');
  const bound = numericValue(operand, operator, at);
  const inRange = (value: Scalar): value is number => typeof value === 'number' && Math.abs(value) <= NUMERIC_LIMIT;
  const single = (test: (value: number) => boolean): ValueTest => {
    if (argument.length !== 2) throw new InvalidEventPatternError(at, 'Too many elements in numeric expression');
    return (value) => inRange(value) && test(value);
  };
  switch (operator) {
    case '=':
      return single((value) => value === bound);
    case '<':
      return single((value) => value < bound);
    case '<=':
      return single((value) => value <= bound);
    case '>':
    case '>=': {
      const lowerTest = operator === '>' ? (value: number) => value > bound : (value: number) => value >= bound;
      if (argument.length === 2) return (value) => inRange(value) && lowerTest(value);
      if (rest.length > 0) throw new InvalidEventPatternError(at, 'Too many terms in numeric range expression');
      if (upperOperator !== '<' && upperOperator !== '<=') {
        throw new InvalidEventPatternError(at, `Bad numeric range operator: ${String(upperOperator)}`);
      }
      const top = numericValue(upperOperand, upperOperator, at);
      if (bound >= top) throw new InvalidEventPatternError(at, 'Bottom must be less than top');
      const upperTest = upperOperator === '<' ? (value: number) => value < top : (value: number) => value <= top;
      return (value) => inRange(value) && lowerTest(value) && upperTest(value);
    }
    default:
      throw new InvalidEventPatternError(at, `Unrecognized numeric range operator: ${operator}`);
  }
};

const compileCidr = (cidr: string, at: string): ValueTest => {
  const [address = '', prefix, ...rest] = cidr.split('/');
  const version = isIP(address);
  const bits = Number(prefix);
  const max = version === 6 ? 128 : 32;
  if (version === 0 || rest.length > 0 || !/^\d+$/.test(prefix ?? '') || bits > max) {
    throw new InvalidEventPatternError(at, `Malformed CIDR: ${cidr}`);
  }
  const type = version === 6 ? 'ipv6' : 'ipv4';
  const block = new BlockList();
  block.addSubnet(address, bits, type);
  return (value) => typeof value === 'string' && isIP(value) === version && block.check(value, type);
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `*` matches any run of characters; `\*` and `\\` stand for themselves; anything else escaped, or `**`, is refused. */
const wildcardRegExp = (pattern: string, at: string): RegExp => {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '\\') {
      const next = pattern.charAt(i + 1);
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(at, `Wildcard "${pattern}": a backslash may only escape * or \\`);
      }
      source += escapeRegExp(next);
      i++;
    } else if (char === '*') {
      if (pattern.charAt(i + 1) === '*') {
        throw new InvalidEventPatternError(
          at,
          `Wildcard "${pattern}": consecutive wildcard characters are not allowed`,
        );
      }
      source += '.*';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`, 's');
};

// --- matching ---------------------------------------------------------------------------------

/** The leaf values of an event field: arrays are flattened; objects are not leaves, so they count as absent. */
const leafValues = (value: unknown, into: Scalar[] = []): Scalar[] => {
  if (Array.isArray(value)) for (const item of value) leafValues(item, into);
  else if (isScalar(value)) into.push(value);
  return into;
};

const objectsIn = (value: unknown[], into: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  for (const item of value) {
    if (Array.isArray(item)) objectsIn(item, into);
    else if (isObject(item)) into.push(item);
  }
  return into;
};

const matchNode = (node: ObjectNode, value: unknown): boolean => {
  const object = isObject(value) ? value : undefined;
  const fieldsMatch = node.fields.every((field) => {
    // Own properties only: a field named "constructor" must not find Object.prototype's.
    const fieldValue = object && Object.hasOwn(object, field.key) ? object[field.key] : undefined;
    return 'node' in field ? matchNested(field.node, fieldValue) : matchLeaf(field.matchers, fieldValue);
  });
  return fieldsMatch && (!node.or || node.or.some((branch) => matchNode(branch, value)));
};

/**
 * An array of objects matches if one element matches the whole sub-pattern: Event Ruler's
 * array-consistent matching never combines fields taken from different elements of one array.
 */
const matchNested = (node: ObjectNode, value: unknown): boolean => {
  if (!Array.isArray(value)) return matchNode(node, value);
  const objects = objectsIn(value);
  return objects.length === 0 ? matchNode(node, undefined) : objects.some((object) => matchNode(node, object));
};

const matchLeaf = (matchers: Matcher[], value: unknown): boolean => {
  const values = leafValues(value);
  return matchers.some((matcher) =>
    'exists' in matcher ? values.length > 0 === matcher.exists : values.some((item) => matcher.test(item)),
  );
};

// --- API --------------------------------------------------------------------------------------

const compiled = new WeakMap<object, ObjectNode>();

const compile = (pattern: unknown): ObjectNode => {
  const cached = isObject(pattern) ? compiled.get(pattern) : undefined;
  if (cached) return cached;
  const node = compileObject(pattern, [], false);
  compiled.set(pattern as object, node);
  return node;
};

/** Throws InvalidEventPatternError, naming the reason and the field, if EventBridge would refuse the pattern. */
export const validatePattern = (pattern: unknown): void => {
  compile(pattern);
};

/** Compiles a pattern once (throwing if it is invalid) into a predicate over events. */
export const compilePattern = (pattern: unknown): ((event: unknown) => boolean) => {
  const node = compile(pattern);
  return (event) => matchNode(node, event);
};

/** True if the event matches the pattern; throws InvalidEventPatternError for an invalid pattern. */
export const matches = (pattern: unknown, event: unknown): boolean => matchNode(compile(pattern), event);
