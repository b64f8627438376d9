import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request handler to mount on an HTTP server beside others: it answers the requests that are
 * its own (returning true) and leaves every other one alone (returning false), so that handlers
 * compose by trying each in turn.
 */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;
