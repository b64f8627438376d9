import { JetStreamApiCodes, StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { KeyCounts, type Rate, type SharedLimits } from '@herald/server';
import type { BucketOptions } from './expiring-entries.js';
import type { NatsNames } from './names.js';
import { isApiError, recreatingLostStore } from './store-errors.js';

interface TokenState {
  tokens: number;
  at: number;
}

/** Each node's connection count under one key, and until when it holds (ms since epoch). */
type CountState = Record<string, { count: number; until: number }>;

/** What a change makes of an entry: a value to write (none: leave it) and the answer. */
interface Change<S, R> {
  next?: S;
  result: R;
}

/** Writes that lost a race with another node's are tried again this many times. */
const maxAttempts = 20;

/**
 * Limits shared by the nodes through a NATS KV bucket: a token bucket and per-node connection
 * counts per key, each changed by compare-and-set (read, change, write if nobody wrote since;
 * else again). Times come from the nodes' clocks, which are assumed to agree within a few
 * hundred milliseconds. This node restates its counts every `lease / 3` while NATS is reachable.
 */
export class NatsSharedLimits implements SharedLimits {
  private readonly held = new KeyCounts();
  private store: { nc: NatsConnection; options: BucketOptions } | undefined;
  /** Whether NATS is connected: while it is not, calls fail at once instead of at a timeout. */
  private reachable: () => boolean = () => false;
  private bucket: KV | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly names: NatsNames,
    private readonly nodeId: string,
    /** How long a node's counts hold without being restated: the node registry's ttl. */
    private readonly lease: number,
  ) {}

  /** Creates (or binds to) the bucket and starts restating this node's counts. */
  async open(nc: NatsConnection, options: BucketOptions, reachable: () => boolean): Promise<void> {
    this.store = { nc, options };
    this.reachable = reachable;
    await this.ensure();
    this.timer = setInterval(() => {
      if (reachable()) this.restate().catch(() => undefined);
    }, this.lease / 3);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  take(key: string, rate: Rate, count: number): Promise<number> {
    return this.change<TokenState, number>(this.names.limitBucketKey(key), (state, now) => {
      let tokens = state?.tokens ?? rate.burst;
      const at = Math.max(state?.at ?? now, now);
      if (state && now > state.at) {
        tokens = Math.min(rate.burst, tokens + ((now - state.at) * rate.limit) / rate.intervalMs);
      }
      const taken = Math.max(0, Math.min(count, Math.floor(tokens)));
      return { next: { tokens: tokens - taken, at }, result: taken };
    });
  }

  async addConnection(key: string, limit: number): Promise<boolean> {
    this.held.add(key);
    const counted = await this.change<CountState, boolean>(
      this.names.limitCountsKey(key),
      (state, now) => {
        const live = liveCounts(state, now);
        const total = Object.values(live).reduce((sum, { count }) => sum + count, 0);
        if (total >= limit) return { result: false };
        const count = (live[this.nodeId]?.count ?? 0) + 1;
        return {
          next: { ...live, [this.nodeId]: { count, until: now + this.lease } },
          result: true,
        };
      },
    );
    if (!counted) this.held.remove(key);
    return counted;
  }

  async removeConnection(key: string): Promise<void> {
    const left = this.held.remove(key);
    await this.setOwnCount(key, left);
  }

  /** Restates every count this node holds, for another lease. */
  async restate(): Promise<void> {
    await Promise.all([...this.held.entries()].map(([key, count]) => this.setOwnCount(key, count)));
  }

  private setOwnCount(key: string, count: number): Promise<void> {
    return this.change<CountState, undefined>(this.names.limitCountsKey(key), (state, now) => {
      const next = liveCounts(state, now);
      if (count > 0) next[this.nodeId] = { count, until: now + this.lease };
      else delete next[this.nodeId];
      return { next, result: undefined };
    });
  }

  /** Reads `key`, applies `change` and writes the result unless another node wrote first. */
  private change<S, R>(key: string, change: (state: S | undefined, now: number) => Change<S, R>) {
    if (!this.reachable()) return Promise.reject(new Error('NATS is unreachable; reconnecting'));
    return recreatingLostStore(this.ensure, async () => {
      for (let attempt = 1; ; attempt++) {
        const kv = this.kv();
        const entry = await kv.get(key);
        const state = entry?.operation === 'PUT' ? entry.json<S>() : undefined;
        const { next, result } = change(state, Date.now());
        if (next === undefined) return result;
        const value = JSON.stringify(next);
        try {
          if (entry) await kv.update(key, value, entry.revision);
          else await kv.create(key, value);
          return result;
        } catch (error) {
          const lostRace =
            isApiError(error, JetStreamApiCodes.StreamWrongLastSequence) ||
            isApiError(error, JetStreamApiCodes.StreamWrongLastSequenceUnknown);
          if (!lostRace || attempt >= maxAttempts) throw error;
        }
      }
    });
  }

  /** Creates the bucket, or binds to it when it exists (again, if the server lost it). */
  private readonly ensure = async (): Promise<void> => {
    if (!this.store) throw new Error('the NATS limits bucket is not open');
    const { nc, options } = this.store;
    this.bucket = await new Kvm(nc).create(this.names.limitsBucket, {
      history: 1,
      ttl: options.maxAge,
      storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
      replicas: options.replicas,
    });
  };

  private kv(): KV {
    if (!this.bucket) throw new Error('the NATS limits bucket is not open');
    return this.bucket;
  }
}

/** The counts whose lease has not run out. */
function liveCounts(state: CountState | undefined, now: number): CountState {
  const live: CountState = {};
  for (const [node, held] of Object.entries(state ?? {})) if (held.until >= now) live[node] = held;
  return live;
}
