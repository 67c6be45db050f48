import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginBody, RegisterBody, User } from '../../../functions/users/schemas';
import { get, post } from './client';
import { mergeGuestCart } from './guest-cart';

/** The signed-in user (from the session cookie), or null for a guest. */
export const useSession = () =>
  useQuery({
    queryKey: ['session'],
    queryFn: async () => (await get<{ user: User | null }>('/auth/session')).user,
    staleTime: 60_000,
  });

const useSignedIn = () => {
  const client = useQueryClient();
  return async ({ user }: { user: User }) => {
    client.setQueryData(['session'], user);
    // A cart filled as a guest joins the account's cart.
    await mergeGuestCart(user.id);
    await client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
  };
};

export const useLogin = () => {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: LoginBody) => post<{ user: User; token: string }>('/auth/login', body),
    onSuccess: signedIn,
  });
};

export const useRegister = () => {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: RegisterBody) => post<{ user: User; token: string }>('/auth/register', body),
    onSuccess: signedIn,
  });
};

export const useLogout = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => post<void>('/auth/logout'),
    onSettled: () => {
      client.setQueryData(['session'], null);
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
    },
  });
};
