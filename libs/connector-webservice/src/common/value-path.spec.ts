import { parseValuePath, pointerOf, readAll, readOne, writePointer } from './value-path';

describe('value paths', () => {
  const doc = { a: { 'b/c': 1, 'd~e': 2 }, list: [{ type: 'work', value: 'w' }, { type: 'home', value: 'h' }], n: null };

  it('reads JSON pointers, with escapes, and the whole document for "" and "/"', () => {
    expect(readOne(doc, parseValuePath('/a/b~1c'))).toBe(1);
    expect(readOne(doc, parseValuePath('/a/d~0e'))).toBe(2);
    expect(readOne(doc, parseValuePath('/list/1/value'))).toBe('h');
    expect(readAll(doc, parseValuePath('/missing/x'))).toEqual([]);
    expect(readOne(doc, parseValuePath(''))).toBe(doc);
    expect(readOne(doc, parseValuePath('/'))).toBe(doc);
    expect(readAll(doc, parseValuePath('/n'))).toEqual([null]);
  });

  it('reads JSONPath, filters included, in the safe evaluator', () => {
    expect(readAll(doc, parseValuePath("$.list[?(@.type=='work')].value"))).toEqual(['w']);
    expect(readAll(doc, parseValuePath('$.list[*].type'))).toEqual(['work', 'home']);
    expect(() => readAll(doc, parseValuePath('$.list[?(@.constructor.constructor("return process")())]'))).toThrow();
  });

  it('refuses what is neither', () => {
    expect(() => parseValuePath('name')).toThrow(/neither a JSON pointer/);
    expect(() => parseValuePath('/a~2')).toThrow(/~/);
  });

  it('writes pointers, creating objects on the way', () => {
    const out: Record<string, unknown> = {};
    writePointer(out, ['name', 'givenName'], 'Ad');
    expect(out).toEqual({ name: { givenName: 'Ad' } });
    expect(pointerOf(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
  });
});
