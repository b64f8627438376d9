/**
 * Every key and pub/sub channel name the Redis broker uses, in one place. What belongs to one
 * channel carries the channel's name as a hash tag (`{#room:1}`), so that on a Redis Cluster its
 * stream, position, presence and fan-out sit in one slot, and one script may touch them all.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {
    // A brace in the prefix would make it the hash tag: every channel in one slot.
    if (/[{}]/.test(prefix)) throw new Error(`Redis prefix "${prefix}" must not hold "{" or "}"`);
  }

  /** Pub/sub channel carrying one Herald channel's publications. */
  fanout(channel: string): string {
    return `${this.prefix}:c:${tag(channel)}`;
  }

  /** The Herald channel of a fan-out pub/sub channel, or undefined for other pub/sub channels. */
  channelOf(fanout: string): string | undefined {
    const head = `${this.prefix}:c:{#`;
    if (!fanout.startsWith(head) || !fanout.endsWith('}')) return undefined;
    return fanout.slice(head.length, -1);
  }

  /** Stream of a channel's history; entry ids are `<offset>-0`. */
  stream(channel: string): string {
    return `${this.prefix}:s:${tag(channel)}`;
  }

  /** Hash with the stream's `epoch`, `top` (last offset) and `ttl`. */
  streamMeta(channel: string): string {
    return `${this.prefix}:m:${tag(channel)}`;
  }

  /** Hash of connection id → presence entry (JSON). */
  presence(channel: string): string {
    return `${this.prefix}:p:${tag(channel)}`;
  }

  /** Sorted set of connection id → expiry time (ms), to expire entries one by one. */
  presenceExpiry(channel: string): string {
    return `${this.prefix}:pe:${tag(channel)}`;
  }

  /** Hash of a token bucket the nodes share (`tokens`, `at`), for a rate limit's key. */
  limitBucket(key: string): string {
    return `${this.prefix}:lb:${key}`;
  }

  /** Hash of each node's connection count under a connection limit's key, with its lease. */
  limitCounts(key: string): string {
    return `${this.prefix}:lc:${key}`;
  }

  /** Sorted set of node id → heartbeat expiry (ms): the live nodes. */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }

  /** Pub/sub channel for cluster commands, heard by every node. */
  get control(): string {
    return `${this.prefix}:control`;
  }

  /** Pub/sub channel where a node receives the answers to its commands. */
  replies(nodeId: string): string {
    return `${this.prefix}:r:${nodeId}`;
  }
}

/** `#` keeps the tag from being empty (an empty tag is none) for the channel named "". */
function tag(channel: string): string {
  return `{#${channel}}`;
}
