import { z } from 'zod';
import { positiveMilliseconds } from '../validation/option-schema.js';

/** What the backend is asked to decide (see docs/proxy.md). */
export type ProxyKind = 'connect' | 'refresh' | 'subscribe' | 'publish' | 'rpc';

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an http(s) URL',
  });

/** A kind is off (`false`), asked at the proxy's `url` (`true`), or at a URL of its own. */
const kind = z.union([z.boolean(), httpUrl]).default(false);

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase());

/** How the gateway reaches the backend: the same for every kind. */
const endpointFields = {
  /** The backend's URL for every kind set to `true`. */
  url: httpUrl.optional(),
  /** Milliseconds the backend has to answer; past it the client gets WS_BACKEND_UNAVAILABLE. */
  timeout: positiveMilliseconds.default(5_000),
  /** Headers of the client's handshake passed on to the backend (an allow-list; none by default). */
  forwardHeaders: z.array(headerName).readonly().default([]),
  /** Headers sent with every call, such as a shared secret the backend checks. */
  headers: z.record(z.string(), z.string()).default({}),
};

function everyKindHasAUrl(options: { url?: string | undefined } & Record<string, unknown>) {
  return Object.values(options).every((value) => value !== true) || options.url !== undefined;
}
const needsUrl = { message: 'a kind set to true needs the proxy `url`', path: ['url'] };

/** A namespace's backend proxy: who connects, refreshes, subscribes, publishes, and what events do. */
export const proxyOptionsSchema = z
  .strictObject({
    ...endpointFields,
    connect: kind,
    refresh: kind,
    subscribe: kind,
    publish: kind,
    rpc: kind,
    /** Milliseconds before a connection expires when `refresh` asks the backend to extend it. */
    refreshBefore: positiveMilliseconds.default(10_000),
  })
  .refine(everyKindHasAUrl, needsUrl);

/** A channel policy's backend proxy: it decides subscribes and publishes on the policy's channels. */
export const channelProxySchema = z
  .strictObject({ ...endpointFields, subscribe: kind, publish: kind })
  .refine(everyKindHasAUrl, needsUrl);

export type ProxyOptions = z.output<typeof proxyOptionsSchema>;
export type ChannelProxyOptions = z.output<typeof channelProxySchema>;

/** Where and how one kind is asked. */
export interface BackendEndpoint {
  url: string;
  timeout: number;
  forwardHeaders: readonly string[];
  headers: Readonly<Record<string, string>>;
}

/** The endpoint of `kind` in `options`; undefined when the kind is off. */
export function endpointFor(
  options: ProxyOptions | ChannelProxyOptions | undefined,
  kind: ProxyKind,
): BackendEndpoint | undefined {
  const setting = options && (options as Partial<Record<ProxyKind, boolean | string>>)[kind];
  if (!options || !setting) return undefined;
  const url = setting === true ? (options.url as string) : setting;
  const { timeout, forwardHeaders, headers } = options;
  return { url, timeout, forwardHeaders, headers };
}
