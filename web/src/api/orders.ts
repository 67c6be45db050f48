import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateOrderBody } from '../../../functions/orders/schemas';
import type { Order } from '../../../functions/orders/service';
import { get, type Page, post } from './client';

export type { Order } from '../../../functions/orders/service';

// REQUIRES_ATTENTION waits for an admin, not for the saga: no point reading it every second.
const SETTLED = new Set(['CONFIRMED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED', 'REQUIRES_ATTENTION']);

/** One order; while the checkout saga runs (PENDING) it is read again every second. */
export const useOrder = (id: string) =>
  useQuery({
    queryKey: ['orders', id],
    queryFn: () => get<Order>(`/orders/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (query.state.data && SETTLED.has(query.state.data.status) ? false : 1000),
  });

export const useMyOrders = (userId: string | undefined) =>
  useInfiniteQuery({
    queryKey: ['orders', 'mine', userId],
    queryFn: ({ pageParam }) => get<Page<Order>>('/orders', { userId, limit: 20, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: Boolean(userId),
  });

/**
 * Places the order from the cart. The caller keeps one idempotency key per checkout attempt, so a double
 * click or a retry after a lost answer makes one order, not two.
 */
export const usePlaceOrder = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CreateOrderBody; idempotencyKey: string }) =>
      post<Order>('/orders', body, { 'Idempotency-Key': idempotencyKey }),
    onSuccess: (order) => {
      client.setQueryData(['orders', order.id], order);
      void client.invalidateQueries({ queryKey: ['orders', 'mine'] });
    },
  });
};

/** Cancel (owner or admin), ship, deliver and resolve (admin): each answers the order in its new state. */
export const useOrderAction = (action: 'cancel' | 'ship' | 'deliver' | 'resolve') => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => post<Order>(`/orders/${encodeURIComponent(id)}/${action}`),
    onSuccess: (order) => {
      client.setQueryData(['orders', order.id], order);
      void client.invalidateQueries({ queryKey: ['orders'] });
      void client.invalidateQueries({ queryKey: ['admin'] });
    },
  });
};
