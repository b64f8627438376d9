import type { Gateway } from '../gateway.js';
import { disconnectRequest, parseRequest, presenceQuery, publishRequest } from './requests.js';

/** What a route gets: the query string, and a reader for the JSON body. */
export interface RouteInput {
  query: URLSearchParams;
  body(): Promise<unknown>;
}

export type Route = (gateway: Gateway, input: RouteInput) => Promise<unknown>;

/** The API's endpoints by method and path below the base path; each answers a JSON value. */
export const routes: Record<string, Route> = {
  'GET /stats': async (gateway) => ({ stats: gateway.stats(), health: gateway.health() }),

  'GET /connections': async (gateway) => ({ connections: await gateway.fetchConnections({}) }),

  'GET /channels': async (gateway) => ({ channels: await gateway.channels() }),

  'GET /presence': async (gateway, { query }) => {
    const { channel, tenant } = parseRequest(presenceQuery, Object.fromEntries(query));
    const options = tenant === undefined ? {} : { tenant };
    const [clients, stats] = await Promise.all([
      gateway.presence(channel, options),
      gateway.presenceStats(channel, options),
    ]);
    return { channel, clients, stats };
  },

  'POST /publish': async (gateway, { body }) => {
    const { channel, tenant, event, payload } = parseRequest(publishRequest, await body());
    const position = await gateway.publish(
      channel,
      event,
      payload,
      tenant === undefined ? {} : { tenant },
    );
    return { published: true, ...(position && { position }) };
  },

  'POST /disconnect': async (gateway, { body }) => {
    const { user, connection, code, reason } = parseRequest(disconnectRequest, await body());
    const target = {
      ...(user !== undefined && { user }),
      ...(connection !== undefined && { connection }),
    };
    return { disconnected: await gateway.disconnect(target, code, reason) };
  },
};
