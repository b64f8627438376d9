import { z } from 'zod';

/**
 * Validates `value` against `schema` and describes every problem on its own line as
 * `<source>: <field>: <what is wrong>`, e.g. `herald.config.json: port: expected a number, got "31097"`.
 * Returns the parsed value, or the lines.
 */
export function validate<T>(
  schema: z.ZodType<T>,
  value: unknown,
  source: string,
): { ok: true; value: T } | { ok: false; problems: string[] } {
  const result = schema.safeParse(value, { error: plainMessage });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.flatMap((issue) => lines(issue, source)) };
}

/** Messages that show what was given and, for an unknown key, what is known. */
const plainMessage: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    return `expected ${typeNames[issue.expected] ?? issue.expected}, got ${shown(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map((value) => JSON.stringify(value));
    const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
    return `expected ${expected}, got ${shown(issue.input)}`;
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const relation = bounds[issue.code][issue.inclusive ? 'inclusive' : 'exclusive'];
    const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    // Strings and arrays are bounded in size: their size says more than the value would.
    const unit = sizeUnits[issue.origin];
    if (unit) return `expected ${relation} ${bound} ${unit}${bound === 1 ? '' : 's'}`;
    return `expected ${relation} ${bound}, got ${shown(issue.input)}`;
  }
  if (issue.code === 'invalid_union') {
    // The branch that got the right type says what is wrong (`auth`: one of three names).
    const near = issue.errors.flat().filter((inner) => inner.code !== 'invalid_type');
    return near.length > 0 ? near.map((inner) => inner.message).join('; ') : undefined;
  }
  if (issue.code === 'unrecognized_keys' && issue.inst instanceof z.ZodObject) {
    return `unknown key (known keys: ${Object.keys(issue.inst.shape).join(', ')})`;
  }
  return undefined;
};

const bounds = {
  too_small: { inclusive: 'at least', exclusive: 'more than' },
  too_big: { inclusive: 'at most', exclusive: 'less than' },
} as const;

const sizeUnits: Record<string, string> = { string: 'character', array: 'item', set: 'item' };

const typeNames: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

function shown(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function lines(issue: z.core.$ZodIssue, source: string): string[] {
  const at = (path: PropertyKey[]) => (path.length > 0 ? `${source}: ${fieldPath(path)}` : source);
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => `${at([...issue.path, key])}: ${issue.message}`);
  // A bad record key (a namespace pattern): its own checks say what is wrong.
  if (issue.code === 'invalid_key')
    return issue.issues.map((inner) => `${at(issue.path)}: ${inner.message}`);
  return [`${at(issue.path)}: ${issue.message}`];
}

/** `namespaces["/chat/:room"].backpressure.strategy`: dots where a key is a plain name. */
function fieldPath(path: PropertyKey[]): string {
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}
