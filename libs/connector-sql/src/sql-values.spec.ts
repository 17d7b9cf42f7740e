import { ConnectorError } from '@connector-host/connector-sdk';
import { fromDbValue, isoDateTime, keyText, toDbValue, watermarkParam, watermarkText } from './sql-values';

describe('toDbValue', () => {
  it('stores booleans as 0/1 on SQLite and MySQL, as booleans elsewhere', () => {
    expect(toDbValue('sqlite', 'boolean', 'Enabled', true)).toBe(1);
    expect(toDbValue('mysql', 'boolean', 'Enabled', 'False')).toBe(0);
    expect(toDbValue('mariadb', 'boolean', 'Enabled', 1)).toBe(1);
    expect(toDbValue('postgres', 'boolean', 'Enabled', 'TRUE')).toBe(true);
    expect(toDbValue('mssql', 'boolean', 'Enabled', false)).toBe(false);
  });

  it('writes dates in the form each database takes', () => {
    const value = '2024-05-01T12:20:30.123+02:00';
    expect(toDbValue('sqlite', 'dateTime', 'd', value)).toBe('2024-05-01T10:20:30.123Z');
    expect(toDbValue('postgres', 'dateTime', 'd', value)).toBe('2024-05-01T10:20:30.123Z');
    expect(toDbValue('mysql', 'dateTime', 'd', value)).toBe('2024-05-01 10:20:30.123');
    expect(toDbValue('mssql', 'dateTime', 'd', value)).toEqual(new Date('2024-05-01T10:20:30.123Z'));
  });

  it('converts numbers and binary', () => {
    expect(toDbValue('postgres', 'integer', 'n', '42')).toBe(42);
    expect(toDbValue('postgres', 'integer', 'n', '9007199254740993')).toBe('9007199254740993');
    expect(toDbValue('postgres', 'decimal', 'n', '12.50')).toBe('12.50');
    expect(toDbValue('mssql', 'decimal', 'n', '12.50')).toBe(12.5);
    expect(toDbValue('sqlite', 'binary', 'b', 'AAEC')).toEqual(Buffer.from([0, 1, 2]));
    expect(toDbValue('sqlite', 'string', 's', 7)).toBe('7');
  });

  it.each([
    ['boolean', 'maybe'],
    ['integer', '4.5'],
    ['integer', true],
    ['decimal', 'ten'],
    ['dateTime', 'yesterday'],
    ['dateTime', 5],
    ['binary', 'not base64!'],
  ] as const)('refuses %s %p with invalidValue, without the value in the message', (type, value) => {
    let error: unknown;
    try {
      toDbValue('postgres', type, 'Attr', value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ reason: 'invalidValue' });
    expect((error as Error).message).toContain('Attr');
    expect((error as Error).message).not.toContain(String(value));
  });
});

describe('fromDbValue', () => {
  it('turns NULL into an empty list', () => {
    expect(fromDbValue('string', null)).toEqual([]);
    expect(fromDbValue('boolean', undefined)).toEqual([]);
  });

  it('returns booleans as booleans whatever the driver gave', () => {
    expect(fromDbValue('boolean', 1)).toEqual([true]);
    expect(fromDbValue('boolean', 0)).toEqual([false]);
    expect(fromDbValue('boolean', true)).toEqual([true]);
    expect(fromDbValue('boolean', Buffer.from([1]))).toEqual([true]);
    expect(fromDbValue('boolean', '0')).toEqual([false]);
  });

  it('returns numbers as numbers, keeping integers beyond 2^53 exact as text', () => {
    expect(fromDbValue('integer', '42')).toEqual([42]);
    expect(fromDbValue('integer', 42n)).toEqual([42]);
    expect(fromDbValue('integer', '9007199254740993')).toEqual(['9007199254740993']);
    expect(fromDbValue('decimal', '12.50')).toEqual([12.5]);
  });

  it('returns dates as ISO strings', () => {
    expect(fromDbValue('dateTime', new Date('2024-05-01T10:20:30.123Z'))).toEqual(['2024-05-01T10:20:30.123Z']);
    expect(fromDbValue('dateTime', '2024-05-01 10:20:30.123456+00')).toEqual(['2024-05-01T10:20:30.123Z']);
    expect(fromDbValue('dateTime', '2024-05-01 10:20:30')).toEqual(['2024-05-01T10:20:30.000Z']);
    expect(fromDbValue('dateTime', '2024-05-01')).toEqual(['2024-05-01T00:00:00.000Z']);
  });

  it('returns binary as base64 and strings as strings', () => {
    expect(fromDbValue('binary', Buffer.from([0, 1, 2]))).toEqual(['AAEC']);
    expect(fromDbValue('string', 12)).toEqual(['12']);
    expect(fromDbValue('string', { a: 1 })).toEqual(['{"a":1}']);
  });
});

describe('dates and watermarks', () => {
  it('reads database date text with or without a zone', () => {
    expect(isoDateTime('2024-05-01 10:20:30.5+02')).toBe('2024-05-01T08:20:30.500Z');
    expect(isoDateTime('2024-05-01T10:20:30+05:30')).toBe('2024-05-01T04:50:30.000Z');
    expect(isoDateTime('not a date')).toBe('not a date');
  });

  it('keeps watermark text exact and binds it back', () => {
    expect(watermarkText('2024-05-01 10:20:30.123456+00')).toBe('2024-05-01 10:20:30.123456+00');
    expect(watermarkText(17)).toBe('17');
    expect(watermarkText(Buffer.from([0, 0, 0, 0, 0, 0, 7, 209]))).toBe('0x00000000000007d1');
    expect(watermarkParam('mssql', 'binary', '0x00000000000007d1')).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 7, 209]));
    expect(watermarkParam('mssql', 'dateTime', '2024-05-01T10:20:30.123Z')).toEqual(new Date('2024-05-01T10:20:30.123Z'));
    expect(watermarkParam('mssql', 'integer', '17')).toBe(17);
    expect(watermarkParam('postgres', 'dateTime', '2024-05-01 10:20:30.123456+00')).toBe('2024-05-01 10:20:30.123456+00');
    expect(watermarkParam('sqlite', 'integer', '17')).toBe('17');
  });

  it('writes keys as text', () => {
    expect(keyText(5)).toBe('5');
    expect(keyText('ada')).toBe('ada');
  });
});
