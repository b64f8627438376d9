/** Field limits every Herald peer enforces on incoming frames. */
export const FieldLimits = {
  idLength: 64,
  eventLength: 128,
  channelLength: 256,
  tokenLength: 16_384,
  epochLength: 64,
  errorMessageLength: 1_024,
  /** Presence `info`, measured as JSON characters. */
  infoLength: 2_048,
  /** Most publications one `history` request may ask for. */
  historyLimit: 10_000,
} as const;
