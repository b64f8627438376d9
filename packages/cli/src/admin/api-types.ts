import type {
  BatchMethod,
  ChannelCount,
  GatewayHealth,
  GatewayStats,
  NodeInfo,
  Target as ClusterTarget,
} from '@herald/server';

/**
 * The answers of the server API (docs/api.md), as the admin commands read them. Only the fields
 * the commands show are typed; `--json` prints an answer whole, whatever else it holds.
 */

/** Select connections: every field given must match (the fields the API takes). */
export type Target = Pick<ClusterTarget, 'user' | 'connection' | 'tenant' | 'role' | 'namespace'>;

export interface StreamPosition {
  offset: number;
  epoch: string;
}

export interface StatsAnswer {
  stats: GatewayStats;
  health: GatewayHealth;
}

export interface InfoAnswer {
  nodes: NodeInfo[];
}

export interface ChannelsAnswer {
  channels: ChannelCount[];
}

export interface PresenceAnswer {
  channel: string;
  clients: { connectionId: string; userId?: string; info?: unknown }[];
  stats: { connections: number; users: number };
}

export interface HistoryAnswer {
  channel: string;
  publications: { event: string; payload?: unknown; offset?: number; time?: number | string }[];
  offset: number;
  epoch: string;
}

export interface PublishAnswer {
  published: true;
  position?: StreamPosition;
}

export type BroadcastResult =
  { channel: string; position?: StreamPosition } | { channel: string; error: ApiErrorBody };

export interface BroadcastAnswer {
  published: number;
  results: BroadcastResult[];
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { path: string; message: string }[];
}

export interface BatchRequest {
  method: BatchMethod;
  params: Record<string, unknown>;
}

export interface BatchAnswer {
  results: ({ result: unknown } | { error: ApiErrorBody })[];
}
