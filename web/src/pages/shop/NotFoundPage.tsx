import { Link } from 'react-router';
import { PageHeading } from '../../components/PageHeading';

/** A path the shop does not have, or a product or order that does not exist (or is not the shopper's). */
export const NotFoundPage = ({ what = 'page' }: { what?: 'page' | 'product' | 'order' }) => (
  <>
    <PageHeading>{`${what.charAt(0).toUpperCase()}${what.slice(1)} not found`}</PageHeading>
    <p>
      {what === 'page'
        ? 'There is nothing at this address. The link may be old or mistyped.'
        : what === 'product'
          ? 'This product does not exist or is no longer sold.'
          : 'There is no such order in your account.'}
    </p>
    <ul className="plain-links">
      <li>
        <Link to="/">Browse all products</Link>
      </li>
      <li>
        <Link to="/search?q=">Search the shop</Link>
      </li>
      {what === 'order' && (
        <li>
          <Link to="/orders">Your orders</Link>
        </li>
      )}
    </ul>
  </>
);
