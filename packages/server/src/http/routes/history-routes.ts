import { z } from 'zod';
import { assertKeeps, channel, tenant, tenantOption } from '../requests.js';
import { apiRoute } from './api-route.js';

/** A query string says `true` or `false`; a batch says true or false. */
const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((value) => value === 'true'),
]);

const historyQuery = z
  .object({
    channel,
    tenant,
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    since: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe('the offset to read after (before, with reverse); give its epoch too'),
    epoch: z.string().min(1).optional().describe('the epoch of `since`'),
    reverse: flag.optional().describe('newest first'),
  })
  .refine((query) => (query.since === undefined) === (query.epoch === undefined), {
    message: 'give since and epoch together',
    path: ['epoch'],
  });

/** A channel's stored publications: read them, or forget them. */
export const historyRoutes = [
  apiRoute({
    method: 'GET',
    path: '/history',
    batch: 'history',
    summary: 'a channel’s stored publications, oldest first unless reverse',
    input: historyQuery,
    run: async (gateway, query) => {
      assertKeeps(gateway, query.channel, 'history');
      const result = await gateway.history(query.channel, {
        ...tenantOption(query.tenant),
        ...(query.limit !== undefined && { limit: query.limit }),
        ...(query.reverse !== undefined && { reverse: query.reverse }),
        ...(query.since !== undefined &&
          query.epoch !== undefined && { since: { offset: query.since, epoch: query.epoch } }),
      });
      return {
        channel: query.channel,
        publications: result.publications.map(({ event, payload, meta }) => ({
          event,
          payload,
          offset: meta.offset,
          time: meta.ts,
        })),
        offset: result.offset,
        epoch: result.epoch,
        ...(result.next && { next: result.next }),
      };
    },
  }),
  apiRoute({
    method: 'POST',
    path: '/history/remove',
    batch: 'history.remove',
    summary: 'forget a channel’s history; clients recovering from before it get recovered: false',
    input: z.object({ channel, tenant }),
    run: async (gateway, body) => {
      await gateway.removeHistory(body.channel, tenantOption(body.tenant));
      return { removed: true };
    },
  }),
];
