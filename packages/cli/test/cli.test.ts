import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { killStarted, runCli } from './support/run-cli.js';

afterEach(killStarted);

describe('herald', () => {
  it('prints the version of @herald/cli with --version and exits 0', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const result = await runCli(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints its help with --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('serve');
  });
});
