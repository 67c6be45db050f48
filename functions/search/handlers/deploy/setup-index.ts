import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { MAPPING_PROPERTY } from '../../../../lib/spec/search-index';
import { logger } from '../../../shared/logger';
import { catalogSource } from '../../deps';
import { defaultSearchIndex } from '../../opensearch';
import { rebuildIndex, refillIndex } from '../../service';

/**
 * Custom resource of every stage with a search domain: on create, makes the product index with its mapping
 * and fills it from the catalog table (the dev stage's sample products, or a shop's existing catalog); on an
 * update that changes the mapping, rebuilds it behind its alias (searches keep working); on any other
 * update, writes every live product again.
 * Deleting the resource leaves the index alone (the domain goes with the data stack).
 */
export const handler = async (event: CloudFormationCustomResourceEvent) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const recreate =
    event.RequestType === 'Update' &&
    event.OldResourceProperties[MAPPING_PROPERTY] !== event.ResourceProperties[MAPPING_PROPERTY];
  const index = defaultSearchIndex();
  const { indexed, resynced } = recreate
    ? await rebuildIndex(index, catalogSource)
    : await refillIndex(index, catalogSource);
  logger.info('product search index set up', { recreate, indexed, resynced });
  return { PhysicalResourceId: 'product-search-index', Data: { indexed } };
};
