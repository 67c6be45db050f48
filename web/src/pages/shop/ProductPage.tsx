import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { AddItemBody, MAX_QUANTITY } from '../../../../functions/carts/schemas';
import { useAddToCart } from '../../api/cart';
import { isApiError } from '../../api/client';
import { type Product, type Stock, useCategories, useProduct, useStock } from '../../api/products';
import { Field, formValues, useSchemaForm } from '../../components/forms';
import { Money } from '../../components/Money';
import { PageHeading } from '../../components/PageHeading';
import { ErrorMessage, Loading } from '../../components/Status';
import { NotFoundPage } from './NotFoundPage';

/** Below this many, the page says how many are left. */
const FEW_LEFT = 10;

const stockText = (stock: Stock) => {
  if (stock.available <= 0) return 'Out of stock';
  if (stock.available <= FEW_LEFT) return `Only ${stock.available} left`;
  return 'In stock';
};

/** `display_size` or `displaySize` -> `Display size`; short keys are acronyms (`ram` -> `RAM`). */
const attributeLabel = (key: string) => {
  if (key.length <= 3) return key.toUpperCase();
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const AddToCart = ({ product, stock }: { product: Product; stock: Stock | undefined }) => {
  const add = useAddToCart();
  const form = useSchemaForm(AddItemBody);
  const [added, setAdded] = useState<number>();
  const soldOut = stock !== undefined && stock.available <= 0;
  const max = Math.min(MAX_QUANTITY, stock?.available || MAX_QUANTITY);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAdded(undefined);
    const body = form.validate({ productId: product.id, quantity: Number(formValues(event.currentTarget).quantity) });
    if (!body) return;
    if (stock && body.quantity > stock.available) {
      form.showApiError(new Error(`Only ${stock.available} left: choose ${stock.available} or fewer.`));
      return;
    }
    add.mutate(body, {
      onSuccess: () => setAdded(body.quantity),
      onError: (error) => form.showApiError(error),
    });
  };

  return (
    <form className="add-to-cart" onSubmit={submit} noValidate>
      <Field
        label="Quantity"
        name="quantity"
        type="number"
        inputMode="numeric"
        min={1}
        max={max}
        defaultValue={1}
        disabled={soldOut}
        error={form.errors.quantity}
        className="quantity-input"
      />
      <button type="submit" disabled={soldOut || add.isPending}>
        {add.isPending ? 'Adding…' : 'Add to cart'}
      </button>
      <ErrorMessage>{form.errors._form ?? form.errors.productId}</ErrorMessage>
      <div role="status" className="added">
        {added !== undefined && (
          <p className="notice">
            Added {added} × {product.name} to your cart. <Link to="/cart">View your cart</Link>
          </p>
        )}
      </div>
    </form>
  );
};

/** One product: pictures, price, stock and the form to add it to the cart. */
export const ProductPage = () => {
  const { id = '' } = useParams();
  const product = useProduct(id);
  const stock = useStock(product.data?.sku);
  const categories = useCategories();

  if (isApiError(product.error, 404)) return <NotFoundPage what="product" />;
  if (product.isPending) return <Loading label="Loading the product…" />;
  if (product.isError) return <ErrorMessage error={product.error} />;

  const p = product.data;
  const category = categories.data?.items.find((c) => c.name === p.category);
  const attributes = Object.entries(p.attributes ?? {});
  return (
    <article className="product-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">All products</Link>
          </li>
          {category && (
            <li>
              <Link to={`/categories/${encodeURIComponent(category.id)}`}>{category.name}</Link>
            </li>
          )}
        </ol>
      </nav>
      <div className="product-layout">
        <img className="product-image" src={p.images[0] ?? '/images/placeholder.svg'} alt="" />
        <div>
          <PageHeading key={p.id}>{p.name}</PageHeading>
          <p className="muted">
            {p.brand} · {p.category} · SKU {p.sku}
          </p>
          <p className="product-price">
            <Money amount={p.price} currency={p.currency} />
          </p>
          {stock.data && (
            <p className={`stock ${stock.data.available <= 0 ? 'stock-out' : 'stock-in'}`}>{stockText(stock.data)}</p>
          )}
          {stock.isPending && <p className="stock muted">Checking stock…</p>}
          <AddToCart product={p} stock={stock.data} />
          <h2>Description</h2>
          <p>{p.description}</p>
          {attributes.length > 0 && (
            <>
              <h2>Specifications</h2>
              <dl className="specs">
                {attributes.map(([key, value]) => (
                  <div key={key}>
                    <dt>{attributeLabel(key)}</dt>
                    <dd>{typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value)}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
        </div>
      </div>
    </article>
  );
};
