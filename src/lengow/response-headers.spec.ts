import { ResponseHeaders } from './response-headers.js';

describe('ResponseHeaders', () => {
  const headers = new ResponseHeaders({
    'content-type': 'application/json',
    'set-cookie': ['a=1', 'b=2'],
    'x-absent': undefined,
  });

  it('reads a header by name whatever its case, a repeated one joined', () => {
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(headers.get('SET-COOKIE')).toBe('a=1, b=2');
    expect(headers.get('x-absent')).toBeNull();
    expect(headers.get('retry-after')).toBeNull();
  });

  it("answers only with the object's own keys", () => {
    expect(headers.get('constructor')).toBeNull();
    expect(headers.get('toString')).toBeNull();
    expect(new ResponseHeaders({ constructor: 'x' }).get('Constructor')).toBe('x');
  });

  it('lists every present header, joined', () => {
    expect(headers.all()).toEqual({ 'content-type': 'application/json', 'set-cookie': 'a=1, b=2' });
  });
});
