import type { Exclusion, Target } from './targeting.js';

/** What one node asks of all: plain JSON, so that any broker can carry it. */
export type ClusterCommand =
  | { type: 'emit'; targets: Target[]; except: Exclusion; event: string; payload: unknown }
  | { type: 'fetch'; targets: Target[] }
  | { type: 'users'; targets: Target[] }
  | { type: 'disconnect'; targets: Target[]; code: number; reason: string }
  | { type: 'unsubscribe'; targets: Target[]; channel: string }
  | { type: 'channels' };

/** A channel and how many connections are subscribed to it. */
export interface ChannelCount {
  channel: string;
  subscribers: number;
}
