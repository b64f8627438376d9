import type { Identity } from '../connection/identity.js';
import type { Credentials } from '../connection/session.js';
import type { HeraldError } from '../errors.js';

/** Channels a connection is joined to once accepted, as the backend proxy's `connect` said. */
export interface InitialChannels {
  channels: readonly string[];
  /** Its presence info in them. */
  info: unknown;
}

/** The outcome of a handshake: admitted (perhaps still owing an `auth` frame) or refused. */
export type Admission =
  | {
      ok: true;
      identity: Identity;
      /** Who the handshake's token (or the backend proxy) named; undefined without either. */
      credentials: Credentials | undefined;
      waiting: boolean;
      joins?: InitialChannels;
    }
  | { ok: false; error: HeraldError };
