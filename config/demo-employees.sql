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

-- Groups Entra assigns, beyond Microsoft's tutorial: the database numbers a new group (its SCIM
-- id); Entra matches groups on DisplayName. One GroupMembers row per (group, member's ContosoLogin).
CREATE TABLE IF NOT EXISTS Groups (
  GroupId     INTEGER PRIMARY KEY AUTOINCREMENT,
  DisplayName TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS GroupMembers (
  GroupId     INTEGER NOT NULL REFERENCES Groups (GroupId) ON DELETE CASCADE,
  MemberLogin TEXT NOT NULL,
  PRIMARY KEY (GroupId, MemberLogin)
);
