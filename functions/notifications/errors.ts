import { DomainError } from '../shared/errors';

/** The event names a user the users table does not hold: failing loudly sends the event to the dead-letter queue. */
export class RecipientNotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'RECIPIENT_NOT_FOUND';
  constructor(userId: string) {
    super(`No user ${userId} to notify`);
  }
}
