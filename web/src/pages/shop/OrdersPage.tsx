import { Link } from 'react-router';
import type { User } from '../../../../functions/users/schemas';
import { useMyOrders } from '../../api/orders';
import { formatDate, shortOrderId } from '../../components/format';
import { Money } from '../../components/Money';
import { StatusBadge } from '../../components/OrderStatus';
import { PageHeading } from '../../components/PageHeading';
import { SignedInOnly } from '../../components/SignedInOnly';
import { ErrorMessage, Loading } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';

const OrderHistory = ({ user }: { user: User }) => {
  const orders = useMyOrders(user.id);
  const items = orders.data?.pages.flatMap((page) => page.items) ?? [];
  if (orders.isPending) return <Loading label="Loading your orders…" />;
  if (orders.isError) return <ErrorMessage error={orders.error} />;
  if (items.length === 0) {
    return (
      <>
        <p>You have not ordered anything yet.</p>
        <p>
          <Link to="/">Browse the shop</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <TableScroll label="Orders">
        <table className="orders-table">
          <caption className="visually-hidden">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Order</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((order) => (
              <tr key={order.id}>
                <td>
                  <time dateTime={order.createdAt}>{formatDate(order.createdAt)}</time>
                </td>
                <td>
                  <Link to={`/orders/${encodeURIComponent(order.id)}`}>View order {shortOrderId(order.id)}</Link>
                </td>
                <td>
                  <StatusBadge status={order.status} />
                </td>
                <td className="num">
                  <Money amount={order.total} currency={order.currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {orders.hasNextPage && (
        <p className="load-more">
          <button type="button" onClick={() => void orders.fetchNextPage()} disabled={orders.isFetchingNextPage}>
            {orders.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
    </>
  );
};

/** The signed-in shopper's orders, newest first, a page at a time. */
export const OrdersPage = () => (
  <>
    <PageHeading>Your orders</PageHeading>
    <SignedInOnly>{(user) => <OrderHistory user={user} />}</SignedInOnly>
  </>
);
