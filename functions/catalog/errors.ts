import { NotFoundError } from '../shared/errors';

export class ProductNotFoundError extends NotFoundError {
  override readonly code: string = 'PRODUCT_NOT_FOUND';
  constructor(id: string) {
    super(`Product ${id} not found`);
  }
}
