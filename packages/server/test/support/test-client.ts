import { decode, encode } from '@msgpack/msgpack';
import { WebSocket, type ClientOptions } from 'ws';

const msgpack = 'herald.v1.msgpack';
// Deeper than MessagePack's default of 100, so that tests can send what a hostile client would.
const encodeOptions = { ignoreUndefined: true, maxDepth: 1_000 };

export interface Frame {
  type: string;
  id?: string | number;
  event?: string;
  channel?: string;
  payload?: unknown;
  code?: string;
  message?: string;
  details?: { path: string; message: string }[];
  meta?: { ts: number; offset?: number; epoch?: string };
  /** On `join`/`leave` frames. */
  client?: { connectionId: string; userId?: string; info?: unknown };
}

/**
 * A raw `ws` client that records every frame it receives, for asserting on the wire protocol. It
 * speaks MessagePack when the gateway accepted `herald.v1.msgpack`, JSON otherwise.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      this.frames.push((isBinary ? decode(data) : JSON.parse(data.toString())) as Frame);
      this.notify();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.notify();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static async connect(
    url: string,
    protocols?: string[],
    options?: ClientOptions,
  ): Promise<TestClient> {
    const ws = new WebSocket(url, protocols, options);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(frame: object): void {
    const data =
      this.ws.protocol === msgpack ? encode(frame, encodeOptions) : JSON.stringify(frame);
    this.ws.send(data);
  }

  /** Sends a frame with a fresh id and waits for the ack or error that answers it. */
  async request(frame: object): Promise<Frame> {
    const id = String(this.nextId++);
    this.send({ ...frame, id });
    return this.waitFor((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
  }

  /** Resolves with the first recorded frame matching `predicate`, waiting if needed. */
  waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        const recent = this.frames
          .slice(-5)
          .map((f) => `${f.type}:${f.event ?? f.code ?? f.id ?? ''}`);
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms (${this.frames.length} received; last: ${recent.join(', ')})`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        const found = this.frames.find(predicate);
        if (!found) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(found);
      };
      this.waiters.push(check);
      check();
    });
  }

  /**
   * Resolves once the gateway accepted the connection (its `system` `connected` frame) or closed
   * it (a refusal after the upgrade): whichever comes first.
   */
  async settled(): Promise<void> {
    const connected = this.waitFor((f) => f.type === 'system' && f.event === 'connected');
    // Refused: the wait for `connected` times out unobserved.
    connected.catch(() => undefined);
    await Promise.race([connected, this.closed]);
  }

  /** Waits until `count` frames match `predicate` and returns them. */
  async waitForCount(
    predicate: (frame: Frame) => boolean,
    count: number,
    timeoutMs = 10_000,
  ): Promise<Frame[]> {
    let matched: Frame[] = [];
    await this.waitFor(() => {
      matched = this.frames.filter(predicate);
      return matched.length >= count;
    }, timeoutMs);
    return matched;
  }

  events(event: string): Frame[] {
    return this.frames.filter((f) => f.type === 'event' && f.event === event);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
