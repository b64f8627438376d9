/**
 * Writes a command's result on stdout: with `--json` the API's answer as one JSON document (for
 * scripts and `jq`), else `human(answer)`, the text a person reads.
 */
export function printAnswer<T>(
  json: boolean | undefined,
  answer: T,
  human: (answer: T) => string,
): void {
  process.stdout.write(json ? `${JSON.stringify(answer)}\n` : `${human(answer)}\n`);
}

/** A payload or other JSON value in one line, as tables and `tail` show it. */
export function compactJson(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/** `1 connection`, `3 connections`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
