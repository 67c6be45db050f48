/**
 * The search context's settings. functions/shared/config.ts has no search entry yet, so the two
 * variables are read here, failing fast like it does.
 */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

export const searchConfig = {
  /** The OpenSearch endpoint (https://... in AWS, set by CDK from the domain; the sandbox's own locally). */
  get endpoint() {
    return required('SEARCH_ENDPOINT');
  },
  get region() {
    return required('AWS_REGION');
  },
  /** One index per stage; an alias-free name keeps the signed requests simple. */
  get indexName() {
    return process.env.SEARCH_INDEX ?? 'products';
  },
};
