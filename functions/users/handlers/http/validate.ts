import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { InvalidTokenError } from '../../errors';
import { ValidateBody } from '../../schemas';
import { tokenFromHeaders, verifySession } from '../../sessions';

/** The claims of a valid session token (from the body, the Authorization header or the cookie); 401 otherwise. */
const validate = async (request: ApiRequest<ValidateBody>) => {
  const token = request.body?.token ?? tokenFromHeaders(request.headers);
  if (!token) throw new InvalidTokenError('ERR_NO_TOKEN');
  const claims = await verifySession(token, deps.users);
  return ok({
    valid: true,
    claims: {
      sub: claims.userId,
      role: claims.role,
      jti: claims.tokenId,
      iat: claims.issuedAt,
      exp: claims.expiresAt,
    },
  });
};

export const handler = api(validate, { body: ValidateBody });
