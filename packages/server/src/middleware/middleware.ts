import type { FrameId } from '@herald/protocol';
import type { Connection } from '../connection/connection.js';

/** One client event on its way through the middleware chain to its handler. */
export interface MessageContext {
  readonly connection: Connection;
  readonly event: string;
  /** The payload as received; the handler sees it after schema validation. */
  readonly payload: unknown;
  /** The client's request id, when it asked for an ack. */
  readonly id: FrameId | undefined;
  /** Scratch space for middleware to pass things along (timings, loaded records, ...). */
  readonly state: Record<string, unknown>;
  /** What the handler returned: the ack payload. Middleware may read or replace it. */
  result: unknown;
}

/**
 * `(ctx, next)`: call `next()` to go on, skip it to short-circuit (then `ctx.result` is the
 * ack payload), throw a HeraldError to answer with an error frame.
 */
export type Middleware = (ctx: MessageContext, next: () => Promise<void>) => unknown;

/** Chains middleware around a final step, Koa style. */
export function composeMiddleware(
  middlewares: readonly Middleware[],
  final: (ctx: MessageContext) => Promise<void>,
): (ctx: MessageContext) => Promise<void> {
  if (middlewares.length === 0) return final;
  return (ctx) => {
    let last = -1;
    const dispatch = async (index: number): Promise<void> => {
      if (index <= last) throw new Error('next() called more than once in one middleware');
      last = index;
      const middleware = middlewares[index];
      if (!middleware) return final(ctx);
      await middleware(ctx, () => dispatch(index + 1));
    };
    return dispatch(0);
  };
}
