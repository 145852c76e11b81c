/**
 * An error a user can act on: one line that names the file, what is wrong, and what to do.
 * Library code throws these; the notebook and the command line print only the message.
 */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/** A request the data cannot satisfy (a subset larger than the set): the caller asked for the impossible. */
export class ImpossibleRequestError extends UserFacingError {}
