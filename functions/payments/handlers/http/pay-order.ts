import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { created, ok } from '../../../shared/http';
import { deps } from '../../deps';
import { PayOrderBody } from '../../schemas';
import * as service from '../../service';

/** 201 with the new payment; 200 with the existing one when the order was paid already. */
const payOrder = async (request: ApiRequest<PayOrderBody>) => {
  const { payment, created: isNew } = await service.payOrder(
    deps,
    requirePrincipal(request),
    request.body,
    request.correlationId,
    request.lambdaContext,
  );
  return isNew ? created(payment) : ok(payment);
};

export const handler = api(payOrder, { body: PayOrderBody });
