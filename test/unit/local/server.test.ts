import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallCounter, createServer, isLoopback, type ServerParts } from '../../../local/server';

/** Sends one request into the server's handler as if it came from `remote`, and reads the answer. */
const ask = (server: http.Server, remote: string, url: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve) => {
    const socket = new net.Socket();
    Object.defineProperty(socket, 'remoteAddress', { value: remote });
    const req = new http.IncomingMessage(socket);
    Object.assign(req, { url, method: 'GET', headers });
    const res = new http.ServerResponse(req);
    let status = 0;
    res.writeHead = ((code: number) => {
      status = code;
      return res;
    }) as typeof res.writeHead;
    res.end = ((chunk?: unknown) => {
      resolve({ status: status || res.statusCode, body: chunk ? String(chunk) : '' });
      return res;
    }) as typeof res.end;
    server.emit('request', req, res);
    req.push(null);
  });

const secretsAnswer = { status: 200, headers: {}, body: '{"SecretString":"the signing secret"}' };
const parts = {
  services: new Map([['secretsmanager', { signingName: 'secretsmanager', handle: async () => secretsAnswer }]]),
  ses: { list: () => [] },
  eventBridge: { deadLetters: () => [] },
  health: async () => ({ healthy: true, body: { status: 'ok' } }),
  webDir: '/nonexistent',
  log: () => undefined,
  trustForwardedFor: false,
} as unknown as ServerParts;

const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/secretsmanager/aws4_request, Signature=x',
  'x-amz-target': 'secretsmanager.GetSecretValue',
};

describe('the sandbox server exposed beyond loopback (HOST)', () => {
  const server = createServer(parts, new CallCounter());

  it('tells loopback addresses from others', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', 'fe80::1', undefined].some(isLoopback)).toBe(false);
  });

  it('serves the emulated AWS services, /_aws/* and the mailbox to loopback', async () => {
    expect((await ask(server, '127.0.0.1', '/', SIGNED)).body).toContain('the signing secret');
    expect((await ask(server, '::1', '/_aws/ses')).status).toBe(200);
    expect((await ask(server, '127.0.0.1', '/mail')).status).toBe(200);
  });

  it('answers 404 to any other address for them, and still serves the health check', async () => {
    for (const remote of ['10.0.0.5', '::ffff:192.168.1.20']) {
      const secret = await ask(server, remote, '/', SIGNED);
      expect(secret.status).toBe(404);
      expect(secret.body).not.toContain('the signing secret');
      expect((await ask(server, remote, '/_aws/ses')).status).toBe(404);
      expect((await ask(server, remote, '/_aws/stats')).status).toBe(404);
      expect((await ask(server, remote, '/mail')).status).toBe(404);
      expect((await ask(server, remote, '/health')).status).toBe(200);
    }
  });
});

describe('the sandbox server and the API reference page', () => {
  const webDir = mkdtempSync(path.join(tmpdir(), 'shop-web-'));
  mkdirSync(path.join(webDir, 'api', 'docs'), { recursive: true });
  writeFileSync(path.join(webDir, 'index.html'), '<title>Shop</title>');
  writeFileSync(path.join(webDir, 'api', 'docs', 'index.html'), '<title>Shop API reference</title>');
  const apiGateway = { handle: async () => ({ status: 200, headers: [], body: '{"from":"the API"}' }) };
  const server = createServer({ ...parts, webDir, apiGateway } as unknown as ServerParts, new CallCounter());
  afterAll(() => rmSync(webDir, { recursive: true, force: true }));

  it('serves the built page at /api/docs, with or without the slash, instead of asking the API', async () => {
    for (const url of ['/api/docs', '/api/docs/', '/api/docs/index.html']) {
      const page = await ask(server, '127.0.0.1', url);
      expect(page.status, url).toBe(200);
      expect(page.body, url).toContain('Shop API reference');
    }
  });

  it('leaves every other /api/ path to the API', async () => {
    for (const url of ['/api/v1/openapi.json', '/api/docsy', '/api/docs/other']) {
      expect((await ask(server, '127.0.0.1', url)).body, url).toContain('the API');
    }
  });
});

describe('requests Node cannot parse', () => {
  it('are answered in the API error shape: 431 for headers over the limit, 400 for malformed HTTP', async () => {
    const server = createServer(parts, new CallCounter());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.on('data', (chunk) => {
          answer += chunk.toString();
        });
        socket.on('close', () => resolve(answer));
      });
    try {
      const tooLong = await raw(`GET /api/v1/products?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(tooLong).toMatch(/^HTTP\/1\.1 431 /);
      expect(tooLong).toContain('Content-Type: application/json');
      expect(JSON.parse(tooLong.slice(tooLong.indexOf('\r\n\r\n') + 4)).error.code).toBe('HEADERS_TOO_LARGE');
      const malformed = await raw('NOT HTTP AT ALL\r\n\r\n');
      expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4)).error.code).toBe('BAD_REQUEST');
    } finally {
      server.close();
    }
  });
});
