import { ErrorCodes } from '@herald/protocol';
import type { SocketConnection } from '../connection/socket-connection.js';
import { HeraldError } from '../errors.js';

const forbidden = (action: string, channel: string) =>
  new HeraldError(ErrorCodes.WS_FORBIDDEN, `${action} '${channel}' is forbidden`, [
    { path: 'channel', message: `may not ${action}` },
  ]);

/**
 * Checks a client subscribe against the namespace's limits and `authorizeSubscribe`.
 * `subscribers` counts a channel's local subscribers by internal name.
 */
export async function authorizeSubscribe(
  connection: SocketConnection,
  channel: string,
  subscribers: (internal: string) => number,
): Promise<void> {
  if (connection.channels.has(channel)) return;
  const {
    maxSubscriptions,
    maxSubscribersPerChannel,
    authorizeSubscribe: allow,
  } = connection.endpoint.options;
  if (allow && !(await allow(connection, channel))) throw forbidden('subscribe to', channel);
  if (maxSubscriptions > 0 && connection.channels.size >= maxSubscriptions) {
    throw new HeraldError(
      ErrorCodes.WS_SUBSCRIPTION_LIMIT,
      `at most ${maxSubscriptions} subscriptions per connection`,
    );
  }
  if (
    maxSubscribersPerChannel > 0 &&
    subscribers(connection.internalChannel(channel)) >= maxSubscribersPerChannel
  ) {
    throw new HeraldError(ErrorCodes.WS_CHANNEL_FULL, `channel '${channel}' is full`);
  }
}
