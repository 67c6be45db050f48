import { api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { platformStore } from '../../store';

const store = platformStore();

/** 200 when the function can reach its data; any failure surfaces as a 500 from the error mapping. */
const health = async () => {
  await store.probe();
  return ok({ status: 'ok', services: { dynamodb: 'ok' } });
};

export const handler = api(health);
