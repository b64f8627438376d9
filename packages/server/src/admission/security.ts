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
import { RateLimiter, type RateLimitStatus, type RateVerdict } from '../limits/rate-limiter.js';
import { SharedBuckets } from '../limits/shared-buckets.js';
import { SharedConnectionCounts } from '../limits/shared-connection-counts.js';
import type { Namespace } from '../namespace/namespace.js';
import type { ResolvedGatewayOptions } from '../options.js';
import { OriginPolicy } from './origin.js';
import { connectThroughProxy } from './proxy-connect.js';
import { armExpiry } from './expiry.js';
import { authenticateInBand } from './in-band-auth.js';
import { admitIdentity, type HandshakeRequest } from './identity-admission.js';
import { asRefusal, closeCodeFor, closeReason } from './refusal.js';
import { handshakeFields, recordRateLimited, recordAdmissionRefusal } from './security-audit.js';
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
const ratesUnavailable = {
  code: ErrorCodes.WS_UNAVAILABLE,
  message: 'rate limits cannot be checked while the broker is unreachable; try again later',
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
    const shared = options.limits.scope === 'cluster' ? context.broker.limits : undefined;
    const { whenBrokerUnreachable } = options.limits;
    this.limits = new ConnectionLimits(
      options.limits,
      shared && new SharedConnectionCounts(shared, whenBrokerUnreachable, context.logger),
    );
    const rate = options.rateLimit;
    this.rates = rate?.enabled
      ? new RateLimiter(rate, shared && new SharedBuckets(shared, whenBrokerUnreachable))
      : undefined;
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
    session.rate = this.rates?.open(connection.remoteAddress);
    try {
      const keys = connectionKeys(connection.endpoint, handshake.remoteAddress, admission.identity);
      await session.recount(() => this.limits.acquire(keys));
    } catch (error) {
      const refusal = asRefusal(error, this.context.logger, 'connection limits');
      const who = () => handshakeFields(connection.endpoint, handshake, admission.identity);
      recordAdmissionRefusal(this.context.audit, refusal, 'handshake', who);
      return refusal;
    }
    // Closed while it was being counted: its session has ended, start nothing for it.
    if (session.ended) return undefined;
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

  admitFrame(
    connection: SocketConnection,
    frame: ClientFrame | undefined,
  ): boolean | Promise<boolean> {
    const session = this.sessions.get(connection);
    if (!session) return true;
    const now = Date.now();
    session.lastActivity = now;
    const verdict = session.rate ? session.rate.take(now) : 'ok';
    return typeof verdict === 'string'
      ? this.admitRated(connection, session, frame, verdict)
      : verdict.then((settled) => this.admitRated(connection, session, frame, settled));
  }

  /** The rest of `admitFrame`, once the message's rate verdict is known. */
  private admitRated(
    connection: SocketConnection,
    session: Session,
    frame: ClientFrame | undefined,
    verdict: RateVerdict,
  ): boolean {
    if (verdict === 'unavailable') {
      connection.sendError(frameId(frame), ratesUnavailable);
      return false;
    }
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
  authenticate(connection: SocketConnection, frame: AuthFrame): Promise<void> {
    const session = this.sessions.get(connection);
    if (!this.authenticator || !session?.request) {
      connection.replyError(frame.id, {
        code: ErrorCodes.WS_NOT_FOUND,
        message: 'in-band authentication is not configured on this namespace',
      });
      return Promise.resolve();
    }
    return authenticateInBand(connection, session, session.request, frame, {
      tenancy: this.tenancy,
      limits: this.limits,
      context: this.context,
      verify: (token, req) => this.verify(token, req),
      setIdentity: (conn, sess, identity) => this.setIdentity(conn, sess, identity),
      armExpiry: (conn, sess, expiresAt) => this.armExpiry(conn, sess, expiresAt),
    });
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
