/**
 * Rebuilds the product search index from the catalog table: `node --import tsx bin/reindex.ts`. Searches keep
 * answering from the old index until the new one takes over.
 * Uses the same environment as the functions: CATALOG_TABLE, SEARCH_ENDPOINT, AWS_REGION (and, for
 * the sandbox, AWS_ENDPOINT_URL_DYNAMODB with its throw-away credentials).
 */
import { catalogSource } from '../functions/search/deps';
import { defaultSearchIndex } from '../functions/search/opensearch';
import { rebuildIndex } from '../functions/search/service';

const started = Date.now();
const { indexed, resynced } = await rebuildIndex(defaultSearchIndex(), catalogSource);
console.log(
  `Indexed ${indexed} products in ${((Date.now() - started) / 1000).toFixed(1)} s (${resynced} changed meanwhile, synced after)`,
);
