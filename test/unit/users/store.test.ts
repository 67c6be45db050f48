import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableName } from '../../../functions/shared/config';
import { EmailTakenError, UserNotFoundError } from '../../../functions/users/errors';
import { type UserRecord, type UsersStore, usersStore } from '../../../functions/users/store';
import { type LocalTables, startLocalDynamo } from '../support/dynamo-local';

// The real store against DynamoDB Local: the email guard's transaction and the version condition are DynamoDB's.
let local: LocalTables;
let store: UsersStore;

beforeAll(async () => {
  local = await startLocalDynamo();
  store = usersStore(local.client);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const user = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  id: `usr_${randomUUID()}`,
  email: `${randomUUID()}@example.com`,
  first_name: 'Ann',
  last_name: 'Lee',
  role: 'customer',
  passwordHash: '$2b$12$not-a-real-hash',
  tokenVersion: 0,
  created_at: '2026-03-01T00:00:00.000Z',
  updated_at: '2026-03-01T00:00:00.000Z',
  ...overrides,
});

const item = async (pk: string, sk: string) =>
  (await local.client.send(new GetCommand({ TableName: tableName('users'), Key: { pk, sk } }))).Item;

describe('the users store', () => {
  it('creates a user, found by id and by email, without its keys', async () => {
    const record = user();
    await store.create(record);
    expect(await store.getById(record.id)).toEqual(record);
    expect(await store.getByEmail(record.email)).toEqual(record);
    expect(await store.getByEmail(`${randomUUID()}@example.com`)).toBeUndefined();
  });

  it('gives an email to one user only: the second create fails whole, its profile is not written', async () => {
    const first = user();
    await store.create(first);
    const second = user({ email: first.email });
    await expect(store.create(second)).rejects.toBeInstanceOf(EmailTakenError);
    expect(await store.getById(second.id)).toBeUndefined();
    expect((await store.getByEmail(first.email))?.id).toBe(first.id);
  });

  it('lets one of two concurrent sign-ups with the same email win', async () => {
    const email = `${randomUUID()}@example.com`;
    const outcomes = await Promise.allSettled([store.create(user({ email })), store.create(user({ email }))]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')?.reason).toBeInstanceOf(EmailTakenError);
  });

  it('updates the given profile fields of an existing user only', async () => {
    const record = user();
    await store.create(record);
    const now = new Date('2026-03-02T00:00:00.000Z');
    const updated = await store.updateProfile(record.id, { first_name: 'Anne', last_name: undefined }, now);
    expect(updated).toEqual({ ...record, first_name: 'Anne', updated_at: now.toISOString() });

    const missing = `usr_${randomUUID()}`;
    await expect(store.updateProfile(missing, { first_name: 'X' }, now)).rejects.toBeInstanceOf(UserNotFoundError);
    // The condition kept the update from creating a half profile.
    expect(await item(`USER#${missing}`, 'PROFILE')).toBeUndefined();
  });

  it('changes the password and bumps the token version, only from the version it was read at', async () => {
    const record = user();
    await store.create(record);
    const now = new Date('2026-03-02T00:00:00.000Z');
    const changed = await store.changePassword(record, '$2b$12$new', now);
    expect(changed).toMatchObject({ passwordHash: '$2b$12$new', tokenVersion: 1, updated_at: now.toISOString() });
    // A change based on the old read loses.
    expect(await store.changePassword(record, '$2b$12$stale', now)).toBeUndefined();
    expect(await store.getById(record.id)).toMatchObject({ passwordHash: '$2b$12$new', tokenVersion: 1 });
    expect((await store.sessionState(record.id, randomUUID())).user?.tokenVersion).toBe(1);
  });

  it('lets one of two concurrent password changes win', async () => {
    const record = user();
    await store.create(record);
    const now = new Date('2026-03-02T00:00:00.000Z');
    const outcomes = await Promise.all([
      store.changePassword(record, '$2b$12$a', now),
      store.changePassword(record, '$2b$12$b', now),
    ]);
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
    expect((await store.getById(record.id))?.tokenVersion).toBe(1);
  });

  it('revokes one token until it expires, leaving the user and other tokens alone', async () => {
    const record = user({ role: 'admin' });
    await store.create(record);
    const [revoked, kept] = [randomUUID(), randomUUID()];
    expect(await store.sessionState(record.id, revoked)).toEqual({
      user: { role: 'admin', tokenVersion: 0 },
      revoked: false,
    });
    await store.revoke(record.id, revoked, 2_000_000_000);
    expect(await store.sessionState(record.id, revoked)).toEqual({
      user: { role: 'admin', tokenVersion: 0 },
      revoked: true,
    });
    expect((await store.sessionState(record.id, kept)).revoked).toBe(false);
    // DynamoDB's TTL removes the record once the token would have expired anyway.
    expect(await item(`USER#${record.id}`, `REVOKED#${revoked}`)).toMatchObject({ expiresAt: 2_000_000_000 });
    expect(await store.getById(record.id)).toEqual(record);
  });

  it('has no user in the session state of an unknown id', async () => {
    expect(await store.sessionState(`usr_${randomUUID()}`, randomUUID())).toEqual({ revoked: false });
  });
});
