import type { Connection } from '../connection/connection.js';
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

/** Calls a controller's method by name, with the instance as `this`. */
const invoke = (instance: object, method: string, ...args: unknown[]): unknown =>
  (instance as Record<string, Method>)[method]?.apply(instance, args);

/**
 * Declares a checked controller (controller-checks.ts) with the functional API: its namespace,
 * with the class guards appended to the handshake guards by priority; a scope and instance per
 * connection, made before the @OnConnect methods run and disposed after the @OnDisconnect ones;
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

  const scopes = new WeakMap<Connection, ConnectionScope>();
  const instances = new WeakMap<Connection, object>();
  const instanceOf = (connection: Connection): object => {
    const instance = instances.get(connection);
    // Events and channel requests wait for the connection's onConnect, which makes it: a fault
    // if missing, logged and answered WS_INTERNAL.
    if (!instance) throw new Error(`${meta.name} has no instance for connection ${connection.id}`);
    return instance;
  };

  namespace.onConnect(async (connection) => {
    const scope = container.openScope(connection);
    // Kept before resolving, so that what was made before a failure is still disposed.
    scopes.set(connection, scope);
    const instance = scope.resolve<object>(controller);
    instances.set(connection, instance);
    for (const method of meta.connect) await invoke(instance, method, connection);
  });
  // One hook per method: the namespace runs each, logging a failure, and then the disposal.
  for (const method of meta.disconnect) {
    namespace.onDisconnect(async (connection, reason) => {
      const instance = instances.get(connection);
      if (instance) await invoke(instance, method, connection, reason);
    });
  }
  namespace.onDisconnect(async (connection) => {
    const scope = scopes.get(connection);
    scopes.delete(connection);
    instances.delete(connection);
    await scope?.dispose();
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
    const hook = (connection: Connection, channel: string, params: Record<string, string>) =>
      invoke(instanceOf(connection), method, connection, channel, params);
    if (kind === 'subscribe') namespace.onSubscribe(pattern, hook);
    else namespace.onUnsubscribe(pattern, hook);
  }
  return namespace;
}
