import {
  asFunction,
  asValue,
  createContainer,
  InjectionMode,
  Lifetime,
  type AwilixContainer,
} from 'awilix';
import type { Logger } from 'pino';
import type { Connection } from '../connection/connection.js';
import { ConfigError } from '../errors.js';
import type { ControllerClass } from './metadata.js';
import {
  CurrentConnection,
  type Lifetime as ProviderLifetime,
  type Provider,
} from './providers.js';
import { tokenName, type Token } from './tokens.js';

/**
 * A gateway's dependency injection, on awilix: the root container holds the singletons (made on
 * first use, disposed by `dispose`), and each connection gets a scope holding its controller
 * instance and per-connection providers (disposed by `ConnectionScope.dispose`). Strict mode
 * backs the register-time checks (controller-checks.ts): a singleton resolves from the root
 * only, so it can never capture a connection's value.
 */
export class ControllerContainer {
  readonly #root: AwilixContainer = createContainer({
    injectionMode: InjectionMode.PROXY,
    strict: true,
  });
  readonly #providers = new Map<Token, Provider>();

  constructor(private readonly logger: Logger) {}

  /** The providers, in the order they were given. */
  get providers(): Provider[] {
    return [...this.#providers.values()];
  }

  /** How long what `token` stands for lives, or undefined when nothing provides it. */
  lifetimeOf(token: Token): ProviderLifetime | undefined {
    if (token === CurrentConnection) return 'connection';
    return this.#providers.get(token)?.lifetime;
  }

  /** The tokens the provider of `token` receives. */
  dependenciesOf(token: Token): readonly Token[] {
    return this.#providers.get(token)?.inject ?? [];
  }

  add(provider: Provider): void {
    const { token, lifetime, owned } = provider;
    if (this.#providers.has(token)) {
      throw new ConfigError(`${tokenName(token)} is provided twice: give one provider per token`);
    }
    this.#providers.set(token, provider);
    // A value made elsewhere is handed out as it is and never disposed.
    const resolver = owned
      ? asFunction(
          (cradle: Cradle) => made(token, provider.create(resolveAll(cradle, provider.inject))),
          {
            lifetime: lifetime === 'singleton' ? Lifetime.SINGLETON : Lifetime.SCOPED,
            dispose: this.disposer(tokenName(token)),
          },
        )
      : asValue(provider.create([]));
    this.#root.register(keyOf(token), resolver);
  }

  /** A controller class, made once per connection by `make` from its `inject` tokens. */
  addController(
    controller: ControllerClass,
    inject: readonly Token[],
    make: (deps: unknown[]) => object,
  ): void {
    const resolver = asFunction((cradle: Cradle) => make(resolveAll(cradle, inject)), {
      lifetime: Lifetime.SCOPED,
      dispose: this.disposer(controller.name),
    });
    this.#root.register(keyOf(controller), resolver);
  }

  /** A scope for a new connection, in which `CurrentConnection` is that connection. */
  openScope(connection: Connection): ConnectionScope {
    const scope = this.#root.createScope();
    scope.register(keyOf(CurrentConnection), asValue(connection));
    return new ConnectionScope(scope);
  }

  /** Disposes the singletons made so far; for the gateway's shutdown, once connections are gone. */
  dispose(): Promise<void> {
    return this.#root.dispose();
  }

  /** Disposes an instance (see `disposeInstance`), logging what fails rather than throwing it. */
  private disposer(name: string) {
    return async (instance: unknown): Promise<void> => {
      try {
        await disposeInstance(instance);
      } catch (error) {
        this.logger.error({ err: error, instance: name }, `${name} failed to dispose`);
      }
    };
  }
}

/** One connection's instances: its controller and the per-connection providers it needed. */
export class ConnectionScope {
  constructor(private readonly scope: AwilixContainer) {}

  resolve<T>(token: Token<T> | ControllerClass): T {
    return this.scope.resolve<T>(keyOf(token));
  }

  /** Disposes what this scope made, all at once; a failure is logged, the others still run. */
  dispose(): Promise<void> {
    return this.scope.dispose();
  }
}

/**
 * Ends an instance's life: its `dispose()`, else `[Symbol.asyncDispose]()`, else
 * `[Symbol.dispose]()`, awaited; anything else has nothing to end.
 */
async function disposeInstance(instance: unknown): Promise<void> {
  if (typeof instance !== 'object' || instance === null) return;
  const disposable = instance as Partial<Record<'dispose' | symbol, () => unknown>>;
  const end = disposable.dispose ?? disposable[Symbol.asyncDispose] ?? disposable[Symbol.dispose];
  if (typeof end === 'function') await end.call(instance);
}

/** `instance`, unless `create` gave a promise, which would be injected as it is. */
function made(token: Token, instance: unknown): unknown {
  if (typeof (instance as { then?: unknown } | null)?.then === 'function') {
    throw new TypeError(
      `the provider of ${tokenName(token)} returned a promise: create it synchronously, or await ` +
        `it before gateway.provide and give it with value(${tokenName(token)}, ...)`,
    );
  }
  return instance;
}

/** The proxy awilix hands a factory: a registration name to what it resolves to. */
type Cradle = Record<symbol, unknown>;

const resolveAll = (cradle: Cradle, tokens: readonly Token[]): unknown[] =>
  tokens.map((token) => cradle[keyOf(token)]);

/** Tokens are objects (classes, `createToken`s); awilix names registrations with symbols. */
const keys = new WeakMap<object, symbol>();

function keyOf(token: Token | ControllerClass): symbol {
  let key = keys.get(token);
  if (!key) {
    key = Symbol(tokenName(token));
    keys.set(token, key);
  }
  return key;
}
