export { NatsBroker } from './nats-broker.js';
export type { NatsBrokerOptions } from './options.js';
export type { NatsBrokerHealth } from './link-health.js';
