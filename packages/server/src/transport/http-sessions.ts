import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Framing } from './framing.js';
import { HttpSessionLink } from './http-session-link.js';

/**
 * This node's HTTP fallback sessions by id, so that a POST of client frames finds its stream:
 * here, or (routed through the broker) on the node that holds it.
 */
export class HttpSessions {
  private readonly byId = new Map<string, HttpSessionLink>();

  /**
   * A new session streaming to `response`, taking client frames of up to `maxMessageSize` bytes;
   * it leaves this map when the stream ends.
   */
  create(response: ServerResponse, framing: Framing, maxMessageSize: number): HttpSessionLink {
    // 144 random bits: the id is the session's only credential for POSTs.
    const id = randomBytes(18).toString('base64url');
    const link = new HttpSessionLink(id, response, framing, maxMessageSize);
    this.byId.set(link.id, link);
    response.once('close', () => this.byId.delete(link.id));
    return link;
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Hands `frames` to the session `id` when this node holds it, in order, then ends it when the
   * client said so (`end`); false when this node does not hold it (or the session has ended).
   */
  deliver(id: string, frames: readonly Buffer[], end = false): boolean {
    const link = this.byId.get(id);
    if (!link) return false;
    for (const frame of frames) if (!link.receive(frame)) return false;
    if (end) link.closedByClient();
    return true;
  }
}
