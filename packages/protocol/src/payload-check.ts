import type { ErrorDetail } from './error-codes.js';

/** Keys are cut to this length in paths, so that an error never echoes a huge key back. */
const maxKeyInPath = 64;

/** A container still to look into, and how to name where it is. */
interface Container {
  value: object;
  depth: number;
  key: string;
  parent: Container | undefined;
}

/**
 * Finds the first part of `value`, in document order, that some codec cannot carry: an object or
 * array nested more than `maxDepth` levels deep (as a circular value always is), a bigint,
 * function or symbol, or a `__proto__` key (which MessagePack decoders refuse). Returns its
 * path below `root` (dotted, like every `details` path), or undefined when the whole value is
 * fine.
 *
 * It walks with its own stack rather than by recursion, so that no depth can exhaust the call
 * stack; the decoders it checks after (`JSON.parse`, MessagePack's) do not recurse either.
 */
export function checkPayload(
  value: unknown,
  maxDepth: number,
  root: string,
): ErrorDetail | undefined {
  const rootProblem = leafProblem(value);
  if (rootProblem) return { path: root, message: rootProblem };
  if (!isContainer(value)) return undefined;
  const stack: Container[] = [{ value, depth: 1, key: root, parent: undefined }];
  while (stack.length > 0) {
    const container = stack.pop() as Container;
    if (container.depth > maxDepth) {
      return { path: pathOf(container), message: `must not nest deeper than ${maxDepth} levels` };
    }
    const keys = Array.isArray(container.value) ? undefined : Object.keys(container.value);
    const children = container.value as Record<string, unknown>;
    const count = keys ? keys.length : (container.value as unknown[]).length;
    // Pushed last to first, so that the first child is looked into first.
    for (let i = count - 1; i >= 0; i--) {
      const key = keys ? (keys[i] as string) : String(i);
      const child = children[key];
      const problem =
        key === '__proto__' ? "cannot be encoded: the key '__proto__'" : leafProblem(child);
      if (problem) return { path: `${pathOf(container)}.${shortKey(key)}`, message: problem };
      if (isContainer(child))
        stack.push({ value: child, depth: container.depth + 1, key, parent: container });
    }
  }
  return undefined;
}

/** Objects and arrays the codecs look into; bytes and dates are carried whole. */
function isContainer(value: unknown): value is object {
  return (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer) &&
    !(value instanceof Date)
  );
}

function leafProblem(value: unknown): string | undefined {
  const type = typeof value;
  return type === 'bigint' || type === 'function' || type === 'symbol'
    ? `cannot be encoded: a ${type}`
    : undefined;
}

function pathOf(container: Container): string {
  const keys: string[] = [];
  for (let at: Container | undefined = container; at; at = at.parent) {
    keys.push(at.parent ? shortKey(at.key) : at.key);
  }
  return keys.reverse().join('.');
}

function shortKey(key: string): string {
  return key.length > maxKeyInPath ? `${key.slice(0, maxKeyInPath)}…` : key;
}
