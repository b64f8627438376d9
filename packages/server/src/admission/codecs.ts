import { jsonCodec, type Codec } from '@herald/protocol';
import { msgpackCodec } from '@herald/protocol/msgpack';
import { bearerSubprotocol } from '../auth/token-extraction.js';

/** The codecs a gateway offers by subprotocol: JSON and MessagePack always, then the user's. */
export class Codecs {
  private readonly bySubprotocol = new Map<string, Codec>();

  constructor(extra: readonly Codec[] = []) {
    for (const codec of [jsonCodec, msgpackCodec, ...extra])
      this.bySubprotocol.set(codec.subprotocol, codec);
  }

  /** The codec a socket negotiated; JSON when it negotiated none. */
  of(subprotocol: string): Codec {
    return this.bySubprotocol.get(subprotocol) ?? jsonCodec;
  }

  /** Picks the subprotocol answered to a client's offers (ws's `handleProtocols`). */
  readonly select = (offered: Set<string>): string | false => {
    for (const name of offered) if (this.bySubprotocol.has(name)) return name;
    // A browser offering only `bearer, <token>` must get one of its offers back; never the token.
    return offered.has(bearerSubprotocol) ? bearerSubprotocol : false;
  };
}
