import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCodes } from '@herald/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { HeraldError } from '../errors.js';
import type { BackendEndpoint, ProxyKind } from './proxy-options.js';

/** The largest answer read from a backend: an answer is a decision, not a document. */
const maxAnswerBytes = 1024 * 1024;
/** An error code a backend may give: what the catalogue's look like (`WS_FORBIDDEN`, `APP_FULL`). */
const errorCode = /^[A-Z][A-Z0-9_]{0,63}$/;

const unavailable = () =>
  new HeraldError(ErrorCodes.WS_BACKEND_UNAVAILABLE, 'the backend is unavailable, try again later');

/** One question to the backend. */
export interface BackendRequest<T> {
  endpoint: BackendEndpoint;
  kind: ProxyKind;
  /** The kind's fields (docs/proxy.md); `kind` and the forwarded `headers` are added. */
  body: Record<string, unknown>;
  /** The client's handshake headers, of which those on the allow-list are forwarded. */
  handshakeHeaders: IncomingHttpHeaders;
  /** The schema of the answer's `result`. */
  result: z.ZodType<T>;
}

/** How a call to the backend ended: answered, refused by the backend, or failed. */
export type BackendOutcome = 'ok' | 'refused' | 'unavailable';

/** Who hears of each call: the log (failures), and the metrics when they are enabled. */
export interface BackendCalls {
  readonly logger: Logger;
  readonly stats: {
    readonly timings?:
      { backendCall(kind: ProxyKind, outcome: BackendOutcome, seconds: number): void } | undefined;
  };
}

/**
 * Asks the backend to decide: `POST` of `{ kind, ...body, headers }` (the allowed handshake
 * headers) as JSON, within the endpoint's timeout. Resolves with the answer's `result`, read by
 * `result`'s schema; rejects with the backend's `error` as a HeraldError, or, when the backend is
 * down, too slow or answers what is not an answer, with WS_BACKEND_UNAVAILABLE (the reason is
 * logged; the client is told nothing of the backend).
 */
export async function callBackend<T>(request: BackendRequest<T>, calls: BackendCalls): Promise<T> {
  const start = performance.now();
  let outcome: BackendOutcome = 'unavailable';
  try {
    const answer = await ask(request, calls.logger);
    outcome = 'ok';
    return answer;
  } catch (error) {
    if ((error as HeraldError).code !== ErrorCodes.WS_BACKEND_UNAVAILABLE) outcome = 'refused';
    throw error;
  } finally {
    calls.stats.timings?.backendCall(request.kind, outcome, (performance.now() - start) / 1_000);
  }
}

async function ask<T>(request: BackendRequest<T>, logger: Logger): Promise<T> {
  const { endpoint, kind, body, handshakeHeaders, result } = request;
  const fail = (reason: string, err?: unknown): never => {
    logger.warn({ kind, url: endpoint.url, reason, err }, 'backend proxy call failed');
    throw unavailable();
  };
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { ...endpoint.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind,
        ...body,
        headers: forwarded(handshakeHeaders, endpoint.forwardHeaders),
      }),
      signal: AbortSignal.timeout(endpoint.timeout),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return fail(timedOut ? `no answer within ${endpoint.timeout} ms` : 'unreachable', error);
  }
  const text = await readAnswer(response).catch((error: unknown) =>
    fail('the answer broke off', error),
  );
  if (!response.ok) return fail(`answered HTTP ${response.status}`);
  if (text === undefined) return fail(`answered more than ${maxAnswerBytes} bytes`);
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return fail('answered what is not JSON');
  }
  if (typeof answer !== 'object' || answer === null) return fail('answered what is not an object');
  const { result: value, error } = answer as { result?: unknown; error?: unknown };
  if (error !== undefined) throw refusal(error) ?? fail('answered a malformed error');
  const parsed = result.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(
      `answered an invalid result: ${['result', ...(issue?.path ?? [])].join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** The backend's `error` as the client's refusal; undefined when it is not one. */
function refusal(error: unknown): HeraldError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !errorCode.test(code)) return undefined;
  const text = typeof message === 'string' && message !== '' ? message.slice(0, 500) : code;
  return new HeraldError(code, text);
}

/** The allowed headers of the handshake, by lower-case name. */
function forwarded(
  headers: IncomingHttpHeaders,
  allowed: readonly string[],
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of allowed) {
    const value = headers[name];
    if (value !== undefined) picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}

/** The answer's text, or undefined once it passes `maxAnswerBytes`. */
async function readAnswer(response: Response): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > maxAnswerBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
