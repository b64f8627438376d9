import { LineReader, type StreamMessage } from './stream-reader.js';
import type { HttpTransport } from './transport-choice.js';

/** Most frames one POST carries: the gateway takes no more. */
const maxFramesPerPost = 16;

/** What `onclose` gets, as a WebSocket's close event would give it. */
interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A session over an HTTP fallback transport with the parts of the WebSocket interface the client
 * uses: frames stream back in one long response (server-sent events or one frame per line), and
 * what the client sends goes out as POSTs naming the session, one at a time so that they arrive
 * in order, each carrying whatever queued meanwhile.
 */
export class HttpSocket {
  readyState = 0;
  readonly protocol = '';
  binaryType = 'arraybuffer';
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  onclose: ((event: CloseInfo) => void) | null = null;

  readonly #abort = new AbortController();
  readonly #url: URL;
  #session: string | undefined;
  #outbox: string[] = [];
  #posting = false;
  #closeInfo: CloseInfo | undefined;

  /** `url`: the namespace's http(s) URL with its query; `headers` go with the opening request. */
  constructor(url: string, transport: HttpTransport, headers: Record<string, string> = {}) {
    this.#url = new URL(url);
    const opening = new URL(url);
    opening.searchParams.set('transport', transport);
    void this.#stream(opening, transport, headers);
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1) return;
    this.#outbox.push(typeof data === 'string' ? data : new TextDecoder().decode(data));
    void this.#post();
  }

  /** Ends the session from this side: a DELETE tells the gateway, which sees a normal closure. */
  close(code = 1000, reason = ''): void {
    if (this.readyState === 1 && this.#session !== undefined) {
      // The stream stays until the DELETE is through, or the gateway would see it drop first.
      // `keepalive`: the DELETE may outlive the page.
      fetch(this.#sessionUrl(), { method: 'DELETE', credentials: 'include', keepalive: true })
        .catch(() => undefined)
        .finally(() => this.#abort.abort());
      this.#ended({ code, reason }, false);
      return;
    }
    this.#ended({ code, reason });
  }

  async #stream(url: URL, transport: HttpTransport, headers: Record<string, string>) {
    try {
      const response = await fetch(url, {
        headers: { ...headers, Accept: transport === 'sse' ? 'text/event-stream' : '*/*' },
        credentials: 'include',
        cache: 'no-store',
        signal: this.#abort.signal,
      });
      if (!response.ok || !response.body) {
        this.#fail(`the gateway answered ${response.status}`);
        return;
      }
      const reader = new LineReader(transport);
      const decoder = new TextDecoder();
      // A reader rather than `for await`: not every browser iterates a ReadableStream.
      const body = response.body.getReader();
      for (let chunk = await body.read(); !chunk.done; chunk = await body.read()) {
        for (const message of reader.push(decoder.decode(chunk.value, { stream: true }))) {
          this.#message(message);
        }
      }
      this.#ended(this.#closeInfo ?? { code: 1006, reason: 'the stream ended' });
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
    }
  }

  #message(message: StreamMessage): void {
    if (this.readyState === 3) return;
    if (message.kind === 'session') {
      this.#session = message.session;
      this.readyState = 1;
      this.onopen?.();
    } else if (message.kind === 'close') {
      this.#closeInfo = { code: message.code, reason: message.reason };
    } else {
      this.onmessage?.({ data: message.data });
    }
  }

  async #post(): Promise<void> {
    if (this.#posting || this.#outbox.length === 0 || this.#session === undefined) return;
    this.#posting = true;
    const frames = this.#outbox.splice(0, maxFramesPerPost);
    try {
      const response = await fetch(this.#sessionUrl(), {
        method: 'POST',
        // A simple request: no CORS preflight for every POST.
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        body: frames.join('\n'),
        credentials: 'include',
        signal: this.#abort.signal,
      });
      if (!response.ok) {
        this.#fail(`a POST was answered ${response.status}`);
        return;
      }
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
      return;
    } finally {
      this.#posting = false;
    }
    void this.#post();
  }

  /** The namespace's URL naming this session, for its POSTs and its DELETE. */
  #sessionUrl(): URL {
    const url = new URL(this.#url);
    url.search = '';
    url.searchParams.set('session', this.#session ?? '');
    return url;
  }

  /** The session is lost: what was sent may or may not have arrived, as when a WebSocket drops. */
  #fail(message: string): void {
    if (this.readyState === 3) return;
    this.onerror?.({ message });
    this.#ended(this.#closeInfo ?? { code: 1006, reason: message });
  }

  /** Reports the close once; `abort` drops the stream and any POST under way at once. */
  #ended(info: CloseInfo, abort = true): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#outbox = [];
    if (abort) this.#abort.abort();
    this.onclose?.(info);
  }
}
