import type { PresenceClient, PresenceStats } from '@herald/protocol';
import { z } from 'zod';
import type { Gateway, TenantOption } from '../../gateway.js';
import { assertKeeps, channel, tenant, tenantOption } from '../requests.js';
import { apiRoute, type BatchMethod } from './api-route.js';

type PresenceRead = (
  gateway: Gateway,
  channel: string,
  options: TenantOption,
) => Promise<{ clients?: PresenceClient[]; stats: PresenceStats }>;

/** A read of a channel's presence, answered with the channel it names; 404 on a channel without. */
function presenceRoute(path: string, batch: BatchMethod, summary: string, read: PresenceRead) {
  return apiRoute({
    method: 'GET',
    path,
    batch,
    summary,
    input: z.object({ channel, tenant }),
    run: async (gateway, query) => {
      assertKeeps(gateway, query.channel, 'presence');
      const answer = await read(gateway, query.channel, tenantOption(query.tenant));
      return { channel: query.channel, ...answer };
    },
  });
}

/** Who is in a channel, on every node. */
export const presenceRoutes = [
  presenceRoute(
    '/presence',
    'presence',
    'the connections in a channel’s presence, and their counts',
    async (gateway, name, options) => {
      const [clients, stats] = await Promise.all([
        gateway.presence(name, options),
        gateway.presenceStats(name, options),
      ]);
      return { clients, stats };
    },
  ),
  presenceRoute(
    '/presence/stats',
    'presence.stats',
    'how many connections and users are in a channel’s presence',
    async (gateway, name, options) => ({ stats: await gateway.presenceStats(name, options) }),
  ),
];
