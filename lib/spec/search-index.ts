/**
 * The product index's settings and mapping. Apart from the adapter so that CDK can read it without loading
 * the client: a change of it makes the deploy rebuild the index (lib/stateless-stack.ts).
 */

/** The ways a function uses the search domain (its `search` binding). */
export type SearchAccess = 'read' | 'index' | 'setup' | 'readwrite';

/** HTTP methods of the OpenSearch REST API, as IAM names them (`es:ESHttp<Method>`). */
type EsMethod = 'Get' | 'Head' | 'Post' | 'Put' | 'Delete';

/**
 * The calls (method and path below the domain, `*` for any rest) each use makes, where `alias` is the index's
 * name (an alias of a concrete index `<alias>-<version>`): functions/search/opensearch.ts makes exactly these.
 */
export const searchCalls = (alias: string): Record<Exclude<SearchAccess, 'readwrite'>, [EsMethod, string][]> => {
  // ensureIndex: HEAD the alias, create a concrete index carrying it, drop a duplicate a racing start made.
  const ensureIndex: [EsMethod, string][] = [
    ['Head', alias],
    ['Put', `${alias}-*`],
    ['Get', `_alias/${alias}`],
    ['Delete', `${alias}-*`],
  ];
  return {
    read: [
      ['Get', `${alias}/_search`],
      ['Post', `${alias}/_search`],
    ],
    index: [...ensureIndex, ['Put', `${alias}/_doc/*`], ['Delete', `${alias}/_doc/*`]],
    // rebuild (a new concrete index, bulk writes, the alias moved) or refill (bulk writes, deleted products removed).
    setup: [...ensureIndex, ['Post', '_bulk'], ['Post', '_aliases'], ['Delete', `${alias}/_doc/*`]],
  };
};

/** The index setup resource's property that carries a digest of the definition below. */
export const MAPPING_PROPERTY = 'mapping';

/** Ids, brands and categories match exactly (case aside); names match by words, word prefixes and typos. */
export const indexDefinition = {
  settings: {
    // A replica per shard once the domain has a second data node, none while it has one: a replica no node can
    // hold keeps the cluster yellow (and its alarm on) for good.
    index: { auto_expand_replicas: '0-1' },
    analysis: {
      filter: { prefix_grams: { type: 'edge_ngram', min_gram: 2, max_gram: 20 } },
      analyzer: { prefix: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'prefix_grams'] } },
      normalizer: { lowercase_keyword: { type: 'custom', filter: ['lowercase'] } },
    },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      id: { type: 'keyword' },
      sku: { type: 'keyword' },
      name: {
        type: 'text',
        fields: {
          prefix: { type: 'text', analyzer: 'prefix', search_analyzer: 'standard' },
          exact: { type: 'keyword', normalizer: 'lowercase_keyword' },
        },
      },
      description: { type: 'text' },
      brand: { type: 'keyword', fields: { text: { type: 'text' } } },
      category: { type: 'keyword', fields: { text: { type: 'text' } } },
      categoryId: { type: 'keyword' },
      priceCents: { type: 'long' },
      currency: { type: 'keyword', index: false },
      images: { type: 'keyword', index: false },
      updatedAt: { type: 'date' },
    },
  },
} as const;
