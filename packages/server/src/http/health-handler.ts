import type { ServerResponse } from 'node:http';
import { requestTarget } from '../admission/request-target.js';
import type { GatewayHealth, HealthReport } from './health.js';
import type { HttpHandler } from './http-handler.js';

/** What the health endpoints read of a gateway. */
export interface HealthSource {
  health(): GatewayHealth;
  readiness(): HealthReport;
}

/**
 * `/health`, `/health/live` and `/health/ready`, served by `gateway.listen()` and mountable on
 * any `node:http` server. Live: 200 while the process answers (restart it if not). Ready: 503
 * while the node shuts down, or its broker is away with `health.readyRequiresBroker` (take it
 * out of the load balancer). `/health`: 200 unless closing, with the gateway's `health()`.
 */
export function healthHandler(gateway: HealthSource): HttpHandler {
  return (req, res) => {
    switch (requestTarget(req.url).pathname) {
      case '/health': {
        const health = gateway.health();
        // A degraded node still serves its clients: only a closing one should leave the pool.
        writeJson(res, health.status === 'closing' ? 503 : 200, health);
        return true;
      }
      case '/health/live':
        writeJson(res, 200, { ...gateway.readiness(), status: 'ok' });
        return true;
      case '/health/ready': {
        const report = gateway.readiness();
        writeJson(res, report.status === 'ok' ? 200 : 503, report);
        return true;
      }
      default:
        return false;
    }
  };
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
