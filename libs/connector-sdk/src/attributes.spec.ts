import { applyDeltas, valuesOf } from './attributes';

describe('attribute helpers', () => {
  it('finds values whatever the case of the name, and none for an absent attribute', () => {
    const attributes = { GivenName: ['Ada'], mail: ['a@x', 'b@x'] };
    expect(valuesOf(attributes, 'givenname')).toEqual(['Ada']);
    expect(valuesOf(attributes, 'mail')).toEqual(['a@x', 'b@x']);
    expect(valuesOf(attributes, 'sn')).toEqual([]);
  });

  it('applies replace, value-level add and remove to a copy, dropping emptied attributes', () => {
    const before = { mail: ['a@x'], phone: ['1', '2'], sn: ['L'] };
    const after = applyDeltas(before, [
      { attribute: 'MAIL', op: 'add', values: ['a@x', 'b@x'] },
      { attribute: 'phone', op: 'remove', values: ['1'] },
      { attribute: 'sn', op: 'replace', values: [] },
      { attribute: 'title', op: 'replace', values: ['Dr'] },
    ]);
    expect(after).toEqual({ mail: ['a@x', 'b@x'], phone: ['2'], title: ['Dr'] });
    expect(before).toEqual({ mail: ['a@x'], phone: ['1', '2'], sn: ['L'] });
    // 1 and '1' are different values
    expect(applyDeltas({ n: [1] }, [{ attribute: 'n', op: 'remove', values: ['1'] }])).toEqual({ n: [1] });
  });
});
