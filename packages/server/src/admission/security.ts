import type { IncomingMessage } from 'node:http';
import { CloseCodes, ErrorCodes, type AuthFrame, type ClientFrame } from '@herald/protocol';
import { subjectFields } from '../audit/audit-record.js';
import { requiresIdentity } from '../auth/auth-mode.js';
import { Authenticator } from '../auth/authenticator.js';
import type { ResolvedTenancyOptions } from '../auth/tenancy-options.js';
import { extractToken } from '../auth/token-extraction.js';
import { tenantChannel } from '../channels/channel-names.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { ConfigError, HeraldError } from '../errors.js';
import type { GatewayContext } from '../namespace/gateway-context.js';
import { authorizeSubscribe } from '../guards/channel-access.js';
import { anonymous, anonymousIdentity, type Identity } from '../connection/identity.js';
import type { InboundSecurity } from '../connection/inbound.js';
import { ConnectionLimits } from '../limits/connection-limits.js';
import { RateLimiter, type RateLimitStatus } from '../limits/rate-limiter.js';
import type { Namespace } from '../namespace/namespace.js';
import type { ResolvedGatewayOptions } from '../options.js';
import { OriginPolicy } from './origin.js';
import { connectThroughProxy } from './proxy-connect.js';
import { armExpiry } from './expiry.js';
import { admitIdentity, type HandshakeRequest } from './identity-admission.js';
import { asRefusal, closeCodeFor, closeReason, rejectionReason } from './refusal.js';
import {
  handshakeFields,
  recordRateLimited,
  recordRefresh,
  recordAdmissionRefusal,
} from './security-audit.js';
import { withoutSecret } from '../audit/redaction.js';
import { Session } from '../connection/session.js';
import type { Admission } from './admission.js';
import { connectionKeys, credentialsOf } from './connection-keys.js';
import { inChildSpan, SpanNames } from '../tracing/spans.js';

export type { Admission, HandshakeRequest };

const rateLimited = {
  code: ErrorCodes.WS_RATE_LIMIT_EXCEEDED,
  message: 'too many messages; slow down',
};
const authRequired = { code: ErrorCodes.WS_AUTH_REQUIRED, message: 'send an auth frame first' };

/**
 * Who gets in and who stays in: origins, authentication, tenants, guards, connection limits,
 * message rates, token expiry and in-band auth. The gateway calls it at each step of a
 * connection's life; everything it refuses gets a stable code.
 */
export class Security implements InboundSecurity {
  readonly rejectBeforeUpgrade: boolean;
  private readonly authenticator: Authenticator | undefined;
  private readonly tenancy: ResolvedTenancyOptions | undefined;
  private readonly limits: ConnectionLimits;
  private readonly rates: RateLimiter | undefined;
  private readonly origins = new Map<Namespace, OriginPolicy>();
  private readonly sessions = new WeakMap<SocketConnection, Session>();

  constructor(
    options: ResolvedGatewayOptions,
    private readonly context: GatewayContext,
  ) {
    this.authenticator = options.auth && new Authenticator(options.auth);
    this.rejectBeforeUpgrade = this.authenticator?.rejectBeforeUpgrade ?? false;
    this.tenancy = options.tenancy;
    this.limits = new ConnectionLimits(options.limits);
    const rate = options.rateLimit;
    this.rates = rate?.enabled ? new RateLimiter(rate) : undefined;
  }

  /** Checks a namespace's security options against the gateway's; called when it is declared. */
  register(namespace: Namespace): void {
    const { auth, origins } = namespace.options;
    if (auth !== 'public' && !this.authenticator) {
      throw new ConfigError(
        `invalid Herald options: namespace ${namespace.pattern.source}.auth: needs the gateway's auth option`,
      );
    }
    if (origins) this.origins.set(namespace, new OriginPolicy(origins));
  }

  /** Whether a page from `origin` may connect to `namespace` (no Origin: not a browser page). */
  allowsOrigin(namespace: Namespace, origin: string | undefined): boolean {
    return this.origins.get(namespace)?.allows(origin) ?? true;
  }

  /** Counts an upgrade attempt from its client address; false (and recorded) when it comes too fast. */
  allowAttempt(namespace: Namespace, handshake: HandshakeRequest): boolean {
    if (!this.rates || this.rates.allowAttempt(handshake.remoteAddress)) return true;
    const error = new HeraldError(
      ErrorCodes.WS_RATE_LIMIT_EXCEEDED,
      'too many connection attempts',
    );
    recordAdmissionRefusal(this.context.audit, error, 'handshake', () => ({
      ...handshakeFields(namespace, handshake, undefined),
      limit: 'connection_attempts',
    }));
    return false;
  }

  /** Runs the handshake checks in order: origin, authentication, tenant, scopes, guards, limits. Never throws. */
  async admit(namespace: Namespace, handshake: HandshakeRequest): Promise<Admission> {
    let verified: Identity | undefined;
    try {
      if (!this.allowsOrigin(namespace, handshake.request.headers.origin)) {
        throw new HeraldError(ErrorCodes.WS_ORIGIN_NOT_ALLOWED, 'origin is not allowed');
      }
      const proxied = await connectThroughProxy(
        namespace,
        handshake,
        this.authenticator?.tokenSources,
        this.context,
      );
      const mode = namespace.options.auth;
      const token =
        !proxied && mode !== 'public' && this.authenticator
          ? extractToken(handshake.request, handshake.query, this.authenticator.tokenSources)
          : undefined;
      if (!proxied && token === undefined && requiresIdentity(mode)) {
        if (!this.authenticator?.authTimeout) {
          throw new HeraldError(ErrorCodes.WS_AUTH_REQUIRED, 'a token is required');
        }
        this.limits.check(connectionKeys(namespace, handshake.remoteAddress, anonymousIdentity()));
        return { ok: true, identity: anonymousIdentity(), credentials: undefined, waiting: true };
      }
      const identity =
        proxied?.identity ??
        (token === undefined
          ? this.tenancy
            ? anonymousIdentity()
            : anonymous
          : await inChildSpan(SpanNames.handshakeAuth, () =>
              this.verify(token, handshake.request),
            ));
      verified = identity;
      const identified = proxied !== undefined || token !== undefined;
      const credentials = identified ? credentialsOf(identity) : undefined;
      await inChildSpan(SpanNames.handshakeGuards, () =>
        admitIdentity(this.tenancy, namespace, handshake, identity, identified),
      );
      this.limits.check(connectionKeys(namespace, handshake.remoteAddress, identity));
      return { ok: true, identity, credentials, waiting: false, joins: proxied?.joins };
    } catch (error) {
      const refusal = asRefusal(error, this.context.logger, 'handshake');
      const who = () => handshakeFields(namespace, handshake, verified);
      recordAdmissionRefusal(this.context.audit, refusal, 'handshake', who);
      return { ok: false, error: refusal };
    }
  }

  /**
   * Starts the admitted connection's session: counts it, sets its identity and timers. Returns
   * the refusal when a limit was reached since the handshake.
   */
  async attach(
    connection: SocketConnection,
    admission: Admission & { ok: true },
    handshake: HandshakeRequest,
  ): Promise<HeraldError | undefined> {
    const inBand =
      this.authenticator !== undefined && connection.endpoint.options.auth !== 'public';
    const session = new Session(
      inBand ? handshake.request : undefined,
      admission.waiting ? 'waiting' : 'open',
    );
    session.credentials = admission.credentials;
    this.sessions.set(connection, session);
    try {
      session.slot = this.limits.acquire(
        connectionKeys(connection.endpoint, handshake.remoteAddress, admission.identity),
      );
    } catch (error) {
      const refusal = asRefusal(error, this.context.logger, 'connection limits');
      const who = () => handshakeFields(connection.endpoint, handshake, admission.identity);
      recordAdmissionRefusal(this.context.audit, refusal, 'handshake', who);
      return refusal;
    }
    session.rate = this.rates?.open(connection.remoteAddress);
    const { idleTimeout } = connection.endpoint.options;
    if (idleTimeout > 0) {
      session.startIdleTimer(idleTimeout, () =>
        connection.close(CloseCodes.NORMAL, 'idle timeout'),
      );
    }
    if (admission.waiting) {
      const timeout = (this.authenticator as Authenticator).authTimeout;
      session.startAuthTimer(timeout, () => {
        this.context.stats.rejected('auth_timeout');
        const error = new HeraldError(
          ErrorCodes.WS_AUTH_REQUIRED,
          `no auth frame within ${timeout} ms`,
        );
        recordAdmissionRefusal(this.context.audit, error, 'auth', () => subjectFields(connection));
        this.refuse(connection, error);
      });
      return undefined;
    }
    await this.setIdentity(connection, session, admission.identity);
    return undefined;
  }

  /** True while the connection may send frames before its namespace's hooks ran (the `auth` frame). */
  acceptsEarlyFrames(connection: SocketConnection): boolean {
    return this.sessions.get(connection)?.phase === 'waiting';
  }

  /** Settles true once the connection is authenticated (or needs not be), false if it never will be. */
  authenticated(connection: SocketConnection): Promise<boolean> {
    return this.sessions.get(connection)?.authenticated ?? Promise.resolve(true);
  }

  /** Ends the connection's session: timers, counts, rate buckets, tenant channel. */
  async release(connection: SocketConnection): Promise<void> {
    const session = this.sessions.get(connection);
    if (!session) return;
    this.sessions.delete(connection);
    session.end();
    const tenant = connection.identity.tenant;
    if (tenant !== undefined) await this.context.registry.remove(tenantChannel(tenant), connection);
  }

  rateLimitStatus(connection: SocketConnection): RateLimitStatus {
    return (
      this.sessions.get(connection)?.rate?.status() ?? {
        enabled: false,
        violations: 0,
        maxViolations: 0,
      }
    );
  }

  // ---- InboundSecurity: called per client frame -------------------------------------------------

  admitFrame(connection: SocketConnection, frame: ClientFrame | undefined): boolean {
    const session = this.sessions.get(connection);
    if (!session) return true;
    const now = Date.now();
    session.lastActivity = now;
    const verdict = session.rate ? session.rate.take(now) : 'ok';
    if (verdict !== 'ok') {
      recordRateLimited(this.context.audit, connection, rateLimited);
      connection.sendError(frameId(frame), rateLimited);
      if (verdict === 'close') connection.close(CloseCodes.LIMIT_EXCEEDED, 'rate limit exceeded');
      return false;
    }
    if (
      session.phase === 'waiting' &&
      frame &&
      frame.type !== 'auth' &&
      frame.type !== 'ping' &&
      frame.type !== 'pong'
    ) {
      connection.sendError(frameId(frame), authRequired);
      return false;
    }
    return true;
  }

  /** An `auth` frame: first authentication of a waiting (or anonymous) connection, or a token refresh. */
  async authenticate(connection: SocketConnection, frame: AuthFrame): Promise<void> {
    const session = this.sessions.get(connection);
    if (!this.authenticator || !session?.request) {
      connection.replyError(frame.id, {
        code: ErrorCodes.WS_NOT_FOUND,
        message: 'in-band authentication is not configured on this namespace',
      });
      return;
    }
    const waiting = session.phase === 'waiting';
    if (waiting) session.beginAuthentication();
    const current = connection.identity;
    const opened = session.credentials;
    const refresh = !waiting && opened !== undefined;
    const handshake: HandshakeRequest = {
      request: session.request,
      params: connection.params as Record<string, string>,
      query: connection.query,
      remoteAddress: connection.remoteAddress,
    };
    try {
      const identity = await this.verify(frame.token, session.request);
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
        await admitIdentity(this.tenancy, connection.endpoint, handshake, identity, true);
        if (!connection.isOpen) return;
        identity.tenant = current.tenant;
        connection.setIdentity(identity);
        this.armExpiry(connection, session, identity.expiresAt);
        recordRefresh(this.context.audit, connection);
      } else {
        await admitIdentity(this.tenancy, connection.endpoint, handshake, identity, true);
        if (!waiting && identity.tenant !== current.tenant) {
          throw new HeraldError(
            ErrorCodes.WS_FORBIDDEN,
            'authentication may not change the tenant',
          );
        }
        session.slot = this.limits.replace(
          session.slot,
          connectionKeys(connection.endpoint, connection.remoteAddress, identity),
        );
        session.credentials = credentials;
        await this.setIdentity(connection, session, identity);
        if (waiting) session.finishAuthentication(true);
      }
      connection.reply(
        frame.id,
        identity.expiresAt === undefined ? {} : { expiresAt: identity.expiresAt },
      );
    } catch (error) {
      const refusal = asRefusal(error, this.context.logger, 'in-band authentication');
      const via = refresh ? 'refresh' : 'auth';
      recordAdmissionRefusal(this.context.audit, refusal, via, () => subjectFields(connection));
      if (!waiting) {
        // A live connection keeps its current credentials; only this attempt fails.
        connection.replyError(frame.id, refusal);
        return;
      }
      this.context.stats.rejected(rejectionReason(refusal.code));
      session.finishAuthentication(false);
      connection.replyError(frame.id, refusal);
      connection.close(closeCodeFor(refusal.code), closeReason(refusal.message));
    }
  }

  /** Sets the credentials' expiry (ms since epoch) as a refresh would; false without a session. */
  extendSession(connection: SocketConnection, expiresAt: number): boolean {
    const session = this.sessions.get(connection);
    if (!session) return false;
    connection.setIdentity({ ...connection.identity, expiresAt });
    this.armExpiry(connection, session, expiresAt);
    return true;
  }

  authorizeSubscribe(connection: SocketConnection, channel: string): Promise<void> {
    return authorizeSubscribe(connection, channel, (internal) =>
      this.context.registry.subscriberCount(internal),
    );
  }

  // ---- internals --------------------------------------------------------------------------------

  /** The token's identity; what it throws never carries the token (a custom verifier may name it). */
  private async verify(token: string, request: IncomingMessage): Promise<Identity> {
    try {
      return await (this.authenticator as Authenticator).authenticate(token, request);
    } catch (error) {
      throw withoutSecret(error, token);
    }
  }

  private async setIdentity(
    connection: SocketConnection,
    session: Session,
    identity: Identity,
  ): Promise<void> {
    connection.setIdentity(identity);
    session.rate?.bindShared(
      'user',
      identity.userId === undefined ? undefined : `${identity.tenant ?? ''}/${identity.userId}`,
    );
    session.rate?.bindShared('tenant', identity.tenant);
    this.armExpiry(connection, session, identity.expiresAt);
    if (identity.tenant !== undefined)
      await this.context.registry.add(tenantChannel(identity.tenant), connection);
  }

  /** See `armExpiry`: with a `refresh` proxy, the backend may push the expiry back. */
  private armExpiry(connection: SocketConnection, session: Session, expiresAt?: number): void {
    const actions = {
      expire: () => this.expire(connection),
      extend: (at: number) => this.extendSession(connection, at),
    };
    armExpiry(session, connection, expiresAt, actions, this.context);
  }

  private expire(connection: SocketConnection): void {
    this.refuse(connection, new HeraldError(ErrorCodes.WS_TOKEN_EXPIRED, 'token has expired'));
  }

  /** Tells the client why, then closes with the matching code. */
  private refuse(connection: SocketConnection, error: HeraldError): void {
    connection.replyError(undefined, error);
    connection.close(closeCodeFor(error.code), closeReason(error.message));
  }
}

function frameId(frame: ClientFrame | undefined) {
  return frame && 'id' in frame ? frame.id : undefined;
}
