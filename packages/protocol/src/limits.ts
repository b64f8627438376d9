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
  /** A `traceparent` in a frame's `meta`: 55 characters in version 00, room for later versions. */
  traceparentLength: 256,
  /** A `tracestate`: W3C Trace Context asks vendors to pass on at least 512 characters. */
  tracestateLength: 512,
  /** Most publications one `history` request may ask for. */
  historyLimit: 10_000,
} as const;

/** Channel names: printable, no whitespace, so that logs and patterns stay unambiguous. */
export const channelNamePattern = /^[\x21-\x7e\u00a0-\uffff]+$/;

/**
 * How deeply the values in a frame (`payload`, presence `info`, …) may nest. Objects and arrays
 * count one level each: `"x"` is 0 levels, `[]` is 1, `{"a":[1]}` is 2. A gateway may lower or
 * raise the default up to `max`: a publication read back inside a history answer sits four
 * levels deeper than its payload, and every frame must stay within MessagePack's encoder limit
 * of 100 levels.
 */
export const PayloadDepth = { default: 32, max: 64 } as const;
