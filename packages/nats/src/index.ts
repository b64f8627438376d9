export { NatsBroker } from './nats-broker.js';
export type { NatsBrokerOptions } from './options.js';
