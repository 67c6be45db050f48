import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchRequestError, signedTransport } from '../../../functions/search/transport';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
/** Answers per request, in order: [status, body]; then 200 {}. */
const answers: [number, unknown][] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    const [status, body] = answers.shift() ?? [200, {}];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
});
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const transport = () =>
  signedTransport({
    endpoint,
    region: 'eu-west-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' }),
  });

describe('the signed search transport', () => {
  it('signs every request for the es service with the credentials, and sends JSON', async () => {
    seen.length = 0;
    answers.push([200, { hits: { total: { value: 0 }, hits: [] } }]);
    const response = await transport().request({ method: 'POST', path: '/products/_search', body: { size: 1 } });

    expect(response).toEqual({ statusCode: 200, body: { hits: { total: { value: 0 }, hits: [] } } });
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', url: '/products/_search', body: '{"size":1}' });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-security-token']).toBe('token');
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('sends a bulk body as JSON lines', async () => {
    seen.length = 0;
    await transport().request({ method: 'POST', path: '/_bulk', bulkBody: [{ index: { _id: 'a' } }, { name: 'A' }] });
    expect(seen[0]?.body).toBe('{"index":{"_id":"a"}}\n{"name":"A"}\n');
  });

  it('answers an ignored status, throws on any other failure, and tries again after a 503', async () => {
    answers.push([404, { error: { type: 'index_not_found_exception' } }]);
    await expect(transport().request({ method: 'GET', path: '/_alias/products' }, { ignore: [404] })).resolves.toEqual({
      statusCode: 404,
      body: { error: { type: 'index_not_found_exception' } },
    });

    answers.push([400, { error: { type: 'parsing_exception' } }]);
    await expect(transport().request({ method: 'POST', path: '/products/_search', body: {} })).rejects.toBeInstanceOf(
      SearchRequestError,
    );

    seen.length = 0;
    answers.push([503, {}], [200, { acknowledged: true }]);
    await expect(transport().request({ method: 'PUT', path: '/products', body: {} })).resolves.toEqual({
      statusCode: 200,
      body: { acknowledged: true },
    });
    expect(seen).toHaveLength(2);
  });
});
