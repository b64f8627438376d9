import { ConfigError } from '../errors.js';

/**
 * A channel-name pattern: `*` matches any run of characters, `{name}` captures a part without
 * `:` or `,`, and `#{name}` captures a user id: such a personal channel is only for a connection
 * whose identity has one of the captured user ids (`user:#{id}`, `dm:#{a},#{b}`).
 */
export interface ChannelMatch {
  /** The captured parts, by name. */
  params: Record<string, string>;
  /** The user ids captured by `#{...}`; empty for a channel that is not personal. */
  users: string[];
}

const placeholder = /(#?)\{([A-Za-z_][A-Za-z0-9_]*)\}|\*/g;

export class ChannelPattern {
  private readonly regex: RegExp;
  private readonly names: { name: string; user: boolean }[] = [];

  constructor(readonly source: string) {
    let body = '';
    let last = 0;
    for (const found of source.matchAll(placeholder)) {
      body += escape(source.slice(last, found.index));
      last = found.index + found[0].length;
      const name = found[2];
      if (name === undefined) {
        body += '.*';
        continue;
      }
      if (this.names.some((n) => n.name === name)) {
        throw new ConfigError(`channel pattern '${source}' uses {${name}} twice`);
      }
      this.names.push({ name, user: found[1] === '#' });
      body += '([^:,]+)';
    }
    body += escape(source.slice(last));
    this.regex = new RegExp(`^${body}$`);
  }

  /** The names of its `{...}` and `#{...}` captures, in order. */
  get paramNames(): string[] {
    return this.names.map(({ name }) => name);
  }

  match(channel: string): ChannelMatch | undefined {
    const found = this.regex.exec(channel);
    if (!found) return undefined;
    const users: string[] = [];
    // Defined as own properties: assigning would drop a capture named `__proto__`.
    const params = Object.fromEntries(
      this.names.map(({ name, user }, index) => {
        const value = found[index + 1] as string;
        if (user) users.push(value);
        return [name, value];
      }),
    );
    return { params, users };
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
