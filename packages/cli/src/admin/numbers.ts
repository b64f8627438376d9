import { UsageError } from '../errors.js';

/** A whole number typed for `flag`, refused with a message naming the flag. */
export function integerFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) {
    throw new UsageError(`${flag}: must be a whole number, got "${text}"`);
  }
  return Number(text);
}
