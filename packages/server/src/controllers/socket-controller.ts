import type { StreamPosition } from '@herald/protocol';
import type { Broadcast, Target } from '../cluster/targeting.js';
import type { Gateway, PublishOptions } from '../gateway.js';
import type { BroadcastOptions, Namespace } from '../namespace/namespace.js';
import { takeBinding, type ControllerBinding } from './controller-binding.js';

/**
 * A base class for controllers: what a controller usually does besides answering (publish to a
 * channel, broadcast to its namespace, send to chosen connections) without injecting the gateway.
 * Only an instance the gateway made (`gateway.register(ChatSocket)`) is bound to a gateway; the
 * members throw a TypeError on any other.
 */
export abstract class SocketController {
  readonly #binding: ControllerBinding | undefined = takeBinding();

  /** The gateway that registered this controller. */
  protected get gateway(): Gateway {
    return this.#gateway('gateway');
  }

  /** This controller's namespace (its `@Socket` path). */
  protected get namespace(): Namespace {
    return this.#bound('namespace').namespace;
  }

  /** Publishes to a channel's subscribers on every node: `gateway.publish`. */
  protected publish(
    channel: string,
    event: string,
    payload?: unknown,
    options?: PublishOptions,
  ): Promise<StreamPosition | undefined> {
    return this.#gateway('publish').publish(channel, event, payload, options);
  }

  /** Sends an event to every connection of this namespace, on every node: `namespace.broadcast`. */
  protected broadcast(event: string, payload?: unknown, options?: BroadcastOptions): Promise<void> {
    return this.#bound('broadcast').namespace.broadcast(event, payload, options);
  }

  /** A targeted broadcast within this namespace: `this.to({ userId }).emit(event, payload)`. */
  protected to(target: Target): Broadcast {
    return this.#bound('to').namespace.to(target);
  }

  #gateway(member: string): Gateway {
    // Only a gateway binds instances, and it binds itself (see register.ts).
    return this.#bound(member).gateway as Gateway;
  }

  #bound(member: string): ControllerBinding {
    if (this.#binding) return this.#binding;
    const name = this.constructor.name || 'this controller';
    throw new TypeError(
      `${name}.${member} needs the gateway, but this instance was not made by one: ` +
        `register the class with gateway.register(${name}) and let the gateway construct it`,
    );
  }
}
