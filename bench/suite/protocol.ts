/** IPC messages between the coordinator, the server process and the client workers. */
export type ServerName = 'herald' | 'ws' | 'socketio';
export const serverNames: readonly ServerName[] = ['herald', 'ws', 'socketio'];

/** How a server process is set up (its second argument, as JSON). */
export interface ServerSetup {
  /** Herald's namespace `writeDelay` (ms). */
  writeDelay?: number;
  /** Connections say who they are with `?token=<user>`, for targeted sends. */
  users?: boolean;
  /** Herald's namespace with every option at its default (no room for fan-out bursts). */
  defaults?: boolean;
  /** Herald's broker (memory when absent), and the channel prefix that keeps runs apart. */
  broker?: { type: 'memory' | 'redis' | 'nats'; prefix: string };
}

export interface PublishCommand {
  type: 'publish';
  messages: number;
  /** Publications per setImmediate turn, or per timer tick when `intervalMs` is set. */
  perTurn: number;
  /** `perTurn` publications per timer tick of this many milliseconds. */
  intervalMs?: number;
}

/** Sends `messages` notes to the user 'target', one per `intervalMs` timer tick. */
export interface ToUserCommand {
  type: 'to-user';
  messages: number;
  intervalMs: number;
}

export type ServerCommand =
  PublishCommand | ToUserCommand | { type: 'cpu' } | { type: 'cpu-reset' } | { type: 'memory' };

export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'cpu'; cpuMicros: number }
  | { type: 'memory'; rss: number; heapUsed: number };

/** What a client worker does with its connections. */
export type WorkerRole =
  | {
      /** Subscribe to 'bench' and report once every client has `expected` publications. */
      mode: 'subscribe';
      expected: number;
      /** Every n-th client parses its frames and records publish→receive latency (0: none). */
      sampleEvery: number;
      /** As user `target` (?token=target); otherwise no subscription, only a count. */
      user?: string;
    }
  | {
      /** On `start`, each client sends `echo` requests, one in flight, for `seconds`. */
      mode: 'echo';
      seconds: number;
    }
  | {
      /** On `start`, open the connections `concurrency` at a time and keep them open. */
      mode: 'open';
      concurrency: number;
      /** Each connection authenticates as its own user `u<offset + i>`. */
      userOffset?: number;
    };

/** A client worker's only argument, as JSON. */
export type WorkerSetup = { server: ServerName; port: number; count: number } & WorkerRole;

export type WorkerMessage =
  | { type: 'subscribed' }
  | { type: 'received'; count: number; latencies: number[] }
  | { type: 'connected'; count: number }
  | { type: 'requests'; count: number };
