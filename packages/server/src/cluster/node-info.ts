import { readFileSync } from 'node:fs';
import type { BrokerHealth } from '../broker/broker.js';
import type { GatewayStats } from '../connection/stats.js';

/** `gateway.health()`: whether a node serves, and its broker. */
export interface GatewayHealth {
  status: 'ok' | 'degraded' | 'closing';
  broker: BrokerHealth;
  /** Connections open on this node. */
  connections: number;
}

/** One node of the cluster, as `gateway.info()` lists it. */
export interface NodeInfo {
  /** This gateway's id, new at every start of the process (random). */
  node: string;
  /** The version of @herald/server it runs. */
  version: string;
  /** When the gateway was created (ms since epoch). */
  startedAt: number;
  /** Milliseconds since `startedAt`. */
  uptime: number;
  /** Its namespaces' patterns, in declaration order. */
  namespaces: string[];
  stats: GatewayStats;
  health: GatewayHealth;
}

export const serverVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** This node's description, for the `info` command. */
export function describeNode(
  node: { id: string; startedAt: number },
  namespaces: readonly { pattern: { source: string } }[],
  stats: GatewayStats,
  health: GatewayHealth,
): NodeInfo {
  return {
    node: node.id,
    version: serverVersion,
    startedAt: node.startedAt,
    uptime: Date.now() - node.startedAt,
    namespaces: namespaces.map((namespace) => namespace.pattern.source),
    stats,
    health,
  };
}
