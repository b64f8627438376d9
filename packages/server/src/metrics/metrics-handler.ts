import type { Registry } from 'prom-client';
import type { HttpHandler } from '../http/http-handler.js';
import { requestTarget } from '../admission/request-target.js';

export interface MetricsHandlerOptions {
  /** Where the metrics are served. Default `/metrics`. */
  path?: string;
}

/**
 * Serves a gateway's metrics in the Prometheus text format at `path` (GET or HEAD), for
 * `gateway.listen(port, host, { handlers: [metricsHandler(gateway)] })` or any `node:http` server.
 */
export function metricsHandler(
  source: { readonly metrics: Registry },
  { path = '/metrics' }: MetricsHandlerOptions = {},
): HttpHandler {
  return (req, res) => {
    if (requestTarget(req.url).pathname !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end();
      return true;
    }
    source.metrics.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': source.metrics.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        // A collect callback failed; its error may carry internals, so it is not shown.
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics collection failed\n');
      },
    );
    return true;
  };
}
