import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { deps } from '../../deps';
import { InvalidTokenError } from '../../errors';
import { getProfile } from '../../service';
import { tokenFromHeaders, verifySession } from '../../sessions';

/**
 * Who the caller is: `{"user": {...}}` for a valid session (cookie or bearer token), `{"user": null}` for a
 * guest or a session that ended. A web page asks this on every load, so a guest is an answer, not a 401.
 */
const getSession = async (request: ApiRequest) => {
  const token = tokenFromHeaders(request.headers);
  let user = null;
  if (token) {
    try {
      user = await getProfile(deps, (await verifySession(token, deps.users)).userId);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
    }
  }
  return ok({ user }, { 'Cache-Control': 'no-store' });
};

export const handler = api(getSession);
