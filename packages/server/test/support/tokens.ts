import { SignJWT, UnsecuredJWT, type JWTPayload, type CryptoKey } from 'jose';

export const secret = 'herald-test-secret-of-at-least-32-bytes!';
const secretKey = new TextEncoder().encode(secret);

export interface TokenOptions {
  alg?: string;
  key?: CryptoKey | Uint8Array;
  kid?: string;
  /** Seconds from now (may be fractional, or negative for an expired token). */
  expiresIn?: number;
}

/** Signs a JWT; defaults to HS256 with the shared test secret and one hour of validity. */
export function sign(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
  const alg = options.alg ?? 'HS256';
  const exp = Date.now() / 1000 + (options.expiresIn ?? 3600);
  return new SignJWT({ ...claims, exp })
    .setProtectedHeader(options.kid === undefined ? { alg } : { alg, kid: options.kid })
    .setIssuedAt()
    .sign(options.key ?? secretKey);
}

/** An unsigned `alg: none` token, as an attacker would forge it. */
export function unsigned(claims: JWTPayload): string {
  return new UnsecuredJWT({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 }).encode();
}
