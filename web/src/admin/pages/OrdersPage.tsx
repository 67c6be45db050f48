import { Link, useSearchParams } from 'react-router';
import { ORDER_STATUSES, type OrderStatus } from '../../../../functions/orders/schemas';
import { useAdminOrders } from '../../api/admin';
import { type Order, useOrderAction } from '../../api/orders';
import { shortOrderId } from '../../components/format';
import { Money } from '../../components/Money';
import { StatusBadge, statusLabel } from '../../components/OrderStatus';
import { ErrorMessage, Loading } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';
import { AdminHeading, DateTime, LoadMore } from '../components';

const isStatus = (value: string | null): value is OrderStatus => ORDER_STATUSES.some((status) => status === value);

/** The next step of a paid order, right in its row: Ship a confirmed one, Deliver a shipped one. */
const RowAction = ({ order }: { order: Order }) => {
  const ship = useOrderAction('ship');
  const deliver = useOrderAction('deliver');
  const action =
    order.status === 'CONFIRMED'
      ? { mutation: ship, label: 'Ship' }
      : order.status === 'SHIPPED'
        ? { mutation: deliver, label: 'Deliver' }
        : undefined;
  if (!action) return null;
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={action.mutation.isPending}
        onClick={() => action.mutation.mutate(order.id)}
      >
        {action.label}
        <span className="visually-hidden"> order {order.id}</span>
      </button>
      {action.mutation.error && <ErrorMessage error={action.mutation.error} />}
    </>
  );
};

/** Every order, newest first, or those in one status; a page at a time. */
export const OrdersPage = () => {
  const [params, setParams] = useSearchParams();
  const requested = params.get('status');
  const status = isStatus(requested) ? requested : undefined;
  const orders = useAdminOrders(status);
  const items = orders.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <AdminHeading>Orders</AdminHeading>
      <div className="toolbar">
        <label>
          Status{' '}
          <select
            value={status ?? ''}
            onChange={(event) => setParams(event.target.value ? { status: event.target.value } : {}, { replace: true })}
          >
            <option value="">All</option>
            {ORDER_STATUSES.map((value) => (
              <option key={value} value={value}>
                {statusLabel(value)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {orders.isPending && <Loading label="Loading orders…" />}
      <ErrorMessage error={orders.error} />
      {orders.isSuccess && items.length === 0 && (
        <p role="status">{status ? `No orders are ${statusLabel(status).toLowerCase()}.` : 'No orders yet.'}</p>
      )}
      {items.length > 0 && (
        <TableScroll label="Orders">
          <table className="orders-table">
            <caption className="visually-hidden">
              {status ? `${statusLabel(status)} orders` : 'All orders'}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Customer</th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col" className="num">
                  Total
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((order) => (
                <tr key={order.id}>
                  <th scope="row">
                    <Link to={`/admin/orders/${encodeURIComponent(order.id)}`} className="order-id">
                      {shortOrderId(order.id)}
                      <span className="visually-hidden"> ({order.id})</span>
                    </Link>
                  </th>
                  <td>
                    <DateTime value={order.createdAt} />
                  </td>
                  <td className="order-id customer">{order.userId}</td>
                  <td className="num">{order.items.reduce((sum, line) => sum + line.quantity, 0)}</td>
                  <td className="num">
                    <Money amount={order.total} currency={order.currency} />
                  </td>
                  <td>
                    <StatusBadge status={order.status} />
                  </td>
                  <td>
                    <RowAction order={order} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <LoadMore
        hasMore={Boolean(orders.hasNextPage)}
        loading={orders.isFetchingNextPage}
        onLoadMore={() => void orders.fetchNextPage()}
      />
    </>
  );
};
