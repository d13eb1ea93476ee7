/*
 * warning_sql.c
 *     The SQL functions of the early-warning part that must be C: the two
 *     that run as a view's owner (the refresh and a rule's breach query)
 *     and the wake-up of the scheduler.
 *
 *     Running as the owner: the caller must have the owner's privileges
 *     (superuser, the owner, or a member of the owning role); the user id
 *     is switched to the owner with SECURITY_RESTRICTED_OPERATION, exactly
 *     as REFRESH MATERIALIZED VIEW does for the view's query, so the worker
 *     (a superuser session) reads nothing the owner cannot.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/matview.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/plannodes.h"
#include "tcop/dest.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timeout.h"

#include "risk.h"
#include "worker.h"

PG_FUNCTION_INFO_V1(risk_refresh_as_owner);
PG_FUNCTION_INFO_V1(risk_rule_breaches);
PG_FUNCTION_INFO_V1(risk_wake);

typedef struct OwnedView
{
	Oid			owner;
	char	   *nspname;
	char	   *relname;
} OwnedView;

/* The materialized view relid, checked: exists, is one, caller may act as owner. */
static OwnedView
owned_view(Oid relid)
{
	HeapTuple	tp = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class rel;
	OwnedView	v;

	if (!HeapTupleIsValid(tp))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("materialized view with OID %u does not exist", relid)));
	rel = (Form_pg_class) GETSTRUCT(tp);
	v.owner = rel->relowner;
	v.nspname = get_namespace_name(rel->relnamespace);
	v.relname = pstrdup(NameStr(rel->relname));
	if (rel->relkind != RELKIND_MATVIEW)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s.%s\" is not a materialized view", v.nspname, v.relname)));
	ReleaseSysCache(tp);
	if (!has_privs_of_role(GetUserId(), v.owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must have the privileges of role \"%s\" to act on materialized view \"%s.%s\"",
						GetUserNameFromId(v.owner, false), v.nspname, v.relname)));
	return v;
}

/*
 * Become the owner, with search_path pinned; returns the GUC nest level.
 * restricted adds SECURITY_RESTRICTED_OPERATION (REFRESH sets it itself,
 * after making the temporary table that CONCURRENTLY needs).
 */
static int
become_owner(const OwnedView *v, bool restricted, Oid *save_user, int *save_sec)
{
	int			nest;

	GetUserIdAndSecContext(save_user, save_sec);
	SetUserIdAndSecContext(v->owner, *save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   (restricted ? SECURITY_RESTRICTED_OPERATION : 0));
	nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

static void
back_from_owner(int nest, Oid save_user, int save_sec)
{
	AtEOXact_GUC(false, nest);
	SetUserIdAndSecContext(save_user, save_sec);
}

/*
 * risk._refresh_as_owner(view regclass, concurrently bool, timeout_ms int)
 * REFRESH MATERIALIZED VIEW as the view's owner; returns the rows it holds.
 * In a refresh worker a positive timeout arms the statement timer for the
 * refresh alone; in a session the session's statement_timeout applies.
 */
Datum
risk_refresh_as_owner(PG_FUNCTION_ARGS)
{
	OwnedView	v = owned_view(PG_GETARG_OID(0));
	bool		concurrently = PG_GETARG_BOOL(1);
	int			timeout_ms = PG_GETARG_INT32(2);
	RefreshMatViewStmt *stmt = makeNode(RefreshMatViewStmt);
	PlannedStmt *ps = makeNode(PlannedStmt);
	QueryCompletion qc;
	Oid			save_user;
	int			save_sec;
	int			nest;
	char	   *sql;
	bool		arm;

	stmt->concurrent = concurrently;
	stmt->skipData = false;
	stmt->relation = makeRangeVar(v.nspname, v.relname, -1);
	ps->commandType = CMD_UTILITY;
	ps->canSetTag = true;
	ps->utilityStmt = (Node *) stmt;
	ps->stmt_location = -1;
	ps->stmt_len = 0;
	sql = psprintf("REFRESH MATERIALIZED VIEW %s%s", concurrently ? "CONCURRENTLY " : "",
				   quote_qualified_identifier(v.nspname, v.relname));
	InitializeQueryCompletion(&qc);

	/* only the refresh workers arm the timer: a session keeps its own */
	arm = timeout_ms > 0 && IsBackgroundWorker;
	nest = become_owner(&v, false, &save_user, &save_sec);
	if (arm)
		enable_timeout_after(STATEMENT_TIMEOUT, timeout_ms);
	PG_TRY();
	{
		ProcessUtility(ps, sql, false, PROCESS_UTILITY_QUERY, NULL, NULL,
					   None_Receiver, &qc);
	}
	PG_FINALLY();
	{
		if (arm)
			disable_timeout(STATEMENT_TIMEOUT, false);
	}
	PG_END_TRY();
	back_from_owner(nest, save_user, save_sec);

	PG_RETURN_INT64((int64) qc.nprocessed);
}

static const char *const rule_ops[] = {">", ">=", "<", "<=", "=", "<>"};

/*
 * risk._rule_breaches(view regclass, metric name, op text, threshold float8,
 *                     keys name[]) returns jsonb
 * As the owner: [{"key": {k: v, ...}, "value": metric}, ...] for the rows
 * where metric op threshold holds (NULL metrics never breach), or '[]'.
 */
Datum
risk_rule_breaches(PG_FUNCTION_ARGS)
{
	OwnedView	v = owned_view(PG_GETARG_OID(0));
	char	   *metric = NameStr(*PG_GETARG_NAME(1));
	int			op = risk_choice(PG_GETARG_TEXT_PP(2), rule_ops, lengthof(rule_ops),
								 "comparison", "Use one of >, >=, <, <=, =, <>.");
	float8		threshold = PG_GETARG_FLOAT8(3);
	ArrayType  *keys = PG_GETARG_ARRAYTYPE_P(4);
	Datum	   *kd;
	bool	   *kn;
	int			nk;
	StringInfoData sql;
	Oid			argtypes[1] = {FLOAT8OID};
	Datum		values[1] = {Float8GetDatum(threshold)};
	Oid			save_user;
	int			save_sec;
	int			nest;
	Datum		result = (Datum) 0;
	bool		isnull = true;

	deconstruct_array(keys, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &kd, &kn, &nk);
	if (nk > 50)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a rule may name at most 50 key columns, got %d", nk)));

	initStringInfo(&sql);
	appendStringInfoString(&sql,
						   "SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
						   "'key', pg_catalog.jsonb_build_object(");
	for (int i = 0; i < nk; i++)
	{
		const char *k;

		if (kn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("key columns must not be NULL")));
		k = NameStr(*DatumGetName(kd[i]));
		appendStringInfo(&sql, "%s%s, t.%s", i ? ", " : "", quote_literal_cstr(k),
						 quote_identifier(k));
	}
	appendStringInfo(&sql,
					 "), 'value', t.%s::pg_catalog.float8)) FROM %s t "
					 "WHERE t.%s::pg_catalog.float8 OPERATOR(pg_catalog.%s) $1",
					 quote_identifier(metric),
					 quote_qualified_identifier(v.nspname, v.relname),
					 quote_identifier(metric), rule_ops[op]);

	nest = become_owner(&v, true, &save_user, &save_sec);
	SPI_connect();
	if (SPI_execute_with_args(sql.data, 1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "risk: rule query failed");
	if (SPI_processed == 1)
	{
		result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			result = SPI_datumTransfer(result, false, -1);
	}
	SPI_finish();
	back_from_owner(nest, save_user, save_sec);

	if (isnull)
		result = DirectFunctionCall1(jsonb_in, CStringGetDatum("[]"));
	PG_RETURN_DATUM(result);
}

/*
 * risk._wake() returns boolean
 * Wake this database's scheduler when the transaction commits; true when
 * the background workers run (library preloaded, launcher up).
 */
Datum
risk_wake(PG_FUNCTION_ARGS)
{
	risk_wake_scheduler_at_commit();
	PG_RETURN_BOOL(risk_workers_active());
}
