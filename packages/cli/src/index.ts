export { loadServeConfig, ServeConfigError, type ServeConfig } from './config.js';
export { serve } from './serve.js';
export { createBroker, BrokerUnavailableError, type BrokerSpec } from './broker.js';
