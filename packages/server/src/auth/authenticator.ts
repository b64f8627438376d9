import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import { ConfigError, HeraldError } from '../errors.js';
import type { Identity } from '../identity.js';
import { defaultClaimNames, identityFromClaims, type ClaimNames } from './claims.js';
import { createJwtVerifier, type JwtOptions, type TokenVerifier } from './jwt-verifier.js';
import { defaultTokenSources, type TokenSources } from './token-extraction.js';

/** What a custom `authenticate` returns for a token it accepts. */
export interface AuthenticatedUser {
  userId?: string;
  tenant?: string;
  roles?: readonly string[];
  permissions?: readonly string[];
  scopes?: readonly string[];
  claims?: Record<string, unknown>;
  /** When the credentials end (ms since epoch); the connection then closes with 4010. */
  expiresAt?: number;
}

/**
 * Replaces JWT verification (API keys, sessions). Return the user, or null/false to refuse with
 * 4001; throw a HeraldError to refuse with its code (WS_TOKEN_EXPIRED, WS_FORBIDDEN, ...).
 * `request` is the upgrade request, also for in-band `auth` frames.
 */
export type AuthenticateFunction = (
  token: string,
  request: IncomingMessage,
) =>
  | AuthenticatedUser
  | null
  | false
  | undefined
  | Promise<AuthenticatedUser | null | false | undefined>;

export interface AuthOptions {
  /** Verify tokens as JWTs. */
  jwt?: JwtOptions;
  /** Verify tokens yourself instead of as JWTs. */
  authenticate?: AuthenticateFunction;
  /** Claim names mapped to the identity. Default sub, tenant_id, roles, permissions, scopes. */
  claims?: Partial<ClaimNames>;
  /** Where the handshake may carry a token. */
  tokenSources?: Partial<TokenSources>;
  /** Milliseconds a connection without a token has to send an `auth` frame; 0 refuses it at once. Default 10 s. */
  authTimeout?: number;
  /** Refuse a handshake with HTTP 401/403/429 instead of accepting it and closing with 4001/4003/4008. */
  rejectBeforeUpgrade?: boolean;
}

/** Turns a token into an identity with the configured verifier; throws a HeraldError to refuse. */
export class Authenticator {
  readonly tokenSources: TokenSources;
  readonly authTimeout: number;
  readonly rejectBeforeUpgrade: boolean;
  private readonly verify: TokenVerifier | undefined;
  private readonly custom: AuthenticateFunction | undefined;
  private readonly claimNames: ClaimNames;
  private readonly clockToleranceMs: number;

  constructor(options: AuthOptions) {
    if ((options.jwt === undefined) === (options.authenticate === undefined)) {
      throw new ConfigError('invalid Herald options: auth: give exactly one of jwt, authenticate');
    }
    this.verify = options.jwt ? createJwtVerifier(options.jwt) : undefined;
    this.custom = options.authenticate;
    this.claimNames = { ...defaultClaimNames, ...options.claims };
    this.clockToleranceMs = (options.jwt?.clockTolerance ?? 0) * 1000;
    this.tokenSources = { ...defaultTokenSources, ...options.tokenSources };
    this.authTimeout = options.authTimeout ?? 10_000;
    this.rejectBeforeUpgrade = options.rejectBeforeUpgrade ?? false;
  }

  async authenticate(token: string, request: IncomingMessage): Promise<Identity> {
    if (this.verify) {
      const identity = identityFromClaims(await this.verify(token), this.claimNames);
      // The connection lives as long as the token would verify: `exp` plus the clock tolerance.
      if (identity.expiresAt !== undefined) identity.expiresAt += this.clockToleranceMs;
      return identity;
    }
    const user = await (this.custom as AuthenticateFunction)(token, request);
    if (!user) throw new HeraldError(ErrorCodes.WS_AUTH_FAILED, 'token is invalid');
    if (user.expiresAt !== undefined && user.expiresAt <= Date.now()) {
      throw new HeraldError(ErrorCodes.WS_TOKEN_EXPIRED, 'token has expired');
    }
    const identity: Identity = {
      roles: user.roles ?? [],
      permissions: user.permissions ?? [],
      scopes: user.scopes ?? [],
      claims: user.claims ?? {},
    };
    if (user.userId !== undefined) identity.userId = user.userId;
    if (user.tenant !== undefined) identity.tenant = user.tenant;
    if (user.expiresAt !== undefined) identity.expiresAt = user.expiresAt;
    return identity;
  }
}
