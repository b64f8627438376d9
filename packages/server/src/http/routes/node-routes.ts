import { z } from 'zod';
import { apiRoute } from './api-route.js';

/** The node that answers, and every node of the cluster; what the node that answers serves. */
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
  apiRoute({
    method: 'GET',
    path: '/manifest',
    summary:
      'the namespaces of the node that answers (controllers, events, schemas, guards) in the ' +
      'herald.manifest.json format',
    input: z.object({}),
    run: async (gateway) => gateway.manifest(),
  }),
];
