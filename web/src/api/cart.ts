import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { CartItem, CartView } from '../../../functions/carts/schemas';
import type { Product } from '../../../functions/catalog/schemas';
import { fromCents, toCents } from '../../../functions/shared/money';
import { del, get, isApiError, post, put } from './client';
import { addGuestLine, guestCartSnapshot, readGuestCart, setGuestQuantity, subscribeGuestCart } from './guest-cart';
import { productQuery } from './products';
import { useSession } from './session';

export type { CartItem, CartView } from '../../../functions/carts/schemas';

const cartPath = (userId: string) => `/cart/${encodeURIComponent(userId)}`;

/** The guest cart as a CartView, priced from the catalog (the account's cart is priced by the server). */
const useGuestCart = (enabled: boolean) => {
  const lines = readGuestCart(useSyncExternalStore(subscribeGuestCart, guestCartSnapshot));
  const products = useQueries({
    queries: (enabled ? lines : []).map((line) => productQuery(line.productId)),
  });
  const loading = products.some((p) => p.isPending);
  const items = lines.flatMap((line, i): CartItem[] => {
    const query = products[i];
    const product = query?.data as Product | undefined;
    if (!product) {
      // A product withdrawn since it was added shows as unavailable, as the server's cart shows it.
      if (!isApiError(query?.error, 404)) return [];
      return [
        {
          productId: line.productId,
          sku: '',
          name: 'A product no longer sold',
          price: 0,
          quantity: line.quantity,
          lineTotal: 0,
          available: false,
        },
      ];
    }
    return [
      {
        productId: line.productId,
        sku: product.sku,
        name: product.name,
        price: product.price,
        quantity: line.quantity,
        lineTotal: fromCents(toCents(product.price) * line.quantity),
        available: true,
      },
    ];
  });
  const counted = items.filter((item) => item.available);
  const subtotal = fromCents(counted.reduce((sum, item) => sum + toCents(item.lineTotal), 0));
  const view: CartView = {
    userId: '',
    items,
    itemCount: counted.reduce((sum, item) => sum + item.quantity, 0),
    subtotal,
    total: subtotal,
    currency: (products.find((p) => p.data)?.data as Product | undefined)?.currency ?? 'USD',
  };
  return { view, loading };
};

export interface CartState {
  cart: CartView | undefined;
  isLoading: boolean;
  error: unknown;
  /** True when the cart lives in this browser (nobody signed in). */
  guest: boolean;
}

/** The shopper's cart: the account's (server) cart when signed in, else the one kept in this browser. */
export const useCart = (): CartState => {
  const session = useSession();
  const user = session.data;
  const server = useQuery({
    queryKey: ['cart', user?.id],
    queryFn: () => get<CartView>(cartPath(user?.id ?? '')),
    enabled: Boolean(user),
  });
  const guest = useGuestCart(session.isSuccess && !user);
  if (session.isPending) return { cart: undefined, isLoading: true, error: null, guest: false };
  if (!user) return { cart: guest.view, isLoading: guest.loading, error: null, guest: true };
  return { cart: server.data, isLoading: server.isPending, error: server.error, guest: false };
};

const useCartMutation = <V>(
  serverCall: (userId: string, vars: V) => Promise<CartView>,
  guestCall: (vars: V) => void,
) => {
  const client = useQueryClient();
  const session = useSession();
  return useMutation({
    mutationFn: async (vars: V) => {
      const user = session.data;
      if (!user) {
        guestCall(vars);
        return undefined;
      }
      return serverCall(user.id, vars);
    },
    onSuccess: (cart) => {
      if (cart) client.setQueryData(['cart', cart.userId], cart);
    },
  });
};

export const useAddToCart = () =>
  useCartMutation<{ productId: string; quantity: number }>(
    (userId, line) => post<CartView>(`${cartPath(userId)}/items`, line),
    (line) => addGuestLine(line.productId, line.quantity),
  );

export const useSetCartQuantity = () =>
  useCartMutation<{ productId: string; quantity: number }>(
    (userId, { productId, quantity }) =>
      put<CartView>(`${cartPath(userId)}/items/${encodeURIComponent(productId)}`, { quantity }),
    ({ productId, quantity }) => setGuestQuantity(productId, quantity),
  );

export const useRemoveFromCart = () =>
  useCartMutation<{ productId: string }>(
    (userId, { productId }) => del<CartView>(`${cartPath(userId)}/items/${encodeURIComponent(productId)}`),
    ({ productId }) => setGuestQuantity(productId, 0),
  );
