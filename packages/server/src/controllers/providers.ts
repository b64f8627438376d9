import type { Connection } from '../connection/connection.js';
import { createToken, type Token, type TokenValues } from './tokens.js';

/**
 * How long a provided instance lives: `singleton`, one per gateway, disposed when it closes;
 * `connection`, one per connection of a controller that needs it, disposed when it closes.
 */
export type Lifetime = 'singleton' | 'connection';

/** How the container makes what a token stands for. Made with `singleton`, `perConnection` or `value`. */
export interface Provider<T = unknown> {
  readonly token: Token<T>;
  readonly lifetime: Lifetime;
  /** The tokens `create` receives, in order. */
  readonly inject: readonly Token[];
  readonly create: (deps: readonly unknown[]) => T;
  /** False for `value` providers: Herald did not make the value, so it does not dispose it. */
  readonly owned: boolean;
}

/** The connection a per-connection provider or controller is made for. */
export const CurrentConnection = createToken<Connection>('Connection');

/** A factory and the tokens it receives. */
export interface FactoryOptions<T, I extends readonly Token[]> {
  inject: I;
  create: (...deps: TokenValues<I>) => T;
}

/** A class made with `new` from the tokens listed. */
export interface ClassOptions<I extends readonly Token[]> {
  inject: I;
}

type Definition<T> =
  (() => T) | FactoryOptions<T, readonly Token[]> | ClassOptions<readonly Token[]> | undefined;

function define<T>(token: Token<T>, lifetime: Lifetime, definition: Definition<T>): Provider<T> {
  if (typeof definition === 'function') {
    return { token, lifetime, inject: [], create: () => definition(), owned: true };
  }
  const inject = definition?.inject ?? [];
  if (definition && 'create' in definition) {
    const create = definition.create as (...deps: unknown[]) => T;
    return { token, lifetime, inject, create: (deps) => create(...deps), owned: true };
  }
  const Class = token as unknown as new (...deps: unknown[]) => T;
  return { token, lifetime, inject, create: (deps) => new Class(...deps), owned: true };
}

/**
 * One instance for the whole gateway, made on first use: `singleton(Database)` (a class with no
 * constructor parameters), `singleton(Store, { inject: [Database] })` (a class made from those),
 * `singleton(Pool, () => createPool())` or `singleton(Pool, { inject: [Config], create })`.
 */
export function singleton<T>(token: new () => T): Provider<T>;
export function singleton<T, const I extends readonly Token[]>(
  token: new (...args: TokenValues<I>) => T,
  options: ClassOptions<I>,
): Provider<T>;
export function singleton<T>(token: Token<T>, create: () => T): Provider<T>;
export function singleton<T, const I extends readonly Token[]>(
  token: Token<T>,
  options: FactoryOptions<T, I>,
): Provider<T>;
export function singleton<T>(token: Token<T>, definition?: Definition<T>): Provider<T> {
  return define(token, 'singleton', definition);
}

/** One instance per connection, made when it opens and disposed when it closes; forms as `singleton`. */
export function perConnection<T>(token: new () => T): Provider<T>;
export function perConnection<T, const I extends readonly Token[]>(
  token: new (...args: TokenValues<I>) => T,
  options: ClassOptions<I>,
): Provider<T>;
export function perConnection<T>(token: Token<T>, create: () => T): Provider<T>;
export function perConnection<T, const I extends readonly Token[]>(
  token: Token<T>,
  options: FactoryOptions<T, I>,
): Provider<T>;
export function perConnection<T>(token: Token<T>, definition?: Definition<T>): Provider<T> {
  return define(token, 'connection', definition);
}

/** A value made elsewhere, shared by every connection and never disposed by Herald. */
export function value<T>(token: Token<T>, provided: T): Provider<T> {
  return { token, lifetime: 'singleton', inject: [], create: () => provided, owned: false };
}

/** True for what `singleton`, `perConnection` and `value` make. */
export function isProvider(value: unknown): value is Provider {
  if (typeof value !== 'object' || value === null) return false;
  const { token, lifetime, inject, create } = value as Partial<Provider>;
  return (
    token !== undefined &&
    (lifetime === 'singleton' || lifetime === 'connection') &&
    Array.isArray(inject) &&
    typeof create === 'function'
  );
}
