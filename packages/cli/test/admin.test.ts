import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sparePort } from '../../../test/support/private-services.js';
import { apiKey, useAdminServer } from './support/admin.js';
import { runCli } from './support/run-cli.js';

const admin = useAdminServer();

/** A token for `user`, minted by the command under test (checked in token.test.ts). */
async function tokenFor(user: string): Promise<string> {
  const minted = await admin.server.herald([
    'token',
    '--sub',
    user,
    '--config',
    admin.server.config,
  ]);
  return minted.stdout.trim();
}

describe('herald publish', () => {
  it("delivers to the channel's subscribers and prints where the publication went", async () => {
    const subscriber = await admin.watch();
    await subscriber.subscribe('room:publish');
    const result = await admin.server.herald(['publish', 'room:publish', 'greet', '{"text":"hi"}']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^published greet to room:publish \(offset 1, epoch \S+\)\n$/);
    const received = await subscriber.publication((p) => p.event === 'greet');
    expect(received).toMatchObject({ channel: 'room:publish', payload: { text: 'hi' } });
  });

  it('reads the payload from stdin with - and from --payload-file, and --json prints the answer', async () => {
    const subscriber = await admin.watch();
    await subscriber.subscribe('room:sources');
    const fromStdin = await admin.server.herald(
      ['publish', 'room:sources', 'piped', '-', '--json'],
      '[1, 2, 3]',
    );
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual({
      published: true,
      position: { offset: 1, epoch: expect.any(String) as string },
    });
    const file = join(await mkdtemp(join(tmpdir(), 'herald-')), 'payload.json');
    await writeFile(file, '{"from":"file"}');
    const fromFile = await admin.server.herald([
      'publish',
      'room:sources',
      'filed',
      '--payload-file',
      file,
    ]);
    expect(fromFile.code).toBe(0);
    expect((await subscriber.publication((p) => p.event === 'piped')).payload).toEqual([1, 2, 3]);
    expect((await subscriber.publication((p) => p.event === 'filed')).payload).toEqual({
      from: 'file',
    });
  });

  it('refuses a payload that is not JSON, naming it, and publishes nothing', async () => {
    const subscriber = await admin.watch();
    await subscriber.subscribe('room:bad');
    const result = await admin.server.herald(['publish', 'room:bad', 'greet', '{text: hi}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^herald: payload-json: not valid JSON \(.+\)/);
    // Publications on one channel arrive in order: the first to arrive is the one made after.
    await admin.server.herald(['publish', 'room:bad', 'after']);
    await subscriber.publication((p) => p.event === 'after');
    expect(subscriber.publications.map((p) => p.event)).toEqual(['after']);
  });

  it("shows the API's code and message and exits 5 when the API refuses", async () => {
    const wrongKey = await admin.server.herald([
      'publish',
      'room:x',
      'greet',
      '--api-key',
      'not-the-key',
    ]);
    expect(wrongKey).toMatchObject({ code: 5, stdout: '' });
    expect(wrongKey.stderr).toMatch(/^herald: WS_AUTH_FAILED: .+\n$/);

    const badChannel = await admin.server.herald(['publish', '', 'greet']);
    expect(badChannel.code).toBe(5);
    expect(badChannel.stderr).toMatch(
      /^herald: WS_MESSAGE_INVALID: .+\n(herald: {3}channel: .+\n)+$/,
    );
  });

  it('exits 2 without an API key and 6 naming the URL when nothing listens there', async () => {
    const noKey = await runCli(['publish', 'room:x', 'greet'], { HERALD_URL: admin.server.url });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toBe('herald: --api-key or HERALD_API_KEY: the API key is required\n');

    const url = `http://127.0.0.1:${await sparePort()}`;
    const down = await runCli(['publish', 'room:x', 'greet', '--url', url, '--api-key', apiKey]);
    expect(down.code).toBe(6);
    expect(down.stderr).toBe(
      `herald: cannot reach the server at ${url}: connection refused (is herald serve running there?)\n`,
    );
  });
});

describe('herald broadcast', () => {
  it('publishes to every listed channel', async () => {
    const subscriber = await admin.watch();
    await subscriber.subscribe('room:b1');
    await subscriber.subscribe('room:b2');
    const result = await admin.server.herald([
      'broadcast',
      'alert',
      '{"level":"high"}',
      '--channel',
      'room:b1',
      'room:b2',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ published: 2 });
    const channels = await Promise.all(
      ['room:b1', 'room:b2'].map((channel) =>
        subscriber.publication((p) => p.channel === channel && p.event === 'alert'),
      ),
    );
    expect(channels.map((p) => p.payload)).toEqual([{ level: 'high' }, { level: 'high' }]);
  });
});

describe('herald kick', () => {
  it("closes the user's connections with 4011 and the reason, and no one else's", async () => {
    const alice = await admin.watch('/ws', await tokenFor('alice'));
    const bob = await admin.watch('/ws', await tokenFor('bob'));
    const result = await admin.server.herald([
      'kick',
      '--user',
      'alice',
      '--reason',
      'banned',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ disconnected: 1 });
    expect(await alice.closed).toMatchObject({ code: 4011, reason: 'banned' });
    expect(bob.client.isConnected).toBe(true);
    const human = await admin.server.herald(['kick', '--user', 'bob', '--code', '4020']);
    expect(human.stdout).toBe('disconnected 1 connection\n');
    expect((await bob.closed).code).toBe(4020);
  });

  it('asks for a target and refuses a --code that is not a number', async () => {
    const none = await admin.server.herald(['kick']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('kick: give at least one of --user, --connection');
    const badCode = await admin.server.herald(['kick', '--user', 'x', '--code', 'soon']);
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toBe('herald: --code: must be a whole number, got "soon"\n');
  });
});

describe('herald presence, history and channels', () => {
  it('presence lists who is subscribed to a channel', async () => {
    const carol = await admin.watch('/ws', await tokenFor('carol'));
    await carol.subscribe('room:presence');
    const presence = await admin.server.herald(['presence', 'room:presence']);
    expect(presence.code).toBe(0);
    expect(presence.stdout).toMatch(/^CONNECTION +USER +INFO\n\S+ +carol\n/);
    expect(presence.stdout).toContain('room:presence: 1 connection, 1 user\n');
  });

  it("history shows a channel's last publications, newest first with --reverse", async () => {
    await admin.server.herald(['publish', 'room:history', 'first', '1']);
    await admin.server.herald(['publish', 'room:history', 'second', '{"n":2}']);
    const history = await admin.server.herald([
      'history',
      'room:history',
      '--limit',
      '1',
      '--reverse',
    ]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(
      /^OFFSET +TIME +EVENT +PAYLOAD\n +2 +\S+Z +second +\{"n":2\}\nroom:history: stream at offset 2, epoch \S+\n$/,
    );
  });

  it('channels lists the channels --pattern matches and their subscribers', async () => {
    const subscriber = await admin.watch();
    await subscriber.subscribe('room:listed');
    await subscriber.subscribe('other:hidden');
    const channels = await admin.server.herald(['channels', '--pattern', 'room:list*', '--json']);
    expect(JSON.parse(channels.stdout)).toEqual({
      channels: [{ channel: 'room:listed', subscribers: 1 }],
    });
    const human = await admin.server.herald(['channels', '--pattern', 'room:list*']);
    expect(human.stdout).toMatch(/^CHANNEL +SUBSCRIBERS\nroom:listed +1\n$/);
  });
});

describe('herald purge-room', () => {
  it("empties the channel's history and unsubscribes everyone", async () => {
    const subscriber = await admin.watch();
    const { unsubscribed } = await subscriber.subscribe('room:purge');
    await admin.server.herald(['publish', 'room:purge', 'old', '"stale"']);
    const result = await admin.server.herald(['purge-room', 'room:purge']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'removed the history of room:purge\nunsubscribed 1 connection from room:purge\n',
    );
    expect(await unsubscribed).toEqual({ byServer: true });
    const history = await admin.server.herald(['history', 'room:purge', '--json']);
    expect(JSON.parse(history.stdout)).toMatchObject({ publications: [] });
  });
});

describe('herald stats', () => {
  it('lists every node with its health and connections', async () => {
    await admin.watch();
    const human = await admin.server.herald(['stats']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /^NODE +VERSION +HEALTH +UPTIME +CONNECTIONS +IN +OUT +NAMESPACES\n/,
    );
    expect(human.stdout).toMatch(
      /\n\S+ +0\.1\.0 +ok +\S+.* +\d+ +\d+ +\d+ +\/ws \/private\n1 node, \d+ connections?\n$/,
    );
    const json = JSON.parse((await admin.server.herald(['stats', '--json'])).stdout) as {
      nodes: { health: { status: string }; namespaces: string[] }[];
    };
    expect(json.nodes).toHaveLength(1);
    expect(json.nodes[0]).toMatchObject({
      health: { status: 'ok' },
      namespaces: ['/ws', '/private'],
    });
  });
});
