import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from '@nats-io/transport-node';

export interface NatsBrokerOptions {
  /** NATS server URL(s). Default: `NATS_URL`, else `nats://127.0.0.1:4222`. */
  servers?: string | string[];
  /**
   * Subject prefix and name of everything this cluster keeps on NATS (dot-separated tokens of
   * letters, digits, `_`, `-`). Clusters sharing a server use different prefixes. Default `herald`.
   */
  prefix?: string;
  /** This node's id in the cluster. Default: a random UUID. */
  nodeId?: string;
  /** Milliseconds a node counts as live after its last heartbeat. Default 15000. */
  nodeTtl?: number;
  /** Most history records kept per channel, whatever a channel's policy asks. Default 10000. */
  historyMaxPerChannel?: number;
  /** Milliseconds history records are kept at most; 0 for no limit. Default 0. */
  historyMaxAge?: number;
  /** Milliseconds a presence entry is kept after its last refresh at most. Default 3600000. */
  presenceMaxAge?: number;
  /** JetStream storage for history, presence and the node registry. Default `file`. */
  storage?: 'file' | 'memory';
  /** JetStream replicas of each stream and bucket. Default 1. */
  replicas?: number;
  /** Milliseconds a history read may take. Default 5000. */
  readTimeout?: number;
  /** Any other `@nats-io/transport-node` connection option (auth, TLS, reconnect timing). */
  connection?: Omit<ConnectionOptions, 'servers'>;
}

export type ResolvedNatsOptions = Required<NatsBrokerOptions>;

export function resolveOptions(options: NatsBrokerOptions): ResolvedNatsOptions {
  return {
    servers: options.servers ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    prefix: options.prefix ?? 'herald',
    nodeId: options.nodeId ?? randomUUID(),
    nodeTtl: options.nodeTtl ?? 15_000,
    historyMaxPerChannel: options.historyMaxPerChannel ?? 10_000,
    historyMaxAge: options.historyMaxAge ?? 0,
    presenceMaxAge: options.presenceMaxAge ?? 3_600_000,
    storage: options.storage ?? 'file',
    replicas: options.replicas ?? 1,
    readTimeout: options.readTimeout ?? 5_000,
    connection: options.connection ?? {},
  };
}
