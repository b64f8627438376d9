import { ErrorCodes } from '@herald/protocol';
import { z } from 'zod';
import { HeraldError } from '../errors.js';
import type { MessageContext } from '../middleware/middleware.js';
import type { BackendCalls } from '../proxy/backend-call.js';
import { askAboutConnection } from '../proxy/ask-about-connection.js';
import { endpointFor, type ProxyOptions } from '../proxy/proxy-options.js';

const rpcResult = z.object({ payload: z.unknown().optional() });

/**
 * A client event no handler takes: with an `rpc` proxy, the backend answers it (its `payload` is
 * the ack's, its error the client's); without one it is refused with WS_NOT_FOUND.
 */
export async function proxyRpc(
  ctx: MessageContext,
  proxy: ProxyOptions | undefined,
  calls: BackendCalls,
): Promise<unknown> {
  const endpoint = endpointFor(proxy, 'rpc');
  if (!endpoint) {
    throw new HeraldError(ErrorCodes.WS_NOT_FOUND, `no handler for event '${ctx.event}'`);
  }
  const { connection, event, payload } = ctx;
  const fields = { event, payload };
  const result = await askAboutConnection(connection, endpoint, 'rpc', fields, rpcResult, calls);
  return result.payload;
}
