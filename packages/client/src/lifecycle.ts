import type { Emitter } from './emitter.js';

/**
 * - `disconnected`: no socket and no reconnect planned (before `connect()`, after `close()`,
 *   or after a close whose code forbids reconnecting);
 * - `connecting`: getting a token, opening a socket, waiting for the gateway to accept the session;
 * - `connected`: the gateway accepted the session (`system` `connected`);
 * - `reconnecting`: waiting out a backoff delay before the next attempt.
 */
export type ClientState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface DisconnectInfo {
  code: number;
  reason: string;
  willReconnect: boolean;
}

/** Client lifecycle events. Their names are reserved: a server event cannot use them. */
export interface ClientLifecycleEvents {
  connecting: () => void;
  connected: () => void;
  /** Every socket that closes, including attempts that never opened (code 1006). */
  disconnected: (info: DisconnectInfo) => void;
  reconnecting: (info: { attempt: number; delay: number }) => void;
  error: (error: Error) => void;
}

export type Lifecycle = Emitter<ClientLifecycleEvents>;

const lifecycleEvents: ReadonlySet<string> = new Set<keyof ClientLifecycleEvents>([
  'connecting',
  'connected',
  'disconnected',
  'reconnecting',
  'error',
]);

export function isLifecycleEvent(event: string): event is keyof ClientLifecycleEvents {
  return lifecycleEvents.has(event);
}

/** Reports `error` (a listener's throw, a bad frame, a dropped message) as an `error` event. */
export function reportTo(lifecycle: Lifecycle): (error: unknown) => void {
  return (error) =>
    lifecycle.emit('error', error instanceof Error ? error : new Error(String(error)));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
