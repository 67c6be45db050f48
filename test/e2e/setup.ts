import path from 'node:path';
import { beforeEach } from 'vitest';
import { PUBLIC_ROUTE_FILES } from './public-route-files';
import { has } from './target';

// Where the routes behind the authorizer are not deployed (LocalStack's community edition), only the files that
// call public routes alone run; the rest are skipped, saying why.
beforeEach((context) => {
  if (has('authorizer') || PUBLIC_ROUTE_FILES.includes(path.basename(context.task.file.name))) return;
  context.skip('needs the routes behind the Lambda authorizer, which this target does not deploy (public-routes-only)');
});
