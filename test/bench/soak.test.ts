import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { judge, type SoakSample } from '../../bench/soak/trend.js';

const run = promisify(execFile);
const mb = 1024 * 1024;

/** Samples every 30 s; `rss(i)` and `heap(i)` give the i-th reading in MB. */
function samples(
  count: number,
  rss: (i: number) => number,
  heap = (_i: number) => 30,
): SoakSample[] {
  return Array.from({ length: count }, (_, i) => ({
    at: 30 * (i + 1),
    rssBytes: rss(i) * mb,
    heapUsedBytes: heap(i) * mb,
    loopDelayP99: 0.011,
    queueBytes: 0,
    connections: 200,
  }));
}

describe('the soak trend', () => {
  it('passes a flat run with a noisy heap and a warm-up that grew', () => {
    const verdicts = judge(
      samples(
        20,
        (i) => (i < 3 ? 60 + i * 15 : 100 + (i % 3) * 6),
        (i) => 25 + (i % 4) * 5,
      ),
    );
    expect(verdicts.filter((v) => v.upward)).toEqual([]);
  });

  it('flags memory that keeps growing, and says by how much', () => {
    const verdicts = judge(
      samples(
        20,
        (i) => 100 + i * 4,
        (i) => 30 + i * 2,
      ),
    );
    const upward = Object.fromEntries(verdicts.map((v) => [v.series, v.upward]));
    expect(upward).toEqual({
      rssBytes: true,
      heapUsedBytes: true,
      loopDelayP99: false,
      queueBytes: false,
    });
    const rss = verdicts.find((v) => v.series === 'rssBytes');
    // 4 MB a sample over the 15 samples after the warm-up: 60 MB.
    expect(rss?.growth).toBeCloseTo(60 * mb, -3);
  });

  it('refuses to judge too few samples', () => {
    expect(() => judge(samples(2, () => 100))).toThrow(/3 samples after the warm-up/);
  });
});

describe('npm run soak', () => {
  it('runs a short soak, writes its samples and chart, and passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-soak-test-'));
    const out = join(dir, 'soak');
    try {
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'bench/soak.ts',
          '--minutes',
          '0.3',
          '--sample-seconds',
          '3',
          '--out',
          out,
        ],
        { timeout: 90_000 },
      );
      expect(stdout).toMatch(/soak: \d+ connects, \d+ publications/);
      const result = JSON.parse(await readFile(`${out}.json`, 'utf8')) as {
        passed: boolean;
        samples: SoakSample[];
        counts: {
          published: number;
          historyReads: number;
          presenceReads: number;
          errors: string[];
        };
      };
      expect(result.samples.length).toBeGreaterThanOrEqual(5);
      // 200 clients, give or take the one the churn is replacing.
      expect(
        result.samples.every((s) => Math.abs(s.connections - 200) <= 2 && s.rssBytes > 0),
      ).toBe(true);
      expect(result.counts.published).toBeGreaterThan(500);
      expect(result.counts.historyReads).toBeGreaterThan(50);
      expect(result.counts.errors).toEqual([]);
      expect(result.passed).toBe(true);
      expect(await readFile(`${out}.svg`, 'utf8')).toContain('event-loop delay p99');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a duration that is not a positive number', async () => {
    const failed = await run(process.execPath, [
      '--import',
      'tsx',
      'bench/soak.ts',
      '--minutes',
      'ten',
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 2,
      stderr: 'soak: --minutes must be a positive number, got "ten"\n',
    });
  });
});
