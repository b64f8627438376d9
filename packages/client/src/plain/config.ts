/**
 * Settings of the plain `WebSocketClient`. Times are in seconds, as in the environment variables
 * they are read from (`webSocketConfigFromEnv`).
 */
export interface WebSocketConfig {
  /** `WS_OPEN_TIMEOUT`: seconds for the handshake. */
  openTimeout: number;
  /** `WS_CLOSE_TIMEOUT`: seconds for the close handshake before the socket is dropped. */
  closeTimeout: number;
  /** `WS_PING_INTERVAL`: seconds between ping frames; `null` (an empty variable) disables pings. */
  pingInterval: number | null;
  /** `WS_PING_TIMEOUT`: seconds without a pong before the connection counts as dead. */
  pingTimeout: number;
  /** `WS_MAX_MESSAGE_SIZE`: bytes; larger messages are refused in both directions. */
  maxMessageSize: number;
  /** `WS_MAX_QUEUE_SIZE`: received messages held before the socket stops reading (backpressure). */
  maxQueueSize: number;
  /** `WS_RECONNECT_ENABLED`. */
  reconnectEnabled: boolean;
  /** `WS_RECONNECT_MAX_ATTEMPTS`: failed attempts in a row before giving up; 0 = no limit. */
  reconnectMaxAttempts: number;
  /** `WS_RECONNECT_BACKOFF_BASE`: seconds before the first retry, doubled each time. */
  reconnectBackoffBase: number;
  /** `WS_RECONNECT_BACKOFF_MAX`: cap in seconds of the backoff delay. */
  reconnectBackoffMax: number;
  /** `WS_RECONNECT_JITTER`: up to this many seconds added at random to each delay. */
  reconnectJitter: number;
}

export const defaultWebSocketConfig: Readonly<WebSocketConfig> = {
  openTimeout: 10,
  closeTimeout: 10,
  pingInterval: 20,
  pingTimeout: 20,
  maxMessageSize: 1_048_576,
  maxQueueSize: 16,
  reconnectEnabled: true,
  reconnectMaxAttempts: 5,
  reconnectBackoffBase: 1.0,
  reconnectBackoffMax: 60.0,
  reconnectJitter: 0.1,
};

type Env = Record<string, string | undefined>;

function number(env: Env, name: string, fallback: number, integer: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `${name} must be a non-negative ${integer ? 'integer' : 'number'}, got '${raw}'`,
    );
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new RangeError(`${name} must be true or false, got '${env[name]}'`);
}

/** Reads the `WS_*` variables; unset ones take the defaults, invalid ones throw naming the variable. */
export function webSocketConfigFromEnv(env: Env = process.env): WebSocketConfig {
  const d = defaultWebSocketConfig;
  const ping = env.WS_PING_INTERVAL;
  return {
    openTimeout: number(env, 'WS_OPEN_TIMEOUT', d.openTimeout, false),
    closeTimeout: number(env, 'WS_CLOSE_TIMEOUT', d.closeTimeout, false),
    // Set but empty disables pings; unset takes the default.
    pingInterval:
      ping !== undefined && ping.trim() === '' ? null : number(env, 'WS_PING_INTERVAL', 20, false),
    pingTimeout: number(env, 'WS_PING_TIMEOUT', d.pingTimeout, false),
    maxMessageSize: number(env, 'WS_MAX_MESSAGE_SIZE', d.maxMessageSize, true),
    maxQueueSize: number(env, 'WS_MAX_QUEUE_SIZE', d.maxQueueSize, true),
    reconnectEnabled: boolean(env, 'WS_RECONNECT_ENABLED', d.reconnectEnabled),
    reconnectMaxAttempts: number(env, 'WS_RECONNECT_MAX_ATTEMPTS', d.reconnectMaxAttempts, true),
    reconnectBackoffBase: number(env, 'WS_RECONNECT_BACKOFF_BASE', d.reconnectBackoffBase, false),
    reconnectBackoffMax: number(env, 'WS_RECONNECT_BACKOFF_MAX', d.reconnectBackoffMax, false),
    reconnectJitter: number(env, 'WS_RECONNECT_JITTER', d.reconnectJitter, false),
  };
}
