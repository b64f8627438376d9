import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import type { Gateway } from '../gateway.js';
import { requestTarget } from '../admission/request-target.js';
import { isHeraldError, type HeraldError } from '../errors.js';
import { httpStatusFor } from '../admission/refusal.js';
import { adminCheck } from './admin-auth.js';
import type { AdminJwtOptions } from './admin-jwt-options.js';
import { HttpApiError } from './http-error.js';
import type { HttpHandler } from './http-handler.js';
import { readJsonBody } from './json-body.js';
import { routes } from './routes.js';

export interface HttpApiOptions {
  /** When set, every request needs `Authorization: Bearer <apiKey>`. Without it, keep the API private. */
  apiKey?: string;
  /**
   * Admin tokens accepted beside (or instead of) the key: a JWT verified with these settings whose
   * `claim` (default `admin`) is `true`. See docs/api.md.
   */
  jwt?: AdminJwtOptions;
  /** Where the API is mounted; default `/api`. */
  basePath?: string;
  /** Largest accepted request body in bytes; default 64 KiB. */
  maxBodySize?: number;
}

/** Handles a request when it is the API's (returns true) and leaves every other one alone. */
export type HttpApiHandler = HttpHandler;

/**
 * The gateway's HTTP API (stats, connections, channels, presence, publish, disconnect) as a
 * request handler to mount on your own HTTP server; see docs/dashboard.md.
 */
export function createHttpApi(gateway: Gateway, options: HttpApiOptions = {}): HttpApiHandler {
  const { apiKey, jwt, basePath = '/api', maxBodySize = 64 * 1024 } = options;
  const admitted = adminCheck(apiKey, jwt);
  const base = basePath.replace(/\/+$/, '');
  return (req, res) => {
    const { pathname, query } = requestTarget(req.url);
    if (pathname !== base && !pathname.startsWith(`${base}/`)) return false;
    const path = pathname.slice(base.length) || '/';
    answer(req, res, async () => {
      const refusal = await admitted(req);
      if (refusal) {
        // RFC 6750: a challenge alone when no key came, with `invalid_token` for a wrong one.
        res.setHeader(
          'WWW-Authenticate',
          refusal.code === ErrorCodes.WS_AUTH_FAILED ? 'Bearer error="invalid_token"' : 'Bearer',
        );
        throw refusal;
      }
      const route = routes[`${req.method ?? 'GET'} ${path}`];
      if (!route) {
        throw new HttpApiError(
          404,
          ErrorCodes.WS_NOT_FOUND,
          `no API endpoint ${req.method} ${path}`,
        );
      }
      return route(gateway, {
        query,
        body: () => readJsonBody(req, maxBodySize),
      });
    }).catch((error: unknown) => {
      gateway.logger.error({ err: error }, 'HTTP API response failed');
    });
    return true;
  };

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    run: () => Promise<unknown>,
  ): Promise<void> {
    let status = 200;
    let body: unknown;
    try {
      body = await run();
    } catch (error) {
      if (error instanceof HttpApiError) {
        status = error.status;
        body = error.body;
      } else if (isHeraldError(error)) {
        status = heraldStatus(error.code);
        body = { code: error.code, message: error.message, details: error.details };
      } else {
        gateway.logger.error({ err: error, method: req.method, url: req.url }, 'HTTP API failed');
        status = 500;
        body = { code: ErrorCodes.WS_INTERNAL, message: 'internal error' };
      }
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    };
    // A body left unread (refused before or while reading) must not be parsed as the next request.
    if (!req.complete) headers.Connection = 'close';
    res.writeHead(status, headers).end(JSON.stringify(body));
  }
}

/** The gateway's own refusals keep their code; those without an HTTP status of their own are 400. */
function heraldStatus(code: HeraldError['code']): number {
  if (code === ErrorCodes.WS_INTERNAL) return 500;
  const status = httpStatusFor(code);
  return status === 500 ? 400 : status;
}
