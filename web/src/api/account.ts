import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChangePasswordBody, UpdateProfileBody, User } from '../../../functions/users/schemas';
import { post, put } from './client';

export const useUpdateProfile = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProfileBody) => put<User>('/users/profile', body),
    onSuccess: (user) => client.setQueryData(['session'], user),
  });
};

/** Other sessions end; this one continues with a fresh cookie. */
export const useChangePassword = () =>
  useMutation({ mutationFn: (body: ChangePasswordBody) => post<unknown>('/users/change-password', body) });
