"""Migration 0014's PostgreSQL part: the server names who made each row, and keeps the
owner's decisions the owner's (models/db/postgres/schema.py runs these statements).

- `created_by` is set by a BEFORE INSERT trigger to `session_user`, the role that signed
  in, whatever the client sent; an UPDATE keeps the name the row was made with.
- The owner's decisions: only a role that may decide (`gvia_decides()`: the tables' owner,
  a superuser, or a member of gvia_owner, models/db/postgres/roles.py) may set a
  negotiation's limits, sign or cancel a settlement, or change a setting (but for
  BOOKKEEPER_SETTINGS, which the grants leave to a bookkeeper). A trigger compares the values,
  not the columns named: the program saves a whole row, so column privileges would refuse
  a collector's note on a negotiation too. The refusal is `insufficient_privilege`, the
  same error a missing grant gives (models.db.postgres.faults: NotPermittedError).
"""
from __future__ import annotations

OWNER_GROUP = "gvia_owner"
# The settings another role writes in the course of its work: an import's column mappings
# (models.exchange.import_sources). Every other setting is the owner's decision.
BOOKKEEPER_SETTINGS = ("import_sources",)

_AUTHOR = """
CREATE FUNCTION gvia_created_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_by := session_user;
    ELSE
        NEW.created_by := OLD.created_by;
    END IF;
    RETURN NEW;
END $$"""

_DECIDES = f"""
CREATE FUNCTION gvia_decides() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(current_user, c.relowner, 'USAGE') OR EXISTS (
        SELECT 1 FROM pg_roles r
        WHERE r.rolname = '{OWNER_GROUP}' AND pg_has_role(current_user, r.oid, 'USAGE'))
    FROM pg_class c WHERE c.oid = 'setting'::regclass
$$"""

_LIMITS = ("min_amount_agorot", "max_instalments", "latest_final_date",
           "allow_stop_service", "allow_final_warning", "allow_legal")


def _row(prefix: str, columns) -> str:
    return "ROW(" + ", ".join(f"{prefix}.{c}" for c in columns) + ")"


_NEGOTIATION = f"""
CREATE FUNCTION gvia_negotiation_limits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (CASE WHEN TG_OP = 'INSERT'
             THEN {_row('NEW', _LIMITS)} IS DISTINCT FROM ROW(NULL::bigint, NULL::bigint,
                  NULL::date, 0::bigint, 0::bigint, 0::bigint)
             ELSE {_row('NEW', _LIMITS)} IS DISTINCT FROM {_row('OLD', _LIMITS)} END)
            AND NOT gvia_decides() THEN
        RAISE EXCEPTION 'only the business owner sets the limits of a negotiation'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$"""

_DECISION = ("status", "signed_date", "cancelled_date")
_SETTLEMENT = f"""
CREATE FUNCTION gvia_settlement_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (CASE WHEN TG_OP = 'INSERT' THEN NEW.status <> 'draft'
             ELSE {_row('NEW', _DECISION)} IS DISTINCT FROM {_row('OLD', _DECISION)} END)
            AND NOT gvia_decides() THEN
        RAISE EXCEPTION 'only the business owner signs or cancels a settlement'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$"""


_THEIRS = ", ".join(f"'{key}'" for key in BOOKKEEPER_SETTINGS)
_SETTING = f"""
CREATE FUNCTION gvia_setting_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT gvia_decides() AND (
            (TG_OP <> 'INSERT' AND OLD.key NOT IN ({_THEIRS}))
            OR (TG_OP <> 'DELETE' AND NEW.key NOT IN ({_THEIRS}))) THEN
        RAISE EXCEPTION 'only the business owner changes the settings'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$"""


def statements(authored_tables) -> list[str]:
    """The triggers and functions, after migration 0014's shared ADD COLUMNs."""
    result = [_AUTHOR]
    result += [f"""CREATE TRIGGER {table}_created_by BEFORE INSERT OR UPDATE OF created_by
                   ON {table} FOR EACH ROW EXECUTE FUNCTION gvia_created_by()"""
               for table in authored_tables]
    return [*result, _DECIDES, _NEGOTIATION, _SETTLEMENT, _SETTING,
            """CREATE TRIGGER setting_owner BEFORE INSERT OR UPDATE OR DELETE ON setting
                FOR EACH ROW EXECUTE FUNCTION gvia_setting_owner()""",
            """CREATE TRIGGER negotiation_limits_owner BEFORE INSERT OR UPDATE ON negotiation
                FOR EACH ROW EXECUTE FUNCTION gvia_negotiation_limits()""",
            """CREATE TRIGGER settlement_decision_owner BEFORE INSERT OR UPDATE ON settlement
                FOR EACH ROW EXECUTE FUNCTION gvia_settlement_decision()"""]
