import { Link, NavLink, Route, Routes } from 'react-router';
import type { User } from '../../../functions/users/schemas';
import { PageHeading } from '../components/PageHeading';
import { SignedInOnly } from '../components/SignedInOnly';
import { AuditPage } from './pages/AuditPage';
import { CategoriesPage } from './pages/CategoriesPage';
import { OrderDetailPage } from './pages/OrderDetailPage';
import { OrdersPage } from './pages/OrdersPage';
import { OverviewPage } from './pages/OverviewPage';
import { ProductFormPage } from './pages/ProductFormPage';
import { ProductsPage } from './pages/ProductsPage';
import { StockPage } from './pages/StockPage';
import './admin.css';

const SECTIONS = [
  ['/admin', 'Overview'],
  ['/admin/products', 'Products'],
  ['/admin/stock', 'Stock'],
  ['/admin/categories', 'Categories'],
  ['/admin/orders', 'Orders'],
  ['/admin/audit', 'Audit log'],
] as const;

const AdminNav = () => (
  <nav aria-label="Admin" className="admin-nav">
    <ul>
      {SECTIONS.map(([to, label]) => (
        <li key={to}>
          <NavLink to={to} end={to === '/admin'}>
            {label}
          </NavLink>
        </li>
      ))}
    </ul>
  </nav>
);

/** A signed-in shopper who is not an admin: said plainly, and nothing of the dashboard is requested. */
const NotAllowed = () => (
  <>
    <PageHeading>Not allowed</PageHeading>
    <p>The dashboard is for the shop's administrators, and your account is a customer account.</p>
    <p>
      <Link to="/">Back to the shop</Link>
    </p>
  </>
);

const AdminNotFound = () => (
  <>
    <PageHeading title="Not found · Admin">Page not found</PageHeading>
    <p>
      The dashboard has no such page. <Link to="/admin">Go to the overview</Link>.
    </p>
  </>
);

const Dashboard = ({ user }: { user: User }) => {
  if (user.role !== 'admin') return <NotAllowed />;
  return (
    <div className="admin">
      <AdminNav />
      <Routes>
        <Route index element={<OverviewPage />} />
        <Route path="products" element={<ProductsPage />} />
        <Route path="products/new" element={<ProductFormPage />} />
        <Route path="products/:id" element={<ProductFormPage />} />
        <Route path="stock" element={<StockPage />} />
        <Route path="categories" element={<CategoriesPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:id" element={<OrderDetailPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="*" element={<AdminNotFound />} />
      </Routes>
    </div>
  );
};

/** The admin dashboard: its own chunk, reached at /admin/*; a guest signs in first, a customer is turned away. */
export const AdminApp = () => <SignedInOnly>{(user) => <Dashboard user={user} />}</SignedInOnly>;
