import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFile } from './support/config-file.js';
import { killStarted, runCli } from './support/run-cli.js';

afterEach(killStarted);

/** Runs `herald serve --config herald.config.json` in a directory holding that file. */
async function serveWithFile(content: object, env: Record<string, string> = {}) {
  const dir = dirname(await configFile(content));
  return runCli(['serve', '--config', 'herald.config.json'], env, dir);
}

/** The lines written to stderr: one per problem, no stack trace. */
function problems(stderr: string): string[] {
  return stderr.trimEnd().split('\n');
}

describe('herald serve refuses a bad config file with exit 2, naming the file and the field', () => {
  it('refuses a value of the wrong type', async () => {
    const result = await serveWithFile({ port: '31097' });
    expect(result.code).toBe(2);
    expect(problems(result.stderr)).toEqual([
      'herald: herald.config.json: port: expected a number, got "31097"',
    ]);
  });

  it('refuses unknown keys at every level', async () => {
    const result = await serveWithFile({
      prot: 31097,
      gatway: {},
      gateway: { limits: { maxConnectionz: 5 } },
      namespaces: { '/chat/:room': { pingIntervall: 1000, backpressure: { stratgy: 'drop' } } },
    });
    expect(result.code).toBe(2);
    const lines = problems(result.stderr);
    expect(lines).toHaveLength(5);
    for (const field of [
      'prot',
      'gatway',
      'gateway.limits.maxConnectionz',
      'namespaces["/chat/:room"].pingIntervall',
      'namespaces["/chat/:room"].backpressure.stratgy',
    ]) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^herald: herald\\.config\\.json: ${escape(field)}: unknown key \\(known keys: `,
          ),
        ),
      );
    }
    expect(lines.find((line) => line.includes(': prot:'))).toContain(
      'known keys: host, port, broker, gateway, namespaces',
    );
  });

  it('refuses bad values deeper down, each on its own line', async () => {
    const result = await serveWithFile({
      broker: { type: 'kafka' },
      gateway: { logLevel: 'loud' },
      namespaces: { '/feed': { auth: 'sometimes', maxMessageSize: 0 } },
    });
    expect(result.code).toBe(2);
    expect(problems(result.stderr).sort()).toEqual([
      'herald: herald.config.json: broker.type: expected one of "memory", "redis", "nats", got "kafka"',
      'herald: herald.config.json: gateway.logLevel: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
      'herald: herald.config.json: namespaces["/feed"].auth: expected one of "public", "optional", "required", got "sometimes"',
      'herald: herald.config.json: namespaces["/feed"].maxMessageSize: expected more than 0, got 0',
    ]);
  });

  it('refuses a bad namespace pattern, from the file or from WS_PATH', async () => {
    const fromFile = await serveWithFile({ namespaces: { chat: {} } });
    expect(fromFile.code).toBe(2);
    expect(problems(fromFile.stderr)).toEqual([
      "herald: herald.config.json: namespaces.chat: namespace pattern 'chat' must start with '/'",
    ]);

    const fromEnv = await runCli(['serve'], { WS_PATH: '/rooms/:id/:id' });
    expect(fromEnv.code).toBe(2);
    expect(problems(fromEnv.stderr)).toEqual([
      "herald: WS_PATH=/rooms/:id/:id: namespace pattern '/rooms/:id/:id' repeats the parameter 'id'",
    ]);
  });

  it('refuses a file that is missing or not a JSON object', async () => {
    const missing = await runCli(['serve', '--config', '/nonexistent/herald.config.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'herald: /nonexistent/herald.config.json: cannot read the config file (no such file)\n',
    );
    const array = await serveWithFile([]);
    expect(array.code).toBe(2);
    expect(array.stderr).toBe('herald: herald.config.json: expected an object, got an array\n');
  });
});

describe('herald serve refuses bad flags and variables with exit 2, naming them', () => {
  it('names the environment variable and its value', async () => {
    const result = await runCli(['serve'], { WS_PORT: 'abc' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('herald: WS_PORT=abc: must be a port number (0 to 65535)\n');
  });

  it('names a Redis address that is not host:port, and refuses Sentinels with a cluster', async () => {
    const bad = await runCli(['serve'], {
      WS_BROKER: 'redis',
      REDIS_SENTINELS: '10.0.0.1:26379,nope',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'herald: REDIS_SENTINELS=10.0.0.1:26379,nope: "nope" must be host:port\n',
    );
    const both = await runCli(['serve'], {
      WS_BROKER: 'redis',
      REDIS_SENTINELS: '10.0.0.1:26379',
      REDIS_CLUSTER: '10.0.0.2:7000',
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      'herald: Redis Sentinels and a Redis Cluster exclude each other: give REDIS_SENTINELS or REDIS_CLUSTER\n',
    );
    const unreachable = await runCli(['serve'], {
      WS_BROKER: 'redis',
      REDIS_CLUSTER: '127.0.0.1:1',
    });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(
      /^herald: cannot reach the redis broker through cluster 127\.0\.0\.1:1: /,
    );
    const inFile = await serveWithFile({ broker: { type: 'redis', cluster: ['10.0.0.2'] } });
    expect(inFile.code).toBe(2);
    expect(problems(inFile.stderr)).toEqual([
      'herald: herald.config.json: broker.cluster[0]: must be host:port',
    ]);
  });

  it('names the flag, which wins over the environment', async () => {
    const result = await runCli(['serve', '--port', '70000'], { WS_PORT: '8080' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('herald: --port: must be a port number (0 to 65535), got "70000"\n');
  });

  it('refuses an unknown flag or command', async () => {
    const flag = await runCli(['serve', '--prot', '1']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--prot'");
    const command = await runCli(['srve']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'srve'");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
