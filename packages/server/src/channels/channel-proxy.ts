import { z } from 'zod';
import type { SocketConnection } from '../connection/socket-connection.js';
import type { BackendCalls } from '../proxy/backend-call.js';
import { askAboutConnection } from '../proxy/ask-about-connection.js';
import { endpointFor, type ProxyKind } from '../proxy/proxy-options.js';
import type { ResolvedChannel } from './channel-policy.js';

const subscribeResult = z.object({ info: z.record(z.string(), z.unknown()).optional() });
const publishResult = z.object({ payload: z.unknown().optional() });

/** The proxy deciding `kind` on `channel`: its policy's when it has one, else its namespace's. */
function endpointOn(connection: SocketConnection, channel: ResolvedChannel, kind: ProxyKind) {
  return endpointFor(channel.policy.proxy ?? connection.endpoint.options.proxy, kind);
}

/**
 * Asks the backend whether a client's subscribe goes on (see docs/proxy.md); resolves with the
 * presence info to show: the backend's, else the client's. Rejects with the backend's refusal.
 */
export async function proxySubscribe(
  connection: SocketConnection,
  channel: ResolvedChannel,
  info: Record<string, unknown> | undefined,
  calls: BackendCalls,
): Promise<Record<string, unknown> | undefined> {
  const endpoint = endpointOn(connection, channel, 'subscribe');
  if (!endpoint) return info;
  const fields: Record<string, unknown> = { channel: channel.name };
  if (info !== undefined) fields.info = info;
  const result = await askAboutConnection(
    connection,
    endpoint,
    'subscribe',
    fields,
    subscribeResult,
    calls,
  );
  return result.info ?? info;
}

/**
 * Asks the backend whether a client's publication goes out, and with what payload: the
 * backend's replacement when it gives one, else the client's. Rejects with the backend's refusal.
 */
export async function proxyPublish(
  connection: SocketConnection,
  channel: ResolvedChannel,
  event: string,
  payload: unknown,
  calls: BackendCalls,
): Promise<unknown> {
  const endpoint = endpointOn(connection, channel, 'publish');
  if (!endpoint) return payload;
  const fields = { channel: channel.name, event, payload };
  const result = await askAboutConnection(
    connection,
    endpoint,
    'publish',
    fields,
    publishResult,
    calls,
  );
  return 'payload' in result ? result.payload : payload;
}
