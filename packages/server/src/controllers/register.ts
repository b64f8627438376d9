import { ErrorCodes } from '@herald/protocol';
import type { Connection } from '../connection/connection.js';
import { HeraldError } from '../errors.js';
import type { Namespace } from '../namespace/namespace.js';
import type { NamespaceOptionsInput } from '../options.js';
import type { ConnectionScope, ControllerContainer } from './container.js';
import { constructBound } from './controller-binding.js';
import type { ControllerClass, ControllerMetadata } from './metadata.js';

/** What compiling a controller needs of its gateway. */
export interface ControllerHost {
  namespace(pattern: string, options?: NamespaceOptionsInput): Namespace;
}

type Method = (...args: unknown[]) => unknown;

/** One connection's scope and controller instance; no longer `open` once its disconnect began. */
interface Session {
  scope: ConnectionScope;
  instance?: object;
  open: boolean;
}

/** The answer to a request whose connection closed before it reached the controller. */
const closed = {
  code: ErrorCodes.WS_UNAVAILABLE,
  message: 'the connection closed before this request was handled',
};

/** Calls a controller's method by name, with the instance as `this`. */
const invoke = (instance: object, method: string, ...args: unknown[]): unknown =>
  (instance as Record<string, Method>)[method]?.apply(instance, args);

/**
 * Declares a checked controller (controller-checks.ts) with the functional API: its namespace,
 * with the class guards appended to the handshake guards by priority; a scope and instance per
 * connection, made before the @OnConnect methods run and disposed after the @OnDisconnect ones
 * (from the start of a disconnect, no event or channel handler reaches the instance);
 * its events with their schema and ack; its method guards for their events; its channel hooks.
 */
export function compileController(
  host: ControllerHost,
  container: ControllerContainer,
  controller: ControllerClass,
  meta: ControllerMetadata,
): Namespace {
  const handshakeGuards = [
    ...(meta.options.handshakeGuards ?? []),
    ...meta.guards.map(({ guard }) => guard),
  ];
  const namespace = host.namespace(meta.path, { ...meta.options, handshakeGuards });
  const Class = controller as unknown as new (...deps: unknown[]) => object;
  const binding = { gateway: host, namespace };
  container.addController(controller, meta.inject, (deps) =>
    constructBound(binding, () => new Class(...deps)),
  );

  const sessions = new WeakMap<Connection, Session>();
  // Requests wait for onConnect, which makes the instance; one still waiting on a guard or on
  // authorizeSubscribe when its connection closed must not reach an instance being disposed.
  const liveInstance = (connection: Connection): object | undefined => {
    const session = sessions.get(connection);
    return session?.open ? session.instance : undefined;
  };
  const instanceOf = (connection: Connection): object => {
    const instance = liveInstance(connection);
    if (!instance) throw new HeraldError(closed.code, closed.message);
    return instance;
  };

  namespace.onConnect(async (connection) => {
    // Kept before resolving, so that what was made before a failure is still disposed.
    const session: Session = { scope: container.openScope(connection), open: true };
    sessions.set(connection, session);
    const instance = session.scope.resolve<object>(controller);
    session.instance = instance;
    for (const method of meta.connect) await invoke(instance, method, connection);
  });
  namespace.onDisconnect((connection) => {
    const session = sessions.get(connection);
    if (session) session.open = false;
  });
  // One hook per method: the namespace runs each, logging a failure, and then the disposal.
  for (const method of meta.disconnect) {
    namespace.onDisconnect(async (connection, reason) => {
      const instance = sessions.get(connection)?.instance;
      if (instance) await invoke(instance, method, connection, reason);
    });
  }
  namespace.onDisconnect(async (connection) => {
    const session = sessions.get(connection);
    sessions.delete(connection);
    await session?.scope.dispose();
  });

  for (const { name, method, schema, ack } of meta.events) {
    namespace.on(name, { schema, ack }, (payload, connection, ctx) =>
      invoke(instanceOf(connection), method, connection, payload, ctx),
    );
  }
  for (const [method, guards] of meta.methodGuards) {
    const events = meta.events.filter((event) => event.method === method).map((e) => e.name);
    for (const { guard, priority } of guards) namespace.guard(guard, { priority, events });
  }
  for (const { kind, pattern, method } of meta.channels) {
    if (kind === 'subscribe') {
      namespace.onSubscribe(pattern, (connection, channel, params) =>
        invoke(instanceOf(connection), method, connection, channel, params),
      );
      continue;
    }
    // An unsubscribe of a connection already closing has nobody left to tell.
    namespace.onUnsubscribe(pattern, (connection, channel, params) => {
      const instance = liveInstance(connection);
      if (instance) return invoke(instance, method, connection, channel, params);
    });
  }
  return namespace;
}
