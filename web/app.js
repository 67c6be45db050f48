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

const listPage = async (params) => {
  const grid = el('ul', { className: 'grid' });
  const more = el('button', { type: 'button', textContent: 'Load more', hidden: true });
  const category = params.get('category');
  const title = category ? (categoryNames.get(category) ?? category) : 'All products';
  view.replaceChildren(el('h1', { textContent: title }), filtersForm(params), grid, more);
  let cursor = null;
  const load = async () => {
    const query = new URLSearchParams(params);
    query.set('limit', '12');
    if (cursor) query.set('cursor', cursor);
    const page = await getJson(`/products?${query}`);
    grid.append(...page.items.map(productCard));
    if (grid.children.length === 0) grid.replaceWith(el('p', { textContent: 'No products match.' }));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load().catch(showError));
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

const markCategory = (params) => {
  for (const link of document.querySelectorAll('#categories a')) {
    const current = (link.dataset.category ?? null) === (params.get('category') ?? null);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
};

const route = async () => {
  const hash = location.hash.slice(1) || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  markCategory(params);
  const product = /^\/products\/([^/]+)$/.exec(path);
  try {
    if (product) await productPage(decodeURIComponent(product[1]));
    else await listPage(params);
  } catch (error) {
    showError(error);
  }
};

window.addEventListener('hashchange', route);
categoriesNav().then(route).catch(showError);
