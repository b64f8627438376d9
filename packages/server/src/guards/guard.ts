import type { IncomingMessage } from 'node:http';
import type { Connection } from '../connection/connection.js';
import type { Identity } from '../connection/identity.js';
import type { MessageContext } from '../middleware/middleware.js';

/** What a handshake guard sees: the request and the identity authentication produced. */
export interface HandshakeContext {
  readonly request: IncomingMessage;
  /** The namespace pattern, such as `/chat/:room`. */
  readonly namespace: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly origin: string | undefined;
  readonly remoteAddress: string;
  readonly identity: Identity;
}

/** A namespace's channel hook (`authorizeSubscribe`, `authorizePublish`); the channel is the client-visible name. */
export type ChannelAuthorizer = (
  connection: Connection,
  channel: string,
) => boolean | Promise<boolean>;

/** Runs before a connection is admitted; false (or a thrown HeraldError) refuses it with 4003. */
export type HandshakeGuard = (ctx: HandshakeContext) => boolean | Promise<boolean>;

/** Runs before middleware for each client event; false answers WS_FORBIDDEN. */
export type MessageGuard = (ctx: MessageContext) => boolean | Promise<boolean>;

/** Anything a guard helper can read an identity from: a handshake or a message context. */
export type GuardSubject =
  { readonly identity: Identity } | { readonly connection: { readonly identity: Identity } };

export type Match = 'any' | 'all';

const identityOf = (subject: GuardSubject): Identity =>
  'identity' in subject ? subject.identity : subject.connection.identity;

function holds(
  helper: string,
  field: 'roles' | 'permissions' | 'scopes',
  wanted: readonly string[],
  match: Match,
) {
  const guard = (subject: GuardSubject): boolean => {
    const held = identityOf(subject)[field];
    return match === 'any'
      ? wanted.some((w) => held.includes(w))
      : wanted.every((w) => held.includes(w));
  };
  // The name says what it requires where guards are listed (the manifest, `herald inspect`).
  return Object.defineProperty(guard, 'name', { value: `${helper}(${wanted.join(', ')})` });
}

/** A guard (handshake or message) passing identities with any (default) or all of `roles`. */
export const requireRoles = (roles: readonly string[], match: Match = 'any') =>
  holds('requireRoles', 'roles', roles, match);

/** A guard passing identities with all (default) or any of `permissions`. */
export const requirePermissions = (permissions: readonly string[], match: Match = 'all') =>
  holds('requirePermissions', 'permissions', permissions, match);

/** A guard passing identities with all (default) or any of `scopes`. */
export const requireScopes = (scopes: readonly string[], match: Match = 'all') =>
  holds('requireScopes', 'scopes', scopes, match);
