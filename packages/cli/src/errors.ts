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
