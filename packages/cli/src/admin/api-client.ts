import { manifestSchema, type Manifest } from '@herald/server';
import { ApiError, CliError, ExitCode, ServerUnreachableError } from '../errors.js';
import { validate } from '../validation-messages.js';
import type {
  ApiErrorBody,
  BatchAnswer,
  BatchRequest,
  BroadcastAnswer,
  ChannelsAnswer,
  HistoryAnswer,
  InfoAnswer,
  PresenceAnswer,
  PublishAnswer,
  StatsAnswer,
  Target,
} from './api-types.js';
import { parseJson } from './json.js';

/** Where the server API is and the key (or admin JWT) that opens it. */
export interface ApiEndpoint {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The API's base path on it, `/api` unless the server's `api.path` says otherwise. */
  path: string;
  apiKey: string;
}

type Query = Record<string, string | number | boolean | undefined>;

// A cluster-wide call waits for every node's answer; past this the server is taken as unreachable.
const requestTimeout = 30_000;

/** One method per endpoint of the server API (docs/api.md); every refusal throws an ApiError. */
export class ApiClient {
  constructor(private readonly endpoint: ApiEndpoint) {}

  stats(): Promise<StatsAnswer> {
    return this.call('GET', '/stats');
  }

  info(): Promise<InfoAnswer> {
    return this.call('GET', '/info');
  }

  channels(query: { pattern?: string; tenant?: string }): Promise<ChannelsAnswer> {
    return this.call('GET', '/channels', { query });
  }

  presence(query: { channel: string; tenant?: string }): Promise<PresenceAnswer> {
    return this.call('GET', '/presence', { query });
  }

  history(query: {
    channel: string;
    tenant?: string;
    limit?: number;
    since?: number;
    reverse?: boolean;
  }): Promise<HistoryAnswer> {
    return this.call('GET', '/history', { query });
  }

  publish(body: {
    channel: string;
    tenant?: string;
    event: string;
    payload?: unknown;
  }): Promise<PublishAnswer> {
    return this.call('POST', '/publish', { body });
  }

  broadcast(body: {
    channels: string[];
    tenant?: string;
    event: string;
    payload?: unknown;
  }): Promise<BroadcastAnswer> {
    return this.call('POST', '/broadcast', { body });
  }

  unsubscribe(body: Target & { channel: string }): Promise<{ unsubscribed: number }> {
    return this.call('POST', '/unsubscribe', { body });
  }

  disconnect(body: Target & { code?: number; reason?: string }): Promise<{ disconnected: number }> {
    return this.call('POST', '/disconnect', { body });
  }

  removeHistory(body: { channel: string; tenant?: string }): Promise<{ removed: true }> {
    return this.call('POST', '/history/remove', { body });
  }

  /** The gateway described in the manifest format (docs/manifest.md); checked against it. */
  async manifest(): Promise<Manifest> {
    const answer = await this.call<unknown>('GET', '/manifest');
    const checked = validate(manifestSchema, answer, `GET ${this.endpoint.path}/manifest`);
    if (checked.ok) return checked.value;
    throw new CliError(
      [`the server's answer is not a manifest of this version:`, ...checked.problems].join('\n'),
      ExitCode.apiRefused,
    );
  }

  /** Runs `requests` in order; each answers on its own, so one refusal does not throw. */
  batch(requests: BatchRequest[]): Promise<BatchAnswer> {
    return this.call('POST', '/batch', { body: { requests } });
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    input: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const url = this.url(path, input.query ?? {});
    const headers: Record<string, string> = { authorization: `Bearer ${this.endpoint.apiKey}` };
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(input.body !== undefined && { body: JSON.stringify(input.body) }),
        signal: AbortSignal.timeout(requestTimeout),
      });
    } catch (error) {
      throw new ServerUnreachableError(
        `cannot reach the server at ${this.endpoint.url}: ${networkReason(error)}`,
      );
    }
    const text = await response.text();
    const answer = parseJson(text);
    if (response.ok && answer !== undefined) return answer as T;
    if (isErrorBody(answer)) throw new ApiError(answer.code, answer.message, answer.details);
    // Not the API: another server, or a gateway serving no API (it has no key configured).
    throw new CliError(
      `${method} ${url.pathname} was answered ${response.status} ${response.statusText} without ` +
        `an API answer: is the server's API enabled (HERALD_API_KEY set for herald serve) at ` +
        `${this.endpoint.url}${this.endpoint.path}?`,
      ExitCode.apiRefused,
    );
  }

  private url(path: string, query: Query): URL {
    const base = this.endpoint.url.replace(/\/+$/, '') + this.endpoint.path.replace(/\/+$/, '');
    const url = new URL(base + path);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string';
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is in `cause`. */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${requestTimeout / 1000} s`;
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is herald serve running there?)';
  if (code === 'ENOTFOUND') return 'unknown host';
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
