import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import { jwtOptionsSchema } from '../auth/jwt-options.js';
import { createJwtVerifier, type TokenVerifier } from '../auth/jwt-verifier.js';
import { isHeraldError } from '../errors.js';
import { parseOptions } from '../validation/option-schema.js';
import { adminJwtOptionsSchema, type AdminJwtOptions } from './admin-jwt-options.js';
import { apiKeyMatches } from './api-key.js';
import { HttpApiError } from './http-error.js';

/** Who may call the API: the API key, an admin JWT, or both. Undefined when either admits. */
export type AdminCheck = (req: IncomingMessage) => Promise<HttpApiError | undefined>;

/**
 * Builds the API's check from its key and admin JWT settings; with neither, every request is
 * admitted (the API must then stay private). A wrong key and a bad token are 401
 * `WS_AUTH_FAILED`; a valid token without the admin claim is 403 `WS_FORBIDDEN`.
 */
export function adminCheck(
  apiKey: string | undefined,
  jwt: AdminJwtOptions | undefined,
): AdminCheck {
  if (apiKey === '') throw new Error('createHttpApi: apiKey must not be empty');
  const admin = jwt && adminVerifier(jwt);
  if (apiKey === undefined && admin === undefined) return async () => undefined;
  return async (req) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (match === null) {
      return new HttpApiError(
        401,
        ErrorCodes.WS_AUTH_REQUIRED,
        `${admin ? 'an API key or admin token' : 'an API key'} is required: send Authorization: Bearer <${admin ? 'key or token' : 'key'}>`,
      );
    }
    const credential = match[1] ?? '';
    if (apiKey !== undefined && apiKeyMatches(credential, apiKey)) return undefined;
    // A JWT has three dot-separated parts; anything else was meant as a key.
    if (admin && credential.split('.').length === 3) return admin(credential);
    return new HttpApiError(401, ErrorCodes.WS_AUTH_FAILED, 'the API key is wrong');
  };
}

function adminVerifier(
  options: AdminJwtOptions,
): (token: string) => Promise<HttpApiError | undefined> {
  const { claim, ...keys } = parseOptions(adminJwtOptionsSchema, options, 'jwt');
  const verify: TokenVerifier = createJwtVerifier(parseOptions(jwtOptionsSchema, keys, 'jwt'));
  return async (token) => {
    let claims: Record<string, unknown>;
    try {
      claims = await verify(token);
    } catch (error) {
      if (isHeraldError(error) && error.code === ErrorCodes.WS_UNAVAILABLE) {
        return new HttpApiError(503, ErrorCodes.WS_UNAVAILABLE, error.message);
      }
      const reason = isHeraldError(error) ? error.message : 'token is invalid';
      return new HttpApiError(401, ErrorCodes.WS_AUTH_FAILED, reason);
    }
    if (claims[claim] === true) return undefined;
    return new HttpApiError(
      403,
      ErrorCodes.WS_FORBIDDEN,
      `the token's '${claim}' claim is not true`,
    );
  };
}
