import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { PRICE_BUCKETS, SEARCH_SORTS, type SearchSort } from '../../../../functions/search/port';
import { joinFacetValues, splitFacetValues } from '../../../../functions/search/schemas';
import { type Facets, useSearch } from '../../api/search';
import { PageHeading } from '../../components/PageHeading';
import { ProductGrid } from '../../components/ProductGrid';
import { ErrorMessage, Loading } from '../../components/Status';

type FacetName = keyof Facets;

const FACETS: { name: FacetName; legend: string }[] = [
  { name: 'category', legend: 'Category' },
  { name: 'brand', legend: 'Brand' },
  { name: 'price', legend: 'Price' },
];

const SORT_LABELS: Record<SearchSort, string> = {
  relevance: 'Best match',
  price: 'Price low to high',
  '-price': 'Price high to low',
  name: 'Name A–Z',
  '-name': 'Name Z–A',
  newest: 'Newest',
};

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** A price bucket key (`0-50`, `100-250`, `1000+`) in words. */
const priceLabel = (key: string) => {
  const range = /^(\d+)-(\d+)$/.exec(key);
  if (range) {
    const [, from, to] = range;
    return from === '0'
      ? `Under ${dollars.format(Number(to))}`
      : `${dollars.format(Number(from))} to ${dollars.format(Number(to))}`;
  }
  const open = /^(\d+)\+$/.exec(key);
  return open ? `${dollars.format(Number(open[1]))} and above` : key;
};

const valueLabel = (facet: FacetName, value: string) => (facet === 'price' ? priceLabel(value) : value);

interface SearchState {
  q: string;
  sort: SearchSort;
  category: string[];
  brand: string[];
  price: string[];
}

const readList = (params: URLSearchParams, name: FacetName): string[] => {
  const text = params.get(name);
  if (!text) return [];
  const values = splitFacetValues(text)
    .map((value) => value.trim())
    .filter(Boolean)
    // A `+` typed into the address bar arrives as a space: `1000+` reads as `1000`.
    .map((value) => (name === 'price' && !value.includes('-') && !value.endsWith('+') ? `${value}+` : value));
  return [...new Set(values)];
};

const readState = (params: URLSearchParams): SearchState => {
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    sort: SEARCH_SORTS.includes(sort as SearchSort) ? (sort as SearchSort) : 'relevance',
    category: readList(params, 'category'),
    brand: readList(params, 'brand'),
    price: readList(params, 'price'),
  };
};

/** Keeps the commas of the list parameters readable: `category=Audio,Gaming` (a comma inside a value is `\,`). */
const encode = (text: string) => encodeURIComponent(text).replace(/%2C/gi, ',');

/** The URL's query string for a state: `?q=&category=Audio,Gaming&price=100-250,1000%2B&sort=price`. */
const toQueryString = (state: SearchState) => {
  const parts = [`q=${encode(state.q)}`];
  for (const { name } of FACETS)
    if (state[name].length > 0) parts.push(`${name}=${encode(joinFacetValues(state[name]))}`);
  if (state.sort !== 'relevance') parts.push(`sort=${state.sort}`);
  return `?${parts.join('&')}`;
};

/** The values a facet offers: those with matches, and those picked (even when nothing matches them now). */
const facetValues = (facet: FacetName, counts: Record<string, number>, picked: string[]) => {
  const values = new Set([...Object.keys(counts).filter((value) => (counts[value] ?? 0) > 0), ...picked]);
  if (facet === 'price') {
    const order = PRICE_BUCKETS.map((bucket) => bucket.key);
    return [...values].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }
  return [...values].sort((a, b) => a.localeCompare(b));
};

/** Search results with multi-select facets, sort and "Load more"; every choice lives in the URL. */
export const SearchPage = () => {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  // The page shows the state picked a moment ago while the URL catches up (the router updates it in a
  // transition, and a controlled checkbox would flick back until then); Back and Forward reset it from the URL.
  const query = params.toString();
  const [state, setState] = useState(() => readState(params));
  const [stateOf, setStateOf] = useState(query);
  if (stateOf !== query) {
    setStateOf(query);
    setState(readState(params));
  }
  const search = useSearch({
    q: state.q,
    category: joinFacetValues(state.category) || undefined,
    brand: joinFacetValues(state.brand) || undefined,
    price: joinFacetValues(state.price) || undefined,
    sort: state.sort,
  });
  const go = (next: Partial<SearchState>) => {
    const picked = { ...state, ...next };
    setState(picked);
    // A filter or sort changes the results, not the page: the scroll position stays.
    navigate({ search: toQueryString(picked) }, { preventScrollReset: true });
  };
  const toggle = (facet: FacetName, value: string, on: boolean) =>
    go({ [facet]: on ? [...state[facet], value] : state[facet].filter((v) => v !== value) });

  const pages = search.data?.pages ?? [];
  const items = pages.flatMap((page) => page.items);
  const first = pages[0];
  const picked = FACETS.flatMap(({ name }) => state[name].map((value) => ({ facet: name, value })));
  const title = state.q ? `Results for “${state.q}”` : 'Search all products';

  return (
    <>
      <PageHeading key={state.q}>{title}</PageHeading>
      <div className="sidebar-layout">
        <aside aria-labelledby="filters-heading" className="filters">
          <h2 id="filters-heading">Filters</h2>
          {FACETS.map(({ name, legend }) => {
            const counts = first?.facets[name] ?? {};
            const values = facetValues(name, counts, state[name]);
            if (values.length === 0) return null;
            return (
              <fieldset key={name} className="facet">
                <legend>{legend}</legend>
                <ul>
                  {values.map((value) => (
                    <li key={value}>
                      <label>
                        <input
                          type="checkbox"
                          checked={state[name].includes(value)}
                          onChange={(event) => toggle(name, value, event.target.checked)}
                        />{' '}
                        {valueLabel(name, value)} ({counts[value] ?? 0})
                      </label>
                    </li>
                  ))}
                </ul>
              </fieldset>
            );
          })}
        </aside>
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" className="visually-hidden">
            Results
          </h2>
          <div className="toolbar">
            <p role="status" className="result-count">
              {first && `${first.total} ${first.total === 1 ? 'product' : 'products'} found`}
            </p>
            <label>
              Sort by{' '}
              <select value={state.sort} onChange={(event) => go({ sort: event.target.value as SearchSort })}>
                {SEARCH_SORTS.map((sort) => (
                  <option key={sort} value={sort}>
                    {SORT_LABELS[sort]}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {picked.length > 0 && (
            <div className="active-filters">
              <ul aria-label="Active filters">
                {picked.map(({ facet, value }) => (
                  <li key={`${facet}:${value}`}>
                    <button type="button" className="chip" onClick={() => toggle(facet, value, false)}>
                      <span className="visually-hidden">Remove filter: </span>
                      {valueLabel(facet, value)} <span aria-hidden="true">×</span>
                    </button>
                  </li>
                ))}
              </ul>
              {picked.length > 1 && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => go({ category: [], brand: [], price: [] })}
                >
                  Clear all filters
                </button>
              )}
            </div>
          )}
          {search.isPending && <Loading label="Searching…" />}
          <ErrorMessage error={search.error} />
          {first && items.length === 0 && (
            <p>No products match. Try other words{picked.length > 0 ? ' or remove a filter' : ''}.</p>
          )}
          <div aria-busy={search.isPlaceholderData || undefined}>
            <ProductGrid
              products={items}
              label="Search results"
              hasMore={Boolean(search.hasNextPage)}
              loadingMore={search.isFetchingNextPage}
              onLoadMore={() => void search.fetchNextPage()}
            />
          </div>
        </section>
      </div>
    </>
  );
};
