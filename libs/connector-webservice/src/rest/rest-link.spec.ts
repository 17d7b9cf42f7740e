import { nextFromLinkHeader } from './rest.connector';

describe('Link header paging', () => {
  it('finds rel="next" among the links', () => {
    expect(nextFromLinkHeader('<http://a/u?_page=1>; rel="first", <http://a/u?_page=2>; rel="next", <http://a/u?_page=5>; rel="last"')).toBe('http://a/u?_page=2');
    expect(nextFromLinkHeader('<https://api/x?cursor=abc,def>; rel=next')).toBe('https://api/x?cursor=abc,def');
    expect(nextFromLinkHeader('<https://api/x?p=2>; title="x"; rel="prev next"')).toBe('https://api/x?p=2');
    expect(nextFromLinkHeader(['<https://api/1>; rel="prev"', '<https://api/3>; rel="next"'])).toBe('https://api/3');
  });

  it('ends when there is no next', () => {
    expect(nextFromLinkHeader('<http://a/u?_page=1>; rel="first", <http://a/u?_page=1>; rel="last"')).toBeUndefined();
    expect(nextFromLinkHeader('')).toBeUndefined();
    expect(nextFromLinkHeader(undefined)).toBeUndefined();
  });
});
