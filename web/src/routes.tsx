import type { RouteObject } from 'react-router';
import { Layout } from './components/Layout';
import { RouteError } from './components/RouteError';
import { LoginPage } from './pages/account/LoginPage';
import { ProfilePage } from './pages/account/ProfilePage';
import { RegisterPage } from './pages/account/RegisterPage';
import { CartPage } from './pages/shop/CartPage';
import { CatalogPage } from './pages/shop/CatalogPage';
import { CheckoutPage } from './pages/shop/CheckoutPage';
import { NotFoundPage } from './pages/shop/NotFoundPage';
import { OrderPage } from './pages/shop/OrderPage';
import { OrdersPage } from './pages/shop/OrdersPage';
import { ProductPage } from './pages/shop/ProductPage';
import { SearchPage } from './pages/shop/SearchPage';

/** The shopper's pages load with the entry; the admin dashboard is a separate chunk, fetched on /admin only. */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <CatalogPage /> },
      { path: 'categories/:categoryId', element: <CatalogPage /> },
      { path: 'products/:id', element: <ProductPage /> },
      { path: 'search', element: <SearchPage /> },
      { path: 'cart', element: <CartPage /> },
      { path: 'checkout', element: <CheckoutPage /> },
      { path: 'orders', element: <OrdersPage /> },
      { path: 'orders/:id', element: <OrderPage /> },
      { path: 'login', element: <LoginPage /> },
      { path: 'register', element: <RegisterPage /> },
      { path: 'account', element: <ProfilePage /> },
      {
        path: 'admin/*',
        lazy: async () => ({ Component: (await import('./admin/AdminApp')).AdminApp }),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
