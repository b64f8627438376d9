import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import { ConfigError, HeraldError } from '../errors.js';
import type { Identity } from '../connection/identity.js';
import type {
  AuthenticateFunction,
  ClaimNames,
  ResolvedAuthOptions,
  TokenSources,
} from './auth-options.js';
import { authenticatedIdentity } from './authenticated-identity.js';
import { identityFromClaims } from './claims.js';
import { createJwtVerifier, type TokenVerifier } from './jwt-verifier.js';

/** Turns a token into an identity with the configured verifier; throws a HeraldError to refuse. */
export class Authenticator {
  readonly tokenSources: TokenSources;
  readonly authTimeout: number;
  readonly rejectBeforeUpgrade: boolean;
  private readonly verify: TokenVerifier | undefined;
  private readonly custom: AuthenticateFunction | undefined;
  private readonly claimNames: ClaimNames;
  private readonly clockToleranceMs: number;

  constructor(options: ResolvedAuthOptions) {
    if ((options.jwt === undefined) === (options.authenticate === undefined)) {
      throw new ConfigError('invalid Herald options: auth: give exactly one of jwt, authenticate');
    }
    this.verify = options.jwt ? createJwtVerifier(options.jwt) : undefined;
    this.custom = options.authenticate;
    this.claimNames = options.claims;
    this.clockToleranceMs = options.jwt ? options.jwt.clockTolerance * 1000 : 0;
    this.tokenSources = options.tokenSources;
    this.authTimeout = options.authTimeout;
    this.rejectBeforeUpgrade = options.rejectBeforeUpgrade;
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
    return authenticatedIdentity(user);
  }
}
