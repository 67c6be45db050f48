import { randomUUID } from 'node:crypto';

/**
 * Customers in bulk, written with the platform's users store and signed in with its session
 * issuer, so no bcrypt hash is paid per customer (cost 12 is ~0.5 s each on the sandbox's one
 * event loop). The caller points the AWS SDK at the sandbox first (USERS_TABLE,
 * SIGNING_KEY_SECRET_ARN and the DynamoDB and Secrets Manager endpoints).
 */
export const createBulkCustomers = async (count: number, label = 'bulk') => {
  const [{ usersStore }, { issueToken }] = await Promise.all([
    import('../../functions/users/store'),
    import('../../functions/users/sessions'),
  ]);
  const users = usersStore();
  const now = new Date().toISOString();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const id = `usr_${randomUUID()}`;
      const record = {
        id,
        email: `${label}-${id}@example.com`,
        first_name: 'Bulk',
        last_name: 'Buyer',
        role: 'customer' as const,
        // Not the hash of any password: these accounts never log in, they get tokens directly.
        passwordHash: '$2b$12$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva',
        tokenVersion: 0,
        created_at: now,
        updated_at: now,
      };
      await users.create(record);
      return { userId: id, token: (await issueToken(record)).token };
    }),
  );
};

/** The environment that points the platform's own code, run in a test process, at a sandbox. */
export const sandboxAwsEnvironment = (endpoint: string) => ({
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  USERS_TABLE: 'shop-users',
  SIGNING_KEY_SECRET_ARN: 'shop/jwt-signing-key',
});
