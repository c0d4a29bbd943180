/**
 * An error the user can act on. Its message is one line naming what was wrong and what to do; the CLI
 * prints it as is (redacted) and exits with `exitCode`, never with a stack trace.
 */
export class DelbenchError extends Error {
  /** 2: bad input or a refusal; 1: something outside delbench failed (a server, the disk). */
  readonly exitCode: number

  constructor(message: string, exitCode = 2, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.exitCode = exitCode
  }
}

/**
 * `text` on one line: its line breaks and runs of white space as one space. For causes quoted in a
 * refusal, such as JSON.parse's, which quotes the start of the text, line breaks and all.
 */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** A `--db` value that cannot be understood. */
export class DatabaseUrlError extends DelbenchError {}

/** A server that could not be reached or refused the connection. */
export class ConnectionError extends DelbenchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 1, options)
  }
}

/** delbench refused to touch a database it did not create. */
export class SafetyError extends DelbenchError {}

/** A throw-away server was asked for but no container engine answers. */
export class NoContainerEngineError extends DelbenchError {}
