import type { ServerFrame } from '@herald/protocol';
import { RequestError } from './errors.js';
import type { Requests } from './requests.js';
import type { ServerEvents } from './server-events.js';
import type { Subscriptions } from './subscriptions.js';

/** Where the application frames from the gateway go. */
export interface InboundTargets {
  requests: Requests;
  subscriptions: Subscriptions;
  serverEvents: Pick<ServerEvents, 'dispatch' | 'answer'>;
  report(error: unknown): void;
}

/**
 * Routes a frame from the gateway: answers to their requests, channel frames to their
 * subscriptions, events to the application. (Ping, pong and the session's `system` frames are the
 * connection's, see `Connection`.)
 */
export function routeInbound(frame: ServerFrame, to: InboundTargets): void {
  switch (frame.type) {
    case 'ack':
      to.requests.settle(frame.id, { payload: frame.payload });
      return;
    case 'error': {
      const error = new RequestError(frame.code, frame.message, frame.details);
      if (frame.id !== undefined) to.requests.settle(frame.id, { error });
      else to.report(error);
      return;
    }
    case 'system':
      if (frame.event === 'unsubscribed')
        to.subscriptions.endedByServer(readChannel(frame.payload));
      // In line with the channel's publications: the stream continues from a new position.
      if (frame.event === 'reset') to.subscriptions.deliver(readChannel(frame.payload), frame);
      return;
    case 'join':
    case 'leave':
      to.subscriptions.presenceEvent(frame);
      return;
    case 'event':
      if (frame.channel !== undefined) {
        // A channel the server joined this connection to (no client subscription): a plain event.
        if (!to.subscriptions.deliver(frame.channel, frame))
          to.serverEvents.dispatch(frame.event, frame.payload);
      } else if (frame.id !== undefined) {
        void to.serverEvents.answer(frame.id, frame.event, frame.payload);
      } else to.serverEvents.dispatch(frame.event, frame.payload);
      return;
  }
}

function readChannel(payload: unknown): string {
  const channel =
    typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>).channel
      : undefined;
  return typeof channel === 'string' ? channel : '';
}
