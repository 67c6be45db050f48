import { ConflictError, DomainError, UnauthorizedError } from '../shared/errors';

export class EmailTakenError extends ConflictError {
  constructor() {
    super('An account with this email already exists', 'EMAIL_TAKEN');
  }
}

/** Unknown email and wrong password look the same from outside. */
export class InvalidCredentialsError extends UnauthorizedError {
  override readonly code: string = 'INVALID_CREDENTIALS';
  constructor() {
    super('Email or password is incorrect');
  }
}

export class InvalidTokenError extends UnauthorizedError {
  override readonly code: string = 'INVALID_TOKEN';
  constructor(readonly reason: string) {
    super('The session token is invalid or has expired');
  }
}

export class WrongPasswordError extends DomainError {
  readonly status = 400;
  readonly code: string = 'WRONG_PASSWORD';
  constructor() {
    super('The current password is incorrect');
  }
}

export class UserNotFoundError extends DomainError {
  readonly status = 404;
  readonly code: string = 'USER_NOT_FOUND';
  constructor() {
    super('User not found');
  }
}
