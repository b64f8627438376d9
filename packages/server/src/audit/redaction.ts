import { pino, type LoggerOptions } from 'pino';

/**
 * What never reaches a log line, for the gateway's logger and the audit log alike: tokens in
 * URLs, credentials in headers, token fields of frames and options, token-shaped strings in
 * error messages. One place, so that a new log line is covered without thinking about it.
 */

const censor = '[REDACTED]';

/** Query parameters that carry credentials by convention; the configured token parameter is added. */
const credentialParameters = ['token', 'access_token', 'refresh_token', 'id_token', 'api_key'];

/** Fields redacted wherever a logged object has them (one level deep) or as headers of a request. */
const redactedPaths = [
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers["sec-websocket-protocol"]',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["sec-websocket-protocol"]',
  '*.headers["x-api-key"]',
];

/** A compact JWS (three base64url parts, the first a JSON header): what a JWT looks like anywhere. */
const jwtShape = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g;

/** `text` with every JWT-shaped string replaced. */
export function scrubText(text: string): string {
  return text.replace(jwtShape, censor);
}

/** A URL (or path with a query) with the values of credential parameters replaced. */
export function scrubUrl(url: string, parameters: ReadonlySet<string>): string {
  const query = url.indexOf('?');
  if (query < 0) return scrubText(url);
  const scrubbed = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && parameters.has(safeDecode(name)) ? `${name}=${censor}` : pair;
    })
    .join('&');
  return scrubText(`${url.slice(0, query)}?${scrubbed}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Error fields that carry claims (jose's `payload`) rather than a description of the fault. */
const claimFields = new Set(['payload', 'claims']);

function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(serialized)
      .filter(([key]) => !claimFields.has(key))
      .map(([key, value]) => [key, typeof value === 'string' ? scrubText(value) : value]),
  );
}

/**
 * The pino options that keep credentials out of log lines: `redact` for credential fields and
 * serializers for `url`, `req` and `err`. `queryToken` is the configured query parameter that
 * carries handshake tokens (`auth.tokenSources.query`), when there is one.
 */
export function logRedaction(
  queryToken: string | false | undefined,
): Pick<LoggerOptions, 'redact' | 'serializers'> {
  const parameters = new Set(credentialParameters);
  if (queryToken) parameters.add(queryToken);
  const url = (value: unknown) => (typeof value === 'string' ? scrubUrl(value, parameters) : value);
  return {
    redact: { paths: redactedPaths, censor },
    serializers: {
      url,
      err: serializeError,
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: url(req.url) }),
    },
  };
}

/**
 * `error` with every occurrence of `secret` (the token it was thrown for) removed from its
 * message and stack: a custom authenticator may well name the token it refused.
 */
export function withoutSecret(error: unknown, secret: string): unknown {
  if (!(error instanceof Error) || secret.length === 0) return error;
  error.message = error.message.replaceAll(secret, censor);
  if (error.stack !== undefined) error.stack = error.stack.replaceAll(secret, censor);
  return error;
}
