import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProductIndex, type Query, type Source } from './engine';

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
        aggregations: {
          category: { buckets: Object.entries(found.category).map(([key, doc_count]) => ({ key, doc_count })) },
          brand: { buckets: Object.entries(found.brand).map(([key, doc_count]) => ({ key, doc_count })) },
          price: {
            buckets: found.price.map(({ key, from, to, count }) => ({
              key,
              from,
              ...(to !== undefined && { to }),
              doc_count: count,
            })),
          },
        },
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

const SORT_FIELDS: Record<string, Query['sort']['field']> = {
  'name.exact': 'name',
  priceCents: 'priceCents',
  updatedAt: 'updatedAt',
};

/** Reads the adapter's _search body into the engine's query; a string is the reason it cannot. */
export const toQuery = (body: unknown): Query | string => {
  const request = asObject(body);
  const bool = asObject(asObject(request.query).bool);
  const multiMatch = asObject(asObject(asArray(bool.must)[0]).multi_match);
  const exactTerm = asObject(asObject(asObject(asArray(bool.should)[0]).term)['name.exact']);
  const query: Query = {
    text: typeof multiMatch.query === 'string' ? multiMatch.query : '',
    ...(typeof exactTerm.value === 'string' && { exactName: exactTerm.value }),
    sort: { field: 'score', descending: true },
    from: Number(request.from ?? 0),
    size: Number(request.size ?? 10),
    priceRanges: [],
    facetSize: 10,
  };
  for (const filter of asArray(bool.filter)) {
    const term = asObject(asObject(filter).term);
    const range = asObject(asObject(asObject(filter).range).priceCents);
    if (typeof term.categoryId === 'string') query.categoryId = term.categoryId;
    else if (typeof term.brand === 'string') query.brand = term.brand;
    else if (Object.keys(range).length > 0) {
      if (typeof range.gte === 'number') query.minCents = range.gte;
      if (typeof range.lte === 'number') query.maxCents = range.lte;
    } else return `unsupported filter ${JSON.stringify(filter)}`;
  }
  const firstSort = asArray(request.sort)[0];
  if (firstSort !== undefined && firstSort !== '_score') {
    const [field, direction] = Object.entries(asObject(firstSort))[0] ?? [];
    const mapped = field === undefined ? undefined : SORT_FIELDS[field];
    if (!mapped) return `unsupported sort ${JSON.stringify(firstSort)}`;
    query.sort = { field: mapped, descending: direction === 'desc' };
  }
  const aggs = asObject(request.aggs);
  query.facetSize = Number(asObject(asObject(aggs.category).terms).size ?? 10);
  query.priceRanges = asArray(asObject(asObject(aggs.price).range).ranges).map((value) => {
    const range = asObject(value);
    return {
      key: String(range.key ?? `${range.from ?? '*'}-${range.to ?? '*'}`),
      from: Number(range.from ?? 0),
      ...(typeof range.to === 'number' && { to: range.to }),
    };
  });
  return query;
};
