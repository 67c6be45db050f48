import { type ApiRequest, api } from '../../../shared/api';
import { ok } from '../../../shared/http';
import { ReleaseBody, SkuParams } from '../../schemas';
import { releaseForOrder } from '../../service';
import { inventoryStore } from '../../store';

const deps = { store: inventoryStore() };

const release = async (request: ApiRequest<ReleaseBody, undefined, SkuParams>) =>
  ok(await releaseForOrder(deps, request.params.sku, request.body.orderId));

export const handler = api(release, { body: ReleaseBody, params: SkuParams });
