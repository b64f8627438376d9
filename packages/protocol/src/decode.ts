import type { Codec } from './codec.js';
import { ErrorCodes, type ErrorDetail } from './error-codes.js';
import type {
  ClientFrame,
  FrameId,
  PresenceClient,
  ServerFrame,
  StreamPosition,
  TraceContext,
} from './frames.js';
import { channelNamePattern, FieldLimits, PayloadDepth } from './limits.js';
import { checkPayload } from './payload-check.js';

/** Why an incoming frame was refused; `id` is set when the frame had a usable one to answer. */
export interface ProtocolError {
  code: typeof ErrorCodes.WS_MESSAGE_INVALID;
  message: string;
  details: ErrorDetail[];
  id?: FrameId;
}

export type DecodeResult<F> = { ok: true; frame: F } | { ok: false; error: ProtocolError };

/** What a gateway may tune in how it reads client frames. */
export interface DecodeOptions {
  /** How deeply any value in a frame may nest; default `PayloadDepth.default` (see limits.ts). */
  maxPayloadDepth?: number;
}

type Fields = Record<string, unknown>;

/** Collects every problem of one frame so that the error names all bad fields at once. */
class FieldReader {
  readonly details: ErrorDetail[] = [];
  constructor(readonly fields: Fields) {}

  private fail(path: string, message: string): undefined {
    this.details.push({ path, message });
    return undefined;
  }

  string(name: string, maxLength: number, required: boolean): string | undefined {
    const value = this.fields[name];
    if (value === undefined) return required ? this.fail(name, 'is required') : undefined;
    if (typeof value !== 'string') return this.fail(name, 'must be a string');
    if (value.length === 0) return this.fail(name, 'must not be empty');
    if (value.length > maxLength) return this.fail(name, `must be at most ${maxLength} characters`);
    return value;
  }

  channel(name: string): string | undefined {
    const value = this.string(name, FieldLimits.channelLength, true);
    if (value !== undefined && !channelNamePattern.test(value)) {
      return this.fail(name, 'must not contain spaces or control characters');
    }
    return value;
  }

  id(required: boolean): FrameId | undefined {
    const value = this.fields.id;
    if (value === undefined) return required ? this.fail('id', 'is required') : undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && value.length > 0 && value.length <= FieldLimits.idLength) {
      return value;
    }
    return this.fail(
      'id',
      `must be an integer or a string of 1 to ${FieldLimits.idLength} characters`,
    );
  }

  since(): StreamPosition | undefined {
    const value = this.fields.since;
    if (value === undefined) return undefined;
    if (!isObject(value)) return this.fail('since', 'must be an object {offset, epoch}');
    const { offset, epoch } = value;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      this.fail('since.offset', 'must be a non-negative integer');
    }
    if (typeof epoch !== 'string' || epoch.length > FieldLimits.epochLength) {
      this.fail('since.epoch', `must be a string of at most ${FieldLimits.epochLength} characters`);
    }
    return { offset: offset as number, epoch: epoch as string };
  }

  integer(name: string, max: number): number | undefined {
    const value = this.fields[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
      return this.fail(name, `must be an integer from 0 to ${max}`);
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.fields[name];
    if (value === undefined || typeof value === 'boolean') return value;
    return this.fail(name, 'must be a boolean');
  }

  /** Small JSON objects shown to other clients (presence info). */
  info(name: string): Record<string, unknown> | undefined {
    const value = this.fields[name];
    if (value === undefined) return undefined;
    if (!isObject(value)) return this.fail(name, 'must be an object');
    if (JSON.stringify(value).length > FieldLimits.infoLength) {
      return this.fail(name, `must be at most ${FieldLimits.infoLength} characters as JSON`);
    }
    return value;
  }

  /**
   * A client's trace context in `meta`. Tracing is best effort: a field of the wrong shape is
   * dropped, never refused, and a `tracestate` alone (without its `traceparent`) means nothing.
   */
  traceContext(): TraceContext | undefined {
    const meta = this.fields.meta;
    if (!isObject(meta) || !isString(meta.traceparent, FieldLimits.traceparentLength)) {
      return undefined;
    }
    const context: TraceContext = { traceparent: meta.traceparent };
    if (isString(meta.tracestate, FieldLimits.tracestateLength)) {
      context.tracestate = meta.tracestate;
    }
    return context;
  }
}

function isString(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, details: ErrorDetail[], id?: FrameId): ProtocolError {
  const error: ProtocolError = { code: ErrorCodes.WS_MESSAGE_INVALID, message, details };
  if (id !== undefined) error.id = id;
  return error;
}

function finish<F>(reader: FieldReader, frame: F, id: FrameId | undefined): DecodeResult<F> {
  if (reader.details.length > 0) {
    return { ok: false, error: invalid('frame has invalid fields', reader.details, id) };
  }
  return { ok: true, frame };
}

function decodeFrame<F>(
  value: unknown,
  readers: Record<string, (reader: FieldReader) => DecodeResult<F>>,
): DecodeResult<F> {
  if (!isObject(value)) {
    return {
      ok: false,
      error: invalid('frame must be an object', [{ path: '', message: 'must be an object' }]),
    };
  }
  const type = value.type;
  const read = typeof type === 'string' && Object.hasOwn(readers, type) ? readers[type] : undefined;
  if (!read) {
    const reader = new FieldReader(value);
    const id = reader.id(false);
    const known = Object.keys(readers).join(', ');
    return {
      ok: false,
      error: invalid(
        typeof type === 'string'
          ? `unknown frame type '${type.slice(0, 32)}'`
          : 'frame has no type',
        [{ path: 'type', message: `must be one of: ${known}` }],
        id,
      ),
    };
  }
  return read(new FieldReader(value));
}

function readAck<F>(r: FieldReader): DecodeResult<F> {
  const id = r.id(true);
  return finish(r, { type: 'ack', id, payload: r.fields.payload } as F, id);
}

function readError<F>(r: FieldReader, idRequired: boolean): DecodeResult<F> {
  const id = r.id(idRequired);
  const code = r.string('code', FieldLimits.eventLength, true);
  const message = r.string('message', FieldLimits.errorMessageLength, true);
  const frame: Fields = { type: 'error', code, message };
  if (id !== undefined) frame.id = id;
  if (Array.isArray(r.fields.details)) frame.details = r.fields.details;
  return finish(r, frame as F, id);
}

function readEvent<F>(r: FieldReader, fromServer: boolean): DecodeResult<F> {
  const id = r.id(false);
  const event = r.string('event', FieldLimits.eventLength, true);
  const frame: Fields = { type: 'event', event };
  if ('payload' in r.fields) frame.payload = r.fields.payload;
  if (id !== undefined) frame.id = id;
  if (fromServer && r.fields.channel !== undefined) {
    frame.channel = r.channel('channel');
    if (isObject(r.fields.meta)) frame.meta = r.fields.meta;
  }
  const trace = fromServer ? undefined : r.traceContext();
  if (trace) frame.meta = trace;
  return finish(r, frame as F, id);
}

/** Frames whose only field besides `id` is `channel`. */
function readChannelRequest(
  r: FieldReader,
  type: 'unsubscribe' | 'presence' | 'presenceStats',
): DecodeResult<ClientFrame> {
  const id = r.id(false);
  const frame: Extract<ClientFrame, { type: typeof type }> = {
    type,
    channel: r.channel('channel') as string,
  };
  if (id !== undefined) frame.id = id;
  return finish(r, frame, id);
}

function readPresenceEvent(r: FieldReader, type: 'join' | 'leave'): DecodeResult<ServerFrame> {
  const channel = r.channel('channel') as string;
  const client = r.fields.client;
  if (!isObject(client) || typeof client.connectionId !== 'string') {
    r.details.push({ path: 'client.connectionId', message: 'must be a string' });
  }
  return finish(r, { type, channel, client: client as unknown as PresenceClient }, undefined);
}

const clientReaders: Record<string, (r: FieldReader) => DecodeResult<ClientFrame>> = {
  event: (r) => readEvent(r, false),
  ack: (r) => readAck(r),
  error: (r) => readError(r, true),
  ping: () => ({ ok: true, frame: { type: 'ping' } }),
  pong: () => ({ ok: true, frame: { type: 'pong' } }),
  subscribe: (r) => {
    const id = r.id(false);
    const channel = r.channel('channel') as string;
    const since = r.since();
    const token = r.string('token', FieldLimits.tokenLength, false);
    const info = r.info('info');
    const frame: ClientFrame = { type: 'subscribe', channel };
    if (id !== undefined) frame.id = id;
    if (since !== undefined) frame.since = since;
    if (token !== undefined) frame.token = token;
    if (info !== undefined) frame.info = info;
    return finish(r, frame, id);
  },
  unsubscribe: (r) => readChannelRequest(r, 'unsubscribe'),
  publish: (r) => {
    const id = r.id(false);
    const channel = r.channel('channel') as string;
    const event = r.string('event', FieldLimits.eventLength, true) as string;
    const frame: ClientFrame = { type: 'publish', channel, event };
    if ('payload' in r.fields) frame.payload = r.fields.payload;
    if (id !== undefined) frame.id = id;
    const trace = r.traceContext();
    if (trace) frame.meta = trace;
    return finish(r, frame, id);
  },
  history: (r) => {
    const id = r.id(false);
    const frame: ClientFrame = { type: 'history', channel: r.channel('channel') as string };
    const since = r.since();
    const limit = r.integer('limit', FieldLimits.historyLimit);
    const reverse = r.boolean('reverse');
    if (id !== undefined) frame.id = id;
    if (since !== undefined) frame.since = since;
    if (limit !== undefined) frame.limit = limit;
    if (reverse !== undefined) frame.reverse = reverse;
    return finish(r, frame, id);
  },
  presence: (r) => readChannelRequest(r, 'presence'),
  presenceStats: (r) => readChannelRequest(r, 'presenceStats'),
  auth: (r) => {
    const id = r.id(false);
    const frame: ClientFrame = {
      type: 'auth',
      token: r.string('token', FieldLimits.tokenLength, true) as string,
    };
    if (id !== undefined) frame.id = id;
    return finish(r, frame, id);
  },
};

const serverReaders: Record<string, (r: FieldReader) => DecodeResult<ServerFrame>> = {
  event: (r) => readEvent(r, true),
  ack: (r) => readAck(r),
  error: (r) => readError(r, false),
  ping: () => ({ ok: true, frame: { type: 'ping' } }),
  pong: () => ({ ok: true, frame: { type: 'pong' } }),
  system: (r) => {
    const frame: ServerFrame = {
      type: 'system',
      event: r.string('event', FieldLimits.eventLength, true) as string,
    };
    if ('payload' in r.fields) frame.payload = r.fields.payload;
    return finish(r, frame, undefined);
  },
  join: (r) => readPresenceEvent(r, 'join'),
  leave: (r) => readPresenceEvent(r, 'leave'),
};

/**
 * Refuses a frame with a value nested deeper than the limit (or one no codec carries), naming
 * where, before any field is read: such a value could be neither stored nor sent on.
 */
function checkNesting(frame: Fields, maxDepth: number): ProtocolError | undefined {
  for (const name of Object.keys(frame)) {
    const problem = checkPayload(frame[name], maxDepth, name);
    if (problem) {
      const id = new FieldReader(frame).id(false);
      return invalid(`invalid frame: ${problem.path} ${problem.message}`, [problem], id);
    }
  }
  return undefined;
}

/** Validates an already-decoded value sent by a client. Never throws. */
export function decodeClientFrame(
  value: unknown,
  options: DecodeOptions = {},
): DecodeResult<ClientFrame> {
  if (isObject(value)) {
    const error = checkNesting(value, options.maxPayloadDepth ?? PayloadDepth.default);
    if (error) return { ok: false, error };
  }
  return decodeFrame(value, clientReaders);
}

/** Validates an already-decoded value sent by a server. Never throws. */
export function decodeServerFrame(value: unknown): DecodeResult<ServerFrame> {
  return decodeFrame(value, serverReaders);
}

function parseWith<F>(
  codec: Codec,
  data: string | Uint8Array,
  decode: (value: unknown) => DecodeResult<F>,
): DecodeResult<F> {
  let value: unknown;
  try {
    value = codec.decode(data);
  } catch {
    return {
      ok: false,
      error: invalid(`frame is not valid ${codec.binary ? 'MessagePack' : 'JSON'}`, [
        { path: '', message: 'could not be decoded' },
      ]),
    };
  }
  return decode(value);
}

/** Decodes raw message data from a client with `codec` and validates it. Never throws. */
export function parseClientFrame(
  codec: Codec,
  data: string | Uint8Array,
  options: DecodeOptions = {},
): DecodeResult<ClientFrame> {
  return parseWith(codec, data, (value) => decodeClientFrame(value, options));
}

/** Decodes raw message data from a server with `codec` and validates it. Never throws. */
export function parseServerFrame(
  codec: Codec,
  data: string | Uint8Array,
): DecodeResult<ServerFrame> {
  return parseWith(codec, data, decodeServerFrame);
}
