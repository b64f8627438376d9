import type { HandshakeGuard, MessageGuard } from '../guards/guard.js';
import type { NamespaceOptionsInput } from '../namespace/namespace-options.js';
import type { StandardSchema } from '../validation/payload-schema.js';
import type { Token } from './tokens.js';

/**
 * What the decorators record. They only record: a class is read when it is registered or
 * compiled (`controllerMetadata`), so importing a controllers module has no effect. Records are
 * kept beside the class and its methods (weak maps), since standard decorators' `metadata` needs
 * `Symbol.metadata`, which Node does not have yet.
 */

export interface GuardRecord<G = HandshakeGuard | MessageGuard> {
  guard: G;
  /** Higher runs first; equal priorities run in declaration order (top to bottom). */
  priority: number;
}

export interface EventRecord {
  name: string;
  method: string;
  schema: StandardSchema | undefined;
  ack: boolean;
  reply: StandardSchema | undefined;
}

export interface ChannelHandlerRecord {
  kind: 'subscribe' | 'unsubscribe';
  pattern: string;
  method: string;
}

export interface EmittedRecord {
  name: string;
  schema: StandardSchema | undefined;
}

/** What `@Socket` takes besides the path: namespace options, DI tokens, emitted events. */
export interface SocketOptions<
  I extends readonly Token[] = readonly Token[],
> extends NamespaceOptionsInput {
  /** The tokens the constructor receives, in parameter order (see docs/controllers.md). */
  inject?: I;
  /** Events the controller sends, with their payload schemas: the same as `@Emits` each. */
  serverEvents?: Record<string, StandardSchema | undefined>;
}

/** A controller class as registered: constructed by the gateway with its `inject` tokens. */
export type ControllerClass = abstract new (...args: never[]) => object;

/** Everything recorded for one controller class, its inherited methods included. */
export interface ControllerMetadata {
  /** The class name. */
  name: string;
  path: string;
  /** The namespace options of `@Socket` (without `inject` and `serverEvents`). */
  options: NamespaceOptionsInput;
  inject: readonly Token[];
  /** Handshake guards (`@Guard` on the class), sorted: highest priority first. */
  guards: GuardRecord<HandshakeGuard>[];
  connect: string[];
  disconnect: string[];
  events: EventRecord[];
  channels: ChannelHandlerRecord[];
  emits: EmittedRecord[];
  /** Message guards by method name, sorted: highest priority first. */
  methodGuards: Map<string, GuardRecord<MessageGuard>[]>;
}

/** What method decorators put on one method. */
export interface MethodMarks {
  name: string;
  events: Omit<EventRecord, 'method'>[];
  channels: Omit<ChannelHandlerRecord, 'method'>[];
  connect: boolean;
  disconnect: boolean;
  guards: GuardRecord<MessageGuard>[];
}

/** What class decorators put on a class. */
export interface ClassMarks {
  socket?: { path: string; options: SocketOptions };
  guards: GuardRecord<HandshakeGuard>[];
  emits: EmittedRecord[];
}

const methodMarks = new WeakMap<object, MethodMarks>();
const classMarks = new WeakMap<object, ClassMarks>();

const noMarks = (name: string): MethodMarks => ({
  name,
  events: [],
  channels: [],
  connect: false,
  disconnect: false,
  guards: [],
});

export function marksOfMethod(method: object, name: string): MethodMarks {
  let marks = methodMarks.get(method);
  if (!marks) {
    marks = noMarks(name);
    methodMarks.set(method, marks);
  }
  return marks;
}

export function marksOfClass(klass: object): ClassMarks {
  let marks = classMarks.get(klass);
  if (!marks) {
    marks = { guards: [], emits: [] };
    classMarks.set(klass, marks);
  }
  return marks;
}

/** True for a class declared with `@Socket`. */
export function isController(value: unknown): value is ControllerClass {
  return typeof value === 'function' && classMarks.get(value)?.socket !== undefined;
}

// Decorators run bottom-up, so a sort by priority alone would reverse declaration order; the
// decorators insert at the front, and this stable sort keeps that order among equal priorities.
const byPriority = <G>(records: readonly GuardRecord<G>[]): GuardRecord<G>[] =>
  [...records].sort((a, b) => b.priority - a.priority);

/**
 * The marks of `klass`'s methods, by name: for each, those of the nearest class that marked it.
 * An override without decorators keeps its parent's, so that overriding a handler's body does
 * not silently drop its event; an override with decorators replaces them.
 */
function markedMethods(klass: ControllerClass): MethodMarks[] {
  const found = new Map<string, MethodMarks>();
  for (
    let proto: object | null = klass.prototype as object;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || found.has(key)) continue;
      const method: unknown = Object.getOwnPropertyDescriptor(proto, key)?.value;
      const marks = typeof method === 'function' ? methodMarks.get(method) : undefined;
      if (marks) found.set(key, marks);
    }
  }
  return [...found.values()];
}

/** Everything recorded for `klass`; throws a TypeError when it is not a `@Socket` class. */
export function controllerMetadata(klass: ControllerClass): ControllerMetadata {
  const marks = classMarks.get(klass);
  const socket = marks?.socket;
  if (!marks || !socket) {
    throw new TypeError(
      `${klass.name || 'this class'} is not a controller: declare it with @Socket(path)`,
    );
  }
  const { inject = [], serverEvents = {}, ...options } = socket.options;
  const metadata: ControllerMetadata = {
    name: klass.name,
    path: socket.path,
    options,
    inject,
    guards: byPriority(marks.guards),
    connect: [],
    disconnect: [],
    events: [],
    channels: [],
    emits: [
      ...Object.entries(serverEvents).map(([name, schema]) => ({ name, schema })),
      ...marks.emits,
    ],
    methodGuards: new Map(),
  };
  for (const method of markedMethods(klass)) {
    const { name } = method;
    if (method.connect) metadata.connect.push(name);
    if (method.disconnect) metadata.disconnect.push(name);
    for (const event of method.events) metadata.events.push({ ...event, method: name });
    for (const channel of method.channels) metadata.channels.push({ ...channel, method: name });
    if (method.guards.length > 0) metadata.methodGuards.set(name, byPriority(method.guards));
  }
  return metadata;
}
