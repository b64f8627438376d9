/**
 * What a controller or provider asks the DI container for: a class (its instances) or a token
 * made with `createToken` for anything else (a config object, an interface). A token's `name`
 * is how errors, the manifest and `herald validate` refer to it.
 */
export type Token<T = unknown> = (abstract new (...args: never[]) => T) | InjectionToken<T>;

export class InjectionToken<T> {
  /** Carries `T` for the type checker only. */
  declare readonly type: T;
  constructor(readonly name: string) {}
}

/** A token for a value that is not a class instance: `createToken<Config>('Config')`. */
export function createToken<T>(name: string): InjectionToken<T> {
  return new InjectionToken<T>(name);
}

/** What a token resolves to. */
export type TokenValue<K> =
  K extends InjectionToken<infer T>
    ? T
    : K extends abstract new (...args: never[]) => infer T
      ? T
      : never;

/** What a list of tokens resolves to, in order: a constructor's or factory's parameters. */
export type TokenValues<I extends readonly Token[]> = {
  -readonly [K in keyof I]: TokenValue<I[K]>;
};

export const tokenName = (token: Token): string => token.name || 'anonymous';
