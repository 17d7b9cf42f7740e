-- The Employees table of Microsoft's SQL connector tutorial, for the SQL Server profile of
-- docker-compose.yml (and MSSQL_URL integration tests).
IF DB_ID('Contoso') IS NULL CREATE DATABASE Contoso;
GO
USE Contoso;
GO
IF OBJECT_ID('dbo.Employees') IS NULL
CREATE TABLE dbo.Employees (
  ContosoLogin NVARCHAR(128) NOT NULL PRIMARY KEY,
  FirstName    NVARCHAR(50) NULL,
  LastName     NVARCHAR(50) NULL,
  Email        NVARCHAR(128) NULL,
  AzureID      NVARCHAR(64) NULL,
  textID       NVARCHAR(64) NULL,
  Enabled      BIT NOT NULL DEFAULT 1
);
GO
