import { KeyedBuckets } from './keyed-buckets.js';
import type {
  ResolvedPerMinute,
  ResolvedPerSecond,
  ResolvedRateLimitOptions,
} from './limit-options.js';
import type { SharedBuckets, SharedTake } from './shared-buckets.js';
import { TokenBucket, type Rate } from './token-bucket.js';

export interface RateUsage {
  limit: number;
  per: 'second' | 'minute';
  burst: number;
  /** Whole messages that may be sent right now. */
  remaining: number;
}

/** What `gateway.rateLimitStatus(conn)` reports. */
export interface RateLimitStatus {
  enabled: boolean;
  /** Refused messages since the last accepted one. */
  violations: number;
  maxViolations: number;
  connection?: RateUsage;
  user?: RateUsage;
  ip?: RateUsage;
  tenant?: RateUsage;
}

/**
 * `refused` and `close` (too many refusals in a row): over a rate. `unavailable`: a cluster-wide
 * rate could not be checked and the limits say to refuse then.
 */
export type RateVerdict = 'ok' | 'refused' | 'close' | 'unavailable';

/** Messages of one connection that may wait for the cluster's answer; more are refused. */
const maxWaiting = 1_024;

const perSecond = ({ perSecond, burst }: ResolvedPerSecond): Rate => ({
  limit: perSecond,
  intervalMs: 1_000,
  burst,
});
const perMinute = ({ perMinute, burst }: ResolvedPerMinute): Rate => ({
  limit: perMinute,
  intervalMs: 60_000,
  burst,
});

type Scope = 'user' | 'ip' | 'tenant';

/**
 * The gateway's message and connection-attempt rate limits, shared by all connections. With
 * `cluster`, the per-user, per-IP and per-tenant rates are also counted across the nodes: a
 * message first takes its tokens here (so that one refused here costs no round trip), then
 * from the cluster's buckets.
 */
export class RateLimiter {
  readonly maxViolations: number;
  private readonly connectionRate: Rate | undefined;
  private readonly shared: Partial<Record<Scope, KeyedBuckets>> = {};
  private readonly attempts: KeyedBuckets | undefined;

  constructor(
    options: ResolvedRateLimitOptions,
    readonly cluster?: SharedBuckets,
    now = Date.now(),
  ) {
    this.maxViolations = options.maxViolations;
    this.connectionRate = options.perConnection && perSecond(options.perConnection);
    if (options.perUser) this.shared.user = new KeyedBuckets(perMinute(options.perUser), now);
    if (options.perIp) this.shared.ip = new KeyedBuckets(perMinute(options.perIp), now);
    if (options.perTenant) this.shared.tenant = new KeyedBuckets(perMinute(options.perTenant), now);
    this.attempts =
      options.connectionAttemptsPerIp &&
      new KeyedBuckets(perMinute(options.connectionAttemptsPerIp), now);
  }

  /** Counts one upgrade attempt from `ip`; false when over the limit. */
  allowAttempt(ip: string, now = Date.now()): boolean {
    return this.attempts ? this.attempts.tryTake(ip, now) : true;
  }

  /** The rate state of a new connection from `ip`. */
  open(ip: string, now = Date.now()): MessageRate {
    const rate = new MessageRate(this, this.maxViolations);
    if (this.connectionRate) rate.hold('connection', new TokenBucket(this.connectionRate, now));
    rate.bindShared('ip', ip, now);
    return rate;
  }

  /** @internal */
  sharedBuckets(scope: Scope): KeyedBuckets | undefined {
    return this.shared[scope];
  }
}

type Held = { scope: 'connection' | Scope; bucket: TokenBucket; key?: string };

/** One connection's buckets: its own and the shared ones of its user, IP and tenant. */
export class MessageRate {
  private held: Held[] = [];
  private violations = 0;
  /** Messages waiting for the cluster's answer, and the last one's verdict (to keep order). */
  private waiting = 0;
  private order: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly maxViolations: number,
  ) {}

  /** @internal */
  hold(scope: Held['scope'], bucket: TokenBucket, key?: string): void {
    this.held.push(key === undefined ? { scope, bucket } : { scope, bucket, key });
  }

  /** Joins the shared bucket of `scope` for `key`, leaving the one held before. */
  bindShared(scope: Scope, key: string | undefined, now = Date.now()): void {
    const buckets = this.limiter.sharedBuckets(scope);
    if (!buckets) return;
    const previous = this.held.find((h) => h.scope === scope);
    if (previous?.key === key) return;
    if (previous) {
      buckets.release(previous.key as string);
      this.held = this.held.filter((h) => h !== previous);
    }
    if (key !== undefined) this.hold(scope, buckets.acquire(key, now), key);
  }

  /**
   * One message: takes a token from every bucket, or from none when any is empty. With
   * cluster-wide rates the verdict is a promise; verdicts settle in the order messages came.
   */
  take(now: number): RateVerdict | Promise<RateVerdict> {
    const held = this.held;
    if (this.waiting >= maxWaiting) return this.violated();
    for (let i = 0; i < held.length; i++) {
      if ((held[i] as Held).bucket.refill(now) < 1) return this.violated();
    }
    for (let i = 0; i < held.length; i++) (held[i] as Held).bucket.consume();
    const cluster = this.limiter.cluster;
    const shared = cluster && held.filter((h) => h.key !== undefined);
    if (!cluster || !shared?.length) {
      this.violations = 0;
      return 'ok';
    }
    this.waiting += 1;
    const takes = Promise.all(
      shared.map((h) => cluster.take(`${h.scope}:${h.key}`, h.bucket.rate)),
    );
    const verdict = this.order
      .then(() => takes)
      .then((answers) => {
        this.waiting -= 1;
        return this.judge(answers, held, cluster.whenUnreachable);
      });
    this.order = verdict;
    return verdict;
  }

  /** The cluster's answers for one message whose tokens were taken here from `held`. */
  private judge(
    answers: SharedTake[],
    held: Held[],
    whenUnreachable: SharedBuckets['whenUnreachable'],
  ): RateVerdict {
    const empty = answers.includes('empty');
    if (!empty && (whenUnreachable === 'node' || !answers.includes('unreachable'))) {
      this.violations = 0;
      return 'ok';
    }
    // Refused after all: this node's buckets keep counting no more than the cluster's.
    for (const h of held) h.bucket.refund();
    return empty ? this.violated() : 'unavailable';
  }

  private violated(): RateVerdict {
    this.violations += 1;
    return this.violations >= this.maxViolations ? 'close' : 'refused';
  }

  release(): void {
    for (const { scope, key } of this.held) {
      if (scope !== 'connection' && key !== undefined)
        this.limiter.sharedBuckets(scope)?.release(key);
    }
    this.held = [];
  }

  status(now = Date.now()): RateLimitStatus {
    const status: RateLimitStatus = {
      enabled: true,
      violations: this.violations,
      maxViolations: this.maxViolations,
    };
    for (const { scope, bucket } of this.held) {
      const { limit, intervalMs, burst } = bucket.rate;
      status[scope] = {
        limit,
        per: intervalMs === 1_000 ? 'second' : 'minute',
        burst,
        remaining: Math.floor(bucket.refill(now)),
      };
    }
    return status;
  }
}
