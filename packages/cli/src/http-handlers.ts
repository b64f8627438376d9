import { metricsHandler, type Gateway, type HttpHandler } from '@herald/server';
import type { ServeConfig } from './config.js';
import { serveMetricsSchema } from './config-file.js';

/** What `herald serve` answers over HTTP beside WebSocket upgrades and the health checks. */
export function httpHandlers(gateway: Gateway, config: ServeConfig): HttpHandler[] {
  const handlers: HttpHandler[] = [];
  const metrics = serveMetricsSchema.parse(config.metrics ?? {});
  if (metrics.enabled) handlers.push(metricsHandler(gateway, { path: metrics.path }));
  return handlers;
}
