import type { IncomingMessage } from 'node:http';
import { ErrorCodes, type AuthFrame } from '@herald/protocol';
import { subjectFields } from '../audit/audit-record.js';
import type { ResolvedTenancyOptions } from '../auth/tenancy-options.js';
import type { Identity } from '../connection/identity.js';
import type { Session } from '../connection/session.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { HeraldError } from '../errors.js';
import type { ConnectionLimits } from '../limits/connection-limits.js';
import type { GatewayContext } from '../namespace/gateway-context.js';
import { connectionKeys, credentialsOf } from './connection-keys.js';
import { admitIdentity, type HandshakeRequest } from './identity-admission.js';
import { asRefusal, closeCodeFor, closeReason, rejectionReason } from './refusal.js';
import { recordAdmissionRefusal, recordRefresh } from './security-audit.js';

/** What in-band authentication does through the gateway's Security. */
export interface InBandSteps {
  tenancy: ResolvedTenancyOptions | undefined;
  limits: ConnectionLimits;
  context: GatewayContext;
  verify(token: string, request: IncomingMessage): Promise<Identity>;
  setIdentity(connection: SocketConnection, session: Session, identity: Identity): Promise<void>;
  armExpiry(connection: SocketConnection, session: Session, expiresAt?: number): void;
}

/**
 * An `auth` frame: the first authentication of a waiting (or anonymous) connection, or a token
 * refresh. A refusal closes a waiting connection; a live one keeps its current credentials.
 */
export async function authenticateInBand(
  connection: SocketConnection,
  session: Session,
  /** The upgrade request, which the session keeps where in-band authentication may run. */
  request: IncomingMessage,
  frame: AuthFrame,
  steps: InBandSteps,
): Promise<void> {
  const { context } = steps;
  const waiting = session.phase === 'waiting';
  if (waiting) session.beginAuthentication();
  const current = connection.identity;
  const opened = session.credentials;
  const refresh = !waiting && opened !== undefined;
  const handshake: HandshakeRequest = {
    request,
    params: connection.params as Record<string, string>,
    query: connection.query,
    remoteAddress: connection.remoteAddress,
  };
  try {
    const identity = await steps.verify(frame.token, request);
    if (!connection.isOpen) return;
    const credentials = credentialsOf(identity);
    if (refresh) {
      // A refresh renews the same credentials: exactly the same user and the same tenant (a
      // token without one is not a token for `acme`). Roles, scopes and expiry may change, so
      // the namespace's checks run again.
      if (credentials.userId !== opened.userId || credentials.tenant !== opened.tenant) {
        throw new HeraldError(
          ErrorCodes.WS_FORBIDDEN,
          'a refresh token must be for the same user and tenant',
        );
      }
      await admitIdentity(steps.tenancy, connection.endpoint, handshake, identity, true);
      if (!connection.isOpen) return;
      identity.tenant = current.tenant;
      connection.setIdentity(identity);
      steps.armExpiry(connection, session, identity.expiresAt);
      recordRefresh(context.audit, connection);
    } else {
      await admitIdentity(steps.tenancy, connection.endpoint, handshake, identity, true);
      if (!waiting && identity.tenant !== current.tenant) {
        throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'authentication may not change the tenant');
      }
      const keys = connectionKeys(connection.endpoint, connection.remoteAddress, identity);
      await session.recount((slot) => steps.limits.replace(slot, keys));
      if (!connection.isOpen) return;
      session.credentials = credentials;
      await steps.setIdentity(connection, session, identity);
      if (waiting) session.finishAuthentication(true);
    }
    connection.reply(
      frame.id,
      identity.expiresAt === undefined ? {} : { expiresAt: identity.expiresAt },
    );
  } catch (error) {
    const refusal = asRefusal(error, context.logger, 'in-band authentication');
    const via = refresh ? 'refresh' : 'auth';
    recordAdmissionRefusal(context.audit, refusal, via, () => subjectFields(connection));
    if (!waiting) {
      // A live connection keeps its current credentials; only this attempt fails.
      connection.replyError(frame.id, refusal);
      return;
    }
    context.stats.rejected(rejectionReason(refusal.code));
    session.finishAuthentication(false);
    connection.replyError(frame.id, refusal);
    connection.close(closeCodeFor(refusal.code), closeReason(refusal.message));
  }
}
