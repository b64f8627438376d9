import type { SocketConnection } from '../connection/socket-connection.js';
import type { EncodedFrame } from '../transport/encoded-frame.js';

/**
 * A channel's live publications for one connection, kept back while its subscription recovers
 * so that they follow the missed ones. Bounded like the connection's outbound queue: past its
 * limits a publication is refused as the queue would refuse it (dropped under `drop`, otherwise
 * the connection is closed as a slow consumer): the client reads slower than the channel goes.
 */
export class HeldPublications {
  private readonly frames: EncodedFrame[] = [];
  private bytes = 0;

  constructor(private readonly connection: SocketConnection) {}

  readonly keep = (frame: EncodedFrame): void => {
    const { maxQueueBytes, maxQueueMessages } = this.connection.endpoint.options.backpressure;
    const size = this.sizeOf(frame);
    if (this.bytes + size > maxQueueBytes || this.frames.length + 1 > maxQueueMessages) {
      this.connection.out.refuseHeld();
      return;
    }
    this.frames.push(frame);
    this.bytes += size;
  };

  /** The oldest publication held, handed over. */
  take(): EncodedFrame | undefined {
    const frame = this.frames.shift();
    if (frame) this.bytes -= this.sizeOf(frame);
    return frame;
  }

  private sizeOf(frame: EncodedFrame): number {
    // A frame its codec cannot carry takes no room: it is reported when its turn comes.
    return frame.bytesFor(this.connection.codec, this.connection.framing)?.length ?? 0;
  }
}
