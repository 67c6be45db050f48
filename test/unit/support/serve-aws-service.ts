import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsService } from '../../../local/aws-service';

/**
 * Serves one emulated service over HTTP on a free loopback port, the way the sandbox does, so a
 * real SDK client can talk to it. `seen` keeps every request's headers.
 */
export const serveOverHttp = async (service: Pick<AwsService, 'handle'>) => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push(req.headers);
    const target = req.headers['x-amz-target'];
    const response = await service.handle({
      target: typeof target === 'string' ? target : undefined,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(response.status, response.headers);
    res.end(response.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
};
