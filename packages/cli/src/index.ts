export { loadServeConfig, type ServeConfig, type ServeFlags } from './config.js';
export { serve } from './serve.js';
export { createBroker, type BrokerSpec } from './broker.js';
export { BrokerUnavailableError, CliError, ExitCode, ServeConfigError } from './errors.js';
