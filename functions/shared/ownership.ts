import type { Principal } from './api';
import { ForbiddenError, type NotFoundError } from './errors';

/** Owner routes: the owner or an admin may act; anyone else gets 403. */
export const assertOwnerOrAdmin = (principal: Principal, ownerId: string): void => {
  if (principal.role !== 'admin' && principal.userId !== ownerId) {
    throw new ForbiddenError('You may only act on your own resources');
  }
};

/** Like assertOwnerOrAdmin, where even the existence of someone else's record must not leak: 404. */
export const assertVisibleTo = (principal: Principal, ownerId: string, notFound: () => NotFoundError): void => {
  if (principal.role !== 'admin' && principal.userId !== ownerId) throw notFound();
};
