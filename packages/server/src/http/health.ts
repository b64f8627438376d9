import type { ServerResponse } from 'node:http';
import type { NodeHealth } from '../cluster/node-info.js';

export type GatewayHealth = NodeHealth;

/** `GET /health`: 200 while the node serves, 503 once it is closing. */
export function writeHealth(res: ServerResponse, health: GatewayHealth): void {
  // A degraded node still serves its clients: only a closing one should leave the pool.
  res.writeHead(health.status === 'closing' ? 503 : 200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(health));
}
