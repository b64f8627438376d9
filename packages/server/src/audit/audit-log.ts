import { mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { ConfigError } from '../errors.js';
import type { ResolvedAuditOptions } from './audit-options.js';
import type { AuditAction, AuditFields } from './audit-record.js';

/** Where the gateway records security events (docs/audit.md); one per gateway. */
export interface AuditLog {
  /** False without a destination: nothing is written, and callers may skip building records. */
  readonly enabled: boolean;
  /** Writes one record: the action, the time (ISO) and the fields given. */
  record(action: AuditAction, fields: AuditFields): void;
  /** Writes what is still buffered, and closes the file the log opened. */
  close(): Promise<void>;
}

const disabled: AuditLog = {
  enabled: false,
  record: () => undefined,
  close: () => Promise.resolve(),
};

/**
 * The audit log for the `audit` option, or one that records nothing without it. `redaction` is
 * the gateway's (see redaction.ts), applied here too; `onError` hears of a file that cannot be
 * written once open.
 */
export function createAuditLog(
  options: ResolvedAuditOptions | undefined,
  redaction: Pick<LoggerOptions, 'redact' | 'serializers'>,
  onError: (error: Error) => void,
): AuditLog {
  if (!options) return disabled;
  if (options.logger) return new PinoAuditLog(options.logger.child({}, redaction));
  const own: LoggerOptions = {
    ...redaction,
    base: { hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.stream) return new PinoAuditLog(pino(own, options.stream));
  const destination = openFile(options.file as string);
  destination.on('error', onError);
  return new PinoAuditLog(pino(own, destination), () => closeDestination(destination));
}

class PinoAuditLog implements AuditLog {
  readonly enabled = true;

  constructor(
    private readonly logger: Logger,
    private readonly onClose: () => Promise<void> = () => Promise.resolve(),
  ) {}

  record(action: AuditAction, fields: AuditFields): void {
    this.logger.info({ action, ...fields });
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

type FileDestination = DestinationStream & NodeJS.EventEmitter & { end(): void };

/** Opened at start-up, so that a path that cannot be written is a configuration error, not a lost record. */
function openFile(file: string): FileDestination {
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(file, 'a');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError(`invalid Herald options: audit.file: cannot open ${file} (${code})`);
  }
  return pino.destination({ fd, sync: false }) as unknown as FileDestination;
}

function closeDestination(destination: FileDestination): Promise<void> {
  return new Promise((resolve) => {
    destination.once('close', () => resolve());
    destination.end();
  });
}
