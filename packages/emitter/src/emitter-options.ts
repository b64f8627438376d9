import { PayloadDepth } from '@herald/protocol';
import { ConfigError, type BrokerPublisher } from '@herald/server';
import { brokerFromUrl, brokerScheme } from './broker-url.js';

export interface EmitterOptions {
  /**
   * The gateways' broker, built but not started: a `RedisBroker` or `NatsBroker` with the same
   * connection and `prefix` as theirs. The emitter connects it as a publisher only.
   */
  broker?: BrokerPublisher;
  /** Instead of `broker`: `redis://…` (or `rediss://`) or `nats://…` (or `tls://`). */
  url?: string;
  /** With `url`: the gateways' broker prefix. Default `herald`. */
  prefix?: string;
  /** How deeply a payload may nest: the gateways' `maxPayloadDepth`. Default 32. */
  maxPayloadDepth?: number;
}

/** The documented defaults, in one place. */
export const emitterDefaults = {
  prefix: 'herald',
  maxPayloadDepth: PayloadDepth.default,
} as const;

export interface ResolvedEmitterOptions {
  /** The broker, once built (loading its package for a URL). */
  broker: () => Promise<BrokerPublisher>;
  maxPayloadDepth: number;
}

const brokerMethods = ['connect', 'publish', 'send', 'close'] as const;

function invalid(field: string, message: string): ConfigError {
  return new ConfigError(`invalid emitter options: ${field}: ${message}`);
}

/** Checks the options once, when the emitter is created; a mistake names its field. */
export function resolveEmitterOptions(input: EmitterOptions | string): ResolvedEmitterOptions {
  const options: EmitterOptions = typeof input === 'string' ? { url: input } : input;
  const { broker, url, prefix = emitterDefaults.prefix } = options;
  const maxPayloadDepth = options.maxPayloadDepth ?? emitterDefaults.maxPayloadDepth;
  if (
    !Number.isInteger(maxPayloadDepth) ||
    maxPayloadDepth < 1 ||
    maxPayloadDepth > PayloadDepth.max
  ) {
    throw invalid('maxPayloadDepth', `must be an integer from 1 to ${PayloadDepth.max}`);
  }
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw invalid('prefix', 'must be a non-empty string');
  }
  if ((broker === undefined) === (url === undefined)) {
    throw invalid('broker', 'give either broker or url');
  }
  if (broker !== undefined) {
    const isBroker =
      typeof broker === 'object' &&
      broker !== null &&
      brokerMethods.every(
        (name) => typeof (broker as unknown as Record<string, unknown>)[name] === 'function',
      );
    if (!isBroker) {
      throw invalid('broker', 'must be a broker with connect, publish, send and close');
    }
    return { broker: () => Promise.resolve(broker), maxPayloadDepth };
  }
  if (typeof url !== 'string') throw invalid('url', 'must be a string');
  brokerScheme(url);
  return { broker: () => brokerFromUrl(url, prefix), maxPayloadDepth };
}
