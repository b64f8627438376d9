import type { Publication, PublicationInput } from '@herald/server';

/**
 * Publications cross Redis as `offset \t epoch \t ts \t body`, with `body` the JSON of the
 * publication without its meta (offset and epoch empty without history). The body is encoded
 * once per publish; Lua scripts prepend the position without parsing the payload.
 */
type Body = Omit<PublicationInput, 'channel'>;

export function encodeBody(input: PublicationInput): string {
  const body: Body = { event: input.event, payload: input.payload };
  if (input.except !== undefined) body.except = input.except;
  if (input.kind !== undefined) body.kind = input.kind;
  if (input.trace !== undefined) body.trace = input.trace;
  return JSON.stringify(body);
}

export function encodeMessage(ts: number, body: string): string {
  return `\t\t${ts}\t${body}`;
}

/** Undefined when the message is not a well-formed publication (it is then ignored). */
export function decodeMessage(channel: string, message: string): Publication | undefined {
  const first = message.indexOf('\t');
  const second = message.indexOf('\t', first + 1);
  const third = message.indexOf('\t', second + 1);
  if (first < 0 || second < 0 || third < 0) return undefined;
  let body: Body;
  try {
    body = JSON.parse(message.slice(third + 1)) as Body;
  } catch {
    return undefined;
  }
  const publication: Publication = {
    channel,
    event: body.event,
    payload: body.payload,
    meta: { ts: Number(message.slice(second + 1, third)) },
  };
  if (first > 0) {
    publication.meta.offset = Number(message.slice(0, first));
    publication.meta.epoch = message.slice(first + 1, second);
  }
  if (body.except !== undefined) publication.except = body.except;
  if (body.kind !== undefined) publication.kind = body.kind;
  if (body.trace !== undefined) publication.trace = body.trace;
  return publication;
}
