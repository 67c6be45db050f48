import { existsSync, readFileSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { apiDocsFile } from '../lib/spec/api-docs';
import { IMMUTABLE_CACHE, NO_CACHE, webSecurityHeaders } from '../lib/spec/web-headers';
import type { LocalApiGateway } from './apigateway';
import type { AwsService } from './aws-service';
import type { EventBridgeService } from './eventbridge/service';
import { type FaultRegistry, InvalidFaultError } from './faults';
import { mailPage } from './mail-page';
import type { LocalSes } from './ses';

/** Larger requests are refused before they are read (API Gateway's payload limit is 10 MB). */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface ServerParts {
  apiGateway: LocalApiGateway;
  /** Emulated services by SigV4 signing name. */
  services: Map<string, AwsService>;
  /** Faults injected on request (/_aws/faults). */
  faults: FaultRegistry;
  dynamoEndpoint: string;
  /** DynamoDB Local's process, for /_aws/stats (a benchmark measures it alone). */
  dynamoPid?: number;
  ses: LocalSes;
  eventBridge: EventBridgeService;
  /** Executions started and state transitions (the Standard workflow's billing unit). */
  workflowStats: () => unknown;
  /** Per function: invocations, cold starts, errors, timeouts, throttles, instances now. */
  lambdaStats: () => unknown;
  health: () => Promise<{ healthy: boolean; body: unknown }>;
  webDir: string;
  log: (line: string) => void;
  trustForwardedFor: boolean;
  /** The outputs a deployed stage's `cdk deploy --outputs-file` would give, for GET /_aws/outputs. */
  outputs: () => unknown;
  /** What only the sandbox offers, for GET /_aws/capabilities (local/outputs.ts). */
  capabilities: string[];
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new RangeError('request too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(JSON.stringify(body));
};

const errorJson = (res: ServerResponse, status: number, code: string, message: string) =>
  sendJson(res, status, { error: { code, message, details: [] } });

/** `Credential=AKID/20260101/us-east-1/events/aws4_request` -> `events`. */
const signingNameOf = (authorization: string | undefined): string | undefined =>
  authorization ? /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1] : undefined;

/** Counts AWS API calls per service and operation: the bill of an operation. */
export class CallCounter {
  private counts = new Map<string, number>();

  add(service: string, operation: string) {
    this.addAll({ [`${service}.${operation}`]: 1 });
  }

  /** Calls counted elsewhere (in the functions' instances), by `<service>.<operation>`. */
  addAll(calls: Record<string, number>) {
    for (const [key, count] of Object.entries(calls)) this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }

  snapshot(): Record<string, Record<string, number>> {
    const result: Record<string, Record<string, number>> = {};
    for (const [key, count] of [...this.counts].sort()) {
      const [service, operation] = key.split('.') as [string, string];
      result[service] = { ...result[service], [operation]: count };
    }
    return result;
  }

  reset() {
    this.counts.clear();
  }
}

/** A connection from this machine itself (IPv4 127/8, IPv6 ::1, or IPv4-mapped). */
export const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (/^(::ffff:)?127\./.test(address) || address === '::1');

/** What only this machine may reach: the AWS endpoint (any SigV4-signed request), /_aws/* and the mailbox. */
const isLocalOnly = (pathname: string, signed: boolean) =>
  signed || pathname.startsWith('/_aws/') || pathname === '/mail';

const clientIp = (req: IncomingMessage, trustForwardedFor: boolean): string => {
  const forwarded = trustForwardedFor ? req.headers['x-forwarded-for'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || (req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1');
};

export const createServer = (parts: ServerParts, calls: CallCounter): http.Server => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  /** DynamoDB requests go on to DynamoDB Local, counted on the way. */
  const proxyDynamo = (req: IncomingMessage, body: Buffer, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const upstream = http.request(
        `${parts.dynamoEndpoint}${req.url ?? '/'}`,
        { method: req.method, headers: { ...req.headers, host: new URL(parts.dynamoEndpoint).host }, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
        },
      );
      upstream.on('error', (error) => {
        if (!res.headersSent) errorJson(res, 502, 'DYNAMODB_UNAVAILABLE', error.message);
        resolve();
      });
      upstream.end(body);
    });

  const awsRequest = async (service: string, req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const target = req.headers['x-amz-target'];
    const targetName = Array.isArray(target) ? target[0] : target;
    const operation = targetName?.split('.').pop() ?? new URLSearchParams(body.toString()).get('Action') ?? 'unknown';
    calls.add(service, operation);
    if (service === 'dynamodb') return proxyDynamo(req, body, res);
    const emulated = parts.services.get(service);
    if (!emulated) return errorJson(res, 400, 'UNSUPPORTED_SERVICE', `The sandbox does not emulate ${service}`);
    const answer = await emulated.handle({ target: targetName, headers: req.headers, body: body.toString('utf8') });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  /**
   * The web app's built files, with CloudFront's headers: hashed assets cached for a year, index.html never,
   * and any other path without a file extension answered with index.html (the app's client-side routes).
   */
  const staticFile = (urlPath: string, res: ServerResponse, head: boolean): boolean => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return false;
    }
    const webDir = path.resolve(parts.webDir);
    let file = path.resolve(webDir, `.${path.posix.normalize(decoded)}`);
    if (file !== webDir && !file.startsWith(`${webDir}${path.sep}`)) return false;
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (path.extname(decoded) !== '') return false;
      file = path.join(webDir, 'index.html');
      if (!existsSync(file)) return false;
    }
    const isIndex = path.basename(file) === 'index.html';
    const hashed = file.startsWith(path.join(webDir, 'assets') + path.sep);
    const content = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': content.length,
      'Cache-Control': isIndex ? NO_CACHE : hashed ? IMMUTABLE_CACHE : 'public, max-age=3600',
      ...webSecurityHeaders,
    });
    res.end(head ? undefined : content);
    return true;
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const service = signingNameOf(req.headers.authorization);
    // Exposed beyond loopback (HOST), the sandbox serves the shop and its API, never the emulated AWS
    // services (the signing secret is one request away there) or the captured mail.
    if (!isLoopback(req.socket.remoteAddress) && isLocalOnly(url.pathname, service !== undefined)) {
      return errorJson(res, 404, 'NOT_FOUND', `Nothing at ${url.pathname}`);
    }
    if (service) return awsRequest(service === 'email' ? 'ses' : service, req, body, res);

    if (url.pathname === '/health') {
      const { healthy, body: report } = await parts.health();
      return sendJson(res, healthy ? 200 : 503, report);
    }
    if (url.pathname === '/_aws/ses') {
      if (method === 'GET') {
        return sendJson(res, 200, {
          messages: parts.ses.list({ id: url.searchParams.get('id'), email: url.searchParams.get('email') }),
        });
      }
      if (method === 'DELETE') {
        parts.ses.clear(url.searchParams.get('id'));
        res.writeHead(204).end();
        return;
      }
    }
    if (url.pathname === '/_aws/outputs' && method === 'GET') return sendJson(res, 200, parts.outputs());
    if (url.pathname === '/_aws/capabilities' && method === 'GET') {
      return sendJson(res, 200, { capabilities: parts.capabilities });
    }
    if (url.pathname === '/_aws/events/dead-letters') {
      if (method === 'GET') return sendJson(res, 200, { items: parts.eventBridge.deadLetters() });
      if (method === 'DELETE') {
        parts.eventBridge.clearDeadLetters();
        res.writeHead(204).end();
        return;
      }
    }
    if (url.pathname === '/_aws/faults') {
      if (method === 'GET') return sendJson(res, 200, { items: parts.faults.list() });
      if (method === 'POST') {
        try {
          return sendJson(res, 201, parts.faults.add(JSON.parse(body.toString('utf8') || 'null')));
        } catch (error) {
          if (error instanceof InvalidFaultError || error instanceof SyntaxError) {
            return errorJson(res, 400, 'INVALID_FAULT', error.message);
          }
          throw error;
        }
      }
      if (method === 'DELETE') {
        const id = url.searchParams.get('id');
        if (!parts.faults.remove(id ?? undefined)) return errorJson(res, 404, 'NOT_FOUND', `No fault ${id}`);
        res.writeHead(204).end();
        return;
      }
    }
    if (url.pathname === '/_aws/stats') {
      if (method === 'GET') {
        return sendJson(res, 200, {
          calls: calls.snapshot(),
          events: parts.eventBridge.stats(),
          workflows: parts.workflowStats(),
          lambda: parts.lambdaStats(),
          // This process (the sandbox's main thread's heap; the RSS includes the functions' instances), in bytes.
          memory: process.memoryUsage(),
          dynamodbLocal: { endpoint: parts.dynamoEndpoint, pid: parts.dynamoPid },
        });
      }
      if (method === 'DELETE') {
        calls.reset();
        res.writeHead(204).end();
        return;
      }
    }
    if (url.pathname === '/mail' && method === 'GET') {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:",
      });
      res.end(mailPage(parts.ses.list()));
      return;
    }
    // The API reference page is a file of the web build, not a route of the API (CloudFront does the same).
    const docsFile = apiDocsFile(url.pathname);
    if (docsFile && (method === 'GET' || method === 'HEAD') && staticFile(docsFile, res, method === 'HEAD')) return;
    if (url.pathname.startsWith('/api/')) {
      const started = Date.now();
      const reply = await parts.apiGateway.handle({
        method,
        path: url.pathname,
        query: url.searchParams,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: clientIp(req, parts.trustForwardedFor),
      });
      res.statusCode = reply.status;
      const grouped = new Map<string, string[]>();
      for (const [name, value] of reply.headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
      for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
      res.end(reply.body);
      parts.log(`${method} ${url.pathname}${url.search} ${reply.status} ${Date.now() - started}ms`);
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && staticFile(url.pathname, res, method === 'HEAD')) return;
    return errorJson(res, 404, 'NOT_FOUND', `Nothing at ${url.pathname}`);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof RangeError) return errorJson(res, 413, 'PAYLOAD_TOO_LARGE', 'Request too large');
      console.error('sandbox error:', error);
      if (!res.headersSent) errorJson(res, 500, 'SANDBOX_ERROR', 'The sandbox failed to handle the request');
      else res.end();
    });
  });
  server.on('clientError', answerUnparsable);
  return server;
};

/**
 * Node answers a request it cannot parse (a request line and headers over its 16 KB limit, a malformed
 * request) with a bare status line; answer in the API's error shape instead, as every other refusal is.
 */
const answerUnparsable = (error: NodeJS.ErrnoException, socket: Duplex) => {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    error: {
      code: tooLarge ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST',
      message: tooLarge ? 'The request line and headers may not exceed 16 KB' : 'The request is not valid HTTP',
      details: [],
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};
