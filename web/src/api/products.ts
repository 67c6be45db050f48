import { queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Category, Product } from '../../../functions/catalog/schemas';
import type { Stock } from '../../../functions/inventory/schemas';
import { get, type Page } from './client';

export type { Category, Product } from '../../../functions/catalog/schemas';
export type { Stock } from '../../../functions/inventory/schemas';

export const productQuery = (id: string) =>
  queryOptions({
    queryKey: ['products', id],
    queryFn: () => get<Product>(`/products/${encodeURIComponent(id)}`),
    staleTime: 30_000,
  });

export const useProduct = (id: string) => useQuery(productQuery(id));

export const useCategories = () =>
  useQuery({ queryKey: ['categories'], queryFn: () => get<Page<Category>>('/categories'), staleTime: 300_000 });

export interface ProductFilters {
  category?: string | undefined;
  minPrice?: string | undefined;
  maxPrice?: string | undefined;
  sort?: string | undefined;
}

/** The catalog listing, a page at a time ("load more" reads the next cursor). */
export const useProducts = (filters: ProductFilters, pageSize = 12) =>
  useInfiniteQuery({
    queryKey: ['products', 'list', filters, pageSize],
    queryFn: ({ pageParam }) =>
      get<Page<Product>>('/products', { ...filters, limit: pageSize, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useStock = (sku: string | undefined) =>
  useQuery({
    queryKey: ['inventory', sku],
    queryFn: () => get<Stock>(`/inventory/${encodeURIComponent(sku ?? '')}`),
    enabled: Boolean(sku),
    staleTime: 5_000,
  });
