import { describe, expect, it } from 'vitest';
import { call, type ErrorBody } from './http';

describe('the gateway', () => {
  it.each(['/api/v1/orders/%zz', '/api/v1/orders/%', '/api/v1/products/%E0%A4%A', '/api/v1/cart/%zz/items'])(
    'answers 400 in the error shape to the malformed percent-encoding of %s',
    async (path) => {
      const reply = await call<ErrorBody>(path);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('BAD_REQUEST');
    },
  );
});
