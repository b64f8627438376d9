import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';

/**
 * Reads the messages a stream holds under one subject, oldest first, up to sequence `last`
 * (known from a prior look at the subject's last message). Stops early when nothing more is
 * pending. A read that has not finished after `timeoutMs` (the subject was purged meanwhile)
 * throws rather than pass a partial stream off as whole; it never hangs.
 */
export async function readSubject(
  js: JetStreamClient,
  stream: string,
  subject: string,
  last: number,
  timeoutMs: number,
): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(stream, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  const timer = setTimeout(() => void messages.stop(), timeoutMs);
  const read: JsMsg[] = [];
  let complete = false;
  try {
    for await (const message of messages) {
      if (message.seq > last) {
        complete = true;
        break;
      }
      read.push(message);
      if (message.seq === last || message.info.pending === 0) {
        complete = true;
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    messages.stop();
    // Ordered consumers linger for minutes when left alone; this one is done.
    consumer.delete().catch(() => undefined);
  }
  // A partial read would pass for the whole stream: fail instead, and let the caller retry.
  if (!complete) throw new Error(`reading ${subject} did not finish within ${timeoutMs} ms`);
  return read;
}
