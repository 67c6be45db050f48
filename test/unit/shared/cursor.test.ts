import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, keySchema } from '../../../functions/shared/cursor';
import { readPage } from '../../../functions/shared/paging';

const schema = keySchema('catalog', 'byPrice');
const key = { pk: 'PRODUCT#p-1', sk: 'PRODUCT', listPk: 'PRODUCT', priceCents: 1999 };
const forge = (k: unknown, q = 'query') => Buffer.from(JSON.stringify({ k, q })).toString('base64url');
const refused = (cursor: string) => {
  expect(() => decodeCursor(cursor, 'query', schema)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
};

describe('keySchema', () => {
  it("is the table's keys plus the index's, with their types", () => {
    expect(schema).toEqual({ pk: 'S', sk: 'S', listPk: 'S', priceCents: 'N' });
    expect(keySchema('inventory')).toEqual({ pk: 'S', sk: 'S' });
    expect(() => keySchema('orders', 'nope')).toThrow();
  });
});

describe('decodeCursor', () => {
  it('round-trips a key of its query', () => {
    expect(decodeCursor(encodeCursor(key, 'query') as string, 'query', schema)).toEqual(key);
    expect(decodeCursor(undefined, 'query', schema)).toBeUndefined();
  });

  it("refuses another query's cursor and garbage", () => {
    refused(encodeCursor(key, 'other') as string);
    refused('not-a-cursor');
    refused(Buffer.from('[1,2]').toString('base64url'));
    refused(Buffer.from('null').toString('base64url'));
    refused(forge([1, 2]));
  });

  it('refuses a key with wrong value types, empty or oversized strings, or other attributes', () => {
    refused(forge({ ...key, pk: 42 }));
    refused(forge({ ...key, priceCents: '1999' }));
    refused(forge({ ...key, priceCents: null }));
    refused(forge({ ...key, sk: { S: 'PRODUCT' } }));
    refused(forge({ ...key, listPk: '' }));
    refused(forge({ ...key, pk: 'x'.repeat(1025) }));
    refused(forge({ ...key, pk: 'é'.repeat(513) }));
    refused(forge({ pk: key.pk, sk: key.sk, listPk: key.listPk }));
    refused(forge({ ...key, extra: 'x' }));
    refused(`${forge({ pk: key.pk, sk: key.sk, listPk: key.listPk }).slice(0, -1)}`);
    refused(Buffer.from(`{"k":{"pk":"a","sk":"b","listPk":"c","__proto__":1},"q":"query"}`).toString('base64url'));
  });

  it('accepts strings up to 1024 bytes', () => {
    const long = { ...key, pk: 'x'.repeat(1024) };
    expect(decodeCursor(forge(long), 'query', schema)).toEqual(long);
  });
});

describe('readPage from a cursor', () => {
  const validation = Object.assign(new Error('The provided starting key is invalid'), { name: 'ValidationException' });

  it("turns DynamoDB refusing the cursor's start key into INVALID_CURSOR", async () => {
    const read = async () => {
      throw validation;
    };
    await expect(readPage(read, { limit: 2, startKey: { pk: 'x', sk: 'y' }, keyNames: ['pk', 'sk'] })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR', status: 400 }),
    );
  });

  it('leaves other failures, and failures without a cursor, as they are', async () => {
    const read = async () => {
      throw validation;
    };
    await expect(readPage(read, { limit: 2, keyNames: ['pk', 'sk'] })).rejects.toBe(validation);
    const boom = new Error('boom');
    const failing = async () => {
      throw boom;
    };
    await expect(readPage(failing, { limit: 2, startKey: { pk: 'x' }, keyNames: ['pk'] })).rejects.toBe(boom);
  });
});
