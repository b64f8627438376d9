import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A file past this many lines usually holds two concepts. */
export const MAX_LINES = 400;

export interface OversizedFile {
  /** Relative to the repository root. */
  file: string;
  lines: number;
}

function lineCount(text: string): number {
  const newlines = text.split('\n').length - 1;
  return text.length === 0 || text.endsWith('\n') ? newlines : newlines + 1;
}

/** The source files of `packages/*\/src` under `root`, tests aside, longer than MAX_LINES. */
export function oversizedSources(root: string): OversizedFile[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .flatMap((pkg) =>
      readdirSync(join(packagesDir, pkg, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
        .map((file) => join(packagesDir, pkg, 'src', file)),
    )
    .map((file) => ({ file: relative(root, file), lines: lineCount(readFileSync(file, 'utf8')) }))
    .filter(({ lines }) => lines > MAX_LINES)
    .sort((a, b) => b.lines - a.lines);
}
