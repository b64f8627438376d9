import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';
import { secret } from '../../server/test/support/tokens.js';
import { killStarted, startServe } from './support/run-cli.js';

afterEach(() => killStarted());

async function lines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('herald serve audit log', () => {
  it('writes audit records to HERALD_AUDIT_FILE, and to gateway.audit.file of the config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-audit-'));
    const fromEnv = join(dir, 'env', 'audit.jsonl');
    const served = await startServe([], { JWT_SECRET_KEY: secret, HERALD_AUDIT_FILE: fromEnv });
    const refused = await TestClient.connect(`ws://127.0.0.1:${served.port}/ws?token=nope`);
    expect((await refused.closed).code).toBe(4001);
    await expect.poll(() => lines(fromEnv)).toHaveLength(1);
    expect((await lines(fromEnv))[0]).toMatchObject({
      action: 'auth.failed',
      via: 'handshake',
      code: 'WS_AUTH_FAILED',
      namespace: '/ws',
      ip: '127.0.0.1',
    });
    // The main log on stdout carries no audit records.
    expect(served.logs.some((line) => 'action' in line)).toBe(false);

    const fromFile = join(dir, 'file', 'audit.jsonl');
    const config = join(dir, 'herald.config.json');
    await writeFile(config, JSON.stringify({ gateway: { audit: { file: fromFile } } }));
    const second = await startServe(['--config', config], { JWT_SECRET_KEY: secret });
    const again = await TestClient.connect(`ws://127.0.0.1:${second.port}/ws`, ['bearer', 'x']);
    expect((await again.closed).code).toBe(4001);
    await expect.poll(() => lines(fromFile)).toHaveLength(1);
    expect((await lines(fromFile))[0]).toMatchObject({
      action: 'auth.failed',
      code: 'WS_AUTH_FAILED',
    });
  });
});
