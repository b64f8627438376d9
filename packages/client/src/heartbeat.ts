export interface HeartbeatOptions {
  /** Milliseconds between pings. */
  interval: number;
  /** Milliseconds after a ping with nothing received before the connection counts as dead. */
  timeout: number;
}

/**
 * App-level heartbeat: browsers cannot send WebSocket ping frames, so the client sends
 * `{"type":"ping"}` and the gateway answers `{"type":"pong"}`. Any frame received proves the
 * connection alive; a ping followed by silence for `timeout` ms calls `onDead`.
 */
export class Heartbeat {
  private intervalTimer: ReturnType<typeof setInterval> | undefined;
  private deadTimer: ReturnType<typeof setTimeout> | undefined;
  private pingSentAt: number | undefined;
  /** Round-trip time in ms of the last ping, once one was answered. */
  latency: number | undefined;

  constructor(
    private readonly options: HeartbeatOptions,
    private readonly sendPing: () => void,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.stop();
    this.intervalTimer = setInterval(() => this.ping(), this.options.interval);
  }

  stop(): void {
    clearInterval(this.intervalTimer);
    clearTimeout(this.deadTimer);
    this.intervalTimer = this.deadTimer = this.pingSentAt = undefined;
  }

  /** Call on every frame received. */
  received(): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = undefined;
  }

  /** Call on a `pong` frame. */
  pong(): void {
    if (this.pingSentAt === undefined) return;
    this.latency = Date.now() - this.pingSentAt;
    this.pingSentAt = undefined;
  }

  private ping(): void {
    // One outstanding ping at a time: its dead timer is already running.
    if (this.deadTimer !== undefined) return;
    this.pingSentAt = Date.now();
    this.deadTimer = setTimeout(() => {
      this.stop();
      this.onDead();
    }, this.options.timeout);
    this.sendPing();
  }
}
