import { routes } from '../../../../lib/spec/routes';
import { api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { openApiDocument } from '../../openapi/document';
import { operations } from '../../openapi/operations';

let document: unknown;

/** The OpenAPI description, built once per container: it changes only with a deploy. */
const getOpenApi = async () => {
  document ??= openApiDocument(routes, operations);
  return ok(document, { 'Cache-Control': 'public, max-age=300' });
};

export const handler = api(getOpenApi);
