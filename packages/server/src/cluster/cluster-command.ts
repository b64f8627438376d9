import type { Exclusion, Target } from './targeting.js';

/** What one node asks of all: plain JSON, so that any broker can carry it. */
export type ClusterCommand =
  | { type: 'emit'; targets: Target[]; except: Exclusion; event: string; payload: unknown }
  | { type: 'fetch'; targets: Target[] }
  | { type: 'users'; targets: Target[] }
  | { type: 'disconnect'; targets: Target[]; code: number; reason: string }
  | { type: 'unsubscribe'; targets: Target[]; channel: string }
  | { type: 'subscribe'; targets: Target[]; channel: string }
  /** `expiresAt`: ms since epoch, the new expiry of the connections' credentials. */
  | { type: 'refresh'; targets: Target[]; expiresAt: number }
  | { type: 'channels' }
  | { type: 'info' }
  /**
   * Client frames POSTed to another node for an HTTP fallback session, or its end (`end`, a
   * DELETE) (see docs/transports.md).
   */
  | { type: 'frames'; session: string; frames: string[]; end?: boolean };

/** A channel and how many connections are subscribed to it. */
export interface ChannelCount {
  channel: string;
  subscribers: number;
  /** Under tenant isolation: the tenant whose channel it is. */
  tenant?: string;
}
