import { pino, type Logger } from 'pino';
import type { GatewayOptions } from '../options.js';

/** The gateway's structured logger: the user's pino instance, or a new one at `logLevel`. */
export function createLogger(options: GatewayOptions): Logger {
  if (options.logger) return options.logger;
  return pino({ name: 'herald', level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info' });
}
