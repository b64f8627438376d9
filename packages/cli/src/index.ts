export { loadServeConfig, type ServeConfig, type ServeFlags } from './config.js';
export { serve } from './serve.js';
export { createBroker, type BrokerSpec } from './broker.js';
export {
  ApiError,
  BrokerUnavailableError,
  CliError,
  ExitCode,
  ServeConfigError,
  ServerUnreachableError,
  UsageError,
} from './errors.js';
