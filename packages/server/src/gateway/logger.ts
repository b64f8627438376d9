import { pino, type Logger } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * The gateway's structured logger: the user's pino instance, or a new one at `logLevel`. Without
 * one, the level is `LOG_LEVEL`'s, else `info`: read here, at start-up, rather than as a schema
 * default, so that the environment of the process decides.
 */
export function createLogger(options: { logger?: Logger; logLevel?: LogLevel }): Logger {
  if (options.logger) return options.logger;
  return pino({ name: 'herald', level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info' });
}
