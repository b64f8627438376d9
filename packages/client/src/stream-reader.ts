import type { HttpTransport } from './transport-choice.js';

/** What an HTTP fallback stream carries: frames, and the gateway's two control messages. */
export type StreamMessage =
  | { kind: 'frame'; data: string }
  | { kind: 'session'; session: string }
  | { kind: 'close'; code: number; reason: string };

/**
 * Splits an HTTP fallback stream into messages as its text arrives in chunks: server-sent events
 * (`data:` lines up to a blank line, control messages named by `event:`), or one message per
 * line (control messages are the objects without a `type`). See docs/transports.md.
 */
export class LineReader {
  #rest = '';
  #event = '';
  #data: string[] = [];

  constructor(private readonly transport: HttpTransport) {}

  push(text: string): StreamMessage[] {
    const lines = (this.#rest + text).split('\n');
    this.#rest = lines.pop() ?? '';
    const messages: StreamMessage[] = [];
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const message = this.transport === 'sse' ? this.#eventLine(line) : readLine(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  /** One line of an event stream; a blank line ends the event. */
  #eventLine(line: string): StreamMessage | undefined {
    if (line === '') {
      const data = this.#data.join('\n');
      const event = this.#event;
      this.#data = [];
      this.#event = '';
      if (event === '') return data === '' ? undefined : { kind: 'frame', data };
      return control(event, data);
    }
    if (line.startsWith(':')) return undefined; // a comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    return undefined;
  }
}

/** One line of a line stream: the gateway writes control lines exactly so, and frames never are. */
function readLine(line: string): StreamMessage | undefined {
  if (line === '') return undefined;
  if (line.startsWith('{"session":')) return control('session', line);
  if (line.startsWith('{"close":')) {
    const close = parseObject(line)?.close;
    return control('close', JSON.stringify(close ?? null));
  }
  return { kind: 'frame', data: line };
}

/** A control message from its name and JSON body; undefined when the body is not one. */
function control(name: string, body: string): StreamMessage | undefined {
  const parsed = parseObject(body);
  if (!parsed) return undefined;
  if (name === 'session' && typeof parsed.session === 'string')
    return { kind: 'session', session: parsed.session };
  if (name === 'close' && typeof parsed.code === 'number')
    return {
      kind: 'close',
      code: parsed.code,
      reason: typeof parsed.reason === 'string' ? parsed.reason : '',
    };
  return undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
