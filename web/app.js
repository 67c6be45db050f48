// Storefront: browses the catalog through the public API. Text from the API is set with
// textContent, never as HTML.
const API = '/api/v1';
const view = document.getElementById('view');
const categoryNames = new Map();
const money = (amount, currency) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

const getJson = async (path) => {
  const response = await fetch(`${API}${path}`, { headers: { Accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `Request failed (${response.status})`);
  return body;
};

const showError = (error) => view.replaceChildren(el('p', { className: 'error', textContent: error.message }));

const productCard = (p) =>
  el(
    'li',
    {},
    el(
      'a',
      { href: `#/products/${encodeURIComponent(p.id)}` },
      el('img', { className: 'cover', src: p.images[0] ?? '', alt: '', loading: 'lazy' }),
      el(
        'div',
        { className: 'card-body' },
        el('div', { textContent: p.name }),
        el('div', { className: 'muted', textContent: `${p.brand} · ${p.category}` }),
        el('div', { className: 'price', textContent: money(p.price, p.currency) }),
      ),
    ),
  );

const filtersForm = (params) => {
  const form = el('form', { className: 'filters' });
  const field = (label, input) => el('label', {}, label, input);
  const sort = el('select', { name: 'sort' });
  for (const [value, text] of [
    ['name', 'Name A–Z'],
    ['-name', 'Name Z–A'],
    ['price', 'Price low–high'],
    ['-price', 'Price high–low'],
  ]) {
    sort.append(el('option', { value, textContent: text, selected: params.get('sort') === value }));
  }
  form.append(
    field('Sort', sort),
    field(
      'Min price',
      el('input', { name: 'minPrice', type: 'number', min: '0', step: '0.01', value: params.get('minPrice') ?? '' }),
    ),
    field(
      'Max price',
      el('input', { name: 'maxPrice', type: 'number', min: '0', step: '0.01', value: params.get('maxPrice') ?? '' }),
    ),
    el('button', { type: 'submit', textContent: 'Apply' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    for (const [key, value] of new FormData(form)) {
      if (value) next.set(key, String(value));
      else next.delete(key);
    }
    location.hash = `#/?${next}`;
  });
  return form;
};

/** A product grid filled a page at a time from a list endpoint; `firstPage` sees the first page's answer. */
const pagedGrid = (endpoint, params, emptyText, firstPage = () => {}) => {
  const grid = el('ul', { className: 'grid' });
  const more = el('button', { type: 'button', textContent: 'Load more', hidden: true });
  let cursor = null;
  const load = async () => {
    const query = new URLSearchParams(params);
    query.set('limit', '12');
    if (cursor) query.set('cursor', cursor);
    const page = await getJson(`${endpoint}?${query}`);
    if (!cursor) firstPage(page);
    grid.append(...page.items.map(productCard));
    if (grid.children.length === 0) grid.replaceWith(el('p', { textContent: emptyText }));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load().catch(showError));
  return { grid, more, load };
};

const listPage = async (params) => {
  const { grid, more, load } = pagedGrid('/products', params, 'No products match.');
  const category = params.get('category');
  const title = category ? (categoryNames.get(category) ?? category) : 'All products';
  view.replaceChildren(el('h1', { textContent: title }), filtersForm(params), grid, more);
  await load();
};

/** The price facet's keys (`100-250`, `1000+`) as the filters they stand for. */
const priceRange = (key) => {
  const [min, max] = key.replace('+', '').split('-');
  return { minPrice: min, maxPrice: max };
};

const priceLabel = (key) => {
  const { minPrice, maxPrice } = priceRange(key);
  const whole = (amount) => money(Number(amount), 'USD').replace(/\.00$/, '');
  return maxPrice ? `${whole(minPrice)} – ${whole(maxPrice)}` : `${whole(minPrice)} and up`;
};

const facetList = (title, counts, params, apply, label = (key) => key) => {
  const entries = Object.entries(counts).filter(([, count]) => count > 0);
  if (entries.length === 0) return null;
  const list = el('ul');
  for (const [key, count] of entries) {
    const next = new URLSearchParams(params);
    apply(next, key);
    next.delete('cursor');
    const active = next.toString() === params.toString();
    list.append(
      el(
        'li',
        {},
        el('a', { href: `#/search?${next}`, textContent: label(key), className: active ? 'active' : '' }),
        el('span', { className: 'muted', textContent: ` ${count}` }),
      ),
    );
  }
  return el('section', {}, el('h2', { textContent: title }), list);
};

const searchPage = async (params) => {
  const q = params.get('q') ?? '';
  document.querySelector('#search input').value = q;
  const summary = el('p', { className: 'muted' });
  const facets = el('aside', { className: 'facets', 'aria-label': 'Refine' });
  const sort = el('select', { name: 'sort', 'aria-label': 'Sort' });
  for (const [value, text] of [
    ['relevance', 'Best match'],
    ['price', 'Price low–high'],
    ['-price', 'Price high–low'],
    ['name', 'Name A–Z'],
    ['newest', 'Newest'],
  ]) {
    sort.append(el('option', { value, textContent: text, selected: (params.get('sort') ?? 'relevance') === value }));
  }
  sort.addEventListener('change', () => {
    const next = new URLSearchParams(params);
    next.set('sort', sort.value);
    location.hash = `#/search?${next}`;
  });
  const filtered = ['category', 'brand', 'minPrice', 'maxPrice'].some((key) => params.has(key));
  const clear = filtered
    ? el('a', { href: `#/search?${new URLSearchParams({ q })}`, textContent: 'Clear filters' })
    : null;
  const showFacets = (page) => {
    summary.textContent = `${page.total} ${page.total === 1 ? 'product' : 'products'}`;
    facets.replaceChildren(
      ...[
        facetList('Category', page.facets.category, params, (next, key) => next.set('category', key)),
        facetList('Brand', page.facets.brand, params, (next, key) => next.set('brand', key)),
        facetList(
          'Price',
          page.facets.price,
          params,
          (next, key) => {
            const { minPrice, maxPrice } = priceRange(key);
            next.set('minPrice', minPrice);
            if (maxPrice) next.set('maxPrice', maxPrice);
            else next.delete('maxPrice');
          },
          priceLabel,
        ),
      ].filter(Boolean),
    );
  };
  const { grid, more, load } = pagedGrid('/search', params, 'Nothing matches your search.', showFacets);
  view.replaceChildren(
    el('h1', { textContent: q ? `Results for “${q}”` : 'All products' }),
    el('div', { className: 'toolbar' }, summary, clear, sort),
    el('div', { className: 'search-layout' }, facets, el('div', {}, grid, more)),
  );
  await load();
};

const productPage = async (id) => {
  const p = await getJson(`/products/${encodeURIComponent(id)}`);
  const attributes = el('dl');
  for (const [key, value] of Object.entries(p.attributes)) {
    attributes.append(el('dt', { textContent: key }), el('dd', { textContent: String(value) }));
  }
  const stock = await getJson(`/inventory/${encodeURIComponent(p.sku)}`).catch(() => null);
  view.replaceChildren(
    el(
      'article',
      { className: 'product' },
      el('img', { className: 'cover', src: p.images[0] ?? '', alt: p.name }),
      el(
        'div',
        {},
        el('h1', { textContent: p.name }),
        el('p', { className: 'muted', textContent: `${p.brand} · ${p.category} · SKU ${p.sku}` }),
        el('p', { className: 'price', textContent: money(p.price, p.currency) }),
        stock ? el('p', { textContent: stock.available > 0 ? 'In stock' : 'Out of stock' }) : null,
        el('p', { textContent: p.description }),
        attributes,
        el('a', { href: '#/', textContent: '← Back to products' }),
      ),
    ),
  );
};

const categoriesNav = async () => {
  const nav = document.getElementById('categories');
  const { items } = await getJson('/categories');
  for (const c of items) categoryNames.set(c.id, c.name);
  nav.replaceChildren(
    el('a', { href: '#/', textContent: 'All' }),
    ...items.map((c) => {
      const link = el('a', { href: `#/?category=${encodeURIComponent(c.id)}`, textContent: c.name });
      link.dataset.category = c.id;
      return link;
    }),
  );
};

/** Marks the nav link of the category listed (null: all products; undefined: no listing, nothing marked). */
const markCategory = (category) => {
  for (const link of document.querySelectorAll('#categories a')) {
    const current = (link.dataset.category ?? null) === category;
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
};

const route = async () => {
  const hash = location.hash.slice(1) || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  markCategory(path === '/' ? (params.get('category') ?? null) : undefined);
  const product = /^\/products\/([^/]+)$/.exec(path);
  try {
    if (product) await productPage(decodeURIComponent(product[1]));
    else if (path === '/search') await searchPage(params);
    else await listPage(params);
  } catch (error) {
    showError(error);
  }
};

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = String(new FormData(event.currentTarget).get('q') ?? '').trim();
  location.hash = `#/search?${new URLSearchParams({ q })}`;
});
window.addEventListener('hashchange', route);
categoriesNav().then(route).catch(showError);
