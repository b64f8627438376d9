import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../bench/hundred-thousand.ts', import.meta.url));

describe('bench/hundred-thousand.ts, run small', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('connects every client across a NATS cluster and counts every publication on every connection', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hundred-thousand-'));
    const out = join(dir, 'result.json');
    await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      script,
      ...[
        '--connections',
        '600',
        '--nodes',
        '2',
        '--clients',
        '2',
        '--rate',
        '10',
        '--seconds',
        '3',
      ],
      // Short enough that heartbeats run during the test.
      ...['--ping-interval', '1000', '--broker', 'nats', '--out', out],
    ]);
    const result = JSON.parse(await readFile(out, 'utf8')) as {
      summary: Record<string, unknown>;
      nodes: { connections: number }[];
    };
    expect(result.summary).toMatchObject({
      connections: 600,
      publications: 31,
      receiptsExpected: 600 * 31,
      receipts: 600 * 31,
      missing: 0,
      duplicates: 0,
      connectionsClosed: 0,
      everyPublicationReachedEveryConnection: true,
    });
    expect(result.nodes.map((n) => n.connections)).toEqual([300, 300]);
    expect(result.summary.pingsReceived).toBeGreaterThanOrEqual(600);
  }, 60_000);
});
