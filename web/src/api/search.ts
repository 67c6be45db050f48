import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { Product } from '../../../functions/catalog/schemas';
import type { Facets } from '../../../functions/search/port';
import { get } from './client';

export type { Facets } from '../../../functions/search/port';

export interface SearchPage {
  items: Product[];
  total: number;
  facets: Facets;
  nextCursor: string | null;
}

/** Search parameters as the URL and the API carry them: lists are comma-separated (`category=Audio,Gaming`). */
export interface SearchParams {
  q: string;
  category?: string | undefined;
  brand?: string | undefined;
  price?: string | undefined;
  sort?: string | undefined;
}

export const useSearch = (params: SearchParams, pageSize = 12) =>
  useInfiniteQuery({
    queryKey: ['search', params, pageSize],
    queryFn: ({ pageParam }) =>
      get<SearchPage>('/search', { ...params, limit: pageSize, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // A new filter keeps the old results (and facets) on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
