import { ErrorCodes } from '@herald/protocol';
import { ChannelPattern } from '../channels/channel-pattern.js';
import type { Connection } from '../connection/connection.js';
import { HeraldError } from '../errors.js';

/**
 * A namespace's channel hook: the connection, the client-visible channel and what the pattern
 * captured from it. A subscribe hook refuses by returning false (WS_FORBIDDEN) or by throwing a
 * HeraldError (its code); whatever else it returns lets the subscribe go on.
 */
export type ChannelHook = (
  connection: Connection,
  channel: string,
  params: Record<string, string>,
) => unknown;

export type ChannelHookKind = 'subscribe' | 'unsubscribe';

interface HookEntry {
  kind: ChannelHookKind;
  pattern: ChannelPattern;
  hook: ChannelHook;
}

/** What a namespace knows of one hook, for its description (`gateway.manifest()`). */
export interface ChannelHookOutline {
  kind: ChannelHookKind;
  pattern: string;
  params: string[];
  hook: ChannelHook;
}

/** The subscribe and unsubscribe hooks of a namespace, run in the order they were added. */
export class ChannelHooks {
  private readonly entries: HookEntry[] = [];

  /** Throws a ConfigError for a bad pattern. */
  add(kind: ChannelHookKind, pattern: string, hook: ChannelHook): void {
    this.entries.push({ kind, pattern: new ChannelPattern(pattern), hook });
  }

  /** Runs the subscribe hooks matching `channel`; throws the refusal of the first that refuses. */
  async subscribing(connection: Connection, channel: string): Promise<void> {
    for (const { hook, params } of this.matching('subscribe', channel)) {
      if ((await hook(connection, channel, params)) === false) {
        throw new HeraldError(ErrorCodes.WS_FORBIDDEN, `subscribe to '${channel}' is forbidden`, [
          { path: 'channel', message: 'refused by a subscribe hook' },
        ]);
      }
    }
  }

  /** Runs the unsubscribe hooks matching `channel`; `failed` hears what each throws. */
  async unsubscribed(
    connection: Connection,
    channel: string,
    failed: (error: unknown) => void,
  ): Promise<void> {
    for (const { hook, params } of this.matching('unsubscribe', channel)) {
      try {
        await hook(connection, channel, params);
      } catch (error) {
        failed(error);
      }
    }
  }

  outline(): ChannelHookOutline[] {
    return this.entries.map(({ kind, pattern, hook }) => ({
      kind,
      pattern: pattern.source,
      params: pattern.paramNames,
      hook,
    }));
  }

  private *matching(kind: ChannelHookKind, channel: string) {
    for (const entry of this.entries) {
      if (entry.kind !== kind) continue;
      const match = entry.pattern.match(channel);
      if (match) yield { hook: entry.hook, params: match.params };
    }
  }
}
