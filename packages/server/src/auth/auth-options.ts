import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { fn, milliseconds, nonEmpty } from '../validation/option-schema.js';
import { jwtOptionsSchema } from './jwt-options.js';

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

/** Which token claims fill which identity fields. */
export const claimNamesSchema = z.strictObject({
  userId: nonEmpty.default('sub'),
  tenant: nonEmpty.default('tenant_id'),
  roles: nonEmpty.default('roles'),
  permissions: nonEmpty.default('permissions'),
  scopes: nonEmpty.default('scopes'),
});

export type ClaimNames = z.output<typeof claimNamesSchema>;

/** Where a handshake may carry a token. Each source can be turned off. */
export const tokenSourcesSchema = z.strictObject({
  /** `Authorization: Bearer <token>`. */
  header: z.boolean().default(true),
  /** Query parameter name, or false. */
  query: z.union([nonEmpty, z.literal(false)]).default('token'),
  /** Cookie name, or false. */
  cookie: z.union([nonEmpty, z.literal(false)]).default('herald_token'),
  /** `Sec-WebSocket-Protocol: bearer, <token>` (browsers cannot set headers). */
  subprotocol: z.boolean().default(true),
});

export type TokenSources = z.output<typeof tokenSourcesSchema>;

/** Token authentication (`auth`): JWT or a custom function. See docs/auth.md. */
export const authOptionsSchema = z.strictObject({
  /** Verify tokens as JWTs. */
  jwt: jwtOptionsSchema.optional(),
  /** Verify tokens yourself instead of as JWTs. */
  authenticate: fn<AuthenticateFunction>().optional(),
  /** Claim names mapped to the identity. */
  claims: claimNamesSchema.prefault({}),
  /** Where the handshake may carry a token. */
  tokenSources: tokenSourcesSchema.prefault({}),
  /** Milliseconds a connection without a token has to send an `auth` frame; 0 refuses it at once. */
  authTimeout: milliseconds.default(10_000),
  /** Refuse a handshake with HTTP 401/403/429 instead of accepting it and closing with 4001/4003/4008. */
  rejectBeforeUpgrade: z.boolean().default(false),
});

export type AuthOptions = z.input<typeof authOptionsSchema>;
export type ResolvedAuthOptions = z.output<typeof authOptionsSchema>;
