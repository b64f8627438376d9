import { z } from 'zod';
import type { StreamPosition } from '@herald/protocol';
import { isHeraldError } from '../../errors.js';
import { channel, tenant, tenantOption } from '../requests.js';
import { apiRoute } from './api-route.js';

const event = z.string().min(1).max(255);
const payload = z.unknown().optional();

type BroadcastResult =
  | { channel: string; position?: StreamPosition }
  | { channel: string; error: { code: string; message: string } };

/** Channels: list them, publish to one, broadcast to many. */
export const channelRoutes = [
  apiRoute({
    method: 'GET',
    path: '/channels',
    batch: 'channels',
    summary: 'channels with subscribers on any node, tenants’ with their tenant',
    input: z.object({
      pattern: z.string().min(1).max(255).optional().describe('`*` matches any run of characters'),
      tenant,
    }),
    run: async (gateway, query) => ({ channels: await gateway.channels(query) }),
  }),
  apiRoute({
    method: 'POST',
    path: '/publish',
    batch: 'publish',
    summary: 'publish to a channel’s subscribers on every node',
    input: z.object({ channel, tenant, event, payload }),
    run: async (gateway, body) => {
      const position = await gateway.publish(
        body.channel,
        body.event,
        body.payload,
        tenantOption(body.tenant),
      );
      return { published: true, ...(position && { position }) };
    },
  }),
  apiRoute({
    method: 'POST',
    path: '/broadcast',
    batch: 'broadcast',
    summary: 'publish one event to many channels; each channel succeeds or fails on its own',
    input: z.object({ channels: z.array(channel).min(1).max(1000), tenant, event, payload }),
    run: async (gateway, body) => {
      const results = await Promise.all(
        body.channels.map(async (name): Promise<BroadcastResult> => {
          try {
            const options = tenantOption(body.tenant);
            const position = await gateway.publish(name, body.event, body.payload, options);
            return { channel: name, ...(position && { position }) };
          } catch (error) {
            // The gateway's own refusals say why; anything else is not for the caller to see.
            if (!isHeraldError(error)) throw error;
            return { channel: name, error: { code: error.code, message: error.message } };
          }
        }),
      );
      return { published: results.filter((r) => !('error' in r)).length, results };
    },
  }),
];
