import { ErrorCodes, type ErrorCode } from '@herald/protocol';
import type { SocketConnection } from '../connection/socket-connection.js';
import { HeraldError } from '../errors.js';
import type { ResolvedChannel } from './channel-policy.js';
import type { AccessRequirements, PublishAccess, SubscribeAccess } from './policy-schema.js';
import type { SubscriptionTokenVerifier } from './subscription-token.js';

function refuse(code: ErrorCode, message: string, path = 'channel'): never {
  throw new HeraldError(code, message, [{ path, message }]);
}

/** A personal channel (`user:#{id}`) is only for the users its name carries. */
function checkPersonal(connection: SocketConnection, channel: ResolvedChannel): void {
  const { users } = channel.match;
  const { userId } = connection.identity;
  if (users.length > 0 && (userId === undefined || !users.includes(userId))) {
    refuse(ErrorCodes.WS_FORBIDDEN, `channel '${channel.name}' belongs to another user`);
  }
}

function meets(connection: SocketConnection, needs: AccessRequirements): boolean {
  const { roles, permissions, scopes } = connection.identity;
  if (needs.roles && !needs.roles.some((role) => roles.includes(role))) return false;
  if (needs.permissions && !needs.permissions.every((p) => permissions.includes(p))) return false;
  if (needs.scopes && !needs.scopes.every((s) => scopes.includes(s))) return false;
  return true;
}

async function evaluate(
  connection: SocketConnection,
  channel: ResolvedChannel,
  access: SubscribeAccess | PublishAccess,
  action: 'subscribe to' | 'publish to',
): Promise<void> {
  const denied = `not allowed to ${action} '${channel.name}'`;
  if (access === 'everyone') return;
  if (access === 'nobody') refuse(ErrorCodes.WS_FORBIDDEN, denied);
  if (access === 'token')
    refuse(ErrorCodes.WS_FORBIDDEN, `'${channel.name}' needs a subscription token`, 'token');
  if (access === 'subscribers') {
    if (!connection.channels.has(channel.name))
      refuse(ErrorCodes.WS_FORBIDDEN, `subscribe to '${channel.name}' first`);
    return;
  }
  if (typeof access === 'function') {
    if (!(await access(connection, channel.name, channel.match)))
      refuse(ErrorCodes.WS_FORBIDDEN, denied);
    return;
  }
  if (connection.identity.userId === undefined) {
    refuse(
      ErrorCodes.WS_AUTH_REQUIRED,
      `authentication is required to ${action} '${channel.name}'`,
    );
  }
  if (access === 'authenticated') return;
  if (!meets(connection, access)) refuse(ErrorCodes.WS_FORBIDDEN, denied);
  if (access.check && !(await access.check(connection, channel.name, channel.match))) {
    refuse(ErrorCodes.WS_FORBIDDEN, denied);
  }
}

/** Throws the HeraldError a client gets when it may not subscribe; a valid token grants access. */
export async function authorizeSubscribe(
  connection: SocketConnection,
  channel: ResolvedChannel,
  token: string | undefined,
  tokens: SubscriptionTokenVerifier,
): Promise<void> {
  checkPersonal(connection, channel);
  if (token !== undefined) return tokens.verify(token, channel.name, connection.identity);
  await evaluate(connection, channel, channel.policy.subscribe, 'subscribe to');
}

/** The policy's rule, and beside it the namespace's `authorizePublish` hook when it has one. */
export async function authorizePublish(
  connection: SocketConnection,
  channel: ResolvedChannel,
): Promise<void> {
  checkPersonal(connection, channel);
  await evaluate(connection, channel, channel.policy.publish, 'publish to');
  const hook = connection.endpoint.options.authorizePublish;
  if (hook && !(await hook(connection, channel.name))) {
    refuse(ErrorCodes.WS_FORBIDDEN, `not allowed to publish to '${channel.name}'`);
  }
}

/** Client reads (history, presence): subscribers only, and only where the policy offers them. */
export function authorizeRead(
  connection: SocketConnection,
  channel: ResolvedChannel,
  offered: boolean,
  what: string,
): void {
  if (!offered)
    refuse(ErrorCodes.WS_FORBIDDEN, `${what} of '${channel.name}' is not available to clients`);
  if (!connection.channels.has(channel.name))
    refuse(ErrorCodes.WS_FORBIDDEN, `subscribe to '${channel.name}' first`);
}
