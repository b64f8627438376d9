import { constants, deflateRawSync } from 'node:zlib';

/** The 4 bytes a sync flush ends with; permessage-deflate leaves them off the wire (RFC 7692 §7.2.1). */
const syncFlushTail = 4;

/**
 * Compresses one message for permessage-deflate without context takeover: each message stands
 * alone, so one compressed copy serves every recipient.
 */
export function deflateMessage(payload: Uint8Array): Buffer {
  const deflated = deflateRawSync(payload, { finishFlush: constants.Z_SYNC_FLUSH });
  return deflated.subarray(0, deflated.length - syncFlushTail);
}
