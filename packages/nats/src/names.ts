/**
 * Where a broker keeps things on NATS, all under one prefix so that several Herald clusters (or
 * test runs) can share a server. Channel names may hold any printable character, so a channel
 * becomes one subject token in base64url, which holds none of NATS's separators or wildcards.
 */
export class NatsNames {
  /** Stream, bucket and subject names use the prefix; JetStream names cannot hold dots. */
  private readonly storePrefix: string;

  constructor(private readonly prefix: string) {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
      throw new Error(
        `NATS prefix "${prefix}" must be dot-separated tokens of letters, digits, "_" and "-"`,
      );
    }
    this.storePrefix = prefix.replaceAll('.', '_');
  }

  /** Core subject a channel's publications reach subscribed nodes on. */
  channel(channel: string): string {
    return `${this.prefix}.ch.${token(channel)}`;
  }

  /** Subject a channel's history records are stored under. */
  history(channel: string): string {
    return `${this.prefix}.hist.${token(channel)}`;
  }

  /** Stream subjects of all history, and where the stream republishes each stored record. */
  get historySubjects(): string {
    return `${this.prefix}.hist.*`;
  }

  get historyRepublish(): string {
    return `${this.prefix}.ch.{{wildcard(1)}}`;
  }

  get historyStream(): string {
    return `${this.storePrefix}_history`;
  }

  get presenceBucket(): string {
    return `${this.storePrefix}_presence`;
  }

  /** KV key filter of one channel's presence entries, and one entry's key. */
  presenceOf(channel: string): string {
    return `${token(channel)}.*`;
  }

  presenceKey(channel: string, connectionId: string): string {
    return `${token(channel)}.${token(connectionId)}`;
  }

  get nodesBucket(): string {
    return `${this.storePrefix}_nodes`;
  }

  nodeKey(nodeId: string): string {
    return token(nodeId);
  }

  /** KV bucket of the limits the nodes share. */
  get limitsBucket(): string {
    return `${this.storePrefix}_limits`;
  }

  /** KV key of a shared token bucket, and of the connection counts under a limit's key. */
  limitBucketKey(key: string): string {
    return `rate.${token(key)}`;
  }

  limitCountsKey(key: string): string {
    return `connections.${token(key)}`;
  }

  /** Subject every node takes cluster commands on. */
  get commands(): string {
    return `${this.prefix}.cmd`;
  }
}

/** base64url never yields a lone "_", so it stands for the empty string (not a valid token). */
function token(name: string): string {
  return name === '' ? '_' : Buffer.from(name, 'utf8').toString('base64url');
}
