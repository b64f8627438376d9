import { ErrorCodes } from '@herald/protocol';
import { z } from 'zod';
import type { Gateway } from '../../gateway.js';
import { HttpApiError } from '../http-error.js';
import { channel, tenant, tenantOption } from '../requests.js';
import { apiRoute } from './api-route.js';

const presenceQuery = z.object({ channel, tenant });

/** A channel whose policy keeps no presence has none to read: 404 rather than an empty list. */
function assertPresence(gateway: Gateway, name: string): void {
  if (gateway.channelKeeps(name).presence) return;
  throw new HttpApiError(404, ErrorCodes.WS_NOT_FOUND, `channel '${name}' keeps no presence`, [
    { path: 'channel', message: 'its policy has no presence' },
  ]);
}

/** Who is in a channel, on every node. */
export const presenceRoutes = [
  apiRoute({
    method: 'GET',
    path: '/presence',
    batch: 'presence',
    summary: 'the connections in a channel’s presence, and their counts',
    input: presenceQuery,
    run: async (gateway, query) => {
      assertPresence(gateway, query.channel);
      const options = tenantOption(query.tenant);
      const [clients, stats] = await Promise.all([
        gateway.presence(query.channel, options),
        gateway.presenceStats(query.channel, options),
      ]);
      return { channel: query.channel, clients, stats };
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/presence/stats',
    batch: 'presence.stats',
    summary: 'how many connections and users are in a channel’s presence',
    input: presenceQuery,
    run: async (gateway, query) => {
      assertPresence(gateway, query.channel);
      const stats = await gateway.presenceStats(query.channel, tenantOption(query.tenant));
      return { channel: query.channel, stats };
    },
  }),
];
