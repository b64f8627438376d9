import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The shared server the machine runs; tests only add and remove their own prefixed stores. */
export const sharedNatsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A prefix of a test file's own, so runs on one server never see each other's state. */
export const testPrefix = (label: string): string =>
  `herald_test_${label}_${randomBytes(4).toString('hex')}`;

/** Deletes the history stream and the KV buckets a broker made under `prefix`. */
export async function deleteStores(servers: string, prefix: string): Promise<void> {
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of [`${prefix}_history`, `KV_${prefix}_presence`, `KV_${prefix}_nodes`]) {
      await jsm.streams.delete(stream).catch(() => undefined);
    }
  } finally {
    await nc.close();
  }
}
