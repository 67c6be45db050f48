import { MAX_QUANTITY } from '../../../functions/carts/schemas';
import { post } from './client';

/** A guest's cart lives in this browser (product ids and quantities only, no prices) until sign-in. */
const KEY = 'shop.guestCart';

export interface GuestLine {
  productId: string;
  quantity: number;
}

const listeners = new Set<() => void>();

/** The stored text: a stable snapshot for useSyncExternalStore. */
export const guestCartSnapshot = (): string => localStorage.getItem(KEY) ?? '[]';

export const readGuestCart = (raw = guestCartSnapshot()): GuestLine[] => {
  try {
    const lines: unknown = JSON.parse(raw);
    if (!Array.isArray(lines)) return [];
    return lines.filter(
      (line): line is GuestLine =>
        typeof line?.productId === 'string' &&
        Number.isInteger(line.quantity) &&
        line.quantity >= 1 &&
        line.quantity <= MAX_QUANTITY,
    );
  } catch {
    return [];
  }
};

const write = (lines: GuestLine[]) => {
  if (lines.length === 0) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify(lines));
  for (const listener of listeners) listener();
};

export const subscribeGuestCart = (listener: () => void) => {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === KEY && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
};

export const addGuestLine = (productId: string, quantity: number) => {
  const lines = readGuestCart();
  const line = lines.find((l) => l.productId === productId);
  if (line) line.quantity = Math.min(MAX_QUANTITY, line.quantity + quantity);
  else lines.push({ productId, quantity: Math.min(MAX_QUANTITY, quantity) });
  write(lines);
};

export const setGuestQuantity = (productId: string, quantity: number) =>
  write(
    quantity <= 0
      ? readGuestCart().filter((l) => l.productId !== productId)
      : readGuestCart().map((l) => (l.productId === productId ? { ...l, quantity } : l)),
  );

/**
 * Adds the guest's lines to the account's cart (the server adds to a line already there, up to its limit),
 * then forgets them. A line the server refuses (a withdrawn product) is dropped rather than kept forever.
 */
export const mergeGuestCart = async (userId: string) => {
  const lines = readGuestCart();
  if (lines.length === 0) return;
  for (const line of lines) {
    await post(`/cart/${encodeURIComponent(userId)}/items`, line).catch(() => undefined);
  }
  write([]);
};
