import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AwsRequest, type AwsResponse, type AwsService, jsonError, jsonOk } from './aws-service';

export interface LocalSecret {
  name: string;
  arn: string;
  value: string;
}

/**
 * The secret behind the JWT signing key: random text generated into DATA_DIR on first start
 * and kept there, as Secrets Manager generates and keeps it in AWS.
 */
export const signingKeySecret = (dataDir: string, region: string, accountId: string): LocalSecret => {
  const file = path.join(dataDir, 'signing-key.secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  const name = 'shop/jwt-signing-key';
  return {
    name,
    arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-local`,
    value: readFileSync(file, 'utf8').trim(),
  };
};

/** Secrets Manager `GetSecretValue` (JSON 1.1) for the sandbox's secrets. */
export class LocalSecretsManager implements AwsService {
  readonly signingName = 'secretsmanager';

  constructor(private readonly secrets: LocalSecret[]) {}

  async handle(request: AwsRequest): Promise<AwsResponse> {
    if (request.target !== 'secretsmanager.GetSecretValue') {
      return jsonError(400, 'InvalidRequestException', `The sandbox does not implement ${request.target}`);
    }
    const { SecretId } = JSON.parse(request.body || '{}') as { SecretId?: string };
    const secret = this.secrets.find((s) => s.arn === SecretId || s.name === SecretId);
    if (!secret) {
      return jsonError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    return jsonOk({
      ARN: secret.arn,
      Name: secret.name,
      SecretString: secret.value,
      VersionId: 'local',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 0,
    });
  }

  async healthy(): Promise<boolean> {
    return true;
  }
}
