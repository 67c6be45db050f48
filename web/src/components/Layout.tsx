import { type FormEvent, Suspense } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useNavigate, useSearchParams } from 'react-router';
import { useCart } from '../api/cart';
import { useCategories } from '../api/products';
import { useLogout, useSession } from '../api/session';
import { Loading } from './Status';

const SearchBox = () => {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    navigate(`/search?q=${encodeURIComponent(q)}`);
  };
  return (
    <search className="search-box" aria-label="Products">
      <form onSubmit={submit}>
        <input
          // A new search (or Back) shows its own words in the box.
          key={params.get('q') ?? ''}
          name="q"
          type="search"
          aria-label="Search products"
          placeholder="Search products"
          defaultValue={params.get('q') ?? ''}
          autoComplete="off"
          maxLength={200}
        />
        <button type="submit">Search</button>
      </form>
    </search>
  );
};

const AccountLinks = () => {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const { cart } = useCart();
  const user = session.data;
  const count = cart?.itemCount ?? 0;
  return (
    <nav aria-label="Account" className="account-nav">
      <NavLink to="/cart">
        Cart
        {count > 0 && (
          // Seen as "Cart (3)", heard as "Cart (3 items)".
          <>
            <span className="badge" aria-hidden="true">
              {' '}
              ({count})
            </span>
            <span className="visually-hidden">
              {' '}
              ({count} {count === 1 ? 'item' : 'items'})
            </span>
          </>
        )}
      </NavLink>
      {user ? (
        <>
          <NavLink to="/orders">Orders</NavLink>
          <NavLink to="/account">Account</NavLink>
          {user.role === 'admin' && <NavLink to="/admin">Admin</NavLink>}
          <button
            type="button"
            className="link-button"
            onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/') })}
          >
            Sign out
          </button>
        </>
      ) : (
        <>
          <NavLink to="/login">Sign in</NavLink>
          <NavLink to="/register">Create account</NavLink>
        </>
      )}
    </nav>
  );
};

const CategoryNav = () => {
  const categories = useCategories();
  return (
    <nav aria-label="Categories" className="category-nav">
      <NavLink to="/" end>
        All products
      </NavLink>
      {categories.data?.items.map((category) => (
        <NavLink key={category.id} to={`/categories/${encodeURIComponent(category.id)}`}>
          {category.name}
        </NavLink>
      ))}
    </nav>
  );
};

export const Layout = () => (
  <>
    <a className="skip-link" href="#main">
      Skip to content
    </a>
    <header className="site-header">
      <div className="header-row">
        <Link to="/" className="brand">
          Shop
        </Link>
        <SearchBox />
        <AccountLinks />
      </div>
      <CategoryNav />
    </header>
    <main id="main">
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    </main>
    {/* A new page starts at its top (Back returns to where it was), not where the last one was scrolled to. */}
    <ScrollRestoration />
    <footer className="site-footer">
      <p>Prices in USD. Test mode: no real card is charged.</p>
    </footer>
  </>
);
