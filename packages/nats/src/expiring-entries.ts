import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { recreatingLostStore } from './store-errors.js';

export interface BucketOptions {
  /** Milliseconds after its last write that the server drops an entry whatever its ttl. */
  maxAge: number;
  storage: 'file' | 'memory';
  replicas: number;
}

interface Stored<T> {
  value: T;
  ttl: number;
}

/**
 * A KV bucket whose entries each expire `ttl` ms after their last write unless written again.
 * The server version may lack per-key TTLs, so each entry carries its ttl and counts as gone
 * once the server's write time is older; the bucket's `maxAge` drops what nobody removed.
 */
export class ExpiringEntries<T> {
  private bucket: KV | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly name: string,
    private readonly options: BucketOptions,
  ) {}

  /** Creates the bucket, or binds to it when it exists. */
  readonly ensure = async (): Promise<void> => {
    this.bucket = await new Kvm(this.nc).create(this.name, {
      history: 1,
      ttl: this.options.maxAge,
      storage: this.options.storage === 'memory' ? StorageType.Memory : StorageType.File,
      replicas: this.options.replicas,
    });
  };

  async put(key: string, value: T, ttl: number): Promise<void> {
    const stored: Stored<T> = { value, ttl };
    await recreatingLostStore(this.ensure, () => this.kv().put(key, JSON.stringify(stored)));
  }

  remove(key: string): Promise<void> {
    return recreatingLostStore(this.ensure, () => this.kv().delete(key));
  }

  /** The live values whose keys match `filter` (a KV key, wildcards allowed). */
  live(filter: string): Promise<T[]> {
    return recreatingLostStore(this.ensure, () => this.liveOnce(filter));
  }

  /**
   * Lists the matching keys from the stream's per-subject counts and reads each one directly:
   * no consumer, so entries rewritten or removed meanwhile cannot leave a read waiting.
   */
  private async liveOnce(filter: string): Promise<T[]> {
    const subjectPrefix = `$KV.${this.name}.`;
    const jsm = await jetstreamManager(this.nc);
    const info = await jsm.streams.info(`KV_${this.name}`, {
      subjects_filter: `${subjectPrefix}${filter}`,
    });
    const keys = Object.keys(info.state.subjects ?? {}).map((subject) =>
      subject.slice(subjectPrefix.length),
    );
    const entries = await Promise.all(keys.map((key) => this.kv().get(key)));
    const now = Date.now();
    const values: T[] = [];
    for (const entry of entries) {
      if (!entry || entry.operation !== 'PUT') continue;
      const stored = entry.json<Stored<T>>();
      if (entry.created.getTime() + stored.ttl > now) values.push(stored.value);
    }
    return values;
  }

  private kv(): KV {
    if (!this.bucket) throw new Error(`KV bucket ${this.name} is not open yet`);
    return this.bucket;
  }
}
