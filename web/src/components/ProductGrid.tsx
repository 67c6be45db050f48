import { Link } from 'react-router';
import type { Product } from '../api/products';
import { Money } from './Money';

export const ProductCard = ({ product }: { product: Product }) => (
  <li className="product-card">
    <article aria-label={product.name}>
      <img className="cover" src={product.images[0] ?? '/images/placeholder.svg'} alt="" loading="lazy" />
      <div className="card-body">
        <h3 className="card-title">
          <Link to={`/products/${encodeURIComponent(product.id)}`}>{product.name}</Link>
        </h3>
        <p className="muted">
          {product.brand} · {product.category}
        </p>
        <p className="price">
          <Money amount={product.price} currency={product.currency} />
        </p>
      </div>
    </article>
  </li>
);

interface ProductGridProps {
  products: Product[];
  label: string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/** A grid of product cards with "Load more" while the listing has another page. */
export const ProductGrid = ({ products, label, hasMore, loadingMore, onLoadMore }: ProductGridProps) => (
  <>
    <ul className="grid" aria-label={label}>
      {products.map((product) => (
        <ProductCard key={product.id} product={product} />
      ))}
    </ul>
    {hasMore && (
      <p className="load-more">
        <button type="button" onClick={onLoadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      </p>
    )}
  </>
);
