/** A failure the caller can act on: mapped to its status and code in one place (the api wrapper). */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly details: unknown[];

  constructor(message: string, details: unknown[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly status = 400;
  readonly code: string = 'VALIDATION_ERROR';
  constructor(message: string, details: FieldIssue[] = []) {
    super(message, details);
  }
}

export class BadRequestError extends DomainError {
  readonly status = 400;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly code: string = 'UNAUTHORIZED';
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly code: string = 'FORBIDDEN';
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code: string = 'NOT_FOUND';
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code: string;
  constructor(message: string, code = 'CONFLICT') {
    super(message);
    this.code = code;
  }
}

export class BusinessRuleError extends DomainError {
  readonly status = 422;
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A 400 like any other bad input (the contract's status for every malformed request), with its own code. */
export class PayloadTooLargeError extends DomainError {
  readonly status = 400;
  readonly code: string = 'PAYLOAD_TOO_LARGE';
}

export class RateLimitedError extends DomainError {
  readonly status = 429;
  readonly code: string;
  constructor(
    message: string,
    /** Seconds until a retry can succeed: the Retry-After header. */
    readonly retryAfterSeconds: number,
    code = 'RATE_LIMITED',
  ) {
    super(message);
    this.code = code;
  }
}

/** A cookie-authenticated change that did not prove it came from the shop's own pages. */
export class CsrfRejectedError extends DomainError {
  readonly status = 403;
  readonly code: string = 'CSRF_REJECTED';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly code: string = 'UNSUPPORTED_MEDIA_TYPE';
}

/**
 * A checkout resumed later (the reconciler's run, mode `resume`) found that this step had not been taken: it is not
 * taken this late, and the saga fails the order (CHECKOUT_ABANDONED). The state machine catches it by this name.
 */
export class CheckoutStalledError extends DomainError {
  readonly status = 409;
  readonly code: string = 'CHECKOUT_STALLED';
  constructor(orderId: string, step: string) {
    super(`Order ${orderId}: ${step} had not been done when its checkout stalled; it is not done now`);
  }
}
