import { WebSocketClient, type WebSocketClientOptions } from './websocket-client.js';

export interface WebSocketConnectOptions extends WebSocketClientOptions {
  /** Open a new connection after each drop. Default: the config's `reconnectEnabled`. */
  autoReconnect?: boolean;
}

/**
 * Yields a connected `WebSocketClient`, and a fresh one after each drop (not after `close()`):
 *
 * ```ts
 * for await (const ws of websocketConnect(url, { autoReconnect: true })) {
 *   try { for await (const message of ws) handle(message); }
 *   catch (error) { if (!(error instanceof ConnectionClosedError)) throw error; }
 * }
 * ```
 * Each connection is opened with `connect()`, so failures retry with backoff and end the loop
 * with `ConnectionFailedError` (or `AuthenticationError`) once the attempts are spent.
 */
export async function* websocketConnect(
  url: string,
  options: WebSocketConnectOptions = {},
): AsyncGenerator<WebSocketClient, void, undefined> {
  const { autoReconnect, ...clientOptions } = options;
  for (;;) {
    const client = new WebSocketClient(url, clientOptions);
    await client.connect();
    yield client;
    await client.closed;
    if (client.closedByClient || !(autoReconnect ?? client.config.reconnectEnabled)) return;
  }
}
