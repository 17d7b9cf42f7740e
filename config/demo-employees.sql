-- The demo target: the Employees table of Microsoft's SQL connector tutorial, in SQLite.
-- ContosoLogin is the primary key, the anchor and Entra's matching attribute.
CREATE TABLE IF NOT EXISTS Employees (
  ContosoLogin TEXT NOT NULL PRIMARY KEY,
  FirstName    TEXT,
  LastName     TEXT,
  Email        TEXT,
  AzureID      TEXT,
  textID       TEXT,
  Enabled      BOOLEAN NOT NULL DEFAULT 1
);
