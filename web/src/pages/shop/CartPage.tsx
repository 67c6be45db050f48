import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { MAX_QUANTITY } from '../../../../functions/carts/schemas';
import { type CartItem, useCart, useRemoveFromCart, useSetCartQuantity } from '../../api/cart';
import { Money } from '../../components/Money';
import { PageHeading } from '../../components/PageHeading';
import { loginPath } from '../../components/SignedInOnly';
import { ErrorMessage, Loading } from '../../components/Status';

const QUANTITIES = Array.from({ length: MAX_QUANTITY }, (_, i) => i + 1);

interface LineProps {
  item: CartItem;
  currency: string;
  onChanged: (message: string) => void;
  onRemoved: (message: string) => void;
}

const CartLine = ({ item, currency, onChanged, onRemoved }: LineProps) => {
  const setQuantity = useSetCartQuantity();
  const remove = useRemoveFromCart();
  // While the server answers, the select shows the quantity just picked rather than jumping back.
  const quantity = setQuantity.isPending ? (setQuantity.variables?.quantity ?? item.quantity) : item.quantity;
  return (
    <li className={`cart-line${item.available ? '' : ' unavailable'}`}>
      <div className="line-name">
        <Link to={`/products/${encodeURIComponent(item.productId)}`}>{item.name}</Link>
        {!item.available && <p className="error">No longer available: remove it to check out.</p>}
      </div>
      {item.available && (
        <>
          <p className="line-price">
            <Money amount={item.price} currency={currency} /> each
          </p>
          <label className="line-quantity">
            Quantity<span className="visually-hidden"> of {item.name}</span>{' '}
            <select
              value={quantity}
              disabled={remove.isPending}
              onChange={(event) => {
                const next = Number(event.target.value);
                setQuantity.mutate(
                  { productId: item.productId, quantity: next },
                  { onSuccess: () => onChanged(`${item.name}: quantity ${next}.`) },
                );
              }}
            >
              {QUANTITIES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <p className="line-total">
            <Money amount={item.lineTotal} currency={currency} />
          </p>
        </>
      )}
      <button
        type="button"
        className="secondary line-remove"
        disabled={remove.isPending}
        onClick={() =>
          remove.mutate({ productId: item.productId }, { onSuccess: () => onRemoved(`${item.name} removed.`) })
        }
      >
        Remove<span className="visually-hidden"> {item.name}</span>
      </button>
      <ErrorMessage error={setQuantity.error ?? remove.error} />
    </li>
  );
};

/** The cart: change quantities, remove lines, see the totals the server computes, go to checkout. */
export const CartPage = () => {
  const { cart, isLoading, error, guest } = useCart();
  const [message, setMessage] = useState('');
  const statusRef = useRef<HTMLParagraphElement>(null);
  const items = cart?.items ?? [];
  const unavailable = items.some((item) => !item.available);

  return (
    <>
      <PageHeading>Your cart</PageHeading>
      <p role="status" className="visually-hidden" ref={statusRef} tabIndex={-1}>
        {message}
      </p>
      {isLoading && <Loading label="Loading your cart…" />}
      <ErrorMessage error={error} />
      {cart && items.length === 0 && (
        <>
          <p>Your cart is empty.</p>
          <p>
            <Link to="/">Browse the shop</Link>
          </p>
        </>
      )}
      {cart && items.length > 0 && (
        <div className="cart-layout">
          <ul className="cart-lines" aria-label="Items in your cart">
            {items.map((item) => (
              <CartLine
                key={item.productId}
                item={item}
                currency={cart.currency}
                onChanged={setMessage}
                onRemoved={(text) => {
                  setMessage(text);
                  // The line and its button are gone: keep focus on the page rather than lose it to the body.
                  statusRef.current?.focus();
                }}
              />
            ))}
          </ul>
          <section className="summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">Summary</h2>
            <dl>
              <div>
                <dt>Items</dt>
                <dd>{cart.itemCount}</dd>
              </div>
              <div>
                <dt>Subtotal</dt>
                <dd>
                  <Money amount={cart.subtotal} currency={cart.currency} />
                </dd>
              </div>
              <div className="total">
                <dt>Total</dt>
                <dd>
                  <Money amount={cart.total} currency={cart.currency} />
                </dd>
              </div>
            </dl>
            {unavailable ? (
              <p className="error">Remove the items that are no longer available, then check out.</p>
            ) : (
              <p>
                <Link className="button" to={guest ? loginPath('/checkout') : '/checkout'}>
                  Check out
                </Link>
              </p>
            )}
            {guest && !unavailable && (
              <p className="hint">You will sign in or create an account first; your cart comes with you.</p>
            )}
            <p>
              <Link to="/">Continue shopping</Link>
            </p>
          </section>
        </div>
      )}
    </>
  );
};
