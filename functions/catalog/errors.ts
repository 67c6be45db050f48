import { BusinessRuleError, ConflictError, NotFoundError } from '../shared/errors';

export class ProductNotFoundError extends NotFoundError {
  override readonly code: string = 'PRODUCT_NOT_FOUND';
  constructor(id: string) {
    super(`Product ${id} not found`);
  }
}

export class CategoryNotFoundError extends NotFoundError {
  override readonly code: string = 'CATEGORY_NOT_FOUND';
  constructor(id: string) {
    super(`Category ${id} not found`);
  }
}

export class SkuTakenError extends ConflictError {
  constructor(sku: string) {
    super(`SKU ${sku} is already used by another product`, 'SKU_TAKEN');
  }
}

export class CategoryExistsError extends ConflictError {
  constructor(id: string) {
    super(`Category ${id} already exists`, 'CATEGORY_EXISTS');
  }
}

/** Another write changed the product between our read and our write: the caller reads again and retries. */
export class ProductChangedError extends ConflictError {
  constructor(id: string) {
    super(`Product ${id} was changed concurrently; retry`, 'CONCURRENT_UPDATE');
  }
}

export class UnknownCategoryError extends BusinessRuleError {
  constructor(category: string) {
    super('UNKNOWN_CATEGORY', `Category ${category} does not exist`);
  }
}

/** Products are filed under their category's slug, so a rename may change case or spacing only. */
export class CategoryRenameError extends BusinessRuleError {
  constructor(id: string) {
    super('CATEGORY_RENAME_UNSUPPORTED', `A new name for category ${id} must keep its id (${id})`);
  }
}
