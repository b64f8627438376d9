import { pino, type Logger, type LoggerOptions } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * The gateway's structured logger: a child of the user's pino instance, or a new one at
 * `logLevel`, with `redaction` (audit/redaction.ts) so that no credential reaches a log line.
 * Without a logger, the level is `LOG_LEVEL`'s, else `info`: read here, at start-up, rather than
 * as a schema default, so that the environment of the process decides.
 */
export function createLogger(
  options: { logger?: Logger; logLevel?: LogLevel },
  redaction: Pick<LoggerOptions, 'redact' | 'serializers'>,
): Logger {
  if (options.logger) return options.logger.child({}, redaction);
  return pino({
    name: 'herald',
    level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info',
    ...redaction,
  });
}
