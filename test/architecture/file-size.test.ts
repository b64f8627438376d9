import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINES, oversizedSources } from '../../scripts/architecture/file-size.js';

const lines = (count: number) => 'export {};\n'.repeat(count);

describe('source file size check', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-file-size-'));
    const files: Record<string, string> = {
      'packages/server/src/at-limit.ts': lines(MAX_LINES),
      'packages/server/src/one-over.ts': lines(MAX_LINES) + 'export {};', // no final newline
      'packages/server/src/channels/long.ts': lines(MAX_LINES + 100),
      'packages/server/src/long.test.ts': lines(MAX_LINES * 2),
      'packages/server/test/long-test.ts': lines(MAX_LINES * 2),
      'packages/client/src/index.ts': lines(10),
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names each source file over the limit with its line count, longest first', () => {
    expect(oversizedSources(dir)).toEqual([
      { file: 'packages/server/src/channels/long.ts', lines: MAX_LINES + 100 },
      { file: 'packages/server/src/one-over.ts', lines: MAX_LINES + 1 },
    ]);
  });
});
