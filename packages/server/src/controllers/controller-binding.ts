import type { Namespace } from '../namespace/namespace.js';

/**
 * What a controller instance is bound to: the gateway that made it and its namespace. The
 * gateway appears here by the little the binding needs of it, so that the modules constructing
 * controllers do not import gateway.ts (which imports them).
 */
export interface ControllerBinding {
  gateway: object;
  namespace: Namespace;
}

let constructing: ControllerBinding | undefined;

/**
 * Runs `make` (a controller's `new`) with `binding` handed to the SocketController constructor:
 * so `this.gateway` works already in a subclass's constructor, and nothing else can bind an
 * instance.
 */
export function constructBound<T>(binding: ControllerBinding, make: () => T): T {
  const previous = constructing;
  constructing = binding;
  try {
    return make();
  } finally {
    constructing = previous;
  }
}

/** The binding of the instance under construction, taken once: a nested `new` gets none. */
export function takeBinding(): ControllerBinding | undefined {
  const binding = constructing;
  constructing = undefined;
  return binding;
}
