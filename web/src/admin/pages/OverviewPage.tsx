import { Link } from 'react-router';
import { type Overview, useAdminOverview } from '../../api/admin';
import { formatMoney } from '../../components/Money';
import { ErrorMessage, Loading } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';
import { AdminHeading, Day, reasonInWords } from '../components';

type Counters = Overview['today'];

const Figures = ({ counters, currency }: { counters: Omit<Counters, 'date'>; currency: string }) => (
  <dl className="figures">
    <div>
      <dt>Orders placed</dt>
      <dd>{counters.ordersPlaced}</dd>
    </div>
    <div>
      <dt>Confirmed</dt>
      <dd>{counters.ordersConfirmed}</dd>
    </div>
    <div>
      <dt>Failed</dt>
      <dd>{counters.ordersFailed}</dd>
    </div>
    <div>
      <dt>Cancelled</dt>
      <dd>{counters.ordersCancelled}</dd>
    </div>
    <div>
      <dt>Revenue</dt>
      <dd>{formatMoney(counters.revenue, currency)}</dd>
    </div>
  </dl>
);

const OverviewBody = ({ overview }: { overview: Overview }) => {
  const { currency, today, last30Days, failedByReason, days, lowStock } = overview;
  return (
    <>
      <div className="overview-columns">
        <section aria-labelledby="today-heading" className="panel">
          <h2 id="today-heading">
            Today{' '}
            <span className="muted-inline">
              (<Day value={today.date} />, UTC)
            </span>
          </h2>
          <Figures counters={today} currency={currency} />
        </section>
        <section aria-labelledby="month-heading" className="panel">
          <h2 id="month-heading">
            Last 30 days{' '}
            <span className="muted-inline">
              (<Day value={last30Days.from} /> to <Day value={last30Days.to} />)
            </span>
          </h2>
          <Figures counters={last30Days} currency={currency} />
        </section>
      </div>

      <div className="overview-columns">
        <section aria-labelledby="failed-heading" className="panel">
          <h2 id="failed-heading">Failed orders by reason</h2>
          {failedByReason.length === 0 ? (
            <p>No order failed in the last 30 days.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Failed orders in the last 30 days, by reason</caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col" className="num">
                    Orders
                  </th>
                </tr>
              </thead>
              <tbody>
                {failedByReason.map(({ reason, count }) => (
                  <tr key={reason}>
                    <th scope="row">{reasonInWords(reason)}</th>
                    <td className="num">{count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section aria-labelledby="low-stock-heading" className="panel">
          <h2 id="low-stock-heading">Low stock</h2>
          <p className="muted">Fewer than {lowStock.threshold} available.</p>
          {lowStock.items.length === 0 ? (
            <p>Every SKU has {lowStock.threshold} or more available.</p>
          ) : (
            <ul className="low-stock">
              {lowStock.items.map((item) => (
                <li key={item.sku}>
                  <Link to={`/admin/stock?sku=${encodeURIComponent(item.sku)}`}>{item.sku}</Link>: {item.available}{' '}
                  available, {item.reserved} reserved
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to={`/admin/stock?below=${lowStock.threshold}`}>
              {lowStock.nextCursor ? 'See every SKU running low' : 'Manage stock'}
            </Link>
          </p>
        </section>
      </div>

      <section aria-labelledby="days-heading">
        <h2 id="days-heading">Day by day</h2>
        <TableScroll label="Orders and revenue per day">
          <table>
            <caption className="visually-hidden">Orders and revenue per day, newest first (UTC days)</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">
                  Placed
                </th>
                <th scope="col" className="num">
                  Confirmed
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col" className="num">
                  Cancelled
                </th>
                <th scope="col" className="num">
                  Revenue
                </th>
              </tr>
            </thead>
            <tbody>
              {[...days].reverse().map((day) => (
                <tr key={day.date}>
                  <th scope="row">
                    <Day value={day.date} />
                  </th>
                  <td className="num">{day.ordersPlaced}</td>
                  <td className="num">{day.ordersConfirmed}</td>
                  <td className="num">{day.ordersFailed}</td>
                  <td className="num">{day.ordersCancelled}</td>
                  <td className="num">{formatMoney(day.revenue, currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </>
  );
};

/** Orders and revenue today and over 30 days, why orders failed, and the SKUs running low. */
export const OverviewPage = () => {
  const overview = useAdminOverview();
  return (
    <>
      <AdminHeading>Overview</AdminHeading>
      {overview.isPending && <Loading label="Loading the overview…" />}
      <ErrorMessage error={overview.error} />
      {overview.data && <OverviewBody overview={overview.data} />}
    </>
  );
};
