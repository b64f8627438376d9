import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AuthenticationError,
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidJsonError,
  MessageTooLargeError,
  WebSocketClient,
  defaultWebSocketConfig,
  webSocketConfigFromEnv,
  websocketConnect,
  type WebSocketConfig,
} from '@herald/client/node';
import { until } from './support/fake-gateway.js';

const servers: WebSocketServer[] = [];
const clients: WebSocketClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const server of servers.splice(0)) {
    for (const socket of server.clients) socket.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

const fastConfig: Partial<WebSocketConfig> = {
  reconnectBackoffBase: 0.01,
  reconnectBackoffMax: 0.05,
  reconnectJitter: 0.01,
  closeTimeout: 0.2,
  pingInterval: null,
};

/** An echo server on `port` (0: any) that also records handshake headers. */
async function echoServer(
  port = 0,
  options: { maxPayload?: number } = {},
): Promise<{ server: WebSocketServer; url: string; headers: Record<string, unknown>[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port, ...options });
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  const headers: Record<string, unknown>[] = [];
  server.on('connection', (socket: WebSocket, request) => {
    headers.push(request.headers);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, headers };
}

function client(
  url: string,
  options: ConstructorParameters<typeof WebSocketClient>[1] = {},
): WebSocketClient {
  const c = new WebSocketClient(url, { ...options, config: { ...fastConfig, ...options.config } });
  clients.push(c);
  return c;
}

describe('WebSocketClient', () => {
  it('echoes text, bytes and JSON, sending headers and subprotocols', async () => {
    const { url, headers } = await echoServer();
    const c = client(url, { headers: { Authorization: 'Bearer abc' }, subprotocols: ['realtime'] });
    await c.connect();
    expect(c.isConnected).toBe(true);
    expect(headers[0]).toMatchObject({
      authorization: 'Bearer abc',
      'sec-websocket-protocol': 'realtime',
    });
    await c.send('hello');
    expect(await c.recv()).toBe('hello');
    await c.send(new Uint8Array([1, 2, 3]));
    expect(await c.recv()).toEqual(new Uint8Array([1, 2, 3]));
    await c.sendJson({ type: 'x', n: 1 });
    expect(await c.recvJson()).toEqual({ type: 'x', n: 1 });
  });

  it('iterates messages until a normal close, and fails after an abnormal one', async () => {
    const { server, url } = await echoServer();
    const c = client(url);
    await c.connect();
    await c.send('a');
    await c.send('b');
    const got: unknown[] = [];
    await until(() => server.clients.size === 1);
    setTimeout(() => [...server.clients][0]?.close(1000, 'bye'), 50);
    for await (const message of c) got.push(message);
    expect(got).toEqual(['a', 'b']);
    await expect(c.recv()).rejects.toMatchObject({ code: 1000, reason: 'bye' });

    const d = client(url);
    await d.connect();
    await until(() => server.clients.size === 1);
    [...server.clients][0]?.close(4000, 'app error');
    const failure = await (async () => {
      for await (const message of d) void message;
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionClosedError);
    expect(failure).toMatchObject({ code: 4000, reason: 'app error' });
    await expect(d.send('x')).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('raises a clear error from recvJson on invalid JSON', async () => {
    const { url } = await echoServer();
    const c = client(url);
    await c.connect();
    await c.send('{"not json');
    const error = await c.recvJson().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidJsonError);
    expect((error as Error).message).toMatch(/not valid JSON.*\{\\"not json/);
  });

  it('enforces the message-size limit in both directions', async () => {
    const { url } = await echoServer();
    const c = client(url, { config: { maxMessageSize: 16 } });
    await c.connect();
    await expect(c.send('x'.repeat(17))).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(c.isConnected).toBe(true);
    await c.send('y'.repeat(16));
    expect(await c.recv()).toBe('y'.repeat(16));

    const big = await echoServer(0, {});
    const small = client(big.url, { config: { maxMessageSize: 8 } });
    await small.connect();
    await until(() => big.server.clients.size === 1);
    [...big.server.clients][0]?.send('z'.repeat(100));
    await expect(small.recv()).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(small.isConnected).toBe(false);
  });

  it('pauses reading while its receive queue is full', async () => {
    const { server, url } = await echoServer();
    const c = client(url, { config: { maxQueueSize: 2 } });
    await c.connect();
    await until(() => server.clients.size === 1);
    const peer = [...server.clients][0] as WebSocket;
    for (let i = 0; i < 5; i++) peer.send(String(i));
    const got: unknown[] = [];
    for (let i = 0; i < 5; i++) got.push(await c.recv());
    expect(got).toEqual(['0', '1', '2', '3', '4']);
  });

  it('measures latency with ping frames and drops a connection whose pongs stop', async () => {
    const { server, url } = await echoServer();
    const c = client(url, { config: { pingInterval: 0.02, pingTimeout: 0.05 } });
    await c.connect();
    await until(() => c.latency !== undefined);
    expect(c.latency).toBeGreaterThanOrEqual(0);
    // Stop the server side from answering pings: ws answers them automatically unless paused.
    for (const socket of server.clients) socket.pause();
    await c.closed;
    expect(c.isConnected).toBe(false);
    await expect(c.recv()).rejects.toMatchObject({ code: 1006 });
  });

  it('fails with AuthenticationError on a 401 handshake, without retrying', async () => {
    let requests = 0;
    const http: Server = createServer((_, res) => res.end());
    http.on('upgrade', (_req, socket) => {
      requests += 1;
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const error = await client(`ws://127.0.0.1:${port}`)
      .connect()
      .catch((e: unknown) => e);
    http.close();
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect(requests).toBe(1);
  });

  it('retries a refused connection up to the attempt limit', async () => {
    const { server, url } = await echoServer();
    await new Promise((resolve) => server.close(resolve));
    servers.splice(0);
    const c = client(url, { config: { reconnectMaxAttempts: 2 } });
    const error = await c.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect((error as Error).message).toMatch(/gave up after 3 attempts/);
  });
});

describe('websocketConnect', () => {
  it('yields a fresh connection after the server drops one, and stops after close()', async () => {
    const { server, url } = await echoServer();
    const port = Number(new URL(url).port);
    const seen: string[] = [];
    let connections = 0;
    for await (const ws of websocketConnect(url, { autoReconnect: true, config: fastConfig })) {
      connections += 1;
      clients.push(ws);
      await ws.send(`hello ${connections}`);
      seen.push(String(await ws.recv()));
      if (connections === 1) {
        // Drop it and restart the server on the same port.
        for (const socket of server.clients) socket.terminate();
        await new Promise((resolve) => server.close(resolve));
        servers.splice(0);
        await echoServer(port);
      } else {
        await ws.close();
      }
    }
    expect(seen).toEqual(['hello 1', 'hello 2']);
  });
});

describe('webSocketConfigFromEnv', () => {
  it('reads the WS_* variables with their defaults', () => {
    expect(webSocketConfigFromEnv({})).toEqual(defaultWebSocketConfig);
    expect(defaultWebSocketConfig).toEqual({
      openTimeout: 10,
      closeTimeout: 10,
      pingInterval: 20,
      pingTimeout: 20,
      maxMessageSize: 1_048_576,
      maxQueueSize: 16,
      reconnectEnabled: true,
      reconnectMaxAttempts: 5,
      reconnectBackoffBase: 1,
      reconnectBackoffMax: 60,
      reconnectJitter: 0.1,
    });
    const config = webSocketConfigFromEnv({
      WS_PING_INTERVAL: '',
      WS_RECONNECT_ENABLED: 'false',
      WS_RECONNECT_MAX_ATTEMPTS: '0',
      WS_OPEN_TIMEOUT: '2.5',
    });
    expect(config).toMatchObject({
      pingInterval: null,
      reconnectEnabled: false,
      reconnectMaxAttempts: 0,
      openTimeout: 2.5,
    });
  });

  it('names the variable that has a bad value', () => {
    expect(() => webSocketConfigFromEnv({ WS_MAX_QUEUE_SIZE: 'lots' })).toThrow(
      /WS_MAX_QUEUE_SIZE/,
    );
    expect(() => webSocketConfigFromEnv({ WS_RECONNECT_ENABLED: 'maybe' })).toThrow(
      /WS_RECONNECT_ENABLED/,
    );
  });
});
