import { type CancellationReason, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { SkuTakenError } from '../../../functions/catalog/errors';
import { type ChangeMark, dynamoCatalogStore, type ProductRecord } from '../../../functions/catalog/store';

// A collision with another transaction cannot be produced on demand against DynamoDB Local: the store's
// answer to one is checked here on a client that replies as scripted.
beforeAll(() => {
  process.env.CATALOG_TABLE = 'catalog-test';
});

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code): CancellationReason => ({ Code })),
  });

const scripted = (replies: unknown[]) => {
  const tokens: unknown[] = [];
  const client = {
    send: async (command: { input: { ClientRequestToken?: string } }) => {
      tokens.push(command.input.ClientRequestToken);
      const reply = replies.shift();
      if (reply instanceof Error) throw reply;
      return reply ?? {};
    },
  };
  return { store: dynamoCatalogStore(client as unknown as DynamoDBDocumentClient), tokens };
};

const product: ProductRecord = {
  id: 'prod-1',
  sku: 'SKU-1',
  name: 'Lamp',
  description: '',
  priceCents: 1_000,
  currency: 'USD',
  category: 'Audio',
  brand: 'B',
  images: [],
  attributes: {},
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
};
const mark: ChangeMark = { id: 'mark-1', at: product.createdAt, change: 'created', correlationId: 'c' };

describe('creating a product when its transaction collides with another', () => {
  it('tries the same request again until it goes through', async () => {
    const conflict = () => cancelled('None', 'None', 'TransactionConflict');
    const { store, tokens } = scripted([conflict(), conflict(), {}]);
    await store.createProduct(product, mark, []);
    expect(tokens).toEqual(['mark-1', 'mark-1', 'mark-1']);
  });

  it('gives up after 5 tries, with the cancellation', async () => {
    const { store, tokens } = scripted(Array.from({ length: 6 }, () => cancelled('TransactionConflict', 'None')));
    await expect(store.createProduct(product, mark, [])).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(tokens).toHaveLength(5);
  });

  it('answers a taken SKU at once, even beside a conflict', async () => {
    const { store, tokens } = scripted([cancelled('None', 'ConditionalCheckFailed', 'TransactionConflict')]);
    await expect(store.createProduct(product, mark, [])).rejects.toBeInstanceOf(SkuTakenError);
    expect(tokens).toHaveLength(1);
  });

  it('does not try again when nothing transient happened', async () => {
    const { store, tokens } = scripted([cancelled('None', 'None', 'ValidationError')]);
    await expect(store.createProduct(product, mark, [])).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(tokens).toHaveLength(1);
  });
});
