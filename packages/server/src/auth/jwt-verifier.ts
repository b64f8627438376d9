import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { ErrorCodes } from '@herald/protocol';
import { ConfigError, HeraldError } from '../errors.js';
import type { ResolvedJwtOptions } from './jwt-options.js';

/** Verifies a token and returns its claims; throws a HeraldError saying why it was refused. */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

const symmetric = (alg: string) => alg.startsWith('HS');
const minimumSecretBytes = 32;

type KeySource = { key: Uint8Array | KeyObject } | { getKey: JWTVerifyGetKey; remote: boolean };

function keySource(options: ResolvedJwtOptions): KeySource {
  const given = (['secret', 'publicKey', 'jwk', 'jwks', 'jwksFile', 'jwksUrl'] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (given.length !== 1) {
    throw new ConfigError(
      `invalid Herald options: auth.jwt: give exactly one of secret, publicKey, jwk, jwks, jwksFile, jwksUrl (got ${given.join(', ') || 'none'})`,
    );
  }
  if (options.secret !== undefined) {
    const key = new TextEncoder().encode(options.secret);
    if (key.byteLength < minimumSecretBytes) {
      throw new ConfigError(
        `invalid Herald options: auth.jwt.secret: must be at least ${minimumSecretBytes} bytes`,
      );
    }
    return { key };
  }
  if (options.publicKey !== undefined) {
    let key: KeyObject;
    try {
      key = createPublicKey(options.publicKey);
    } catch {
      throw new ConfigError(
        'invalid Herald options: auth.jwt.publicKey: not a PEM public key or certificate',
      );
    }
    return { key };
  }
  if (options.jwksUrl !== undefined) {
    const url = parseUrl(options.jwksUrl);
    const getKey = createRemoteJWKSet(url, {
      cacheMaxAge: options.jwksCacheMaxAge,
      cooldownDuration: options.jwksCooldown,
    });
    return { getKey, remote: true };
  }
  const set = options.jwk
    ? { keys: [options.jwk] }
    : (options.jwks ?? readJwksFile(options.jwksFile as string));
  try {
    return { getKey: createLocalJWKSet(set), remote: false };
  } catch {
    throw new ConfigError(
      `invalid Herald options: auth.jwt.${given[0]}: not a valid JSON Web Key Set`,
    );
  }
}

function parseUrl(value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // falls through to the error below
  }
  throw new ConfigError('invalid Herald options: auth.jwt.jwksUrl: must be an http(s) URL');
}

function readJwksFile(path: string): JSONWebKeySet {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JSONWebKeySet;
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new ConfigError(`invalid Herald options: auth.jwt.jwksFile: ${path} ${reason}`);
  }
}

export function createJwtVerifier(options: ResolvedJwtOptions): TokenVerifier {
  const source = keySource(options);
  const { algorithms } = options;
  // A symmetric algorithm next to a public key is the algorithm-confusion hole; never allow the mix.
  const isSecret = 'key' in source && source.key instanceof Uint8Array;
  if (algorithms.length === 0 || algorithms.some((alg) => symmetric(alg) !== isSecret)) {
    throw new ConfigError(
      `invalid Herald options: auth.jwt.algorithms: ${isSecret ? 'a secret takes only HS256/384/512' : 'public keys take no HS algorithm'}`,
    );
  }
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [...algorithms],
    clockTolerance: options.clockTolerance,
  };
  if (options.issuer !== undefined) verifyOptions.issuer = options.issuer;
  if (options.audience !== undefined) verifyOptions.audience = options.audience;
  const remote = 'remote' in source && source.remote;
  return async (token) => {
    try {
      const result =
        'key' in source
          ? await jwtVerify(token, source.key, verifyOptions)
          : await jwtVerify(token, source.getKey, verifyOptions);
      return result.payload as Record<string, unknown>;
    } catch (error) {
      throw refusal(error, remote);
    }
  };
}

/** Turns a jose failure into a client-facing error that says why without echoing the token. */
function refusal(error: unknown, remote: boolean): HeraldError {
  const code = (error as { code?: unknown } | null)?.code;
  const failed = (message: string) => new HeraldError(ErrorCodes.WS_AUTH_FAILED, message);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new HeraldError(ErrorCodes.WS_TOKEN_EXPIRED, 'token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = String((error as { claim?: unknown }).claim);
      return failed(
        claim === 'nbf' ? 'token is not valid yet' : `token claim '${claim}' is invalid`,
      );
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return failed('token algorithm is not allowed');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return failed('token signature is invalid');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return failed('token key is unknown');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return failed('token is malformed');
    case 'ERR_JWKS_TIMEOUT':
      return new HeraldError(
        ErrorCodes.WS_UNAVAILABLE,
        'token keys are unavailable; try again later',
      );
  }
  // A remote key set that cannot be fetched is our outage, not the client's fault.
  if (remote && !(typeof code === 'string' && code.startsWith('ERR_'))) {
    return new HeraldError(
      ErrorCodes.WS_UNAVAILABLE,
      'token keys are unavailable; try again later',
    );
  }
  return failed('token is invalid');
}
