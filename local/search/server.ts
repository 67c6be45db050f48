import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Aggregation,
  type Bucket,
  type Filter,
  type Hits,
  ProductIndex,
  type Query,
  type SortKey,
  type Source,
} from './engine';

/**
 * The sandbox's search endpoint: the few OpenSearch REST calls the search adapter makes (index
 * create/exists/delete, aliases, document put/delete, _bulk, _search with the adapter's query shape), answered
 * from Orama, so the functions use the very same adapter here as against an OpenSearch domain.
 * SigV4 headers are accepted and not checked, as with the sandbox's other AWS endpoints.
 */
export class LocalSearchService {
  private readonly indexes = new Map<string, ProductIndex>();
  /** Alias -> the indexes it names (the adapter keeps one). */
  private readonly aliases = new Map<string, string[]>();
  private server: http.Server | undefined;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.json(res, 500, { error: { type: 'exception', reason: String(error) }, status: 500 });
        else res.end();
      });
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Documents per index, under the alias that names it if any, for the health check and the benchmark. */
  stats(): Record<string, number> {
    const aliasOf = (name: string) => [...this.aliases].find(([, indexes]) => indexes.includes(name))?.[0];
    return Object.fromEntries([...this.indexes].map(([name, index]) => [aliasOf(name) ?? name, index.size]));
  }

  /** The index a name stands for: an index's own name, or an alias naming exactly one index. */
  private resolve(name: string): { index?: ProductIndex; name: string } {
    const own = this.indexes.get(name);
    if (own) return { index: own, name };
    const [target, ...more] = this.aliases.get(name) ?? [];
    if (target === undefined || more.length > 0) return { name };
    return { index: this.indexes.get(target), name: target };
  }

  private dropIndex(name: string) {
    this.indexes.delete(name);
    for (const [alias, indexes] of this.aliases) {
      const rest = indexes.filter((index) => index !== name);
      if (rest.length > 0) this.aliases.set(alias, rest);
      else this.aliases.delete(alias);
    }
  }

  private addAlias(alias: string, index: string) {
    const indexes = this.aliases.get(alias) ?? [];
    if (!indexes.includes(index)) this.aliases.set(alias, [...indexes, index]);
  }

  /** POST /_aliases: add, remove and remove_index actions, checked first, then applied together. */
  private updateAliases(res: ServerResponse, text: string) {
    const actions = asArray(asObject(JSON.parse(text || '{}')).actions).map(asObject);
    for (const action of actions) {
      const [kind, spec] = Object.entries(action)[0] ?? [];
      const { index, alias } = asObject(spec);
      if (typeof index !== 'string' || !this.indexes.has(index)) {
        return this.error(res, 404, 'index_not_found_exception', `no such index [${String(index)}]`);
      }
      if (kind === 'remove' && !this.aliases.get(String(alias))?.includes(index)) {
        return this.error(res, 404, 'aliases_not_found_exception', `aliases [${String(alias)}] missing`);
      }
      if (!['add', 'remove', 'remove_index'].includes(String(kind)) || (kind !== 'remove_index' && !alias)) {
        return this.error(res, 400, 'illegal_argument_exception', `unsupported alias action ${JSON.stringify(action)}`);
      }
    }
    for (const action of actions) {
      const [kind, spec] = Object.entries(action)[0] ?? [];
      const { index, alias } = asObject(spec) as { index: string; alias: string };
      if (kind === 'add') this.addAlias(alias, index);
      if (kind === 'remove') {
        const rest = (this.aliases.get(alias) ?? []).filter((name) => name !== index);
        if (rest.length > 0) this.aliases.set(alias, rest);
        else this.aliases.delete(alias);
      }
      if (kind === 'remove_index') this.dropIndex(index);
    }
    return this.json(res, 200, { acknowledged: true });
  }

  private json(res: ServerResponse, status: number, body?: unknown) {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, type: string, reason: string) {
    this.json(res, status, { error: { root_cause: [{ type, reason }], type, reason }, status });
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const segments = new URL(req.url ?? '/', 'http://search').pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const [first, second, third] = segments;

    if (first === '_bulk' && method === 'POST') return this.bulk(res, text);
    if (first === undefined) return this.json(res, 200, { version: { distribution: 'opensearch', number: '2.19.0' } });
    if (first === '_aliases' && method === 'POST') return this.updateAliases(res, text);
    if (first === '_alias' && second !== undefined && method === 'GET') {
      const indexes = this.aliases.get(second);
      if (!indexes) return this.error(res, 404, 'aliases_not_found_exception', `alias [${second}] missing`);
      return this.json(res, 200, Object.fromEntries(indexes.map((name) => [name, { aliases: { [second]: {} } }])));
    }
    if (segments.length === 1) {
      if (method === 'HEAD') return this.json(res, this.resolve(first).index ? 200 : 404);
      if (method === 'PUT') {
        if (this.indexes.has(first) || this.aliases.has(first)) {
          return this.error(res, 400, 'resource_already_exists_exception', `index [${first}] already exists`);
        }
        this.indexes.set(first, new ProductIndex());
        for (const alias of Object.keys(asObject(asObject(JSON.parse(text || '{}')).aliases)))
          this.addAlias(alias, first);
        return this.json(res, 200, { acknowledged: true, shards_acknowledged: true, index: first });
      }
      if (method === 'DELETE') {
        if (!this.indexes.has(first))
          return this.error(res, 404, 'index_not_found_exception', `no such index [${first}]`);
        this.dropIndex(first);
        return this.json(res, 200, { acknowledged: true });
      }
    }
    const { index, name } = this.resolve(first);
    if (!index) return this.error(res, 404, 'index_not_found_exception', `no such index [${first}]`);
    if (second === '_doc' && third !== undefined) {
      if (method === 'PUT' || method === 'POST') {
        const result = await index.upsert({ ...(JSON.parse(text) as Source), id: third });
        return this.json(res, result === 'created' ? 201 : 200, { _index: name, _id: third, result });
      }
      if (method === 'DELETE') {
        const removed = await index.remove(third);
        return this.json(res, removed ? 200 : 404, {
          _index: name,
          _id: third,
          result: removed ? 'deleted' : 'not_found',
        });
      }
    }
    if (second === '_search' && (method === 'POST' || method === 'GET') && segments.length === 2) {
      const query = toQuery(text ? JSON.parse(text) : {});
      if (typeof query === 'string') return this.error(res, 400, 'parsing_exception', query);
      const started = Date.now();
      const found = await index.search(query);
      return this.json(res, 200, {
        took: Date.now() - started,
        timed_out: false,
        hits: {
          total: { value: found.total, relation: 'eq' },
          hits: found.hits.map((source) => ({ _index: name, _id: source.id, _source: source })),
        },
        ...(Object.keys(query.aggs).length > 0 && { aggregations: aggregationsOf(query, found) }),
      });
    }
    return this.error(
      res,
      400,
      'illegal_argument_exception',
      `The sandbox's search does not support ${method} ${req.url}`,
    );
  }

  private async bulk(res: ServerResponse, text: string) {
    const lines = text.split('\n').filter((line) => line.trim());
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i] ?? '{}') as { index?: { _index: string; _id: string } };
      if (!action.index) return this.error(res, 400, 'illegal_argument_exception', 'only index actions are supported');
      const { _id } = action.index;
      let { index, name: _index } = this.resolve(action.index._index);
      if (!index) {
        // As OpenSearch does, a write to a name that is neither an index nor an alias creates that index.
        index = new ProductIndex();
        this.indexes.set(_index, index);
      }
      const result = await index.upsert({ ...(JSON.parse(lines[i + 1] ?? '{}') as Source), id: _id });
      items.push({ index: { _index, _id, result, status: result === 'created' ? 201 : 200 } });
    }
    return this.json(res, 200, { took: 0, errors: false, items });
  }
}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const SORT_FIELDS: Record<string, SortKey['field']> = {
  'name.exact': 'name',
  priceCents: 'priceCents',
  updatedAt: 'updatedAt',
  id: 'id',
};

const unsupported = (what: string, value: unknown) => `unsupported ${what} ${JSON.stringify(value)}`;

/** A range on whole cents as the engine takes it, both ends included; a string if it is not one. */
const toRange = (value: unknown): { min: number; max: number } | string => {
  const range = asObject(value);
  const bounds = Object.entries(range);
  if (bounds.some(([name, bound]) => !['gte', 'gt', 'lte', 'lt'].includes(name) || typeof bound !== 'number')) {
    return unsupported('range', value);
  }
  const { gte, gt, lte, lt } = range as Record<string, number | undefined>;
  return {
    min: gte !== undefined ? Math.ceil(gte) : gt !== undefined ? Math.floor(gt) + 1 : Number.MIN_SAFE_INTEGER,
    max: lte !== undefined ? Math.floor(lte) : lt !== undefined ? Math.ceil(lt) - 1 : Number.MAX_SAFE_INTEGER,
  };
};

/**
 * Reads a filter clause of the adapter's into the filters that must all hold: `match_all`, `term`/`terms` on
 * categoryId or brand, `range` on priceCents, and `bool` of them (filter/must all hold; should, any of
 * clauses on one field); a string is the reason it cannot.
 */
export const toFilters = (clause: unknown): Filter[] | string => {
  const entries = Object.entries(asObject(clause));
  const [kind, spec] = entries[0] ?? [];
  if (entries.length !== 1) return unsupported('filter', clause);
  if (kind === 'match_all') return [];
  if (kind === 'term' || kind === 'terms') {
    const [field, value, ...more] = Object.entries(asObject(spec)).flat();
    const values = kind === 'terms' ? asArray(value) : [typeof value === 'object' ? asObject(value).value : value];
    if ((field !== 'categoryId' && field !== 'brand') || more.length > 0) return unsupported('filter', clause);
    if (!values.every((item): item is string => typeof item === 'string')) return unsupported('filter', clause);
    return [{ field, values }];
  }
  if (kind === 'range') {
    const [field, value, ...more] = Object.entries(asObject(spec)).flat();
    if (field !== 'priceCents' || more.length > 0) return unsupported('filter', clause);
    const range = toRange(value);
    return typeof range === 'string' ? range : [{ field, ranges: [range] }];
  }
  if (kind !== 'bool') return unsupported('filter', clause);
  const bool = asObject(spec);
  if (Object.keys(bool).some((key) => !['filter', 'must', 'should', 'minimum_should_match'].includes(key))) {
    return unsupported('filter', clause);
  }
  const filters: Filter[] = [];
  for (const inner of [...asArray(bool.filter), ...asArray(bool.must)]) {
    const read = toFilters(inner);
    if (typeof read === 'string') return read;
    filters.push(...read);
  }
  const should = asArray(bool.should);
  if (should.length === 0) return filters;
  // Beside filter or must, `should` is optional unless minimum_should_match says otherwise: only "any of" is read.
  const alone = asArray(bool.filter).length + asArray(bool.must).length === 0;
  const anyOf = bool.minimum_should_match === 1 || (bool.minimum_should_match === undefined && alone);
  const alternatives: Filter[] = [];
  for (const option of should) {
    const read = toFilters(option);
    if (typeof read === 'string') return read;
    const [filter, ...more] = read;
    if (!anyOf || !filter || more.length > 0 || (filter.field !== alternatives[0]?.field && alternatives.length > 0)) {
      return unsupported('filter', clause);
    }
    alternatives.push(filter);
  }
  const [first] = alternatives;
  if (first?.field === 'priceCents') {
    filters.push({
      field: first.field,
      ranges: alternatives.flatMap((filter) => ('ranges' in filter ? filter.ranges : [])),
    });
  } else if (first) {
    filters.push({
      field: first.field,
      values: alternatives.flatMap((filter) => ('values' in filter ? filter.values : [])),
    });
  }
  return filters;
};

/** Reads a terms aggregation on category or brand, or a range aggregation on priceCents. */
const toAggregation = (value: unknown): Aggregation | string => {
  const spec = asObject(value);
  const terms = asObject(spec.terms);
  const range = asObject(spec.range);
  if (Object.keys(spec).length !== 1) return unsupported('aggregation', value);
  if (
    (terms.field === 'category' || terms.field === 'brand') &&
    Object.keys(terms).every((key) => key in { field: 1, size: 1 })
  ) {
    return { terms: terms.field, size: Number(terms.size ?? 10) };
  }
  if (range.field === 'priceCents' && Array.isArray(range.ranges)) {
    return {
      ranges: range.ranges.map((item) => {
        const bucket = asObject(item);
        const from = typeof bucket.from === 'number' ? bucket.from : Number.MIN_SAFE_INTEGER;
        return {
          key: String(bucket.key ?? `${bucket.from ?? '*'}-${bucket.to ?? '*'}`),
          from,
          ...(typeof bucket.to === 'number' && { to: bucket.to }),
        };
      }),
    };
  }
  return unsupported('aggregation', value);
};

/** Reads one named aggregation: a bucket aggregation, or a `filter` aggregation around one. */
const toAggs = (value: unknown): Query['aggs'][string] | string => {
  const spec = asObject(value);
  if (!('filter' in spec)) {
    const aggregation = toAggregation(spec);
    return typeof aggregation === 'string' ? aggregation : { filter: [], aggregation };
  }
  const filter = toFilters(spec.filter);
  const inner = Object.entries(asObject(spec.aggs));
  const [name, innerSpec] = inner[0] ?? [];
  if (typeof filter === 'string') return filter;
  if (Object.keys(spec).length !== 2 || inner.length !== 1 || name === undefined) {
    return unsupported('aggregation', value);
  }
  const aggregation = toAggregation(innerSpec);
  return typeof aggregation === 'string' ? aggregation : { filter, inner: name, aggregation };
};

/** Reads the adapter's _search body into the engine's query; a string is the reason it cannot. */
export const toQuery = (body: unknown): Query | string => {
  const request = asObject(body);
  const bool = asObject(asObject(request.query).bool);
  const multiMatch = asObject(asObject(asArray(bool.must)[0]).multi_match);
  const exactTerm = asObject(asObject(asObject(asArray(bool.should)[0]).term)['name.exact']);
  const filter = toFilters({ bool: { filter: asArray(bool.filter) } });
  if (typeof filter === 'string') return filter;
  const postFilter = request.post_filter === undefined ? [] : toFilters(request.post_filter);
  if (typeof postFilter === 'string') return postFilter;
  const query: Query = {
    text: typeof multiMatch.query === 'string' ? multiMatch.query : '',
    ...(typeof exactTerm.value === 'string' && { exactName: exactTerm.value }),
    filter,
    postFilter,
    sort: [{ field: 'score', descending: true }],
    from: Number(request.from ?? 0),
    size: Number(request.size ?? 10),
    aggs: {},
  };
  if (request.sort !== undefined) {
    const sort: SortKey[] = [];
    for (const key of asArray(request.sort)) {
      if (key === '_score') {
        sort.push({ field: 'score', descending: true });
        continue;
      }
      const [field, direction] = Object.entries(asObject(key))[0] ?? [];
      const mapped = field === undefined ? undefined : SORT_FIELDS[field];
      if (!mapped) return unsupported('sort', key);
      sort.push({ field: mapped, descending: direction === 'desc' });
    }
    if (sort.length > 0) query.sort = sort;
  }
  for (const [name, spec] of Object.entries(asObject(request.aggs ?? request.aggregations))) {
    const aggs = toAggs(spec);
    if (typeof aggs === 'string') return aggs;
    query.aggs[name] = aggs;
  }
  return query;
};

const bucketsOf = (buckets: Bucket[]) => buckets.map(({ count, ...bucket }) => ({ ...bucket, doc_count: count }));

/** The response's aggregations, shaped as OpenSearch shapes them: a filter aggregation nests its own. */
const aggregationsOf = (query: Query, found: Hits) =>
  Object.fromEntries(
    Object.entries(query.aggs).map(([name, { inner }]) => {
      const { count, buckets } = found.aggs[name] ?? { count: 0, buckets: [] };
      return [
        name,
        inner === undefined
          ? { buckets: bucketsOf(buckets) }
          : { doc_count: count, [inner]: { buckets: bucketsOf(buckets) } },
      ];
    }),
  );
