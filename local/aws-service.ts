/**
 * An emulated AWS service behind the sandbox's single endpoint. The sandbox dispatches a request
 * by the service name in its SigV4 credential scope (`.../<region>/<service>/aws4_request`), as
 * LocalStack does, so every SDK client reaches it through its standard AWS_ENDPOINT_URL_* variable.
 */
export interface AwsRequest {
  /** `X-Amz-Target` for JSON-protocol services, e.g. `AWSEvents.PutEvents`. */
  target: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface AwsService {
  /** The SigV4 signing name: `events`, `states`, `ses`, ... */
  signingName: string;
  handle(request: AwsRequest): Promise<AwsResponse>;
  /** True when the service answers; used by GET /health. */
  healthy(): Promise<boolean>;
  /** Stop background work (pending deliveries, running executions). */
  stop?(): Promise<void>;
}

/** An error in the AWS JSON 1.1 protocol's shape, which the SDK turns into a typed exception. */
export const jsonError = (status: number, type: string, message: string): AwsResponse => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, message }),
});

export const jsonOk = (body: unknown): AwsResponse => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});
