import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeraldClient, type DisconnectInfo, type Publication } from '@herald/client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { killStarted, runCli, startServe, type Finished, type Serving } from './run-cli.js';

export const apiKey = 'test-api-key-0123456789';
export const jwtSecret = 'a-development-secret-of-32-bytes-or-more';

/**
 * A `herald serve` with its API open to `apiKey`. Channels `room:*` keep presence and history;
 * `/ws` takes a token or none, `/private` only a token signed with `jwtSecret`.
 */
export interface AdminServer extends Serving {
  url: string;
  config: string;
  /** `herald <args>` against this server (HERALD_URL and HERALD_API_KEY set). */
  herald(args: string[], input?: string): Promise<Finished>;
}

export async function writeConfig(content: object): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-'));
  const path = join(dir, 'herald.config.json');
  await writeFile(path, JSON.stringify(content));
  return path;
}

export async function startAdminServer(): Promise<AdminServer> {
  const config = await writeConfig({
    gateway: {
      auth: { jwt: { secret: jwtSecret } },
      channels: { policies: { 'room:*': { presence: true, history: { size: 100 } } } },
    },
    namespaces: { '/ws': { auth: 'optional' }, '/private': { auth: 'required' } },
  });
  const serving = await startServe(['--config', config], { HERALD_API_KEY: apiKey });
  const url = `http://127.0.0.1:${serving.port}`;
  const env = { HERALD_URL: url, HERALD_API_KEY: apiKey };
  return { ...serving, url, config, herald: (args, input) => runCli(args, env, undefined, input) };
}

/** One admin server for a test file, and the watchers its tests connect to it. */
export interface AdminFixture {
  /** The server, once `beforeAll` has started it. */
  readonly server: AdminServer;
  /** A Watcher on `path` of the server, closed after the test. */
  watch(path?: string, token?: string): Promise<Watcher>;
}

/**
 * Registers a test file's hooks: an admin server started before all its tests and killed after
 * them, and the watchers each test connected closed after it.
 */
export function useAdminServer(): AdminFixture {
  let server: AdminServer | undefined;
  const watchers: Watcher[] = [];
  beforeAll(async () => {
    server = await startAdminServer();
  });
  afterAll(killStarted);
  afterEach(() => {
    for (const watcher of watchers.splice(0)) watcher.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the admin server starts in beforeAll');
      return server;
    },
    async watch(path = '/ws', token) {
      const watcher = await Watcher.connect(this.server, path, token);
      watchers.push(watcher);
      return watcher;
    },
  };
}

/** A Herald SDK client that records what it receives, for observing what a command did. */
export class Watcher {
  readonly publications: Publication[] = [];
  readonly closed: Promise<DisconnectInfo>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly client: HeraldClient) {
    this.closed = new Promise((resolve) => client.once('disconnected', resolve));
  }

  static async connect(server: AdminServer, path = '/ws', token?: string): Promise<Watcher> {
    const client = new HeraldClient(`ws${server.url.slice(4)}${path}`, {
      autoConnect: false,
      reconnect: false,
      ...(token !== undefined && { token }),
    });
    const watcher = new Watcher(client);
    await client.connect();
    return watcher;
  }

  /** Subscribes and resolves once the gateway acknowledged it. */
  async subscribe(channel: string): Promise<{ unsubscribed: Promise<{ byServer: boolean }> }> {
    const subscription = this.client.subscribe(channel, {
      publication: (publication) => {
        this.publications.push(publication);
        for (const wake of this.waiters) wake();
      },
    });
    const unsubscribed = new Promise<{ byServer: boolean }>((resolve) =>
      subscription.once('unsubscribed', resolve),
    );
    await subscription.ready;
    return { unsubscribed };
  }

  /** The first publication `match` accepts, once it has arrived. */
  publication(match: (publication: Publication) => boolean): Promise<Publication> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.publications.find(match);
        if (!found) return;
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.client.close();
  }
}
