import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import type { SearchTransport } from './opensearch';

/** SHA-256 (and its HMAC, given a secret) for the signer, from node:crypto. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

export class SearchRequestError extends Error {
  override name = 'SearchRequestError';
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    super(`OpenSearch answered ${statusCode}: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

/** Statuses and errors after which a request is tried again (as OpenSearch's client does), up to ATTEMPTS in all. */
const RETRIED_STATUSES = new Set([502, 503, 504]);
const ATTEMPTS = 3;
const TIMEOUT_MS = 30_000;

/**
 * The few REST calls the search adapter makes, SigV4-signed for the `es` service with the function's credentials
 * and sent over keep-alive connections: what the adapter used from OpenSearch's own client (a quarter of a
 * megabyte of bundle, about as much import time as the DynamoDB client itself). An answer whose status is not
 * 2xx nor in `ignore` is a SearchRequestError; 502, 503, 504 and broken connections are tried again.
 */
export const signedTransport = (options: {
  endpoint: string;
  region: string;
  credentials: Provider<AwsCredentialIdentity>;
}): SearchTransport => {
  const endpoint = new URL(options.endpoint);
  const client = endpoint.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 50 });
  const signer = new SignatureV4({
    service: 'es',
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  const basePath = endpoint.pathname.replace(/\/$/, '');

  const send = async (method: string, path: string, query: Record<string, string>, payload: string | undefined) => {
    const signed = await signer.sign({
      method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port && { port: Number(endpoint.port) }),
      path: `${basePath}${path}`,
      query,
      headers: {
        host: endpoint.host,
        ...(payload !== undefined && {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
        }),
      },
      ...(payload !== undefined && { body: payload }),
    });
    const search = new URLSearchParams(query).toString();
    return new Promise<{ statusCode: number; text: string }>((resolve, reject) => {
      const request = client.request(
        {
          method,
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port,
          path: `${basePath}${path}${search ? `?${search}` : ''}`,
          headers: signed.headers,
          agent,
          timeout: TIMEOUT_MS,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ statusCode: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`OpenSearch did not answer within ${TIMEOUT_MS} ms`)));
      request.on('error', reject);
      request.end(payload);
    });
  };

  return {
    async request({ method, path, body, bulkBody, querystring = {} }, { ignore = [] } = {}) {
      const payload = bulkBody
        ? `${bulkBody.map((line) => JSON.stringify(line)).join('\n')}\n`
        : body === undefined
          ? undefined
          : JSON.stringify(body);
      let lastError: unknown;
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        let answer: { statusCode: number; text: string };
        try {
          answer = await send(method, path, querystring, payload);
        } catch (error) {
          lastError = error;
          continue;
        }
        let parsed: unknown;
        try {
          parsed = answer.text ? JSON.parse(answer.text) : undefined;
        } catch {
          parsed = answer.text;
        }
        if (RETRIED_STATUSES.has(answer.statusCode) && attempt < ATTEMPTS) {
          lastError = new SearchRequestError(answer.statusCode, parsed);
          continue;
        }
        const ok = answer.statusCode >= 200 && answer.statusCode < 300;
        if (!ok && !ignore.includes(answer.statusCode)) throw new SearchRequestError(answer.statusCode, parsed);
        return { statusCode: answer.statusCode, body: parsed };
      }
      throw lastError;
    },
  };
};
