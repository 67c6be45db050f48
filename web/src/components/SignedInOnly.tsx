import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { User } from '../../../functions/users/schemas';
import { useSession } from '../api/session';
import { ErrorMessage, Loading } from './Status';

/** `/login?next=<this page>`: where a guest goes to sign in and come back. */
export const loginPath = (next: string) => `/login?next=${encodeURIComponent(next)}`;

/** A page for signed-in shoppers: a guest is sent to sign in, and comes back here afterwards. */
export const SignedInOnly = ({ children }: { children: (user: User) => ReactNode }) => {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorMessage error={session.error} />;
  if (!session.data) return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  return children(session.data);
};

/**
 * The page to go to after signing in: `?next=` when it is a path on this site, else the catalog. A full URL
 * or `//host` is refused, so a crafted link cannot send a shopper elsewhere after they sign in.
 */
export const safeNext = (next: string | null): string =>
  next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
