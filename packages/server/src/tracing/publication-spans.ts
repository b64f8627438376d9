import { context, isSpanContextValid, type Span } from '@opentelemetry/api';
import type { Publication, PublicationInput } from '../broker/broker.js';
import {
  consumerSpan,
  endWhenSettled,
  producerSpan,
  remoteParent,
  runInSpan,
  SpanAttributes,
  SpanNames,
  tracer,
} from './spans.js';
import { formatTraceContext } from './traceparent.js';

/**
 * Sends a publication within a `herald.publish` span, a child of the active span (the event
 * handler that publishes), and gives the publication that span's trace context, so that every
 * node's delivery becomes its child.
 */
export function tracePublish<T>(
  publication: PublicationInput,
  send: (publication: PublicationInput) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  const span = tracer.startSpan(SpanNames.publish, producerSpan, parent);
  const spanContext = span.spanContext();
  // No SDK and no traced parent: nothing to record and nothing to pass on.
  if (!isSpanContextValid(spanContext)) return send(publication);
  if (span.isRecording()) {
    span.setAttribute(SpanAttributes.channel, publication.channel);
    span.setAttribute(SpanAttributes.event, publication.event);
  }
  const traced = { ...publication, trace: formatTraceContext(spanContext) };
  return endWhenSettled(
    span,
    runInSpan(span, parent, () => send(traced)),
  );
}

/**
 * Starts the `herald.deliver` span of a publication on this node: a child of the publish span on
 * whichever node published it. Ended by `endDeliverySpan`; a pair rather than a callback, so that
 * the delivery path allocates no closure.
 */
export function startDeliverySpan(publication: Publication): Span {
  return tracer.startSpan(SpanNames.deliver, consumerSpan, remoteParent(publication.trace));
}

/** Ends a delivery span with how many local subscribers the publication reached. */
export function endDeliverySpan(span: Span, publication: Publication, recipients: number): void {
  if (span.isRecording()) {
    span.setAttribute(SpanAttributes.channel, publication.channel);
    span.setAttribute(SpanAttributes.event, publication.event);
    span.setAttribute(SpanAttributes.recipients, recipients);
  }
  span.end();
}
