import { z } from 'zod';
import type { DestinationStream, Logger } from 'pino';
import { nonEmpty, withMethods } from '../validation/option-schema.js';

/**
 * Where the audit log goes (docs/audit.md): exactly one destination, never the gateway's main
 * log unless that logger is given as `logger`. Without the `audit` option nothing is recorded.
 */
export const auditOptionsSchema = z
  .strictObject({
    /** A file of JSON lines, appended to; its folder is made if missing. */
    file: nonEmpty.optional(),
    /** A stream (a pino destination) that receives one JSON line per record. */
    stream: withMethods<DestinationStream>('a writable stream', ['write']).optional(),
    /** A pino logger that receives each record at `info`, with its own timestamp and fields. */
    logger: withMethods<Logger>('a pino logger', ['info', 'child']).optional(),
  })
  .refine(
    (options) =>
      [options.file, options.stream, options.logger].filter((d) => d !== undefined).length === 1,
    { message: 'give exactly one of file, stream, logger', path: ['file'] },
  );

export type AuditOptions = z.input<typeof auditOptionsSchema>;
export type ResolvedAuditOptions = z.output<typeof auditOptionsSchema>;
