import type { FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { useAdminProductSearch, useAdminProducts } from '../../api/admin';
import type { Product } from '../../api/products';
import { Money } from '../../components/Money';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';
import { AdminHeading, LoadMore } from '../components';

const ProductTable = ({ products, caption }: { products: Product[]; caption: string }) => (
  <TableScroll label={caption}>
    <table>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">SKU</th>
          <th scope="col">Category</th>
          <th scope="col">Brand</th>
          <th scope="col" className="num">
            Price
          </th>
        </tr>
      </thead>
      <tbody>
        {products.map((product) => (
          <tr key={product.id}>
            <th scope="row">
              <Link to={`/admin/products/${encodeURIComponent(product.id)}`}>{product.name}</Link>
            </th>
            <td>{product.sku}</td>
            <td>{product.category}</td>
            <td>{product.brand}</td>
            <td className="num">
              <Money amount={product.price} currency={product.currency} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </TableScroll>
);

const AllProducts = () => {
  const products = useAdminProducts();
  const items = products.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      {products.isPending && <Loading label="Loading products…" />}
      <ErrorMessage error={products.error} />
      {products.isSuccess && items.length === 0 && <p>No products yet.</p>}
      {items.length > 0 && <ProductTable products={items} caption="Products, by name" />}
      <LoadMore
        hasMore={Boolean(products.hasNextPage)}
        loading={products.isFetchingNextPage}
        onLoadMore={() => void products.fetchNextPage()}
      />
    </>
  );
};

const SearchResults = ({ q }: { q: string }) => {
  const results = useAdminProductSearch(q);
  const items = results.data?.pages.flatMap((page) => page.items) ?? [];
  const total = results.data?.pages[0]?.total;
  return (
    <>
      {results.isPending && <Loading label="Searching…" />}
      <ErrorMessage error={results.error} />
      {results.isSuccess && (
        <p role="status">
          {total === 0
            ? `No products match “${q}”.`
            : `${total} ${total === 1 ? 'product matches' : 'products match'} “${q}”.`}
        </p>
      )}
      {items.length > 0 && <ProductTable products={items} caption={`Products matching “${q}”`} />}
      <LoadMore
        hasMore={Boolean(results.hasNextPage)}
        loading={results.isFetchingNextPage}
        onLoadMore={() => void results.fetchNextPage()}
      />
    </>
  );
};

/** The catalog: every live product a page at a time, or the search's results; a link to each product's form. */
export const ProductsPage = () => {
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    setParams(value ? { q: value } : {});
  };
  return (
    <>
      <AdminHeading>Products</AdminHeading>
      {deleted && <Notice>{deleted} was deleted: it is no longer in the shop.</Notice>}
      <div className="toolbar">
        <Link to="/admin/products/new" className="button">
          New product
        </Link>
        <search aria-label="Find products" className="admin-search">
          <form onSubmit={submit}>
            <label htmlFor="admin-product-q">Find products</label>
            <input id="admin-product-q" name="q" type="search" defaultValue={q} key={q} maxLength={200} />
            <button type="submit" className="secondary">
              Find
            </button>
            {q && (
              <button type="button" className="link-button" onClick={() => setParams({})}>
                Show all
              </button>
            )}
          </form>
        </search>
      </div>
      {q ? <SearchResults q={q} /> : <AllProducts />}
    </>
  );
};
