/** The exit codes of `herald`, listed for users in docs/cli.md. */
export const ExitCode = {
  /** Stopped by SIGTERM or SIGINT after a graceful shutdown; also `--help` and `--version`. */
  ok: 0,
  /** An unexpected failure, or a shutdown that failed. */
  failure: 1,
  /** A mistake in the command line, the environment or the config file. */
  badConfig: 2,
  /** The broker could not be reached at start-up. */
  brokerUnreachable: 3,
  /** The address could not be listened on: the port is in use, not permitted or not available. */
  cannotListen: 4,
  /** The server refused: an API error (wrong key, bad input, unknown channel …), or `tail` refused. */
  apiRefused: 5,
  /** The server could not be reached: nothing listens at the URL, or it did not answer. */
  serverUnreachable: 6,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the user can act on: its message is shown as it is, and it chooses the exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A mistake in the command line or the environment: a missing key, a payload that is not JSON. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.badConfig);
  }
}

/** A bad flag, environment variable or config file value; the message says which and where. */
export class ServeConfigError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.badConfig);
  }
}

export class BrokerUnavailableError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.brokerUnreachable);
  }
}

/** One field the API named as wrong, as in its `details`. */
export interface ApiErrorDetail {
  path: string;
  message: string;
}

/** The API's refusal: its `code` (a WS_… error code), `message` and the fields it named. */
export class ApiError extends CliError {
  constructor(
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(
      [
        `${code}: ${message}`,
        ...details.map((detail) => `  ${detail.path}: ${detail.message}`),
      ].join('\n'),
      ExitCode.apiRefused,
    );
  }
}

export class ServerUnreachableError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.serverUnreachable);
  }
}
