import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { type Order, useOrder, useOrderAction } from '../../api/orders';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { shortOrderId } from '../../components/format';
import { Money } from '../../components/Money';
import { StatusBadge, statusLabel } from '../../components/OrderStatus';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';
import { AdminHeading, DateTime, reasonInWords } from '../components';

/** The saga's steps that can leave an order needing attention, in words. */
const STEPS: Record<string, string> = {
  RefundPayment: 'refunding the payment',
  ReleaseStock: 'releasing the stock',
  FailOrder: 'marking the order failed',
  CommitStock: 'committing the stock',
};

/** What resolving does, for the status the order goes back to. */
const resolveEffect = (from: string) =>
  from === 'CONFIRMED' || from === 'SHIPPED' || from === 'DELIVERED'
    ? `The order goes back to ${statusLabel(from).toLowerCase()} and its stock is committed again.`
    : `The order goes back to ${statusLabel(from).toLowerCase()} and what was left undone is done again: any payment is refunded and the items go back on sale.`;

const Attention = ({ attention }: { attention: NonNullable<Order['attention']> }) => (
  <section aria-labelledby="attention-heading" className="panel status-panel status-requires_attention">
    <h2 id="attention-heading">Needs attention</h2>
    <p>
      Since <DateTime value={attention.at} />, the order was {statusLabel(attention.from).toLowerCase()}. Reason:{' '}
      {reasonInWords(attention.reason)}.
      {attention.steps.length > 0 && (
        <> Kept failing: {attention.steps.map((step) => STEPS[step] ?? step).join(', ')}.</>
      )}{' '}
      Its payment and stock may not agree with it until it is resolved.
    </p>
  </section>
);

const Actions = ({ order }: { order: Order }) => {
  const ship = useOrderAction('ship');
  const deliver = useOrderAction('deliver');
  const cancel = useOrderAction('cancel');
  const resolve = useOrderAction('resolve');
  const [confirming, setConfirming] = useState(false);
  const [resolving, setResolving] = useState(false);
  const canShip = order.status === 'CONFIRMED';
  const canDeliver = order.status === 'SHIPPED';
  const canCancel = order.status === 'PENDING' || order.status === 'CONFIRMED';
  const canResolve = order.status === 'REQUIRES_ATTENTION';
  const done = ship.isSuccess || deliver.isSuccess || cancel.isSuccess || resolve.isSuccess;
  const error = ship.error ?? deliver.error ?? cancel.error ?? resolve.error;
  return (
    <section aria-labelledby="actions-heading" className="panel">
      <h2 id="actions-heading">Actions</h2>
      {!canShip && !canDeliver && !canCancel && !canResolve && !done && (
        <p>
          Nothing more to do: the order is {statusLabel(order.status).toLowerCase()}
          {order.status === 'PENDING' ? ' while the checkout runs' : ''}.
        </p>
      )}
      <div className="admin-actions">
        {canShip && (
          <button type="button" disabled={ship.isPending} onClick={() => ship.mutate(order.id)}>
            {ship.isPending ? 'Shipping…' : 'Ship order'}
          </button>
        )}
        {canDeliver && (
          <button type="button" disabled={deliver.isPending} onClick={() => deliver.mutate(order.id)}>
            {deliver.isPending ? 'Saving…' : 'Deliver order'}
          </button>
        )}
        {canCancel && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Cancel order
          </button>
        )}
        {canResolve && (
          <button type="button" onClick={() => setResolving(true)}>
            Resolve order
          </button>
        )}
        <ConfirmDialog
          open={resolving && canResolve}
          title="Resolve this order?"
          confirmLabel={resolve.isPending ? 'Resolving…' : 'Resolve the order'}
          cancelLabel="Not now"
          busy={resolve.isPending}
          onCancel={() => setResolving(false)}
          onConfirm={() => resolve.mutate(order.id, { onSettled: () => setResolving(false) })}
        >
          <p>
            {order.attention && resolveEffect(order.attention.from)} Should a step fail again, the order needs attention
            again.
          </p>
        </ConfirmDialog>
        <ConfirmDialog
          open={confirming && canCancel}
          title="Cancel this order?"
          confirmLabel={cancel.isPending ? 'Cancelling…' : 'Cancel the order'}
          cancelLabel="Keep the order"
          busy={cancel.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => cancel.mutate(order.id, { onSettled: () => setConfirming(false) })}
        >
          <p>
            {order.status === 'CONFIRMED'
              ? 'The customer is refunded and the items go back on sale.'
              : 'The checkout stops; nothing is charged.'}
          </p>
        </ConfirmDialog>
      </div>
      {done && <Notice>Done: the order is now {statusLabel(order.status).toLowerCase()}.</Notice>}
      <ErrorMessage error={error} />
    </section>
  );
};

const OrderBody = ({ order }: { order: Order }) => {
  const address = order.shippingAddress;
  const history = [...order.history].reverse();
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Order id</dt>
          <dd className="order-id">{order.id}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={order.status} />
            {order.failureReason && <> {reasonInWords(order.failureReason)}</>}
          </dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd className="order-id">{order.userId}</dd>
        </div>
        <div>
          <dt>Placed</dt>
          <dd>
            <DateTime value={order.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>
            <Money amount={order.total} currency={order.currency} />
          </dd>
        </div>
        <div>
          <dt>Payment</dt>
          <dd>
            {order.paymentMethod.type === 'card' ? 'Card' : order.paymentMethod.type}
            {order.paymentId && <span className="order-id"> ({order.paymentId})</span>}
          </dd>
        </div>
      </dl>

      {order.attention && <Attention attention={order.attention} />}

      <Actions order={order} />

      <section aria-labelledby="lines-heading">
        <h2 id="lines-heading">Items</h2>
        <TableScroll label="Items of the order">
          <table>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">SKU</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit price
                </th>
                <th scope="col" className="num">
                  Line total
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((line) => (
                <tr key={line.sku}>
                  <th scope="row">
                    <Link to={`/admin/products/${encodeURIComponent(line.productId)}`}>{line.name}</Link>
                  </th>
                  <td>{line.sku}</td>
                  <td className="num">{line.quantity}</td>
                  <td className="num">
                    <Money amount={line.price} currency={order.currency} />
                  </td>
                  <td className="num">
                    <Money amount={line.lineTotal} currency={order.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>
                  Total
                </th>
                <td className="num">
                  <Money amount={order.total} currency={order.currency} />
                </td>
              </tr>
            </tfoot>
          </table>
        </TableScroll>
      </section>

      <div className="overview-columns">
        <section aria-labelledby="address-heading" className="panel">
          <h2 id="address-heading">Shipping address</h2>
          <address>
            {address.name}
            <br />
            {address.line1}
            {address.line2 && (
              <>
                <br />
                {address.line2}
              </>
            )}
            <br />
            {address.postalCode} {address.city}
            <br />
            {address.country}
          </address>
        </section>

        <section aria-labelledby="history-heading" className="panel">
          <h2 id="history-heading">History</h2>
          <ol className="history" reversed>
            {history.map((entry) => (
              <li key={`${entry.status}-${entry.at}`}>
                <StatusBadge status={entry.status} /> <DateTime value={entry.at} />
                {entry.reason && <span className="history-reason"> Reason: {reasonInWords(entry.reason)}</span>}
                {entry.by && <span className="history-by"> By {entry.by}</span>}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
};

/** One order: its lines, customer, address, total and history, and the actions its status allows. */
export const OrderDetailPage = () => {
  const { id = '' } = useParams();
  const order = useOrder(id);
  return (
    <>
      <AdminHeading>{`Order ${shortOrderId(id)}`}</AdminHeading>
      <p>
        <Link to="/admin/orders">Back to orders</Link>
      </p>
      {order.isPending && <Loading label="Loading the order…" />}
      {isApiError(order.error, 404) ? (
        <p role="alert">There is no order {id}.</p>
      ) : (
        <ErrorMessage error={order.error} />
      )}
      {order.data && <OrderBody order={order.data} />}
    </>
  );
};
