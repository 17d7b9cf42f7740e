import * as mssql from 'mssql';
import { mssqlConfigFromUrl, mssqlParamType } from './sql-client';

describe('SQL Server connection settings', () => {
  it('reads an mssql:// URL', () => {
    expect(mssqlConfigFromUrl('mssql://sa:p%40ss@db.example:1444/hr?encrypt=true&trustServerCertificate=false&instanceName=A')).toEqual({
      server: 'db.example',
      port: 1444,
      user: 'sa',
      password: 'p@ss',
      database: 'hr',
      options: { encrypt: true, trustServerCertificate: false, instanceName: 'A' },
    });
  });

  it('types parameters after their column so that indexes stay usable', () => {
    expect(mssqlParamType('varchar', 'a')).toBe(mssql.VarChar);
    expect(mssqlParamType('nvarchar', 'a')).toBe(mssql.NVarChar);
    expect(mssqlParamType('uniqueidentifier', 'a')).toBe(mssql.UniqueIdentifier);
    expect(mssqlParamType('datetime2', new Date())).toBe(mssql.DateTime2);
    expect(mssqlParamType('datetimeoffset', new Date())).toBe(mssql.DateTimeOffset);
    expect(mssqlParamType('timestamp', Buffer.from([1]))).toBe(mssql.VarBinary);
    expect(mssqlParamType('bigint', 5)).toBe(mssql.BigInt);
    expect(mssqlParamType('int', null)).toBeUndefined();
    expect(mssqlParamType(undefined, 'a')).toBeUndefined();
  });
});
