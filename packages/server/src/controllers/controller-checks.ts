import { ChannelPattern } from '../channels/channel-pattern.js';
import { ConfigError } from '../errors.js';
import { PathPattern } from '../namespace/path-pattern.js';
import { namespaceOptionsSchema } from '../namespace/namespace-options.js';
import { parseOptions } from '../validation/option-schema.js';
import type { ControllerMetadata } from './metadata.js';
import type { Lifetime } from './providers.js';
import { tokenName, type Token } from './tokens.js';

/** What the checks read of the providers given to the gateway. */
export interface ProviderLookup {
  lifetimeOf(token: Token): Lifetime | undefined;
  dependenciesOf(token: Token): readonly Token[];
}

/**
 * Everything `gateway.register` refuses, checked before anything is declared, so that a mistake
 * surfaces at start-up rather than on some connection: each error names the controller and the
 * method, path or token it is about.
 */
export function checkController(
  meta: ControllerMetadata,
  providers: ProviderLookup,
  takenPaths: ReadonlySet<string>,
): void {
  const { name } = meta;
  const fail = (message: string): never => {
    throw new ConfigError(`${name}: ${message}`);
  };
  attempt(
    () => new PathPattern(meta.path),
    (message) => fail(`@Socket: ${message}`),
  );
  if (takenPaths.has(meta.path)) fail(`namespace '${meta.path}' is already declared`);
  attempt(
    () => parseOptions(namespaceOptionsSchema, meta.options, '@Socket'),
    (message) => fail(message.replace(/^invalid Herald options: /, 'invalid options: ')),
  );
  const handledBy = new Map<string, string>();
  for (const { name: event, method } of meta.events) {
    const other = handledBy.get(event);
    if (other !== undefined) {
      fail(`event '${event}' is handled twice, by ${other} and ${method}: give each its own name`);
    }
    handledBy.set(event, method);
  }
  for (const method of meta.methodGuards.keys()) {
    if (!meta.events.some((event) => event.method === method)) {
      fail(
        `${method} has @Guard but no @Event: a method guard runs before an event's handler ` +
          '(put handshake guards on the class)',
      );
    }
  }
  for (const { pattern, method } of meta.channels) {
    attempt(
      () => new ChannelPattern(pattern),
      (message) => fail(`${method}: ${message}`),
    );
  }
  checkDependencies(name, meta.inject, providers);
}

/**
 * Every token the controller injects, and every token those providers inject, must have a
 * provider; a singleton must not need (however deep) something per connection; no cycles.
 */
function checkDependencies(
  controller: string,
  inject: readonly Token[],
  providers: ProviderLookup,
): void {
  const chain = (path: readonly Token[]) =>
    `${controller} needs ${path.map(tokenName).join(', which needs ')}`;
  const visit = (token: Token, above: readonly Token[], singleton: Token | undefined) => {
    const path = [...above, token];
    if (above.includes(token)) {
      throw new ConfigError(`${chain(path)}: a cycle; break it with a factory or a token`);
    }
    const lifetime = providers.lifetimeOf(token);
    const name = tokenName(token);
    if (lifetime === undefined) {
      throw new ConfigError(
        `${chain(path)}, which has no provider: add singleton(${name}), perConnection(${name}) ` +
          `or value(${name}, ...) to gateway.provide(...) before gateway.register(${controller})`,
      );
    }
    if (singleton && lifetime === 'connection') {
      throw new ConfigError(
        `${chain(path)}: ${tokenName(singleton)} is a singleton, shared by every ` +
          `connection, so it cannot inject ${name}, which is per connection`,
      );
    }
    const next = singleton ?? (lifetime === 'singleton' ? token : undefined);
    for (const dependency of providers.dependenciesOf(token)) visit(dependency, path, next);
  };
  for (const token of inject) visit(token, [], undefined);
}

/** Runs `check`, handing the message of a ConfigError it throws to `fail`. */
function attempt(check: () => unknown, fail: (message: string) => never): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(error.message);
  }
}
