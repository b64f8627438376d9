import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import type { Gateway } from '../gateway.js';
import { requestTarget } from '../admission/request-target.js';
import { adminCheck } from './admin-auth.js';
import type { AdminJwtOptions } from './admin-jwt-options.js';
import { errorAnswer } from './error-answer.js';
import { HttpApiError } from './http-error.js';
import type { HttpHandler } from './http-handler.js';
import { readJsonBody } from './json-body.js';
import { publicRoutes, routes } from './routes.js';
import type { AuditAction } from '../audit/audit-record.js';
import { refusalAction } from '../audit/refusal-record.js';
import { apiAction, recordApiRequest } from './api-audit.js';

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
 * The server API (publish, connections, channels, presence, history, batch …) as a
 * request handler to mount on your own HTTP server; see docs/api.md.
 */
export function createHttpApi(gateway: Gateway, options: HttpApiOptions = {}): HttpApiHandler {
  const { apiKey, jwt, basePath = '/api', maxBodySize = 64 * 1024 } = options;
  const admitted = adminCheck(apiKey, jwt);
  const base = basePath.replace(/\/+$/, '');
  return (req, res) => {
    const { pathname, query } = requestTarget(req.url);
    if (pathname !== base && !pathname.startsWith(`${base}/`)) return false;
    const path = pathname.slice(base.length) || '/';
    // What the audit log records this request as, and who asked: set once it is refused or
    // reaches a route.
    let action: AuditAction | undefined;
    let actor = 'anonymous';
    let body: unknown;
    answer(req, res, async () => {
      const key = `${req.method ?? 'GET'} ${path}`;
      if (!publicRoutes.has(key)) {
        const admission = await admitted(req);
        if (admission.refusal) {
          // A key server that is down (503) is an outage, not a security event.
          action = refusalAction(admission.refusal.code);
          res.setHeader('WWW-Authenticate', challenge(admission.refusal.code));
          throw admission.refusal;
        }
        actor = admission.actor;
      }
      const route = routes[key];
      if (!route) {
        throw new HttpApiError(
          404,
          ErrorCodes.WS_NOT_FOUND,
          `no API endpoint ${req.method} ${path}`,
        );
      }
      action = apiAction(path);
      return route(gateway, {
        query,
        body: async () => (body = await readJsonBody(req, maxBodySize)),
        basePath: base,
      });
    })
      .then((answered) => {
        if (action === undefined) return;
        const input = { query, body };
        recordApiRequest(gateway, req, { action, actor, path, input, ...answered });
      })
      .catch((error: unknown) => {
        gateway.logger.error({ err: error }, 'HTTP API response failed');
      });
    return true;
  };

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    run: () => Promise<unknown>,
  ): Promise<Answered> {
    let status = 200;
    let body: unknown;
    try {
      body = await run();
    } catch (error) {
      ({ status, body } = errorAnswer(error, gateway.logger, { method: req.method, url: req.url }));
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    };
    // A body left unread (refused before or while reading) must not be parsed as the next request.
    if (!req.complete) headers.Connection = 'close';
    res.writeHead(status, headers).end(JSON.stringify(body));
    return { status, body };
  }
}

/** What a request was answered. */
interface Answered {
  status: number;
  body: unknown;
}

/** RFC 6750: a challenge alone when nothing came, with the reason for a wrong key or token. */
function challenge(code: string): string {
  if (code === ErrorCodes.WS_AUTH_FAILED) return 'Bearer error="invalid_token"';
  if (code === ErrorCodes.WS_FORBIDDEN) return 'Bearer error="insufficient_scope"';
  return 'Bearer';
}
