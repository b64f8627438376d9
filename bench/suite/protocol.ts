/** IPC messages between the coordinator, the server process and the client workers. */
export type ServerName = 'herald' | 'ws' | 'socketio';
export const serverNames: readonly ServerName[] = ['herald', 'ws', 'socketio'];

export interface PublishCommand {
  type: 'publish';
  messages: number;
  /** Publications per setImmediate turn (ignored when `intervalMs` is set). */
  perTurn: number;
  /** One publication per timer tick of this many milliseconds. */
  intervalMs?: number;
}

export type ServerMessage = { type: 'ready'; port: number } | { type: 'cpu'; cpuMicros: number };

export type WorkerMessage = { type: 'subscribed' } | { type: 'received'; count: number };
