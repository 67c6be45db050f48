import { type FormEvent, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ListStockQuery, SetStockBody, SkuParams, type Stock } from '../../../../functions/inventory/schemas';
import { useAdminInventory, useAdminStock, useSetStock } from '../../api/admin';
import { isApiError } from '../../api/client';
import { Field, formValues, useSchemaForm } from '../../components/forms';
import { ErrorMessage, Loading } from '../../components/Status';
import { TableScroll } from '../../components/TableScroll';
import { AdminHeading, LoadMore } from '../components';

/** One SKU's row: its `available` edited in place, saved on its own. */
const StockRow = ({ stock }: { stock: Stock }) => {
  const id = useId();
  const [value, setValue] = useState(String(stock.available));
  const save = useSetStock();
  const form = useSchemaForm(SetStockBody);
  const [saved, setSaved] = useState(false);
  const error = form.errors.available ?? form.errors._form;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const text = value.trim();
    const body = form.validate({ available: text === '' ? undefined : Number(text) });
    if (!body) return;
    save.mutate(
      { sku: stock.sku, body },
      {
        onSuccess: (next) => {
          setValue(String(next.available));
          setSaved(true);
        },
        onError: (error) => form.showApiError(error),
      },
    );
  };
  return (
    <tr>
      <th scope="row">{stock.sku}</th>
      <td>
        <form ref={form.ref} className="inline-form" onSubmit={submit} noValidate>
          <label htmlFor={`${id}-available`} className="visually-hidden">
            Available for {stock.sku}
          </label>
          <input
            id={`${id}-available`}
            name="available"
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            className="quantity"
            value={value}
            onChange={(event) => {
              setValue(event.target.value);
              setSaved(false);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <button type="submit" className="secondary" disabled={save.isPending}>
            Save<span className="visually-hidden"> stock of {stock.sku}</span>
          </button>
          <span role="status" className="notice">
            {saved ? 'Saved' : ''}
          </span>
          {error && (
            <small id={`${id}-error`} className="field-error">
              {error}
            </small>
          )}
        </form>
      </td>
      <td className="num">{stock.reserved}</td>
    </tr>
  );
};

const StockTable = ({ items, caption }: { items: Stock[]; caption: string }) => (
  <TableScroll label={caption}>
    <table className="stock-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">SKU</th>
          <th scope="col">Available</th>
          <th scope="col" className="num">
            Reserved
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((stock) => (
          <StockRow key={stock.sku} stock={stock} />
        ))}
      </tbody>
    </table>
  </TableScroll>
);

const OneSku = ({ sku }: { sku: string }) => {
  const stock = useAdminStock(sku);
  if (stock.isPending) return <Loading label={`Looking up ${sku}…`} />;
  if (isApiError(stock.error, 404)) return <p role="status">No stock record for SKU {sku}.</p>;
  if (stock.isError) return <ErrorMessage error={stock.error} />;
  return <StockTable items={[stock.data]} caption={`Stock of SKU ${sku}`} />;
};

const StockList = ({ below }: { below: number | undefined }) => {
  const stock = useAdminInventory({ below });
  const items = stock.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      {stock.isPending && <Loading label="Loading stock…" />}
      <ErrorMessage error={stock.error} />
      {stock.isSuccess && (
        <p role="status">
          {items.length === 0
            ? below === undefined
              ? 'No stock records yet.'
              : `Every SKU has ${below} or more available.`
            : below === undefined
              ? `${items.length}${stock.hasNextPage ? '+' : ''} SKUs, in the table's order.`
              : `${items.length}${stock.hasNextPage ? '+' : ''} SKUs with fewer than ${below} available.`}
        </p>
      )}
      {items.length > 0 && (
        <StockTable
          items={items}
          caption={below === undefined ? 'Stock of every SKU' : `SKUs with fewer than ${below} available`}
        />
      )}
      <LoadMore
        hasMore={Boolean(stock.hasNextPage)}
        loading={stock.isFetchingNextPage}
        onLoadMore={() => void stock.fetchNextPage()}
      />
    </>
  );
};

/** Stock levels: every SKU or those running low, one SKU looked up, and `available` set per row. */
export const StockPage = () => {
  const [params, setParams] = useSearchParams();
  const belowText = params.get('below') ?? '';
  const sku = params.get('sku') ?? '';
  const filter = useSchemaForm(ListStockQuery);
  const lookup = useSchemaForm(SkuParams);
  const parsedBelow = ListStockQuery.safeParse({ below: belowText || undefined });
  const below = parsedBelow.success ? parsedBelow.data.below : undefined;

  const applyFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = (formValues(event.currentTarget).below ?? '').trim();
    if (text === '') {
      filter.clear();
      setParams({});
      return;
    }
    const query = filter.validate({ below: text });
    if (query?.below !== undefined) setParams({ below: String(query.below) });
  };
  const find = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = (formValues(event.currentTarget).sku ?? '').trim();
    const found = lookup.validate({ sku: text });
    if (found) setParams({ sku: found.sku });
  };

  return (
    <>
      <AdminHeading>Stock</AdminHeading>
      <p className="muted">
        Available is what the shop may sell; reserved is held by orders being checked out. A new product starts with
        none available.
      </p>
      <div className="admin-filters">
        <form ref={filter.ref} onSubmit={applyFilter} noValidate aria-label="Filter stock" className="filter-form">
          <Field
            label="Show only below"
            name="below"
            type="number"
            inputMode="numeric"
            min={1}
            className="quantity"
            defaultValue={belowText}
            key={`below-${belowText}`}
            error={filter.errors.below ?? filter.errors._form}
            hint="Leave empty to show every SKU"
          />
          <button type="submit" className="secondary">
            Apply filter
          </button>
        </form>
        <form ref={lookup.ref} onSubmit={find} noValidate aria-label="Find a SKU" className="filter-form">
          <Field
            label="Find a SKU"
            name="sku"
            defaultValue={sku}
            key={`sku-${sku}`}
            error={lookup.errors.sku}
            autoComplete="off"
            spellCheck={false}
          />
          <button type="submit" className="secondary">
            Find
          </button>
        </form>
      </div>
      {(sku || belowText) && (
        <p>
          <Link to="/admin/stock">Show every SKU</Link>
        </p>
      )}
      {sku ? <OneSku sku={sku} /> : <StockList below={below} />}
    </>
  );
};
