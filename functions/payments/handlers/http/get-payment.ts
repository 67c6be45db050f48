import { type ApiRequest, api, requirePrincipal } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { PaymentParams } from '../../schemas';
import * as service from '../../service';
import { paymentsStore } from '../../store';

const store = paymentsStore();

const getPayment = async (request: ApiRequest<undefined, undefined, PaymentParams>) =>
  ok(await service.getPayment(store, requirePrincipal(request), request.params.id));

export const handler = api(getPayment, { params: PaymentParams });
