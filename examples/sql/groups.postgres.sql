-- Users, groups and memberships for examples/sql-groups.yaml (PostgreSQL 13 or later).
--   psql "$PG_URL" -f examples/sql/groups.postgres.sql
-- Every table has an UpdatedAt that moves on every change, so the connector can delta import.

-- UpdatedAt follows every UPDATE of a row.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."UpdatedAt" := clock_timestamp();
  RETURN NEW;
END $$;

CREATE TABLE "Users" (
  "ContosoLogin" varchar(128) PRIMARY KEY,
  "FirstName"    varchar(50) NOT NULL,
  "LastName"     varchar(50) NOT NULL,
  "Email"        varchar(128),
  -- The manager's anchor (target.references: { Manager: User }). Deleting the manager clears it.
  "Manager"      varchar(128) REFERENCES "Users" ("ContosoLogin") ON DELETE SET NULL,
  "Enabled"      boolean NOT NULL DEFAULT true,
  "UpdatedAt"    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX "Users_UpdatedAt" ON "Users" ("UpdatedAt");
CREATE TRIGGER "Users_touch" BEFORE UPDATE ON "Users" FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE "Groups" (
  -- The database names a new group: its id is the SCIM id Entra gets back.
  "Id"          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "DisplayName" varchar(256) NOT NULL,
  "UpdatedAt"   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX "Groups_DisplayName" ON "Groups" ("DisplayName");
CREATE INDEX "Groups_UpdatedAt" ON "Groups" ("UpdatedAt");
CREATE TRIGGER "Groups_touch" BEFORE UPDATE ON "Groups" FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- One row per (group, member). A member is a user's ContosoLogin or a nested group's Id, so
-- MemberId has no foreign key; the connector removes a deleted user's or group's rows itself.
CREATE TABLE "GroupMembers" (
  "GroupId"  uuid NOT NULL REFERENCES "Groups" ("Id") ON DELETE CASCADE,
  "MemberId" varchar(128) NOT NULL,
  PRIMARY KEY ("GroupId", "MemberId")
);
-- Deleting a user looks its memberships up by member.
CREATE INDEX "GroupMembers_MemberId" ON "GroupMembers" ("MemberId");

-- A membership change is a change of its group: it moves the group's UpdatedAt, so a delta import
-- of Groups brings the new member list, whoever changed it. One UPDATE per statement, however
-- many members it added or removed.
CREATE OR REPLACE FUNCTION group_members_touch_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Groups" SET "UpdatedAt" = clock_timestamp() WHERE "Id" IN (SELECT DISTINCT "GroupId" FROM changed);
  RETURN NULL;
END $$;
CREATE TRIGGER "GroupMembers_added" AFTER INSERT ON "GroupMembers"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION group_members_touch_groups();
CREATE TRIGGER "GroupMembers_removed" AFTER DELETE ON "GroupMembers"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION group_members_touch_groups();
