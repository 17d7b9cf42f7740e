-- The hr connector's target in docker compose: the Employees table of Microsoft's SQL connector
-- tutorial, in PostgreSQL. Run once by the postgres image on an empty data volume.
CREATE TABLE IF NOT EXISTS "Employees" (
  "ContosoLogin" text PRIMARY KEY,
  "FirstName"    text,
  "LastName"     text,
  "Email"        text,
  "AzureID"      text,
  "textID"       text,
  "Enabled"      boolean NOT NULL DEFAULT true
);
