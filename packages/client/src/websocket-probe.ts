import { closeSocket } from './socket.js';

/**
 * While a session runs over an HTTP fallback, checks every `every` ms whether a WebSocket opens
 * again (the proxy that refused it may be gone, or the client moved networks). A WebSocket that
 * opens within `timeout` is closed at once and `opened` is called, for the client to move its
 * session over; one that does not is tried again later.
 */
export class WebSocketProbe {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #socket: WebSocket | undefined;

  constructor(
    private readonly every: number,
    private readonly timeout: number,
    private readonly open: () => Promise<WebSocket>,
    private readonly opened: () => void,
  ) {}

  start(): void {
    this.stop();
    this.#timer = setTimeout(() => void this.#try(), this.every);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#socket) closeSocket(this.#socket);
    this.#socket = undefined;
  }

  async #try(): Promise<void> {
    let socket: WebSocket;
    try {
      socket = await this.open();
    } catch {
      this.start();
      return;
    }
    this.#socket = socket;
    this.#timer = setTimeout(() => this.start(), this.timeout);
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (socket === this.#socket) this.start();
    };
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.stop();
      closeSocket(socket, 1000, 'transport probe');
      this.opened();
    };
  }
}
