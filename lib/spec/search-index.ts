/**
 * The product index's settings and mapping. Apart from the adapter so that CDK can read it without loading
 * the client: a change of it makes the deploy rebuild the index (lib/stateless-stack.ts).
 */

/** The index setup resource's property that carries a digest of the definition below. */
export const MAPPING_PROPERTY = 'mapping';

/** Ids, brands and categories match exactly (case aside); names match by words, word prefixes and typos. */
export const indexDefinition = {
  settings: {
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
