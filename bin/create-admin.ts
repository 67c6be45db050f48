#!/usr/bin/env node
/**
 * Creates an admin user (or promotes an existing user to admin) against any stage:
 *   npm run create-admin -- --email ops@example.com --stage prod        (password prompted, or ADMIN_PASSWORD)
 *   npm run create-admin -- --email ops@example.com --local             (the sandbox on PORT, default 3000)
 *   npm run create-admin -- --email ops@example.com --table <UsersTableName>
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STAGES, type Stage, stackPrefix } from '../lib/app-config';

const USAGE =
  'Usage: npm run create-admin -- --email <email> (--stage dev|prod | --local | --table <name>) [--first-name A] [--last-name B]';

const fail = (message: string): never => {
  console.error(`\n${message}\n\n${USAGE}\n`);
  process.exit(1);
};

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    stage: { type: 'string' },
    table: { type: 'string' },
    local: { type: 'boolean', default: false },
    'first-name': { type: 'string', default: 'Shop' },
    'last-name': { type: 'string', default: 'Admin' },
  },
});

/** The users table of a deployed stage, from its stack's outputs. */
const tableOfStage = async (stage: Stage): Promise<string> => {
  const cloudFormation = new CloudFormationClient({});
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackPrefix(stage) }));
  const name = Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'UsersTableName')?.OutputValue;
  return name ?? fail(`Stack ${stackPrefix(stage)} has no UsersTableName output: is the stage deployed?`);
};

const readPassword = async (): Promise<string> => {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const password = await prompt.question('Password for the admin (8-128 characters): ');
  prompt.close();
  return password;
};

const main = async () => {
  if (!values.email) fail('--email is required');
  if (values.local) {
    process.env.AWS_ENDPOINT_URL_DYNAMODB ??= `http://127.0.0.1:${process.env.PORT ?? 3000}`;
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    process.env.USERS_TABLE = 'shop-users';
  } else if (values.table) {
    process.env.USERS_TABLE = values.table;
  } else if (values.stage && (STAGES as readonly string[]).includes(values.stage)) {
    process.env.USERS_TABLE = await tableOfStage(values.stage as Stage);
  } else {
    fail('Say where: --stage dev|prod, --local or --table <name>');
  }
  // Loaded once the environment names the table and endpoint.
  const [{ RegisterBody }, { createUser }, { usersStore }, { parse }] = await Promise.all([
    import('../functions/users/schemas'),
    import('../functions/users/service'),
    import('../functions/users/store'),
    import('../functions/shared/validation'),
  ]);
  const users = usersStore();
  const existing = await users.getByEmail(String(values.email).trim().toLowerCase());
  if (existing) {
    if (existing.role === 'admin') return console.log(`${existing.email} is already an admin (${existing.id}).`);
    await users.updateProfile(existing.id, { role: 'admin' }, new Date());
    return console.log(`${existing.email} (${existing.id}) is now an admin.`);
  }
  const body = parse(
    RegisterBody,
    {
      email: values.email,
      password: await readPassword(),
      first_name: values['first-name'],
      last_name: values['last-name'],
    },
    'admin details',
  );
  const user = await createUser({ users }, body, 'admin');
  console.log(`Created admin ${user.email} (${user.id}) in ${process.env.USERS_TABLE}.`);
};

main().catch((error: unknown) => {
  const details = (error as { details?: { path: string; message: string }[] }).details;
  fail(details ? details.map((d) => `${d.path}: ${d.message}`).join('\n') : String(error));
});
