import { errors, importSPKI, jwtVerify, type CryptoKey, type JWTVerifyOptions } from 'jose';
import { ErrorCodes } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { Identity } from '../connection/identity.js';
import type { ResolvedSubscriptionTokenOptions } from './policy-schema.js';

const tokenField = (message: string) => [{ path: 'token', message }];

/**
 * Verifies subscription tokens: JWTs a backend issues to let one user into one channel. The
 * `channel` claim must name the channel, and `sub`, when present, the connection's user.
 */
export class SubscriptionTokenVerifier {
  private key: Promise<Uint8Array | CryptoKey> | undefined;
  private readonly verifyOptions: JWTVerifyOptions;

  constructor(private readonly options: ResolvedSubscriptionTokenOptions | undefined) {
    this.verifyOptions = { algorithms: options?.algorithms };
    if (options?.issuer !== undefined) this.verifyOptions.issuer = options.issuer;
    if (options?.audience !== undefined) this.verifyOptions.audience = options.audience;
  }

  async verify(token: string, channel: string, identity: Identity): Promise<void> {
    if (!this.options) {
      throw new HeraldError(
        ErrorCodes.WS_FORBIDDEN,
        'subscription tokens are not configured',
        tokenField('is not accepted'),
      );
    }
    let claims: Record<string, unknown>;
    try {
      claims = (await jwtVerify(token, await this.loadKey(), this.verifyOptions)).payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new HeraldError(
          ErrorCodes.WS_TOKEN_EXPIRED,
          'subscription token expired',
          tokenField('has expired'),
        );
      }
      throw new HeraldError(
        ErrorCodes.WS_AUTH_FAILED,
        'subscription token is invalid',
        tokenField('could not be verified'),
      );
    }
    if (claims.channel !== channel) {
      throw new HeraldError(
        ErrorCodes.WS_FORBIDDEN,
        'subscription token is for another channel',
        tokenField('channel claim does not match'),
      );
    }
    if (claims.sub !== undefined && claims.sub !== identity.userId) {
      throw new HeraldError(
        ErrorCodes.WS_FORBIDDEN,
        'subscription token is for another user',
        tokenField('sub claim does not match'),
      );
    }
  }

  private loadKey(): Promise<Uint8Array | CryptoKey> {
    const { secret, publicKey } = this.options as ResolvedSubscriptionTokenOptions;
    this.key ??= publicKey
      ? importSPKI(publicKey, (this.verifyOptions.algorithms as string[])[0] as string)
      : Promise.resolve(new TextEncoder().encode(secret));
    return this.key;
  }
}
