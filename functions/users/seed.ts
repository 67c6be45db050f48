import { demoUsers } from '../../lib/spec/demo-users';
import { createUser, type UsersDeps } from './service';

/** Creates the demo accounts that do not exist yet; an existing account (and its password) is left alone. */
export const seedDemoUsers = async (deps: Pick<UsersDeps, 'users'>): Promise<number> => {
  const created = await Promise.all(
    demoUsers.map(async ({ role, ...body }) => {
      if (await deps.users.getByEmail(body.email)) return false;
      await createUser(deps, body, role);
      return true;
    }),
  );
  return created.filter(Boolean).length;
};
