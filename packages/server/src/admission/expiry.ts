import { z } from 'zod';
import type { Session } from '../connection/session.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import type { BackendCalls } from '../proxy/backend-call.js';
import { askAboutConnection } from '../proxy/ask-about-connection.js';
import { endpointFor } from '../proxy/proxy-options.js';

/** The backend's `refresh` result: the connection's new expiry, in ms since epoch. */
const refreshResult = z.object({ expiresAt: z.number().int().positive() });

/** What becomes of a connection when its expiry comes, or is pushed back. */
export interface ExpiryActions {
  expire(): void;
  extend(expiresAt: number): void;
}

/**
 * Arms a connection's expiry. Without a `refresh` proxy it expires at `expiresAt`. With one, the
 * backend is asked `refreshBefore` ms ahead: a later expiry extends the connection (and is armed
 * in turn); a refusal, an earlier expiry or a failure lets it expire at `expiresAt` as it would
 * have.
 */
export function armExpiry(
  session: Session,
  connection: SocketConnection,
  expiresAt: number | undefined,
  actions: ExpiryActions,
  calls: BackendCalls,
): void {
  const { proxy } = connection.endpoint.options;
  const endpoint = endpointFor(proxy, 'refresh');
  if (!proxy || !endpoint || expiresAt === undefined) {
    session.scheduleExpiry(expiresAt, actions.expire);
    return;
  }
  session.scheduleExpiry(expiresAt - proxy.refreshBefore, () => {
    session.scheduleExpiry(expiresAt, actions.expire);
    askAboutConnection(connection, endpoint, 'refresh', {}, refreshResult, calls).then(
      ({ expiresAt: next }) => {
        if (next > expiresAt && connection.isOpen) actions.extend(next);
      },
      () => undefined,
    );
  });
}
