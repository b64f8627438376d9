import type { Publication } from '@herald/server';
import type { MsgHdrs } from '@nats-io/transport-node';

/**
 * A publication on the wire: its JSON (with `meta.ts`) as the body, encoded once per publish.
 * A history record carries its stream position in headers, so retrying an append with another
 * offset reuses the same body.
 */
export const RecordHeaders = {
  offset: 'Herald-Offset',
  epoch: 'Herald-Epoch',
  /** The retention of the publish that wrote the record; the top record's applies to reads. */
  size: 'Herald-Size',
  ttl: 'Herald-Ttl',
} as const;

export function encodePublication(publication: Publication): Uint8Array {
  return Buffer.from(JSON.stringify(publication), 'utf8');
}

/**
 * The publication a message carries, stamped with its offset and epoch when it is a history
 * record; undefined for an epoch marker (a record at offset 0 that carries no publication).
 */
export function decodePublication(
  body: Uint8Array,
  headers: MsgHdrs | undefined,
): Publication | undefined {
  const offset = headers?.get(RecordHeaders.offset);
  if (offset === '0') return undefined;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const publication = JSON.parse(text) as Publication;
  if (offset && headers) {
    publication.meta.offset = Number(offset);
    publication.meta.epoch = headers.get(RecordHeaders.epoch);
  }
  return publication;
}
