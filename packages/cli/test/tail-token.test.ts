import { createInterface } from 'node:readline';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwtSecret, useAdminServer, writeConfig } from './support/admin.js';
import { runCli, spawnCli } from './support/run-cli.js';

const admin = useAdminServer();

/** `herald tail <args>` against the server, resolved once it says it is tailing. */
async function startTail(args: string[]) {
  const child = spawnCli(['tail', ...args, '--url', admin.server.url]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('tailing')) resolve();
    });
    void exited.then((code) => reject(new Error(`herald tail exited ${code}: ${stderr}`)));
  });
  const nextLine = async () => (await lines.next()).value as string;
  return { child, nextLine, exited, stderr: () => stderr };
}

describe('herald tail', () => {
  it('prints each publication made meanwhile on one line, and stops with exit 0 on Ctrl-C', async () => {
    const tail = await startTail(['room:tail']);
    expect(tail.stderr()).toBe(
      `herald: tailing room:tail on ws://127.0.0.1:${admin.server.port}/ws (Ctrl-C to stop)\n`,
    );
    await admin.server.herald(['publish', 'room:tail', 'greet', '{"text":"hi"}']);
    expect(await tail.nextLine()).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z room:tail #1 greet \{"text":"hi"\}$/,
    );
    tail.child.kill('SIGINT');
    expect(await tail.exited).toBe(0);
  });

  it('prints JSON lines with --json, and connects with --token to a namespace that needs one', async () => {
    const token = (await runCli(['token', '--sub', 'dave', '--secret', jwtSecret])).stdout.trim();
    const tail = await startTail([
      'room:json',
      '--json',
      '--namespace',
      '/private',
      '--token',
      token,
    ]);
    await admin.server.herald(['publish', 'room:json', 'one', '[1]']);
    await admin.server.herald(['publish', 'room:json', 'two', '{"n":2}']);
    const lines = [JSON.parse(await tail.nextLine()), JSON.parse(await tail.nextLine())] as unknown;
    expect(lines).toEqual([
      expect.objectContaining({ channel: 'room:json', event: 'one', payload: [1], offset: 1 }),
      expect.objectContaining({ channel: 'room:json', event: 'two', payload: { n: 2 }, offset: 2 }),
    ]);
  });

  it("exits 5 with the gateway's code when it refuses the connection", async () => {
    const forged = (await runCli(['token', '--sub', 'x', '--secret', 'x'.repeat(32)])).stdout;
    const result = await runCli([
      'tail',
      'room:x',
      ...['--namespace', '/private', '--token', forged.trim(), '--url', admin.server.url],
    ]);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^herald: WS_AUTH_FAILED: .+\n$/);
  });
});

describe('herald token', () => {
  it('prints only a token the gateway accepts, with the subject, lifetime and claims asked for', async () => {
    const result = await runCli(
      [
        'token',
        '--sub',
        'erin',
        '--ttl',
        '30m',
        '--claim',
        'roles=["admin"]',
        '--claim',
        'team=blue',
      ],
      { JWT_SECRET_KEY: jwtSecret },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = result.stdout.trim();
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'erin', roles: ['admin'], team: 'blue' });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(1_800);

    const erin = await admin.watch('/private', token);
    await erin.subscribe('room:token');
    const presence = await admin.server.herald(['presence', 'room:token', '--json']);
    expect(JSON.parse(presence.stdout)).toMatchObject({ clients: [{ userId: 'erin' }] });
  });

  it("reads the secret, issuer and audience from the config file's gateway.auth.jwt", async () => {
    const config = await writeConfig({
      gateway: { auth: { jwt: { secret: jwtSecret, issuer: 'herald-dev', audience: 'app' } } },
    });
    const result = await runCli(['token', '--sub', 'frank', '--config', config], {
      JWT_SECRET_KEY: '',
    });
    expect(result.code).toBe(0);
    expect(decodeJwt(result.stdout.trim())).toMatchObject({
      sub: 'frank',
      iss: 'herald-dev',
      aud: 'app',
    });
  });

  it('refuses a missing or short secret, a bad --ttl and a reserved claim, naming each', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [[], { JWT_SECRET_KEY: '' }, 'token: give --secret, set JWT_SECRET_KEY, or name a --config'],
      [['--secret', 'short'], {}, '--secret: the secret must be at least 32 bytes'],
      [['--secret', jwtSecret, '--ttl', 'soon'], {}, '--ttl: must be a positive duration'],
      [['--secret', jwtSecret, '--claim', 'exp=1'], {}, '--claim exp: set by the command'],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(['token', '--sub', 'x', ...args], env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`herald: ${message}`);
    }
  });
});
