import type { ServerResponse } from 'node:http';
import { jsonCodec } from '@herald/protocol';
import type { ClientLink } from './client-link.js';
import { EncodedFrame } from './encoded-frame.js';
import { buildEvent, buildLine, type Framing } from './framing.js';

/** The HTTP fallback transports, by the name clients ask for them with (`?transport=`). */
export type HttpTransport = 'sse' | 'http-stream';

/** What the gateway hears from an HTTP session: the client's frames, and its end. */
export interface SessionListener {
  message(data: Buffer): void;
  /** A frame over `maxMessageSize` arrived: the session is closed with 1009, as a WebSocket is. */
  oversized(): void;
  closed(code: number, reason: Buffer): void;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
/** What a session that ends without a close from the gateway reports, as a WebSocket would. */
const normalClosure = 1000;
const abnormalClosure = 1006;
const messageTooBig = 1009;

/**
 * One client session over an HTTP fallback transport: the gateway writes frames to a streamed
 * response (server-sent events, or one frame per line), and the client's frames arrive as POSTs
 * naming the session (see docs/transports.md). Besides frames, the stream carries two control
 * messages: `session` first (the id POSTs name), `close` last (the close code and reason).
 */
export class HttpSessionLink implements ClientLink {
  readonly OPEN = OPEN;
  readyState = CONNECTING;
  /** Set once the session became a connection; frames are refused before. */
  listener: SessionListener | undefined;

  constructor(
    /** The session's secret id: whoever knows it may send frames as the client. */
    readonly id: string,
    readonly response: ServerResponse,
    readonly framing: Framing,
    private readonly maxMessageSize: number,
  ) {
    response.once('close', () => this.ended(abnormalClosure, ''));
  }

  /** Starts the stream: its headers (with `headers`), then the `session` control message. */
  open(headers: Record<string, string>): void {
    this.readyState = OPEN;
    this.response.writeHead(200, {
      ...headers,
      'Content-Type':
        this.framing.kind === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson',
      'Cache-Control': 'no-cache, no-transform',
      // Proxies that buffer responses (nginx) would hold frames back.
      'X-Accel-Buffering': 'no',
      'Herald-Session': this.id,
    });
    this.response.write(this.control('session', this.id));
  }

  /** Writes one text frame at once, outside any queue: refusals before a connection exists. */
  send(data: string | Uint8Array): void {
    const payload = Buffer.from(data);
    this.response.write(this.framing.kind === 'sse' ? buildEvent(payload) : buildLine(payload));
  }

  /** Hands a frame the client POSTed to the connection; false once the session has ended. */
  receive(data: Buffer): boolean {
    if (this.readyState !== OPEN || !this.listener) return false;
    if (data.length > this.maxMessageSize) {
      this.listener.oversized();
      this.close(messageTooBig, 'Max payload size exceeded');
      return true;
    }
    this.listener.message(data);
    return true;
  }

  ping(): void {
    if (this.readyState === OPEN) this.response.write(pingFor(this.framing));
  }

  close(code: number, reason: string): void {
    if (this.readyState !== OPEN) return;
    this.response.end(this.control('close', { code, reason }));
    this.ended(code, reason);
  }

  /** The client ended the session (a DELETE): a normal closure, as its WebSocket close would be. */
  closedByClient(): void {
    if (this.readyState !== OPEN) return;
    this.response.end();
    this.ended(normalClosure, '');
  }

  terminate(): void {
    this.response.destroy();
    this.ended(abnormalClosure, '');
  }

  private ended(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.listener?.closed(code, Buffer.from(reason));
  }

  /**
   * A control message: a named event on a server-sent event stream (so that an `EventSource`
   * listens for it by name: `{"session":id}`, `{"code","reason"}`); on a line stream, an object
   * without `type`, which no frame lacks (`{"session":id}`, `{"close":{"code","reason"}}`).
   */
  private control(name: 'session', value: string): string;
  private control(name: 'close', value: { code: number; reason: string }): string;
  private control(name: string, value: unknown): string {
    if (this.framing.kind !== 'sse') return `${JSON.stringify({ [name]: value })}\n`;
    const data = name === 'session' ? { session: value } : value;
    return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}

const pings = new Map<Framing['kind'], Buffer>();

/** The `ping` frame the client answers with a `pong` POST, laid out once per framing. */
function pingFor(framing: Framing): Buffer {
  let bytes = pings.get(framing.kind);
  if (!bytes) {
    bytes = new EncodedFrame({ type: 'ping' }).bytesFor(jsonCodec, framing) as Buffer;
    pings.set(framing.kind, bytes);
  }
  return bytes;
}
