import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Category,
  CreateCategoryBody,
  CreateProductBody,
  Product,
  UpdateCategoryBody,
  UpdateProductBody,
} from '../../../functions/catalog/schemas';
import type { SetStockBody, Stock } from '../../../functions/inventory/schemas';
import type { OrderStatus } from '../../../functions/orders/schemas';
import type { Overview } from '../../../functions/reporting/schemas';
import type { AuditRecord, AuditType } from '../../../functions/shared/audit';
import { del, get, type Page, post, put } from './client';
import type { Order } from './orders';
import type { SearchPage } from './search';

export type { Overview } from '../../../functions/reporting/schemas';
export type { AuditRecord, AuditType } from '../../../functions/shared/audit';

const PAGE_SIZE = 25;
const enc = encodeURIComponent;

/** Every admin query's key starts with 'admin', so one invalidation refreshes the whole dashboard. */
const ADMIN = 'admin';

// Overview

export const useAdminOverview = () =>
  useQuery({ queryKey: [ADMIN, 'overview'], queryFn: () => get<Overview>('/admin/overview') });

// Products: the shop's own listing and search, read without the shop's cache, and the admin writes.

export const useAdminProducts = () =>
  useInfiniteQuery({
    queryKey: [ADMIN, 'products', 'list'],
    queryFn: ({ pageParam }) =>
      get<Page<Product>>('/products', { sort: 'name', limit: PAGE_SIZE, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useAdminProductSearch = (q: string) =>
  useInfiniteQuery({
    queryKey: [ADMIN, 'products', 'search', q],
    queryFn: ({ pageParam }) => get<SearchPage>('/search', { q, limit: PAGE_SIZE, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: q !== '',
  });

export const useAdminProduct = (id: string | undefined) =>
  useQuery({
    queryKey: [ADMIN, 'products', 'one', id],
    queryFn: () => get<Product>(`/products/${enc(id ?? '')}`),
    enabled: Boolean(id),
  });

/** After a catalog write, the admin's and the shop's cached products are stale. */
const useCatalogChanged = () => {
  const client = useQueryClient();
  return (product?: Product) => {
    if (product) client.setQueryData([ADMIN, 'products', 'one', product.id], product);
    void client.invalidateQueries({ queryKey: [ADMIN, 'products'] });
    void client.invalidateQueries({ queryKey: [ADMIN, 'inventory'] });
    void client.invalidateQueries({ queryKey: ['products'] });
    void client.invalidateQueries({ queryKey: ['search'] });
  };
};

export const useCreateProduct = () => {
  const changed = useCatalogChanged();
  return useMutation({
    mutationFn: (body: CreateProductBody) => post<Product>('/products', body),
    onSuccess: changed,
  });
};

export const useUpdateProduct = (id: string) => {
  const changed = useCatalogChanged();
  return useMutation({
    mutationFn: (body: UpdateProductBody) => put<Product>(`/products/${enc(id)}`, body),
    onSuccess: changed,
  });
};

/** A soft delete: the product leaves the shop, past orders keep it. */
export const useDeleteProduct = (id: string) => {
  const client = useQueryClient();
  const changed = useCatalogChanged();
  return useMutation({
    mutationFn: () => del<unknown>(`/products/${enc(id)}`),
    onSuccess: () => {
      client.removeQueries({ queryKey: [ADMIN, 'products', 'one', id] });
      changed();
    },
  });
};

// Categories

export const useAdminCategories = () =>
  useQuery({ queryKey: [ADMIN, 'categories'], queryFn: () => get<Page<Category>>('/categories') });

const useCategoriesChanged = () => {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: [ADMIN, 'categories'] });
    void client.invalidateQueries({ queryKey: ['categories'] });
  };
};

export const useCreateCategory = () => {
  const changed = useCategoriesChanged();
  return useMutation({
    mutationFn: (body: CreateCategoryBody) => post<Category>('/categories', body),
    onSuccess: changed,
  });
};

export const useUpdateCategory = (id: string) => {
  const changed = useCategoriesChanged();
  return useMutation({
    mutationFn: (body: UpdateCategoryBody) => put<Category>(`/categories/${enc(id)}`, body),
    onSuccess: changed,
  });
};

// Stock

export interface StockFilter {
  below?: number | undefined;
}

export const useAdminInventory = ({ below }: StockFilter) =>
  useInfiniteQuery({
    queryKey: [ADMIN, 'inventory', 'list', below ?? null],
    queryFn: ({ pageParam }) =>
      get<Page<Stock>>('/admin/inventory', { below, limit: 50, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/** One SKU's stock (GET /inventory/{sku}), for finding a SKU the listing has on a later page. */
export const useAdminStock = (sku: string) =>
  useQuery({
    queryKey: [ADMIN, 'inventory', 'one', sku],
    queryFn: () => get<Stock>(`/inventory/${enc(sku)}`),
    enabled: sku !== '',
  });

export const useSetStock = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ sku, body }: { sku: string; body: SetStockBody }) => put<Stock>(`/inventory/${enc(sku)}`, body),
    onSuccess: (stock) => {
      client.setQueryData([ADMIN, 'inventory', 'one', stock.sku], stock);
      client.setQueryData(['inventory', stock.sku], stock);
      // The row keeps its place until the next read; the overview's low-stock list may change.
      void client.invalidateQueries({ queryKey: [ADMIN, 'overview'] });
    },
  });
};

// Orders: the list is admin-only; one order and its actions are the shop's hooks (api/orders.ts).

export const useAdminOrders = (status: OrderStatus | undefined) =>
  useInfiniteQuery({
    queryKey: [ADMIN, 'orders', status ?? null],
    queryFn: ({ pageParam }) =>
      get<Page<Order>>('/admin/orders', { status, limit: PAGE_SIZE, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

// Audit log

export interface AuditFilters {
  actor?: string | undefined;
  type?: AuditType | undefined;
  /** ISO datetimes. */
  from?: string | undefined;
  to?: string | undefined;
}

export const useAdminAudit = (filters: AuditFilters) =>
  useInfiniteQuery({
    queryKey: [ADMIN, 'audit', filters],
    queryFn: ({ pageParam }) =>
      get<Page<AuditRecord>>('/admin/audit', { ...filters, limit: PAGE_SIZE, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
