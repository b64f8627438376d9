import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * A namespace path pattern such as `/chat/:room`: literal segments and `:name` parameters,
 * each parameter matching one non-empty path segment.
 */
export class PathPattern {
  readonly source: string;
  private readonly regex: RegExp;
  private readonly names: string[];

  constructor(source: string) {
    if (!source.startsWith('/'))
      throw new ConfigError(`namespace pattern '${source}' must start with '/'`);
    const names: string[] = [];
    const segments = source
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => {
        if (!segment.startsWith(':')) return escapeRegex(segment);
        const name = segment.slice(1);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          throw new ConfigError(
            `namespace pattern '${source}' has an invalid parameter '${segment}'`,
          );
        }
        if (names.includes(name)) {
          throw new ConfigError(`namespace pattern '${source}' repeats the parameter '${name}'`);
        }
        names.push(name);
        return '([^/]+)';
      });
    this.source = source;
    this.names = names;
    this.regex = new RegExp(`^/${segments.join('/')}/?$`);
  }

  /** The names of its `:param`s, in order. */
  get paramNames(): string[] {
    return [...this.names];
  }

  /** The parameters of `path`, or undefined when it does not match (or is badly escaped). */
  match(path: string): Record<string, string> | undefined {
    const found = this.regex.exec(path);
    if (!found) return undefined;
    try {
      // Defined as own properties: assigning would drop a parameter named `__proto__`.
      return Object.fromEntries(
        this.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
      );
    } catch {
      return undefined;
    }
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A namespace pattern in options (a config file's keys): refused with PathPattern's reason. */
export const namespacePatternSchema = z.string().superRefine((source, ctx) => {
  try {
    new PathPattern(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
