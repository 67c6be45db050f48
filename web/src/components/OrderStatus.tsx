import type { OrderStatus } from '../../../functions/orders/schemas';

export const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING: 'Processing',
  CONFIRMED: 'Confirmed',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  REQUIRES_ATTENTION: 'Needs attention',
};

export const statusLabel = (status: string) => STATUS_LABELS[status as OrderStatus] ?? status;

/** What a status means for the shopper, in a sentence. */
export const STATUS_EXPLANATIONS: Record<OrderStatus, string> = {
  PENDING: 'We are reserving your items and taking the payment. This takes a few seconds.',
  CONFIRMED: 'Payment received. We are preparing your order for shipping.',
  SHIPPED: 'Your order is on its way.',
  DELIVERED: 'Your order was delivered.',
  FAILED: 'The order could not be completed.',
  CANCELLED: 'The order is cancelled. Any payment is refunded and the items are back in stock.',
  REQUIRES_ATTENTION:
    'Something went wrong while we processed your order and our team is putting it right. Anything charged by mistake is refunded.',
};

/** The checkout saga's failure reasons, said to a shopper. */
const FAILURE_REASONS: Record<string, string> = {
  OUT_OF_STOCK: 'Some items ran out before they could be reserved for you. You were not charged.',
  RESERVATION_FAILED: 'We could not reserve your items. You were not charged.',
  PAYMENT_DECLINED: 'Your card was declined. Nothing was charged.',
  INSUFFICIENT_FUNDS: 'Your card was declined for insufficient funds. Nothing was charged.',
  PAYMENT_TIMEOUT: 'The payment provider did not answer in time. Nothing was charged.',
  PAYMENT_ERROR: 'The payment could not be processed. Nothing was charged.',
  CHECKOUT_ABANDONED:
    'We could not complete your order in time. Anything charged is refunded and the items are released.',
};

export const failureText = (reason: string | undefined) =>
  (reason && FAILURE_REASONS[reason]) ??
  'Something went wrong while we processed your order. If anything was charged, it is refunded.';

export const StatusBadge = ({ status }: { status: string }) => (
  <span className={`badge-status status-${status.toLowerCase()}`}>{statusLabel(status)}</span>
);
