import type { Gateway } from '../gateway.js';
import { parseRequest } from './requests.js';
import type { ApiRoute } from './routes/api-route.js';
import { batchRoute } from './routes/batch-route.js';
import { channelRoutes } from './routes/channel-routes.js';
import { connectionRoutes } from './routes/connection-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { nodeRoutes } from './routes/node-routes.js';
import { openApiDocument } from './routes/openapi.js';
import { presenceRoutes } from './routes/presence-routes.js';

/** What a route gets: the query string, a reader for the JSON body, and where the API is mounted. */
export interface RouteInput {
  query: URLSearchParams;
  body(): Promise<unknown>;
  basePath: string;
}

export type Route = (gateway: Gateway, input: RouteInput) => Promise<unknown>;

const endpoints = [
  ...nodeRoutes,
  ...connectionRoutes,
  ...channelRoutes,
  ...presenceRoutes,
  ...historyRoutes,
];

/** Every endpoint with its schema: the one table the routes and the OpenAPI document come from. */
export const routeTable: readonly ApiRoute[] = [...endpoints, batchRoute(endpoints)];

/** Answered without a key: describing the API reveals nothing a caller could act on. */
export const publicRoutes = new Set(['GET /openapi.json']);

/** Reads a route's input (the query of a GET, the body of a POST), validates it, and runs it. */
function endpoint(route: ApiRoute): Route {
  return async (gateway, input) => {
    const raw = route.method === 'GET' ? Object.fromEntries(input.query) : await input.body();
    return route.run(gateway, parseRequest(route.input, raw));
  };
}

/** The API's endpoints by method and path below the base path; each answers a JSON value. */
export const routes: Record<string, Route> = {
  ...Object.fromEntries(
    routeTable.map((route) => [`${route.method} ${route.path}`, endpoint(route)]),
  ),
  'GET /openapi.json': async (_gateway, { basePath }) => openApiDocument(routeTable, basePath),
};
