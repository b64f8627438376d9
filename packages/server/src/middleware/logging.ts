import type { Level, Logger } from 'pino';
import { isHeraldError } from '../errors.js';
import type { Middleware } from './middleware.js';

export interface LoggingMiddlewareOptions {
  /** Level of the per-event line. Default `debug`: nothing per message at `info`. */
  level?: Level;
}

/**
 * An example middleware: one line per client event with its duration and outcome. Errors are
 * logged with their code and passed on unchanged, so the client still gets its error frame.
 */
export function loggingMiddleware(
  logger: Logger,
  options: LoggingMiddlewareOptions = {},
): Middleware {
  const level = options.level ?? 'debug';
  return async (ctx, next) => {
    if (!logger.isLevelEnabled(level)) return next();
    const started = performance.now();
    const fields = {
      event: ctx.event,
      connectionId: ctx.connection.id,
      userId: ctx.connection.identity.userId,
    };
    try {
      await next();
      logger[level]({ ...fields, ms: performance.now() - started, outcome: 'ok' }, 'event handled');
    } catch (error) {
      const code = isHeraldError(error) ? error.code : 'WS_INTERNAL';
      logger[level]({ ...fields, ms: performance.now() - started, outcome: code }, 'event refused');
      throw error;
    }
  };
}
