import { createHttpApi, dashboardHandler, type Gateway, type HttpHandler } from '@herald/server';
import type { ServeConfig } from './config.js';

/** What `herald serve` answers beside WebSocket upgrades and `/health`, and what it says about it. */
export interface ServedHttp {
  handlers: HttpHandler[];
  /** Start-up log lines: what is served where, or why not. */
  notes: string[];
}

/** The request handlers of `herald serve`, in the order they are tried. */
export function httpHandlers(gateway: Gateway, config: ServeConfig): ServedHttp {
  const handlers: HttpHandler[] = [];
  const notes: string[] = [];
  const { api, dashboard } = config;
  if (api.key === undefined && api.jwt === undefined) {
    notes.push('HTTP API and dashboard not served: set HERALD_API_KEY, api.key or api.jwt');
  } else {
    handlers.push(
      createHttpApi(gateway, {
        basePath: api.path,
        ...(api.key !== undefined && { apiKey: api.key }),
        ...(api.jwt !== undefined && { jwt: api.jwt }),
      }),
    );
    notes.push(`HTTP API at ${api.path}`);
    if (dashboard.enabled) {
      handlers.push(dashboardHandler({ path: dashboard.path, apiPath: api.path }));
      notes.push(`dashboard at ${dashboard.path}`);
    }
  }
  return { handlers, notes };
}
