import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createGateway,
  createHttpApi,
  gatewayOptionsFromEnv,
  type Gateway,
} from '../src/index.js';
import { TestClient } from './support/test-client.js';

// Generated hostile input for the two other ways in: the server API's request bodies, and the
// options and environment a gateway is configured from. Never a 500, never a crash, never a
// leak of internals; always a stable code (or a ConfigError) naming what was wrong.

const endpoints = [
  '/api/publish',
  '/api/broadcast',
  '/api/subscribe',
  '/api/unsubscribe',
  '/api/disconnect',
  '/api/refresh',
  '/api/history/remove',
  '/api/batch',
];

/** Bodies that look like requests, with every field liable to be of the wrong kind. */
const body = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      channel: fc.oneof(fc.constantFrom('room:1', '', '$t:x:y'), fc.string(), fc.jsonValue()),
      event: fc.oneof(fc.string(), fc.jsonValue()),
      payload: fc.jsonValue(),
      tenant: fc.oneof(fc.string(), fc.jsonValue()),
      target: fc.jsonValue(),
      user: fc.oneof(fc.string(), fc.jsonValue()),
      code: fc.oneof(fc.integer(), fc.jsonValue()),
      requests: fc.oneof(
        fc.array(fc.record({ method: fc.string(), params: fc.jsonValue() }), { maxLength: 5 }),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
);

describe('the server API under generated bodies', () => {
  let gateway: Gateway;
  let server: Server;
  let base: string;
  let bystander: TestClient;
  beforeAll(async () => {
    gateway = createGateway({
      logLevel: 'silent',
      channels: { policies: { 'room:*': { presence: true, history: { size: 10 } } } },
    });
    gateway.namespace('/ws').on('echo', (payload) => payload);
    const api = createHttpApi(gateway, { apiKey: 'fuzz-key' });
    server = createServer((req, res) => {
      if (!api(req, res)) res.writeHead(404).end();
    });
    gateway.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    bystander = await TestClient.connect(`${base.replace('http', 'ws')}/ws`);
  });
  afterAll(async () => {
    await gateway.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers every body with a status below 500 and a stable code, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.oneof(
          body.map((value) => JSON.stringify(value) ?? 'null'),
          fc.string({ maxLength: 300 }),
        ),
        async (endpoint, text) => {
          const response = await fetch(`${base}${endpoint}`, {
            method: 'POST',
            headers: { authorization: 'Bearer fuzz-key', 'content-type': 'application/json' },
            body: text,
          });
          expect(response.status).toBeLessThan(500);
          const answer = (await response.json()) as { code?: string; message?: string };
          if (response.status >= 400) {
            expect(answer.code).toMatch(/^WS_[A-Z_]+$/);
            expect(answer.message).not.toMatch(/TypeError|ReferenceError|at .*\.[jt]s:\d+/);
          }
        },
      ),
      { numRuns: 400 },
    );
    const echo = await bystander.request({ type: 'event', event: 'echo', payload: 'calm' });
    expect(echo).toMatchObject({ type: 'ack', payload: 'calm' });
  });
});

describe('the configuration under generated input', () => {
  /** Gateway options shaped like the real ones, with values of every kind. */
  const options = fc.record(
    {
      limits: fc.oneof(
        fc.record(
          {
            maxConnectionsPerIp: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
            scope: fc.oneof(fc.constantFrom('cluster', 'node', 'global'), fc.jsonValue()),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
      rateLimit: fc.jsonValue(),
      channels: fc.oneof(
        fc.record({ policies: fc.dictionary(fc.string(), fc.jsonValue()) }),
        fc.jsonValue(),
      ),
      auth: fc.oneof(fc.record({ jwt: fc.jsonValue() }), fc.jsonValue()),
      tenancy: fc.jsonValue(),
      namespaceDefaults: fc.jsonValue(),
      handshakeTimeout: fc.oneof(fc.integer(), fc.jsonValue()),
      trustProxy: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
      unknownOption: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );

  it('either makes a gateway or refuses with a ConfigError naming the option', () => {
    fc.assert(
      fc.property(options, (input) => {
        try {
          const gateway = createGateway({ logLevel: 'silent', ...(input as object) });
          void gateway.close();
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toMatch(/^invalid Herald options: /);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads any environment, or refuses with a ConfigError naming the variable', () => {
    const names = [
      'JWT_SECRET_KEY',
      'JWT_ALGORITHM',
      'MAX_CONNECTIONS_PER_IP',
      'LIMITS_SCOPE',
      'MESSAGES_PER_MINUTE',
      'TENANT_SOURCES',
      'WS_TRUST_PROXY',
      'WS_ALLOWED_ORIGINS',
      'LOG_LEVEL',
      'RATE_LIMIT_ENABLED',
    ];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.string({ maxLength: 40 })), (env) => {
        try {
          gatewayOptionsFromEnv(env);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect(names.some((name) => (error as Error).message.includes(name))).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
