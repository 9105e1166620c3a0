"""Data versions a reader can trust (zhongyuan_cppcc/dashboard/cache.py, "Settled versions").

The trigger function now also takes, for the rest of the writing transaction, a shared advisory lock named
after the version it advances (before advancing it), and notes in a transaction-local setting that this
transaction advanced it. `data_versions_read(sequences)` reads the versions first and then tells, for each,
whether a transaction that advanced it may still be open: 'busy' when another session holds its lock (the
reader cannot take it exclusively), 'own' when the reader's own open transaction advanced it, 'settled'
otherwise — every advance it shows was made by a transaction that has ended, so anything read afterwards
sees those writes (or their rollback)."""

from django.db import migrations

FUNCTION = "data_version_advance"  # as zhongyuan_cppcc.dashboard.cache names them
READER = "data_versions_read"
LOCK_SPACE = 7265  # the first key of the two-key advisory locks (cache.VERSION_LOCK_SPACE)
OWN_SETTING = "zy_version"  # the transaction-local settings' prefix (cache.OWN_SETTING)

ADVANCE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared({LOCK_SPACE}, hashtext(TG_ARGV[0]));
  PERFORM set_config('{OWN_SETTING}.' || TG_ARGV[0], '1', true);
  PERFORM nextval(TG_ARGV[0]::regclass);
  RETURN NULL;
END $$"""

# (%% is a literal %: the schema editor formats the statement with its parameters.)
READ = f"""
CREATE OR REPLACE FUNCTION {READER}(sequences text[])
RETURNS TABLE(sequence text, version bigint, state text) LANGUAGE plpgsql AS $$
DECLARE
  versions bigint[] := '{{}}';
  value bigint;
  free boolean;
  i integer;
BEGIN
  -- The versions first, then the locks: a writer holds its lock from before its advance to its end.
  FOR i IN 1 .. coalesce(array_length(sequences, 1), 0) LOOP
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM %%I', sequences[i]) INTO value;
    versions := versions || value;
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(sequences, 1), 0) LOOP
    sequence := sequences[i];
    version := versions[i];
    -- Taken in a subtransaction that is then rolled back, which releases it: a writer waits at most for
    -- this block, and nothing (a cancelled statement included) can leave the lock behind.
    BEGIN
      free := pg_try_advisory_xact_lock({LOCK_SPACE}, hashtext(sequences[i]));
      RAISE SQLSTATE 'ZYV01';
    EXCEPTION WHEN SQLSTATE 'ZYV01' THEN NULL;
    END;
    state := CASE WHEN NOT free THEN 'busy'
                  WHEN current_setting('{OWN_SETTING}.' || sequences[i], true) = '1' THEN 'own'
                  ELSE 'settled' END;
    RETURN NEXT;
  END LOOP;
END $$"""

PREVIOUS = (f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM nextval(TG_ARGV[0]::regclass); RETURN NULL; END $$")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ADVANCE)
    schema_editor.execute(READ)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {READER}(text[])")
    schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0002_versions_per_app")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
