import { type FormEvent, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CreateOrderBody } from '../../../../functions/orders/schemas';
import type { User } from '../../../../functions/users/schemas';
import { useCart } from '../../api/cart';
import { isApiError } from '../../api/client';
import { usePlaceOrder } from '../../api/orders';
import { countries } from '../../components/countries';
import { Field, formValues, SelectField, useSchemaForm } from '../../components/forms';
import { Money } from '../../components/Money';
import { PageHeading } from '../../components/PageHeading';
import { SignedInOnly } from '../../components/SignedInOnly';
import { ErrorMessage, Loading } from '../../components/Status';

/** The simulated processor's test cards (README: "Test cards"); no real card is ever asked for. */
const TEST_CARDS = [
  { token: 'tok_visa', label: 'Visa (test) — pays' },
  { token: 'tok_chargeDeclined', label: 'Declined card (test)' },
  { token: 'tok_chargeDeclinedInsufficientFunds', label: 'Insufficient funds (test)' },
] as const;

/** The address fields, named by their path in CreateOrderBody so that the API's 400 details land on them. */
const A = {
  name: 'shippingAddress.name',
  line1: 'shippingAddress.line1',
  line2: 'shippingAddress.line2',
  city: 'shippingAddress.city',
  postalCode: 'shippingAddress.postalCode',
  country: 'shippingAddress.country',
} as const;

const newKey = () => crypto.randomUUID();

const Checkout = ({ user }: { user: User }) => {
  const { cart, isLoading, error } = useCart();
  const place = usePlaceOrder();
  const form = useSchemaForm(CreateOrderBody);
  const navigate = useNavigate();
  // One Idempotency-Key per attempt: a double click, or a retry after a lost answer, makes one order.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);
  const sending = useRef(false);
  const [mayRetry, setMayRetry] = useState(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending.current) return;
    const v = formValues(event.currentTarget);
    const line2 = v[A.line2]?.trim();
    const body = form.validate({
      shippingAddress: {
        name: v[A.name],
        line1: v[A.line1],
        ...(line2 && { line2 }),
        city: v[A.city],
        postalCode: v[A.postalCode],
        country: v[A.country],
      },
      paymentMethod: { type: 'card', token: v.card },
    });
    if (!body) return;
    sending.current = true;
    setMayRetry(false);
    place.mutate(
      { body, idempotencyKey },
      {
        onSuccess: (order) => navigate(`/orders/${encodeURIComponent(order.id)}`),
        onError: (failure) => {
          form.showApiError(failure);
          // A 4xx is a definitive no (nothing was ordered): the next attempt is a new one. A network error or
          // a 5xx may hide an order that was made, so a retry sends the same key and gets that order back.
          const definitive = isApiError(failure) && failure.status >= 400 && failure.status < 500;
          if (definitive) setIdempotencyKey(newKey());
          setMayRetry(!definitive);
        },
        onSettled: () => {
          sending.current = false;
        },
      },
    );
  };

  if (isLoading) return <Loading label="Loading your cart…" />;
  if (error) return <ErrorMessage error={error} />;
  const items = cart?.items ?? [];
  if (!cart || items.length === 0) {
    return (
      <>
        <p>Your cart is empty, so there is nothing to check out.</p>
        <p>
          <Link to="/">Browse the shop</Link>
        </p>
      </>
    );
  }
  const unavailable = items.some((item) => !item.available);

  return (
    <div className="checkout-layout">
      <section className="summary checkout-summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading">Your order</h2>
        <ul className="summary-lines">
          {items.map((item) => (
            <li key={item.productId}>
              <span>
                {item.name} × {item.quantity}
                {!item.available && <strong className="error"> (no longer available)</strong>}
              </span>
              <Money amount={item.lineTotal} currency={cart.currency} />
            </li>
          ))}
        </ul>
        <dl>
          <div className="total">
            <dt>Total</dt>
            <dd>
              <Money amount={cart.total} currency={cart.currency} />
            </dd>
          </div>
        </dl>
        <p>
          <Link to="/cart">Change the cart</Link>
        </p>
      </section>

      <form
        ref={form.ref}
        className="checkout-form"
        onSubmit={submit}
        noValidate
        // A changed form is another request: it gets a key of its own.
        onChange={(event) => {
          setIdempotencyKey(newKey());
          setMayRetry(false);
          form.onFieldChange(event);
        }}
      >
        <fieldset>
          <legend>Shipping address</legend>
          <Field
            label="Full name"
            name={A.name}
            autoComplete="name"
            defaultValue={`${user.first_name} ${user.last_name}`}
            error={form.errors[A.name]}
          />
          <Field label="Address line 1" name={A.line1} autoComplete="address-line1" error={form.errors[A.line1]} />
          <Field
            label="Address line 2 (optional)"
            name={A.line2}
            autoComplete="address-line2"
            error={form.errors[A.line2]}
          />
          <Field label="City" name={A.city} autoComplete="address-level2" error={form.errors[A.city]} />
          <Field
            label="Postal code"
            name={A.postalCode}
            autoComplete="postal-code"
            error={form.errors[A.postalCode]}
            className="short-input"
          />
          <SelectField
            label="Country"
            name={A.country}
            autoComplete="country"
            defaultValue="US"
            error={form.errors[A.country]}
          >
            {countries().map(({ code, name }) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
          </SelectField>
        </fieldset>
        <fieldset>
          <legend>Payment card (test mode)</legend>
          <p className="hint">The shop runs in test mode: pick a test card to see what happens. No money moves.</p>
          {TEST_CARDS.map((card, i) => (
            <label key={card.token} className="radio">
              <input type="radio" name="card" value={card.token} defaultChecked={i === 0} /> {card.label}
            </label>
          ))}
          {form.errors['paymentMethod.token'] && <p className="field-error">{form.errors['paymentMethod.token']}</p>}
        </fieldset>
        <ErrorMessage>{form.errors._form}</ErrorMessage>
        {mayRetry && (
          <p className="hint">Try again: if the first attempt got through, you get that order, not a second one.</p>
        )}
        {unavailable && <ErrorMessage>Some items are no longer sold: remove them from your cart first.</ErrorMessage>}
        <button type="submit" className="primary-action" disabled={place.isPending || unavailable}>
          {place.isPending ? 'Placing order…' : 'Place order'}
        </button>
      </form>
    </div>
  );
};

/** Checkout (signed-in shoppers): the cart, a shipping address and a test card, then one order. */
export const CheckoutPage = () => (
  <>
    <PageHeading>Checkout</PageHeading>
    <SignedInOnly>{(user) => <Checkout user={user} />}</SignedInOnly>
  </>
);
