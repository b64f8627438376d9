import { ErrorCodes } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import type { MessageContext } from '../middleware/middleware.js';
import type { MessageGuard } from './guard.js';

export interface MessageGuardOptions {
  /** Higher runs first; equal priorities run in the order they were added. Default 0. */
  priority?: number;
  /** Only these events; default all events of the namespace. */
  events?: readonly string[];
}

interface Entry {
  guard: MessageGuard;
  priority: number;
  events: ReadonlySet<string> | undefined;
}

/** A namespace's message guards, run in priority order before its middleware. */
export class MessageGuards {
  private entries: Entry[] = [];

  get size(): number {
    return this.entries.length;
  }

  add(guard: MessageGuard, options: MessageGuardOptions = {}): void {
    const entry: Entry = {
      guard,
      priority: options.priority ?? 0,
      events: options.events ? new Set(options.events) : undefined,
    };
    // Array.prototype.sort is stable, so equal priorities keep their order.
    this.entries = [...this.entries, entry].sort((a, b) => b.priority - a.priority);
  }

  /** The guards that run before `event`, in order (for `gateway.manifest()`). */
  entriesFor(event: string): { guard: MessageGuard; priority: number }[] {
    return this.entries
      .filter(({ events }) => !events || events.has(event))
      .map(({ guard, priority }) => ({ guard, priority }));
  }

  /** Throws WS_FORBIDDEN at the first guard that refuses; a guard's own HeraldError passes through. */
  async check(ctx: MessageContext): Promise<void> {
    for (const { guard, events } of this.entries) {
      if (events && !events.has(ctx.event)) continue;
      if (!(await guard(ctx))) {
        throw new HeraldError(ErrorCodes.WS_FORBIDDEN, `event '${ctx.event}' is forbidden`);
      }
    }
  }
}
