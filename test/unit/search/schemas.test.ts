import { describe, expect, it } from 'vitest';
import { joinFacetValues, SearchQuery, splitFacetValues } from '../../../functions/search/schemas';

const parse = (query: Record<string, string>) => SearchQuery.safeParse(query);
const issuesOf = (query: Record<string, string>) =>
  (parse(query).error?.issues ?? []).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));

describe('the search query', () => {
  it('reads one category or brand as a list of one, as the parameters were before lists', () => {
    expect(parse({ category: ' Audio ', brand: 'TechPro' }).data).toMatchObject({
      category: ['Audio'],
      brand: ['TechPro'],
    });
    expect(parse({}).data).not.toHaveProperty('category');
  });

  it('reads comma-separated values, trimmed, duplicates dropped', () => {
    expect(parse({ category: 'Audio, Gaming,Audio', brand: 'A,B' }).data).toMatchObject({
      category: ['Audio', 'Gaming'],
      brand: ['A', 'B'],
    });
  });

  it('takes up to 20 values and refuses more, or empty ones, naming the parameter', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `C${i}`).join(',');
    expect(parse({ category: twenty }).data?.category).toHaveLength(20);
    expect(issuesOf({ category: `${twenty},C20` })).toEqual([
      { path: 'category', message: 'At most 20 comma-separated values' },
    ]);
    for (const brand of ['', ' ', 'A,,B', 'A,', 'x'.repeat(101)]) {
      expect(issuesOf({ brand })).toEqual([
        { path: 'brand', message: 'Expected comma-separated values of 1 to 100 characters' },
      ]);
    }
    expect(issuesOf({ category: 'x'.repeat(65) })[0]?.path).toBe('category');
  });

  it('reads a comma inside a value escaped with a backslash, as joinFacetValues writes it', () => {
    const brands = ['Smith, Jones & Co', 'Back\\slash', 'Plain'];
    expect(joinFacetValues(brands)).toBe('Smith\\, Jones & Co,Back\\\\slash,Plain');
    expect(parse({ brand: joinFacetValues(brands) }).data?.brand).toEqual(brands);
    // A backslash before anything else is itself.
    expect(splitFacetValues('a\\b,c')).toEqual(['a\\b', 'c']);
  });

  it('reads price bucket keys, `1000+` also when its `+` was decoded to a space', () => {
    expect(parse({ price: '100-250,1000+' }).data?.price).toEqual(['100-250', '1000+']);
    expect(parse({ price: '1000 , 0-50' }).data?.price).toEqual(['1000+', '0-50']);
    expect(parse({ price: '50-100,50-100' }).data?.price).toEqual(['50-100']);
  });

  it('refuses an unknown price bucket, naming the parameter and the keys it takes', () => {
    for (const price of ['1000', '100-200', '0-50,abc', '1000++']) {
      const issues = issuesOf({ price });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe('price');
      expect(issues[0]?.message).toMatch(/^Unknown price bucket '.+'; expected some of 0-50, 50-100, .*1000\+$/);
    }
    expect(issuesOf({ price: '' })[0]?.path).toBe('price');
  });

  it('combines the facets with minPrice and maxPrice', () => {
    expect(parse({ price: '0-50', minPrice: '10', maxPrice: '40' }).data).toMatchObject({
      price: ['0-50'],
      minPrice: 10,
      maxPrice: 40,
    });
  });
});
