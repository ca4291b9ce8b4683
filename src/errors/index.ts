/**
 * Errors any layer may raise for the command line to report without a stack trace: the
 * message says what went wrong and what to do. Both exit with 2.
 */

/** Where a problem comes from, when it comes from a file the user can open. */
export interface ErrorLocation {
  file: string;
  line?: number;
}

/** Misuse of the command line: the message says what to type instead. */
export class UsageError extends Error {}

/** Something missing from the machine, the server or the project's files: the message says how to fix it. */
export class EnvironmentError extends Error {
  readonly location?: ErrorLocation;

  constructor(message: string, location?: ErrorLocation) {
    super(message);
    this.location = location;
  }

  /** `file:line: message`, the form editors and CI logs turn into a link. */
  describe(): string {
    if (!this.location) return this.message;
    return `${this.location.file}${this.location.line ? `:${this.location.line}` : ''}: ${this.message}`;
  }
}
