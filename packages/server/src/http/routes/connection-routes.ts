import { z } from 'zod';
import { channel, needsTarget, targetFields, targetOf, type TargetFields } from '../requests.js';
import { apiRoute } from './api-route.js';

const subscribeRequest = z
  .object({ channel, ...targetFields })
  .refine(needsTarget.check, needsTarget.message);

const disconnectRequest = z
  .object({
    ...targetFields,
    // 4000–4999 are the application's close codes; the gateway's default is 4011 (kicked).
    code: z.number().int().min(4000).max(4999).optional(),
    // A close reason must fit in a control frame.
    reason: z.string().max(100).optional(),
  })
  .refine(needsTarget.check, needsTarget.message);

const refreshRequest = z
  .object({
    ...targetFields,
    expiresAt: z
      .number()
      .int()
      .positive()
      .describe('the new expiry, in seconds since the Unix epoch (like a JWT `exp`)'),
  })
  .refine(needsTarget.check, needsTarget.message);

/**
 * `POST /subscribe` or `/unsubscribe`: the gateway method of that name on the target's
 * connections, answered with how many it touched (`{ subscribed: n }`, `{ unsubscribed: n }`).
 */
function membershipRoute(
  action: 'subscribe' | 'unsubscribe',
  summary: string,
  input: z.ZodType<TargetFields & { channel: string }>,
) {
  return apiRoute({
    method: 'POST',
    path: `/${action}`,
    batch: action,
    summary,
    input,
    run: async (gateway, body) => ({
      [`${action}d`]: await gateway[action](targetOf(body), body.channel),
    }),
  });
}

/** Connections anywhere in the cluster: list them, subscribe, unsubscribe, close, refresh. */
export const connectionRoutes = [
  apiRoute({
    method: 'GET',
    path: '/connections',
    summary: 'connections on every node matching every filter given',
    input: z.object({ ...targetFields, channel: channel.optional() }),
    run: async (gateway, query) => {
      const filter = {
        ...targetOf(query),
        ...(query.channel !== undefined && { channel: query.channel }),
      };
      return { connections: await gateway.fetchConnections(filter) };
    },
  }),
  membershipRoute(
    'subscribe',
    'subscribe matching connections to a channel; they get a system `subscribed`',
    subscribeRequest,
  ),
  membershipRoute(
    'unsubscribe',
    'end matching connections’ subscriptions to a channel (all of them without a target)',
    z.object({ channel, ...targetFields }),
  ),
  apiRoute({
    method: 'POST',
    path: '/disconnect',
    batch: 'disconnect',
    summary: 'close matching connections (default code 4011)',
    input: disconnectRequest,
    run: async (gateway, body) => ({
      disconnected: await gateway.disconnect(targetOf(body), body.code, body.reason),
    }),
  }),
  apiRoute({
    method: 'POST',
    path: '/refresh',
    batch: 'refresh',
    summary: 'give matching connections’ credentials a new expiry',
    input: refreshRequest,
    run: async (gateway, body) => ({
      refreshed: await gateway.refresh(targetOf(body), body.expiresAt * 1000),
    }),
  }),
];
