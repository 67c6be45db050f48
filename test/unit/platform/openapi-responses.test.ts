import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import type { CartView } from '../../../functions/carts/schemas';
import type { Category, Product } from '../../../functions/catalog/schemas';
import type * as catalog from '../../../functions/catalog/service';
import type { Reservation, Stock } from '../../../functions/inventory/schemas';
import type * as inventory from '../../../functions/inventory/service';
import type { Order } from '../../../functions/orders/service';
import type { Page } from '../../../functions/orders/store';
import type { Payment } from '../../../functions/payments/schemas';
import type * as reply from '../../../functions/platform/openapi/responses';
import type { Overview } from '../../../functions/reporting/schemas';
import type * as search from '../../../functions/search/service';
import type { AuditLog } from '../../../functions/shared/audit';
import type { User } from '../../../functions/users/schemas';
import type { Session } from '../../../functions/users/service';

type Answer<S extends z.ZodMiniType> = z.output<S>;
type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

// Checked by the type checker (npm run typecheck): a field added to, dropped from or retyped in a service's result
// without its schema in functions/platform/openapi/responses.ts (or the other way round) fails here. `branded` compares
// types written as intersections (Product, Overview) by their resulting fields.
describe('the response schemas of the OpenAPI description', () => {
  it('describe what the services answer, field for field', () => {
    expectTypeOf<Answer<typeof reply.Product>>().branded.toEqualTypeOf<Product>();
    expectTypeOf<Answer<typeof reply.ProductPage>>().branded.toEqualTypeOf<Result<typeof catalog.listProducts>>();
    expectTypeOf<Answer<typeof reply.Category>>().toEqualTypeOf<Category>();
    expectTypeOf<Answer<typeof reply.CategoryList>>().toEqualTypeOf<Result<typeof catalog.listCategories>>();
    expectTypeOf<Answer<typeof reply.SearchResults>>().toEqualTypeOf<Result<typeof search.searchProducts>>();
    expectTypeOf<Answer<typeof reply.User>>().toEqualTypeOf<User>();
    expectTypeOf<Answer<typeof reply.SignedIn>>().toEqualTypeOf<Pick<Session, 'user' | 'token'>>();
    expectTypeOf<Answer<typeof reply.CurrentSession>>().toEqualTypeOf<{ user: User | null }>();
    expectTypeOf<Answer<typeof reply.AuditPage>>().toEqualTypeOf<Result<AuditLog['list']>>();
    expectTypeOf<Answer<typeof reply.Overview>>().branded.toEqualTypeOf<Overview>();
    expectTypeOf<Answer<typeof reply.Cart>>().toEqualTypeOf<CartView>();
    expectTypeOf<Answer<typeof reply.Stock>>().toEqualTypeOf<Stock>();
    expectTypeOf<Answer<typeof reply.StockPage>>().toEqualTypeOf<Result<typeof inventory.listStock>>();
    expectTypeOf<Answer<typeof reply.Reservation>>().toEqualTypeOf<Reservation>();
    expectTypeOf<Answer<typeof reply.Order>>().toEqualTypeOf<Order>();
    expectTypeOf<Answer<typeof reply.OrderPage>>().toEqualTypeOf<Page<Order>>();
    expectTypeOf<Answer<typeof reply.Payment>>().toEqualTypeOf<Payment>();
  });
});
