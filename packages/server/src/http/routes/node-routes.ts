import { z } from 'zod';
import { apiRoute } from './api-route.js';

/** The node that answers, and every node of the cluster. */
export const nodeRoutes = [
  apiRoute({
    method: 'GET',
    path: '/stats',
    summary: 'stats and health of the node that answers',
    input: z.object({}),
    run: async (gateway) => ({ stats: gateway.stats(), health: gateway.health() }),
  }),
  apiRoute({
    method: 'GET',
    path: '/info',
    batch: 'info',
    summary: 'every node: id, version, uptime, namespaces, stats and health',
    input: z.object({}),
    run: async (gateway) => ({ nodes: await gateway.info() }),
  }),
];
