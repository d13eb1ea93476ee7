/*
 * warning.c
 *     The early-warning functions that must be C:
 *       - the refresh of a watched view with its bookkeeping and its rules:
 *         one path (risk_refresh_start, risk_refresh_run) that the refresh
 *         workers and risk.refresh_and_evaluate, the synchronous call of a
 *         batch job, both take;
 *       - the two that run as a view's owner: the refresh and a rule's
 *         breach query (as a relation, or as the jsonb array that 0.2.1
 *         schemas read);
 *       - the wake-up of the scheduler, and the NOTIFY limit of the alerts.
 *
 *     Running as the owner: the caller must have the owner's privileges
 *     (superuser, the owner, or a member of the owning role); the user id
 *     is switched to the owner with SECURITY_RESTRICTED_OPERATION, exactly
 *     as REFRESH MATERIALIZED VIEW does for the view's query, so the worker
 *     (a superuser session) reads nothing the owner cannot.
 *
 *     The bookkeeping (risk.refresh_history, risk.watched, risk.alerts)
 *     runs as the bootstrap superuser in a worker and as the extension's
 *     owner in risk.refresh_and_evaluate, with search_path pinned: only the
 *     extension's own SQL runs with those rights, never the view's query or
 *     a rule's, which run as the view's owner.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/matview.h"
#include "executor/spi.h"
#include "executor/tstoreReceiver.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "nodes/makefuncs.h"
#include "nodes/params.h"
#include "nodes/plannodes.h"
#include "pgstat.h"
#include "tcop/dest.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "risk.h"
#include "warning_worker.h"

PG_FUNCTION_INFO_V1(risk_refresh_as_owner);
PG_FUNCTION_INFO_V1(risk_rule_breaches);
PG_FUNCTION_INFO_V1(risk_rule_breach_rows);
PG_FUNCTION_INFO_V1(risk_refresh_and_evaluate);
PG_FUNCTION_INFO_V1(risk_alert_notify_limit_sql);
PG_FUNCTION_INFO_V1(risk_wake);

/*
 * sql, written for the support functions in schema risk_internal, for this
 * database's catalog: before ALTER EXTENSION risk UPDATE to 0.3.0 they are
 * in schema risk, and the library serves such a catalog until the update.
 */
const char *
risk_internal_sql(const char *sql)
{
	StringInfoData buf;
	const char *p;

	if (OidIsValid(get_namespace_oid("risk_internal", true)))
		return sql;
	initStringInfo(&buf);
	while ((p = strstr(sql, "risk_internal.")) != NULL)
	{
		appendBinaryStringInfo(&buf, sql, p - sql);
		appendStringInfoString(&buf, "risk.");
		sql = p + strlen("risk_internal.");
	}
	appendStringInfoString(&buf, sql);
	return buf.data;
}

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
 * Become role, with search_path pinned; returns the GUC nest level.
 * restricted adds SECURITY_RESTRICTED_OPERATION (REFRESH sets it itself,
 * after making the temporary table that CONCURRENTLY needs).
 */
static int
become(Oid role, bool restricted, Oid *save_user, int *save_sec)
{
	int			nest;

	GetUserIdAndSecContext(save_user, save_sec);
	SetUserIdAndSecContext(role, *save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   (restricted ? SECURITY_RESTRICTED_OPERATION : 0));
	nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

static void
come_back(int nest, Oid save_user, int save_sec)
{
	AtEOXact_GUC(false, nest);
	SetUserIdAndSecContext(save_user, save_sec);
}

/*
 * REFRESH MATERIALIZED VIEW relid as its owner; the rows it holds.  In a
 * refresh worker a positive timeout arms the statement timer for the
 * refresh alone; in a session the session's statement_timeout applies.
 */
static int64
refresh_as_owner(Oid relid, bool concurrently, int timeout_ms)
{
	OwnedView	v = owned_view(relid);
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
	nest = become(v.owner, false, &save_user, &save_sec);
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
	come_back(nest, save_user, save_sec);

	return (int64) qc.nprocessed;
}

/*
 * risk_internal._refresh_as_owner(view regclass, concurrently bool, timeout_ms int)
 * The refresh as the owner, from SQL; returns the rows the view holds.
 */
Datum
risk_refresh_as_owner(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(refresh_as_owner(PG_GETARG_OID(0), PG_GETARG_BOOL(1),
									 PG_GETARG_INT32(2)));
}

/* ---------------------------------------------------------------------
 * A rule's breaching rows
 * --------------------------------------------------------------------- */

static const char *const rule_ops[] = {">", ">=", "<", "<=", "=", "<>"};

/*
 * The query of a rule on view v: as_rows, one row (key jsonb, value
 * float8) per key with the worst value (the largest for > and >=, the
 * smallest otherwise); else one jsonb array [{"key": ..., "value": ...}]
 * of every breaching row, as 0.2.1 read it.  The threshold is $1.
 */
static char *
breach_query(const OwnedView *v, const char *metric, int op, ArrayType *keys, bool as_rows)
{
	Datum	   *kd;
	bool	   *kn;
	int			nk;
	StringInfoData key;
	StringInfoData sql;
	const char *m = quote_identifier(metric);

	deconstruct_array(keys, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &kd, &kn, &nk);
	if (nk > 50)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a rule may name at most 50 key columns, got %d", nk)));
	initStringInfo(&key);
	appendStringInfoString(&key, "pg_catalog.jsonb_build_object(");
	for (int i = 0; i < nk; i++)
	{
		const char *k;

		if (kn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("key columns must not be NULL")));
		k = NameStr(*DatumGetName(kd[i]));
		appendStringInfo(&key, "%s%s, t.%s", i ? ", " : "", quote_literal_cstr(k),
						 quote_identifier(k));
	}
	appendStringInfoChar(&key, ')');

	initStringInfo(&sql);
	if (as_rows)
		appendStringInfo(&sql, "SELECT %s, pg_catalog.%s(t.%s::pg_catalog.float8) FROM %s t "
						 "WHERE t.%s::pg_catalog.float8 OPERATOR(pg_catalog.%s) $1 GROUP BY 1",
						 key.data, op <= 1 ? "max" : "min", m,
						 quote_qualified_identifier(v->nspname, v->relname), m, rule_ops[op]);
	else
		appendStringInfo(&sql, "SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
						 "'key', %s, 'value', t.%s::pg_catalog.float8)) FROM %s t "
						 "WHERE t.%s::pg_catalog.float8 OPERATOR(pg_catalog.%s) $1",
						 key.data, m, quote_qualified_identifier(v->nspname, v->relname),
						 m, rule_ops[op]);
	return sql.data;
}

/*
 * risk_internal._rule_breaches(view regclass, metric name, op text, threshold float8,
 *                     keys name[]) returns jsonb
 * As the owner: [{"key": {k: v, ...}, "value": metric}, ...] for the rows
 * where metric op threshold holds (NULL metrics never breach), or '[]'.
 * The 0.2.1 form, kept for a 0.2.1 schema that this library serves until
 * ALTER EXTENSION risk UPDATE; 0.2.2 reads risk_internal._rule_breach_rows.
 */
Datum
risk_rule_breaches(PG_FUNCTION_ARGS)
{
	OwnedView	v = owned_view(PG_GETARG_OID(0));
	int			op = risk_choice(PG_GETARG_TEXT_PP(2), rule_ops, lengthof(rule_ops),
								 "comparison", "Use one of >, >=, <, <=, =, <>.");
	char	   *sql = breach_query(&v, NameStr(*PG_GETARG_NAME(1)), op,
								   PG_GETARG_ARRAYTYPE_P(4), false);
	Oid			argtypes[1] = {FLOAT8OID};
	Datum		values[1] = {PG_GETARG_DATUM(3)};
	Oid			save_user;
	int			save_sec;
	int			nest;
	Datum		result = (Datum) 0;
	bool		isnull = true;

	nest = become(v.owner, true, &save_user, &save_sec);
	SPI_connect();
	if (SPI_execute_with_args(sql, 1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "risk: rule query failed");
	if (SPI_processed == 1)
	{
		result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			result = SPI_datumTransfer(result, false, -1);
	}
	SPI_finish();
	come_back(nest, save_user, save_sec);

	if (isnull)
		result = DirectFunctionCall1(jsonb_in, CStringGetDatum("[]"));
	PG_RETURN_DATUM(result);
}

/*
 * risk_internal._rule_breach_rows(view regclass, metric name, op text, threshold
 *                        float8, keys name[]) returns table (key jsonb, value float8)
 * As the owner: one row per key of the rows where metric op threshold holds
 * (NULL metrics never breach), with the worst value of the key.  The rows
 * go straight from the query into the function's result (no copy, no
 * jsonb in between): rule evaluation joins them once.
 */
Datum
risk_rule_breach_rows(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"view", "metric", "op", "threshold", "keys"};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	OwnedView	v;
	int			op;
	char	   *sql;
	ParamListInfo params;
	SPIExecuteOptions options;
	DestReceiver *dest;
	Oid			save_user;
	int			save_sec;
	int			nest;
	int			rc;

	for (int i = 0; i < (int) lengthof(argnames); i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be NULL", argnames[i])));
	v = owned_view(PG_GETARG_OID(0));
	op = risk_choice(PG_GETARG_TEXT_PP(2), rule_ops, lengthof(rule_ops),
					 "comparison", "Use one of >, >=, <, <=, =, <>.");
	sql = breach_query(&v, NameStr(*PG_GETARG_NAME(1)), op, PG_GETARG_ARRAYTYPE_P(4), true);

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	dest = CreateDestReceiver(DestTuplestore);
	SetTuplestoreDestReceiverParams(dest, rsinfo->setResult,
									rsinfo->econtext->ecxt_per_query_memory,
									false, NULL, NULL);
	params = makeParamList(1);
	params->numParams = 1;
	params->params[0].value = PG_GETARG_DATUM(3);
	params->params[0].isnull = false;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = FLOAT8OID;
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;

	nest = become(v.owner, true, &save_user, &save_sec);
	SPI_connect();
	rc = SPI_execute_extended(sql, &options);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "risk: rule query failed: %s", SPI_result_code_string(rc));
	SPI_finish();
	come_back(nest, save_user, save_sec);
	dest->rDestroy(dest);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * The refresh of a watched view: one path for workers and sessions
 * --------------------------------------------------------------------- */

/*
 * The statements of the bookkeeping, planned once per process.  The start
 * of a refresh: the history row gets its actual start and the view's next
 * run is that plus its interval.  Until ALTER EXTENSION risk UPDATE has run
 * in the database (a 0.2.1 schema, whose history names the view in
 * view_oid), only the start is recorded, as 0.2.1 did.
 */
typedef enum BookStmt
{
	Q_START,
	Q_START_021,
	Q_OK,
	Q_FAILED,
	Q_HAS_RULES,
	Q_RULES,
	Q_RULES_FAILED,
	NUM_BOOK_STMTS
} BookStmt;

static const struct
{
	const char *sql;
	int			nargs;
	Oid			types[4];
}			book_stmts[NUM_BOOK_STMTS] =
{
	[Q_START] = {
		"WITH h AS (UPDATE risk.refresh_history SET started_at = pg_catalog.clock_timestamp() "
		"           WHERE id OPERATOR(pg_catalog.=) $1 AND outcome OPERATOR(pg_catalog.=) 'running' "
		"           RETURNING view, concurrent, view_name, started_at), "
		"w AS (UPDATE risk.watched x "
		"      SET last_started = h.started_at, "
		"          next_run = h.started_at OPERATOR(pg_catalog.+) x.every "
		"      FROM h WHERE x.view OPERATOR(pg_catalog.=) h.view) "
		"SELECT view, concurrent, view_name FROM h", 1, {INT8OID}},
	[Q_START_021] = {
		"UPDATE risk.refresh_history SET started_at = pg_catalog.clock_timestamp() "
		"WHERE id OPERATOR(pg_catalog.=) $1 AND outcome OPERATOR(pg_catalog.=) 'running' "
		"RETURNING view_oid, concurrent, view_name", 1, {INT8OID}},
	[Q_OK] = {"SELECT risk_internal._refresh_end($1, 'ok', NULL, NULL, $2)", 2, {INT8OID, INT8OID}},
	[Q_FAILED] = {"SELECT risk_internal._refresh_end($1, $2, $3, $4, NULL)", 4,
	{INT8OID, TEXTOID, TEXTOID, TEXTOID}},
	[Q_HAS_RULES] = {
		"SELECT 1 FROM risk.rules r WHERE r.view OPERATOR(pg_catalog.=) $1 AND r.enabled LIMIT 1",
		1, {REGCLASSOID}},
	[Q_RULES] = {"SELECT risk_internal._evaluate_rules($1)", 1, {INT8OID}},
	[Q_RULES_FAILED] = {"SELECT risk_internal._rules_failed($1, $2, $3)", 3, {INT8OID, TEXTOID, TEXTOID}},
};
static SPIPlanPtr book_plans[NUM_BOOK_STMTS];
static bool book_plans_internal = true;	/* for which catalog they were made */

/* Run bookkeeping statement q (SPI connected); SPI_tuptable has its rows. */
static void
book(BookStmt q, Datum *values)
{
	int			rc;
	bool		internal = OidIsValid(get_namespace_oid("risk_internal", true));

	/*
	 * Plans kept from before ALTER EXTENSION risk UPDATE name the old schema
	 * of the support functions, and a replan would look them up there:
	 * prepare the statements again for the catalog as it is now.
	 */
	if (internal != book_plans_internal)
	{
		for (int i = 0; i < NUM_BOOK_STMTS; i++)
			if (book_plans[i] != NULL)
			{
				SPI_freeplan(book_plans[i]);
				book_plans[i] = NULL;
			}
		book_plans_internal = internal;
	}
	if (book_plans[q] == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(risk_internal_sql(book_stmts[q].sql), book_stmts[q].nargs,
									(Oid *) book_stmts[q].types);

		if (p == NULL)
			elog(ERROR, "risk: could not prepare \"%s\": %s", book_stmts[q].sql,
				 SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		book_plans[q] = p;
	}
	rc = SPI_execute_plan(book_plans[q], values, NULL, false, 0);
	if (rc < 0)
		elog(ERROR, "risk: \"%s\" failed: %s", book_stmts[q].sql, SPI_result_code_string(rc));
}

bool
risk_refresh_start(RiskRefresh *r, bool schema_021)
{
	Datum		v[1] = {Int64GetDatum(r->hid)};
	HeapTuple	tup;
	TupleDesc	td;
	bool		isnull;
	MemoryContext spi;

	r->schema_021 = schema_021;
	book(schema_021 ? Q_START_021 : Q_START, v);
	if (SPI_tuptable == NULL || SPI_processed != 1)
		return false;
	tup = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	r->view = DatumGetObjectId(SPI_getbinval(tup, td, 1, &isnull));
	r->concurrently = DatumGetBool(SPI_getbinval(tup, td, 2, &isnull));
	spi = MemoryContextSwitchTo(r->cxt);
	r->name = SPI_getvalue(tup, td, 3);
	MemoryContextSwitchTo(spi);
	return true;
}

/*
 * Run f(r) in a subtransaction of the current transaction: true if it
 * succeeded; else the subtransaction is rolled back and *err (in r->cxt)
 * says why.  A cancel (statement timeout, pg_cancel_backend) is re-thrown
 * unless catch_cancel: a session's cancel stops the whole call.
 */
static bool
in_subtransaction(void (*f) (RiskRefresh *), RiskRefresh *r, bool catch_cancel,
				  ErrorData **err)
{
	MemoryContext outer = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	volatile bool ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(outer);
	PG_TRY();
	{
		f(r);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(outer);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(r->cxt);
		ed = CopyErrorData();
		if (IsBackgroundWorker)
			EmitErrorReport();	/* a worker's errors go to the server log */
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(outer);
		CurrentResourceOwner = owner;
		if (ed->sqlerrcode == ERRCODE_QUERY_CANCELED && !catch_cancel)
			ReThrowError(ed);
		*err = ed;
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/* The refresh as the owner, then its outcome 'ok' with the rows. */
static void
refresh_step(RiskRefresh *r)
{
	Datum		v[2];

	PushActiveSnapshot(GetTransactionSnapshot());
	v[1] = Int64GetDatum(refresh_as_owner(r->view, r->concurrently, r->timeout_ms));
	PopActiveSnapshot();
	CommandCounterIncrement();
	v[0] = Int64GetDatum(r->hid);
	book(Q_OK, v);
}

static void
rules_step(RiskRefresh *r)
{
	Datum		v[1] = {Int64GetDatum(r->hid)};

	book(Q_RULES, v);
}

static Datum
error_text(const char *s)
{
	return CStringGetTextDatum(s ? s : "unknown error");
}

void
risk_refresh_run(RiskRefresh *r, bool catch_cancel)
{
	TimestampTz start = GetCurrentTimestamp();
	ErrorData  *ed = NULL;

	if (!in_subtransaction(refresh_step, r, catch_cancel, &ed))
	{
		bool		timed_out = ed->sqlerrcode == ERRCODE_QUERY_CANCELED &&
			r->timeout_ms > 0 && IsBackgroundWorker &&
			TimestampDifferenceExceeds(start, GetCurrentTimestamp(), r->timeout_ms - 1);
		Datum		v[4] = {Int64GetDatum(r->hid),
			CStringGetTextDatum(timed_out ? "timeout" : "failed"),
			CStringGetTextDatum(unpack_sql_state(ed->sqlerrcode)),
		error_text(ed->message)};

		book(Q_FAILED, v);
		return;
	}
	/* a view without rules: nothing to evaluate (0.2.2 recorded no alerts) */
	if (!r->schema_021)
	{
		Datum		v[1] = {ObjectIdGetDatum(r->view)};

		book(Q_HAS_RULES, v);
		if (SPI_processed == 0)
			return;
	}
	if (IsBackgroundWorker)
		pgstat_report_activity(STATE_RUNNING, "risk refresh: evaluating rules");
	if (!in_subtransaction(rules_step, r, catch_cancel, &ed))
	{
		Datum		v[3] = {Int64GetDatum(r->hid),
			CStringGetTextDatum(unpack_sql_state(ed->sqlerrcode)),
		error_text(ed->message)};

		book(Q_RULES_FAILED, v);
	}
}

/* The view's qualified name, as the SQL functions (search_path pinned) print it. */
static char *
view_text(Oid relid)
{
	char	   *rel = get_rel_name(relid);
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));

	if (rel == NULL || nsp == NULL)
		return psprintf("%u", relid);
	return quote_qualified_identifier(nsp, rel);
}

/*
 * risk.refresh_and_evaluate(view regclass) returns risk.refresh_history
 * Refresh a watched view now, in the calling session and transaction, and
 * evaluate its rules: the refresh workers' path, recorded in the history
 * like theirs; returns the history row.  The caller must be a member of
 * the view's owning role (checked as the caller, by risk_internal._watched); the
 * refresh and the rules run as the view's owner, the bookkeeping as the
 * extension's owner.  Needs no preloaded library.
 */
Datum
risk_refresh_and_evaluate(PG_FUNCTION_ARGS)
{
	Oid			relid;
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1];
	Oid			bookkeeper;
	Oid			save_user;
	int			save_sec;
	int			nest;
	bool		isnull;
	RiskRefresh r;
	Datum		row;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("view must not be NULL")));
	relid = PG_GETARG_OID(0);
	values[0] = ObjectIdGetDatum(relid);

	SPI_connect();
	/* as the caller: a watched materialized view of a role it belongs to */
	if (SPI_execute_with_args(risk_internal_sql("SELECT (risk_internal._watched($1, 'refresh_and_evaluate')).paused, "
												"(SELECT e.extowner FROM pg_catalog.pg_extension e "
												" WHERE e.extname OPERATOR(pg_catalog.=) 'risk')"),
							  1, argtypes, values, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "risk: the check of the view failed");
	if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("materialized view %s is paused",
						view_text(relid)),
				 errhint("Call risk.resume first.")));
	bookkeeper = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 2, &isnull));

	memset(&r, 0, sizeof(r));
	r.cxt = CurrentMemoryContext;
	r.timeout_ms = 0;

	nest = become(bookkeeper, false, &save_user, &save_sec);
	if (SPI_execute_with_args(risk_internal_sql("SELECT risk_internal._refresh_begin($1)"), 1, argtypes, values,
							  NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "risk: risk_internal._refresh_begin failed");
	r.hid = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (!isnull)
	{
		/*
		 * The view's lock first, in the mode its refresh takes, then the
		 * registry row (the start): the order of a refresh worker, which
		 * commits the start before it refreshes.  The other order would
		 * deadlock with a worker refreshing the view.
		 */
		values[0] = Int64GetDatum(r.hid);
		argtypes[0] = INT8OID;
		if (SPI_execute_with_args("SELECT h.concurrent FROM risk.refresh_history h "
								  "WHERE h.id OPERATOR(pg_catalog.=) $1",
								  1, argtypes, values, NULL, false, 1) != SPI_OK_SELECT ||
			SPI_processed != 1)
			elog(ERROR, "risk: the history row of refresh " INT64_FORMAT " is missing", r.hid);
		LockRelationOid(relid, DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 1, &isnull))
						? ExclusiveLock : AccessExclusiveLock);
	}
	if (isnull || !risk_refresh_start(&r, false))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("materialized view %s is no longer watched, or paused",
						view_text(relid))));
	risk_refresh_run(&r, false);

	values[0] = Int64GetDatum(r.hid);
	argtypes[0] = INT8OID;
	if (SPI_execute_with_args("SELECT h FROM risk.refresh_history h WHERE h.id OPERATOR(pg_catalog.=) $1",
							  1, argtypes, values, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "risk: the history row of refresh " INT64_FORMAT " is missing", r.hid);
	row = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull),
							false, -1);
	come_back(nest, save_user, save_sec);
	SPI_finish();
	PG_RETURN_DATUM(row);
}

/* ---------------------------------------------------------------------
 * Small ones
 * --------------------------------------------------------------------- */

/*
 * risk_internal._alert_notify_limit() returns integer
 * risk.alert_notify_limit, read where the library is loaded (a call of this
 * function loads it, so the setting is defined and checked).
 */
Datum
risk_alert_notify_limit_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(risk_alert_notify_limit);
}

/*
 * risk_internal._wake() returns boolean
 * Wake this database's scheduler when the transaction commits; true when
 * the background workers run (library preloaded, launcher up).
 */
Datum
risk_wake(PG_FUNCTION_ARGS)
{
	risk_wake_scheduler_at_commit();
	PG_RETURN_BOOL(risk_workers_active());
}
