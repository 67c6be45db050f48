import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { type Order, useOrder, useOrderAction } from '../../api/orders';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { countryName } from '../../components/countries';
import { formatDateTime, shortOrderId } from '../../components/format';
import { Money } from '../../components/Money';
import { failureText, STATUS_EXPLANATIONS, StatusBadge, statusLabel } from '../../components/OrderStatus';
import { PageHeading } from '../../components/PageHeading';
import { SignedInOnly } from '../../components/SignedInOnly';
import { ErrorMessage, Loading } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';
import { NotFoundPage } from './NotFoundPage';

const CANCELLABLE = new Set(['PENDING', 'CONFIRMED']);

/** The status in words, in a live region: a screen reader hears PENDING become CONFIRMED or FAILED. */
const StatusPanel = ({ order }: { order: Order }) => (
  <section className={`status-panel status-${order.status.toLowerCase()}`} aria-labelledby="status-heading">
    <h2 id="status-heading" className="visually-hidden">
      Status
    </h2>
    <div role="status" aria-atomic="true">
      <p className="status-line">
        Status: <strong>{statusLabel(order.status)}</strong>
      </p>
      <p>{STATUS_EXPLANATIONS[order.status]}</p>
      {order.status === 'FAILED' && (
        <>
          <p className="failure-reason">{failureText(order.failureReason)}</p>
          <p>
            Your cart is kept as it was, so you can try again. <Link to="/cart">Go to your cart</Link>
          </p>
        </>
      )}
    </div>
  </section>
);

const CancelOrder = ({ order }: { order: Order }) => {
  const cancel = useOrderAction('cancel');
  const [asking, setAsking] = useState(false);
  if (!CANCELLABLE.has(order.status)) return null;
  return (
    <>
      <p>
        <button type="button" className="danger" onClick={() => setAsking(true)}>
          Cancel order
        </button>
      </p>
      <ErrorMessage error={cancel.error} />
      <ConfirmDialog
        open={asking}
        title="Cancel this order?"
        confirmLabel={cancel.isPending ? 'Cancelling…' : 'Yes, cancel the order'}
        cancelLabel="No, keep it"
        busy={cancel.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() => cancel.mutate(order.id, { onSettled: () => setAsking(false) })}
      >
        <p>
          Order {shortOrderId(order.id)} (<Money amount={order.total} currency={order.currency} />) will be cancelled.
          {order.status === 'CONFIRMED' && ' The payment is refunded to your card.'}
        </p>
      </ConfirmDialog>
    </>
  );
};

const OrderDetails = ({ id }: { id: string }) => {
  const order = useOrder(id);
  const client = useQueryClient();
  const status = order.data?.status;

  useEffect(() => {
    if (status !== 'CONFIRMED') return;
    // A confirmed order empties the cart through an event consumer, a moment after the status changes.
    void client.invalidateQueries({ queryKey: ['cart'] });
    const later = setTimeout(() => void client.invalidateQueries({ queryKey: ['cart'] }), 2000);
    return () => clearTimeout(later);
  }, [status, client]);

  if (isApiError(order.error, 404) || isApiError(order.error, 403) || isApiError(order.error, 400)) {
    return <NotFoundPage what="order" />;
  }
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) return <ErrorMessage error={order.error} />;
  const o = order.data;
  const address = o.shippingAddress;

  return (
    <>
      <PageHeading title={`Order ${shortOrderId(o.id)}`}>
        Order <span className="order-id">{shortOrderId(o.id)}</span>
      </PageHeading>
      <p className="muted">
        Placed {formatDateTime(o.createdAt)} · Order number <code>{o.id}</code>
      </p>
      <StatusPanel order={o} />
      <CancelOrder order={o} />

      <h2>Items</h2>
      <TableScroll label="Items ordered">
        <table>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" className="num">
                Quantity × price
              </th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {o.items.map((item) => (
              <tr key={item.productId}>
                <td>
                  <Link to={`/products/${encodeURIComponent(item.productId)}`}>{item.name}</Link>
                </td>
                <td className="num">
                  {item.quantity} × <Money amount={item.price} currency={o.currency} />
                </td>
                <td className="num">
                  <Money amount={item.lineTotal} currency={o.currency} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Order total
              </th>
              <td className="num">
                <strong>
                  <Money amount={o.total} currency={o.currency} />
                </strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </TableScroll>

      <div className="two-columns">
        <section aria-labelledby="address-heading">
          <h2 id="address-heading">Shipping address</h2>
          <address>
            {address.name}
            <br />
            {address.line1}
            <br />
            {address.line2 && (
              <>
                {address.line2}
                <br />
              </>
            )}
            {address.postalCode} {address.city}
            <br />
            {countryName(address.country)}
          </address>
        </section>
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">Status history</h2>
          <ol className="history">
            {o.history.map((entry) => (
              <li key={`${entry.status}-${entry.at}`}>
                <StatusBadge status={entry.status} /> <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                {entry.reason && entry.status === 'FAILED' && (
                  <span className="muted"> — {failureText(entry.reason)}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <p>
        <Link to="/orders">All your orders</Link>
      </p>
    </>
  );
};

/** One order: its status as it changes, what was bought, where it goes, its history; cancel while allowed. */
export const OrderPage = () => {
  const { id = '' } = useParams();
  return <SignedInOnly>{() => <OrderDetails id={id} />}</SignedInOnly>;
};
