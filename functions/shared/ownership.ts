import type { Principal } from './api';
import { ForbiddenError, NotFoundError } from './errors';

/** Someone else's resource, refused with 403; the api wrapper audits it as a refusal. */
export class NotOwnerError extends ForbiddenError {
  constructor() {
    super('You may only act on your own resources');
  }
}

/**
 * The not-found errors assertVisibleTo threw for someone else's resource. They stay the context's own error
 * (class, status, code, message: nothing tells them from a resource that does not exist), and the api wrapper
 * still tells them apart to audit the refusal.
 */
const hidden = new WeakSet<NotFoundError>();

/** Whether an error is an ownership check's refusal (403, or the 404 that hides the resource). */
export const isOwnershipRefusal = (error: unknown): boolean =>
  error instanceof NotOwnerError || (error instanceof NotFoundError && hidden.has(error));

/** Owner routes: the owner or an admin may act; anyone else gets 403. */
export const assertOwnerOrAdmin = (principal: Principal, ownerId: string): void => {
  if (principal.role !== 'admin' && principal.userId !== ownerId) throw new NotOwnerError();
};

/** Like assertOwnerOrAdmin, where even the existence of someone else's record must not leak: 404. */
export const assertVisibleTo = (principal: Principal, ownerId: string, notFound: () => NotFoundError): void => {
  if (principal.role !== 'admin' && principal.userId !== ownerId) {
    const error = notFound();
    hidden.add(error);
    throw error;
  }
};
