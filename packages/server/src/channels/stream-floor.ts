import type { StreamPosition, StreamResetNotice } from '@herald/protocol';
import type { EncodedFrame } from '../transport/encoded-frame.js';

export type FloorVerdict = 'skip' | 'pass' | 'neutral';

/**
 * What a subscriber that joined a stream at `position` (its subscribe ack) does with a frame
 * its node delivers next: the node may still be behind that position (catching up after a
 * broker outage, or not yet aware of a new epoch), so what the subscriber already has is
 * skipped until the node's stream passes its position.
 *
 * - `skip`: already covered by the ack, or from an older epoch;
 * - `pass`: past the position: deliver it, and the subscriber follows the node from now on;
 * - `neutral`: not part of the stream (presence events, publications without history).
 */
export function againstFloor(position: StreamPosition, frame: EncodedFrame): FloorVerdict {
  const mark = streamMark(frame);
  if (!mark) return 'neutral';
  if (mark.epoch === position.epoch) return mark.offset > position.offset ? 'pass' : 'skip';
  // A node behind the subscriber announces each newer epoch with a reset before its
  // publications, so a publication or gap notice of another epoch is from an older one.
  return mark.newEpoch ? 'pass' : 'skip';
}

interface StreamMark extends StreamPosition {
  /** A reset that starts a new epoch. */
  newEpoch: boolean;
}

function streamMark({ frame }: EncodedFrame): StreamMark | undefined {
  if (frame.type === 'event') {
    const { offset, epoch } = frame.meta ?? {};
    return offset === undefined || epoch === undefined
      ? undefined
      : { offset, epoch, newEpoch: false };
  }
  if (frame.type === 'system' && frame.event === 'reset') {
    const { offset, epoch, reason } = frame.payload as StreamResetNotice;
    return { offset, epoch, newEpoch: reason === 'epoch' };
  }
  return undefined;
}
