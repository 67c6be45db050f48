import { useParams, useSearchParams } from 'react-router';
import { useCategories, useProducts } from '../../api/products';
import { PageHeading } from '../../components/PageHeading';
import { ProductGrid } from '../../components/ProductGrid';
import { ErrorMessage, Loading } from '../../components/Status';

const SORTS = [
  ['name', 'Name A–Z'],
  ['-name', 'Name Z–A'],
  ['price', 'Price low to high'],
  ['-price', 'Price high to low'],
] as const;

/** All products, or one category's, a page at a time. */
export const CatalogPage = () => {
  const { categoryId } = useParams();
  const [params, setParams] = useSearchParams();
  const categories = useCategories();
  const category = categories.data?.items.find((c) => c.id === categoryId);
  const sort = params.get('sort') ?? 'name';
  const products = useProducts({ category: categoryId, sort });
  const items = products.data?.pages.flatMap((page) => page.items) ?? [];
  const title = categoryId ? (category?.name ?? 'Category') : 'All products';

  return (
    <>
      <PageHeading key={categoryId ?? 'all'}>{title}</PageHeading>
      {category?.description && <p className="lead">{category.description}</p>}
      <div className="toolbar">
        <label>
          Sort by{' '}
          <select
            value={sort}
            onChange={(event) => {
              const next = new URLSearchParams(params);
              next.set('sort', event.target.value);
              setParams(next, { replace: true, preventScrollReset: true });
            }}
          >
            {SORTS.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
      </div>
      {products.isPending && <Loading label="Loading products…" />}
      <ErrorMessage error={products.error} />
      {products.isSuccess && items.length === 0 && <p>No products here yet.</p>}
      <ProductGrid
        products={items}
        label="Products"
        hasMore={Boolean(products.hasNextPage)}
        loadingMore={products.isFetchingNextPage}
        onLoadMore={() => void products.fetchNextPage()}
      />
    </>
  );
};
