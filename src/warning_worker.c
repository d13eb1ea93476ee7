/*
 * warning_worker.c
 *     Background workers of the early-warning part.
 *
 *     launcher   one per cluster, registered at preload, started when the
 *                server leaves recovery (never on a standby) and never in a
 *                binary upgrade.  Reads pg_database and keeps one scheduler
 *                per connectable database; a scheduler that finds no risk
 *                extension exits and its database is checked again only when
 *                CREATE EXTENSION / CREATE DATABASE commit somewhere, or on
 *                SIGHUP.
 *     scheduler  one per database.  Each wake (risk.naptime, or a wake-up
 *                from a committing watch()/refresh_now()) it asks
 *                risk_internal._due() which watched views are due, queues them with
 *                their watched ancestors, and starts refresh workers, at
 *                most risk.max_refresh_workers at once, never a view before
 *                an ancestor that is queued or running.
 *     refresh    one per lane of due views (all that are ready when a
 *                worker is free, shared out over the free workers): connects
 *                as the bootstrap superuser and, for each view, takes the
 *                path of risk.refresh_and_evaluate (warning_sql.c): records
 *                the actual start (the view's next run is one interval after
 *                it), refreshes as the view's owner, records the outcome,
 *                evaluates the view's rules.
 *
 *     Shared memory holds one slot per database that has (or had) a
 *     scheduler: its pid and latch, whether the extension was absent, and a
 *     hold count.  Statements that need a database to themselves (DROP
 *     DATABASE, ALTER DATABASE RENAME / SET TABLESPACE, CREATE DATABASE
 *     ... TEMPLATE) hold the database: its scheduler is stopped and not
 *     restarted until the statement ends.
 */
#include "postgres.h"

#include <signal.h>
#include <unistd.h>

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "warning_worker.h"

PGDLLEXPORT void risk_launcher_main(Datum arg);
PGDLLEXPORT void risk_scheduler_main(Datum arg);
PGDLLEXPORT void risk_refresh_main(Datum arg);

bool		risk_worker_enabled = true;
int			risk_naptime_ms = 10000;
int			risk_max_refresh_workers = 2;
int			risk_refresh_timeout_ms = 600000;
int			risk_history_retention_s = 30 * 86400;
int			risk_alert_notify_limit = 100;

/* One database's scheduler, as seen by every process. */
typedef struct RiskDbSlot
{
	Oid			dboid;			/* InvalidOid: free */
	pid_t		pid;			/* running scheduler, 0 if none */
	int			procno;			/* its PGPROC number, for the latch */
	int			hold;			/* statements that need the db alone */
	bool		absent;			/* last scheduler found no extension */
} RiskDbSlot;

typedef struct RiskShared
{
	slock_t		mutex;
	pid_t		launcher_pid;
	int			launcher_procno;
	bool		rescan;			/* check every database again (SIGHUP) */
	int			nslots;
	RiskDbSlot	slot[FLEXIBLE_ARRAY_MEMBER];
} RiskShared;

static RiskShared *shared = NULL;
static int	shared_nslots = 0;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static ProcessUtility_hook_type prev_utility_hook = NULL;

/* Wake-ups requested by the current transaction, sent at commit. */
static bool wake_scheduler_pending = false;	/* this database's scheduler */
static bool installed_pending = false;	/* CREATE EXTENSION risk here */
static bool launcher_pending = false;	/* a new database may exist */
static bool xact_callback_registered = false;

/* ---------------------------------------------------------------------
 * Shared memory
 * --------------------------------------------------------------------- */

static Size
shared_size(void)
{
	return add_size(offsetof(RiskShared, slot),
					mul_size(shared_nslots, sizeof(RiskDbSlot)));
}

static void
risk_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(shared_size());
}

static void
risk_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared = ShmemInitStruct("risk workers", shared_size(), &found);
	if (!found)
	{
		memset(shared, 0, shared_size());
		SpinLockInit(&shared->mutex);
		shared->nslots = shared_nslots;
	}
	LWLockRelease(AddinShmemInitLock);
}

/* The slot of dboid, allocated if create; NULL if none.  Hold the mutex. */
static RiskDbSlot *
slot_for(Oid dboid, bool create)
{
	RiskDbSlot *free_slot = NULL;

	for (int i = 0; i < shared->nslots; i++)
	{
		RiskDbSlot *s = &shared->slot[i];

		if (s->dboid == dboid)
			return s;
		if (s->dboid == InvalidOid && free_slot == NULL)
			free_slot = s;
	}
	if (create && free_slot != NULL)
	{
		memset(free_slot, 0, sizeof(RiskDbSlot));
		free_slot->dboid = dboid;
	}
	return create ? free_slot : NULL;
}

static void
set_latch_of(int procno)
{
	SetLatch(&ProcGlobal->allProcs[procno].procLatch);
}

bool
risk_workers_active(void)
{
	bool		active;

	if (shared == NULL)
		return false;
	SpinLockAcquire(&shared->mutex);
	active = shared->launcher_pid != 0;
	SpinLockRelease(&shared->mutex);
	return active;
}

/* ---------------------------------------------------------------------
 * Wake-ups at commit
 * --------------------------------------------------------------------- */

static void
send_wakeups(void)
{
	bool		wake_launcher = launcher_pending;

	SpinLockAcquire(&shared->mutex);
	if (wake_scheduler_pending)
	{
		RiskDbSlot *s = slot_for(MyDatabaseId, false);

		if (s != NULL && s->pid != 0)
			set_latch_of(s->procno);
		else
			installed_pending = true;	/* no scheduler yet: ask the launcher */
	}
	if (installed_pending)
	{
		RiskDbSlot *s = slot_for(MyDatabaseId, true);

		if (s != NULL)
			s->absent = false;
		wake_launcher = true;
	}
	if (wake_launcher && shared->launcher_pid != 0)
		set_latch_of(shared->launcher_procno);
	SpinLockRelease(&shared->mutex);
}

static void
wake_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT && shared != NULL &&
		(wake_scheduler_pending || installed_pending || launcher_pending))
		send_wakeups();
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT ||
		event == XACT_EVENT_PARALLEL_ABORT)
	{
		wake_scheduler_pending = false;
		installed_pending = false;
		launcher_pending = false;
	}
}

static void
register_xact_callback(void)
{
	if (!xact_callback_registered)
	{
		RegisterXactCallback(wake_xact_callback, NULL);
		xact_callback_registered = true;
	}
}

void
risk_wake_scheduler_at_commit(void)
{
	if (shared == NULL)
		return;
	register_xact_callback();
	wake_scheduler_pending = true;
}

static void
launcher_wake_at_commit(bool installed_here)
{
	register_xact_callback();
	launcher_pending = true;
	if (installed_here)
		installed_pending = true;
}

/* ---------------------------------------------------------------------
 * Statements that need a database alone
 * --------------------------------------------------------------------- */

/* Stop dboid's scheduler and keep it stopped until release_database. */
static bool
hold_database(Oid dboid)
{
	RiskDbSlot *s;
	pid_t		pid = 0;

	SpinLockAcquire(&shared->mutex);
	s = slot_for(dboid, true);
	if (s != NULL)
	{
		s->hold++;
		pid = s->pid;
	}
	SpinLockRelease(&shared->mutex);
	if (s == NULL)
		return false;

	if (pid != 0)
	{
		/* the scheduler stops its refresh workers, then exits */
		kill(pid, SIGTERM);
		for (int i = 0; i < 1000; i++)
		{
			SpinLockAcquire(&shared->mutex);
			pid = s->pid;
			SpinLockRelease(&shared->mutex);
			if (pid == 0)
				break;
			CHECK_FOR_INTERRUPTS();
			pg_usleep(10000L);
		}
	}
	return true;
}

static void
release_database(Oid dboid)
{
	SpinLockAcquire(&shared->mutex);
	{
		RiskDbSlot *s = slot_for(dboid, false);

		if (s != NULL && s->hold > 0)
			s->hold--;
		if (shared->launcher_pid != 0)
			set_latch_of(shared->launcher_procno);
	}
	SpinLockRelease(&shared->mutex);
}

static char *
option_string(List *options, const char *name)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *d = (DefElem *) lfirst(lc);

		if (strcmp(d->defname, name) == 0 && d->arg != NULL)
			return defGetString(d);
	}
	return NULL;
}

static void
risk_utility_hook(PlannedStmt *pstmt, const char *queryString,
				  bool readOnlyTree, ProcessUtilityContext context,
				  ParamListInfo params, QueryEnvironment *queryEnv,
				  DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *node = pstmt->utilityStmt;
	const char *alone = NULL;
	volatile Oid held = InvalidOid;

	switch (nodeTag(node))
	{
		case T_DropdbStmt:
			alone = ((DropdbStmt *) node)->dbname;
			break;
		case T_RenameStmt:
			if (((RenameStmt *) node)->renameType == OBJECT_DATABASE)
				alone = ((RenameStmt *) node)->subname;
			break;
		case T_AlterDatabaseStmt:
			if (option_string(((AlterDatabaseStmt *) node)->options, "tablespace"))
				alone = ((AlterDatabaseStmt *) node)->dbname;
			break;
		case T_CreatedbStmt:
			alone = option_string(((CreatedbStmt *) node)->options, "template");
			launcher_wake_at_commit(false);
			break;
		case T_CreateExtensionStmt:
			if (strcmp(((CreateExtensionStmt *) node)->extname, "risk") == 0)
				launcher_wake_at_commit(true);
			break;
		case T_DropStmt:
			if (((DropStmt *) node)->removeType == OBJECT_EXTENSION)
				risk_wake_scheduler_at_commit();
			break;
		default:
			break;
	}

	if (alone != NULL && shared != NULL)
	{
		Oid			dboid = get_database_oid(alone, true);

		if (OidIsValid(dboid) && hold_database(dboid))
			held = dboid;
	}

	PG_TRY();
	{
		if (prev_utility_hook)
			prev_utility_hook(pstmt, queryString, readOnlyTree, context,
							  params, queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
									params, queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		if (OidIsValid(held))
			release_database(held);
	}
	PG_END_TRY();
}

/*
 * A worker of this library connected to a database: function, type (as in
 * pg_stat_activity.backend_type) and name.  Dynamic ones never restart by
 * themselves: whoever started them decides.
 */
static void
worker_init(BackgroundWorker *w, const char *function, const char *type,
			const char *name, int restart)
{
	memset(w, 0, sizeof(*w));
	w->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	w->bgw_start_time = BgWorkerStart_RecoveryFinished;
	w->bgw_restart_time = restart;
	snprintf(w->bgw_library_name, BGW_MAXLEN, "risk");
	snprintf(w->bgw_function_name, BGW_MAXLEN, "%s", function);
	snprintf(w->bgw_type, BGW_MAXLEN, "%s", type);
	snprintf(w->bgw_name, BGW_MAXLEN, "%s", name);
}

/* ---------------------------------------------------------------------
 * Initialisation
 * --------------------------------------------------------------------- */

void
risk_worker_init(void)
{
	BackgroundWorker w;

	DefineCustomBoolVariable("risk.worker_enabled",
							 "Whether the schedulers start refreshes.",
							 "When off, schedulers stay connected but idle.",
							 &risk_worker_enabled, true,
							 PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("risk.naptime",
							"How long a scheduler sleeps between looks at the registry.",
							"A watch() or refresh_now() wakes it at commit.",
							&risk_naptime_ms, 10000, 100, 3600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("risk.max_refresh_workers",
							"How many refreshes one database may run at once.",
							"Each refresh is a background worker: max_worker_processes bounds the total.",
							&risk_max_refresh_workers, 2, 1, 64,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("risk.refresh_timeout",
							"Time limit of one scheduled refresh; 0 means none.",
							NULL,
							&risk_refresh_timeout_ms, 600000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("risk.history_retention",
							"How long rows of risk.refresh_history are kept.",
							NULL,
							&risk_history_retention_s, 30 * 86400, 60, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("risk.alert_notify_limit",
							"Most alerts a rule may open and resolve in one refresh with one NOTIFY each.",
							"Above it the refresh sends one summary NOTIFY for the rule; -1: no limit.",
							&risk_alert_notify_limit, 100, -1, INT_MAX,
							PGC_SUSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("risk");

	if (!process_shared_preload_libraries_in_progress || IsBinaryUpgrade)
		return;

	shared_nslots = max_worker_processes + 16;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = risk_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = risk_shmem_startup;
	prev_utility_hook = ProcessUtility_hook;
	ProcessUtility_hook = risk_utility_hook;

	worker_init(&w, "risk_launcher_main", "risk launcher", "risk launcher", 5);
	RegisterBackgroundWorker(&w);
}

/* ---------------------------------------------------------------------
 * Transactions of the workers
 * --------------------------------------------------------------------- */

static void
txn_begin(const char *activity)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, activity);
}

static void
txn_commit(void)
{
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* Log the error being handled and roll back; returns a copy of it. */
static ErrorData *
txn_abort(MemoryContext cxt)
{
	ErrorData  *ed;

	MemoryContextSwitchTo(cxt);
	ed = CopyErrorData();
	EmitErrorReport();
	FlushErrorState();
	AbortCurrentTransaction();
	MemoryContextSwitchTo(cxt);
	pgstat_report_activity(STATE_IDLE, NULL);
	return ed;
}

/* Run sql with args, expect one int8 (or NULL) result. */
static bool
spi_int8(const char *sql, int nargs, Oid *types, Datum *values, int64 *out)
{
	bool		isnull = true;
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 1);

	if (rc < 0)
		elog(ERROR, "risk: \"%s\" failed: %s", sql, SPI_result_code_string(rc));
	if (SPI_processed > 0 && SPI_tuptable->tupdesc->natts > 0)
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull && out != NULL)
			*out = DatumGetInt64(d);
	}
	return !isnull;
}

/* ---------------------------------------------------------------------
 * Launcher
 * --------------------------------------------------------------------- */

typedef struct LauncherDb
{
	Oid			dboid;
	NameData	name;			/* datname at the last scan, for the log */
	bool		seen;			/* in pg_database at the last scan */
	BackgroundWorkerHandle *handle;
	TimestampTz next_start;		/* 0: as soon as possible */
	int			failures;		/* exits in a row without the extension */
} LauncherDb;

static LauncherDb *ldb = NULL;
static int	nldb = 0;
static int	maxldb = 0;

static LauncherDb *
launcher_db(Oid dboid)
{
	for (int i = 0; i < nldb; i++)
		if (ldb[i].dboid == dboid)
			return &ldb[i];
	if (nldb == maxldb)
	{
		maxldb = maxldb ? 2 * maxldb : 16;
		ldb = ldb ? repalloc(ldb, maxldb * sizeof(LauncherDb))
			: MemoryContextAlloc(TopMemoryContext, maxldb * sizeof(LauncherDb));
	}
	memset(&ldb[nldb], 0, sizeof(LauncherDb));
	ldb[nldb].dboid = dboid;
	return &ldb[nldb++];
}

/* Mark the connectable, non-template databases as seen. */
static void
launcher_scan_databases(void)
{
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;

	for (int i = 0; i < nldb; i++)
		ldb[i].seen = false;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database d = (Form_pg_database) GETSTRUCT(tup);
		LauncherDb *db;

		if (!d->datallowconn || d->datistemplate || d->datconnlimit == -2)
			continue;
		db = launcher_db(d->oid);
		db->seen = true;
		namestrcpy(&db->name, NameStr(d->datname));
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();
}

static bool
launcher_start_scheduler(LauncherDb *db)
{
	BackgroundWorker w;
	RiskDbSlot *s;
	bool		busy;
	char		name[BGW_MAXLEN];

	SpinLockAcquire(&shared->mutex);
	s = slot_for(db->dboid, true);
	busy = (s == NULL || s->hold > 0 || s->pid != 0);
	if (!busy)
		s->absent = false;
	SpinLockRelease(&shared->mutex);
	if (busy)
		return false;

	snprintf(name, sizeof(name), "risk scheduler for database %s", NameStr(db->name));
	worker_init(&w, "risk_scheduler_main", "risk scheduler", name, BGW_NEVER_RESTART);
	w.bgw_main_arg = ObjectIdGetDatum(db->dboid);
	w.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&w, &db->handle))
	{
		db->handle = NULL;
		ereport(LOG,
				(errmsg("risk launcher: no background worker slot for the scheduler of database \"%s\"",
						NameStr(db->name)),
				 errhint("Increase max_worker_processes.")));
		return false;
	}
	return true;
}

void
risk_launcher_main(Datum arg)
{
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);

	SpinLockAcquire(&shared->mutex);
	shared->launcher_pid = MyProcPid;
	shared->launcher_procno = MyProc->pgprocno;
	shared->rescan = true;
	SpinLockRelease(&shared->mutex);
	pgstat_report_activity(STATE_IDLE, "keeping one scheduler per database");

	for (;;)
	{
		TimestampTz now;
		long		sleep_ms = 60000;
		bool		rescan;

		CHECK_FOR_INTERRUPTS();
		if (ShutdownRequestPending)
			break;
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			SpinLockAcquire(&shared->mutex);
			shared->rescan = true;
			SpinLockRelease(&shared->mutex);
		}

		SpinLockAcquire(&shared->mutex);
		rescan = shared->rescan;
		shared->rescan = false;
		SpinLockRelease(&shared->mutex);

		launcher_scan_databases();
		now = GetCurrentTimestamp();

		for (int i = 0; i < nldb; i++)
		{
			LauncherDb *db = &ldb[i];
			pid_t		pid;

			if (db->handle != NULL &&
				GetBackgroundWorkerPid(db->handle, &pid) == BGWH_STOPPED)
			{
				bool		absent;
				RiskDbSlot *s;

				pfree(db->handle);
				db->handle = NULL;
				SpinLockAcquire(&shared->mutex);
				s = slot_for(db->dboid, false);
				absent = (s != NULL && s->absent);
				SpinLockRelease(&shared->mutex);
				if (absent)
				{
					db->failures = 0;
					db->next_start = DT_NOEND;	/* until a rescan */
				}
				else
				{
					/* exited or crashed: back off 1, 2, 4 ... 60 s */
					int			delay = Min(60, 1 << Min(db->failures, 6));

					db->failures++;
					db->next_start = TimestampTzPlusMilliseconds(now, delay * 1000);
				}
			}
			if (db->next_start == DT_NOEND)
			{
				/* without the extension: again on SIGHUP or CREATE EXTENSION */
				RiskDbSlot *s;
				bool		absent;

				SpinLockAcquire(&shared->mutex);
				s = slot_for(db->dboid, false);
				absent = (s != NULL && s->absent);
				SpinLockRelease(&shared->mutex);
				if (rescan || !absent)
					db->next_start = 0;
			}
		}

		/* forget dropped databases, start the schedulers that are due */
		for (int i = 0; i < nldb; i++)
		{
			LauncherDb *db = &ldb[i];

			if (!db->seen && db->handle == NULL)
			{
				SpinLockAcquire(&shared->mutex);
				{
					RiskDbSlot *s = slot_for(db->dboid, false);

					if (s != NULL && s->pid == 0 && s->hold == 0)
						s->dboid = InvalidOid;
				}
				SpinLockRelease(&shared->mutex);
				ldb[i--] = ldb[--nldb];
				continue;
			}
			if (db->handle == NULL && db->seen && db->next_start != DT_NOEND)
			{
				if (db->next_start <= now)
				{
					if (!launcher_start_scheduler(db))
						db->next_start = TimestampTzPlusMilliseconds(now, 1000);
				}
				if (db->handle == NULL)
				{
					long		ms = (long) ((db->next_start - now) / 1000);

					sleep_ms = Max(10, Min(sleep_ms, ms));
				}
			}
		}

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 sleep_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}

	SpinLockAcquire(&shared->mutex);
	shared->launcher_pid = 0;
	SpinLockRelease(&shared->mutex);
	/* exit code 1: the postmaster restarts a launcher that was terminated */
	proc_exit(1);
}

/* ---------------------------------------------------------------------
 * Scheduler
 * --------------------------------------------------------------------- */

/*
 * A lane is one refresh worker and the refreshes it runs one after the
 * other; their history ids travel in a dynamic shared memory segment that
 * the scheduler keeps until the worker has stopped.  Queued views whose
 * watched ancestors are neither queued nor running, or are earlier in the
 * same lane, may join a lane: a worker's start-up cost (a new backend, cold
 * caches) is paid once per lane, not once per view, and dependency order
 * holds.  The ready views are shared out evenly over the free workers, so
 * with one worker a round of due views is one lane.
 */
#define LANE_MAX 1000
#define MAX_LANES 64

/* What a refresh worker finds in its segment. */
typedef struct LaneShared
{
	int32		n;
	int64		hid[FLEXIBLE_ARRAY_MEMBER];
} LaneShared;

typedef struct QueueItem
{
	Oid			view;
	int			ndeps;
	Oid		   *deps;			/* watched ancestors */
	int			lane;			/* index in lanes[], -1 while queued */
} QueueItem;

typedef struct Lane
{
	BackgroundWorkerHandle *handle; /* NULL: free */
	dsm_segment *seg;			/* the lane's history ids, for the worker */
	int			n;
	int64	   *hid;			/* in sched_cxt, LANE_MAX of them */
} Lane;

static QueueItem *items = NULL;
static int	nitems = 0;
static int	maxitems = 0;
static Lane lanes[MAX_LANES];
static RiskDbSlot *my_slot = NULL;
static MemoryContext sched_cxt = NULL;
static char *sched_dbname = NULL;	/* this database's name, for the log */

static void
scheduler_detach(int code, Datum arg)
{
	if (my_slot == NULL)
		return;
	SpinLockAcquire(&shared->mutex);
	my_slot->pid = 0;
	SpinLockRelease(&shared->mutex);
	if (shared->launcher_pid != 0)
		set_latch_of(shared->launcher_procno);
}

static void
scheduler_exit_absent(void)
{
	SpinLockAcquire(&shared->mutex);
	my_slot->absent = true;
	SpinLockRelease(&shared->mutex);
	ereport(LOG,
			(errmsg("risk scheduler: extension \"risk\" is not installed in database \"%s\"; exiting",
					sched_dbname)));
	proc_exit(0);
}

static void
item_remove(int i)
{
	if (items[i].deps)
		pfree(items[i].deps);
	memmove(&items[i], &items[i + 1], (nitems - i - 1) * sizeof(QueueItem));
	nitems--;
}

static int
lanes_running(void)
{
	int			n = 0;

	for (int i = 0; i < MAX_LANES; i++)
		if (lanes[i].handle != NULL)
			n++;
	return n;
}

/* Queue the due views (with their watched ancestors as dependencies). */
static void
scheduler_fetch_due(void)
{
	Datum	   *queued = palloc(sizeof(Datum) * (nitems + 1));
	ArrayType  *arr;
	Oid			argtypes[2] = {OIDARRAYOID, INT4OID};
	Datum		values[2];
	int			rc;

	for (int i = 0; i < nitems; i++)
		queued[i] = ObjectIdGetDatum(items[i].view);
	arr = construct_array(queued, nitems, OIDOID, sizeof(Oid), true, TYPALIGN_INT);
	values[0] = PointerGetDatum(arr);
	values[1] = Int32GetDatum(risk_history_retention_s);

	rc = SPI_execute_with_args(risk_internal_sql("SELECT view, deps FROM risk_internal._due($1, $2)"),
							   2, argtypes, values, NULL, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "risk scheduler: risk_internal._due failed: %s", SPI_result_code_string(rc));

	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull;
		Oid			view = DatumGetObjectId(SPI_getbinval(tup, td, 1, &isnull));
		Datum		d = SPI_getbinval(tup, td, 2, &isnull);
		QueueItem  *it;

		if (nitems == maxitems)
		{
			maxitems = maxitems ? 2 * maxitems : 64;
			items = items ? repalloc(items, maxitems * sizeof(QueueItem))
				: MemoryContextAlloc(sched_cxt, maxitems * sizeof(QueueItem));
		}
		it = &items[nitems++];
		memset(it, 0, sizeof(QueueItem));
		it->view = view;
		it->lane = -1;
		if (!isnull)
		{
			ArrayType  *a = DatumGetArrayTypeP(d);
			Datum	   *elems;
			int			n;

			deconstruct_array(a, OIDOID, sizeof(Oid), true, TYPALIGN_INT,
							  &elems, NULL, &n);
			it->ndeps = n;
			it->deps = MemoryContextAlloc(sched_cxt, sizeof(Oid) * Max(n, 1));
			for (int k = 0; k < n; k++)
				it->deps[k] = DatumGetObjectId(elems[k]);
		}
	}
}

/*
 * May queued item it run in lane (-1: in a lane of its own)?  Every watched
 * ancestor must be neither queued nor running, unless it is in that lane
 * (earlier, so refreshed before it).
 */
static bool
item_ready(const QueueItem *it, int lane)
{
	for (int k = 0; k < it->ndeps; k++)
		for (int j = 0; j < nitems; j++)
			if (items[j].view == it->deps[k] && &items[j] != it &&
				!(lane >= 0 && items[j].lane == lane))
				return false;
	return true;
}

/* The lane's queued refreshes failed to start: record why, drop them. */
static void
scheduler_launch_failed(int lane, const char *why)
{
	Lane	   *l = &lanes[lane];

	l->handle = NULL;
	txn_begin("risk scheduler: recording refreshes that could not start");
	for (int k = 0; k < l->n; k++)
	{
		Oid			t2[2] = {INT8OID, TEXTOID};
		Datum		v2[2] = {Int64GetDatum(l->hid[k]), CStringGetTextDatum(why)};

		spi_int8(risk_internal_sql("SELECT risk_internal._refresh_end($1, 'failed', '53000', $2, NULL)"),
				 2, t2, v2, NULL);
	}
	txn_commit();
	for (int i = 0; i < nitems; i++)
		if (items[i].lane == lane)
			item_remove(i--);
}

/*
 * Record the lane's refreshes as queued (history rows, running), give
 * their ids to a segment and launch the lane's worker.
 */
static void
scheduler_launch(int lane)
{
	Lane	   *l = &lanes[lane];
	BackgroundWorker w;
	bool		registered;
	MemoryContext old;
	char		name[BGW_MAXLEN];
	char		first_name[NAMEDATALEN] = "";
	Oid			first = InvalidOid;
	dsm_segment *seg;
	LaneShared *ls;
	int32		n;

	if (l->hid == NULL)
		l->hid = MemoryContextAlloc(sched_cxt, LANE_MAX * sizeof(int64));
	l->n = 0;
	txn_begin("risk scheduler: starting refreshes");
	/*
	 * The scheduler's commits are asynchronous, but not the one that records
	 * the refreshes about to start: a crash after a worker starts must find
	 * its row, to close it as lost, rather than lose it and refresh the view
	 * again with no record of the first attempt (SET LOCAL: this transaction
	 * only).
	 */
	(void) set_config_option("synchronous_commit", "on", PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_LOCAL, true, 0, false);
	if (spi_int8(risk_internal_sql("SELECT 1 WHERE pg_catalog.to_regprocedure('risk_internal._refresh_queue(oid[])') IS NOT NULL"),
				 0, NULL, NULL, NULL))
	{
		/* one statement for the lane; the ids in the lane's order */
		Datum	   *views = palloc(sizeof(Datum) * nitems);
		int			nviews = 0;
		Oid			t[1] = {OIDARRAYOID};
		Datum		v[1];
		int			rc;

		for (int i = 0; i < nitems; i++)
			if (items[i].lane == lane)
				views[nviews++] = ObjectIdGetDatum(items[i].view);
		v[0] = PointerGetDatum(construct_array(views, nviews, OIDOID, sizeof(Oid), true,
											   TYPALIGN_INT));
		rc = SPI_execute_with_args(risk_internal_sql("SELECT view, id FROM risk_internal._refresh_queue($1)"), 1, t, v,
								   NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "risk scheduler: risk_internal._refresh_queue failed: %s", SPI_result_code_string(rc));
		for (int i = 0; i < nitems; i++)
		{
			bool		queued = false;

			if (items[i].lane != lane)
				continue;
			for (uint64 r = 0; r < SPI_processed && !queued; r++)
			{
				bool		isnull;
				HeapTuple	tup = SPI_tuptable->vals[r];
				TupleDesc	td = SPI_tuptable->tupdesc;

				if (DatumGetObjectId(SPI_getbinval(tup, td, 1, &isnull)) == items[i].view)
				{
					l->hid[l->n++] = DatumGetInt64(SPI_getbinval(tup, td, 2, &isnull));
					queued = true;
				}
			}
			if (!queued)
				items[i].lane = -2; /* no longer watched, or paused meanwhile */
		}
	}
	else
	{
		/* a 0.2.1 schema (before ALTER EXTENSION risk UPDATE): one by one */
		for (int i = 0; i < nitems; i++)
		{
			Oid			t[1] = {OIDOID};
			Datum		v[1] = {ObjectIdGetDatum(items[i].view)};
			int64		hid;

			if (items[i].lane != lane)
				continue;
			if (spi_int8(risk_internal_sql("SELECT risk_internal._refresh_begin($1)"), 1, t, v, &hid))
				l->hid[l->n++] = hid;
			else
				items[i].lane = -2; /* no longer watched, or paused meanwhile */
		}
	}
	for (int i = 0; i < nitems && !OidIsValid(first); i++)
		if (items[i].lane == lane)
		{
			char	   *rel = get_rel_name(items[i].view);

			first = items[i].view;
			strlcpy(first_name, rel ? rel : "?", sizeof(first_name));
		}
	txn_commit();
	for (int i = 0; i < nitems; i++)
		if (items[i].lane == -2)
			item_remove(i--);
	if (l->n == 0)
		return;

	seg = dsm_create(offsetof(LaneShared, hid) + l->n * sizeof(int64),
					 DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (seg == NULL)
	{
		scheduler_launch_failed(lane, "no dynamic shared memory segment for the refresh");
		return;
	}
	dsm_pin_mapping(seg);
	ls = dsm_segment_address(seg);
	ls->n = l->n;
	memcpy(ls->hid, l->hid, l->n * sizeof(int64));

	if (l->n == 1)
		snprintf(name, sizeof(name), "risk refresh of %s", first_name);
	else
		snprintf(name, sizeof(name), "risk refresh of %s and %d more", first_name, l->n - 1);
	worker_init(&w, "risk_refresh_main", "risk refresh", name, BGW_NEVER_RESTART);
	/* the database, and the lane's size and first id to check the segment by */
	n = l->n;
	memcpy(w.bgw_extra, &MyDatabaseId, sizeof(Oid));
	memcpy(w.bgw_extra + sizeof(int32), &n, sizeof(int32));
	memcpy(w.bgw_extra + 2 * sizeof(int32), &l->hid[0], sizeof(int64));
	w.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	w.bgw_notify_pid = MyProcPid;

	old = MemoryContextSwitchTo(sched_cxt);
	registered = RegisterDynamicBackgroundWorker(&w, &l->handle);
	MemoryContextSwitchTo(old);
	if (!registered)
	{
		dsm_detach(seg);
		scheduler_launch_failed(lane, "no background worker slot for the refresh (raise max_worker_processes)");
		return;
	}
	l->seg = seg;
}

/* Lanes whose worker stopped: close the history rows it did not close. */
static void
scheduler_reap(void)
{
	for (int lane = 0; lane < MAX_LANES; lane++)
	{
		Lane	   *l = &lanes[lane];
		pid_t		pid;

		if (l->handle == NULL ||
			GetBackgroundWorkerPid(l->handle, &pid) != BGWH_STOPPED)
			continue;
		txn_begin("risk scheduler: closing refreshes");
		for (int k = 0; k < l->n; k++)
		{
			Oid			t[1] = {INT8OID};
			Datum		v[1] = {Int64GetDatum(l->hid[k])};

			spi_int8(risk_internal_sql("SELECT risk_internal._refresh_lost($1)"), 1, t, v, NULL);
		}
		txn_commit();
		pfree(l->handle);
		l->handle = NULL;
		if (l->seg != NULL)
			dsm_detach(l->seg);
		l->seg = NULL;
		for (int i = 0; i < nitems; i++)
			if (items[i].lane == lane)
				item_remove(i--);
	}
}

/*
 * Start lanes for the ready views while workers are free: the ready views
 * are shared out evenly over the free workers, at most LANE_MAX a lane.
 */
static void
scheduler_start_ready(void)
{
	int			free_lanes = risk_max_refresh_workers - lanes_running();
	int			ready = 0;
	int			per_lane;

	for (int i = 0; i < nitems; i++)
		if (items[i].lane == -1 && item_ready(&items[i], -1))
			ready++;
	if (free_lanes <= 0 || ready == 0)
		return;
	per_lane = Min(LANE_MAX, (ready + free_lanes - 1) / free_lanes);

	for (int lane = 0; lane < MAX_LANES && free_lanes > 0; lane++)
	{
		int			taken = 0;

		if (lanes[lane].handle != NULL)
			continue;
		for (int i = 0; i < nitems && taken < per_lane; i++)
			if (items[i].lane == -1 && item_ready(&items[i], lane))
			{
				items[i].lane = lane;
				taken++;
			}
		if (taken == 0)
			break;
		scheduler_launch(lane);
		free_lanes--;
	}
}

static void
scheduler_stop_refreshes(void)
{
	for (int lane = 0; lane < MAX_LANES; lane++)
		if (lanes[lane].handle != NULL)
			TerminateBackgroundWorker(lanes[lane].handle);
	for (int lane = 0; lane < MAX_LANES; lane++)
		if (lanes[lane].handle != NULL)
			(void) WaitForBackgroundWorkerShutdown(lanes[lane].handle);
}

static void
scheduler_report(void)
{
	char		buf[128];
	int			queued = 0;

	for (int i = 0; i < nitems; i++)
		if (items[i].lane == -1)
			queued++;
	if (nitems == 0)
		pgstat_report_activity(STATE_IDLE, "waiting for due views");
	else
	{
		snprintf(buf, sizeof(buf), "%d refreshes in %d workers, %d queued",
				 nitems - queued, lanes_running(), queued);
		pgstat_report_activity(STATE_RUNNING, buf);
	}
}

void
risk_scheduler_main(Datum arg)
{
	Oid			dboid = DatumGetObjectId(arg);
	MemoryContext round_cxt;
	bool		duplicate;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
	BackgroundWorkerUnblockSignals();

	SpinLockAcquire(&shared->mutex);
	my_slot = slot_for(dboid, true);
	duplicate = (my_slot == NULL || my_slot->pid != 0 || my_slot->hold > 0);
	if (!duplicate)
	{
		my_slot->pid = MyProcPid;
		my_slot->procno = MyProc->pgprocno;
		my_slot->absent = false;
	}
	SpinLockRelease(&shared->mutex);
	if (duplicate)
	{
		my_slot = NULL;
		proc_exit(0);
	}
	before_shmem_exit(scheduler_detach, 0);

	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	SetConfigOption("application_name", "risk scheduler", PGC_USERSET, PGC_S_SESSION);

	sched_cxt = AllocSetContextCreate(TopMemoryContext, "risk scheduler",
									  ALLOCSET_DEFAULT_SIZES);
	round_cxt = AllocSetContextCreate(TopMemoryContext, "risk scheduler round",
									  ALLOCSET_DEFAULT_SIZES);

	/* refreshes left 'running' by a crash are closed as lost */
	txn_begin("risk scheduler: starting");
	{
		/* connected, so the database exists: its name is in the catalog */
		char	   *dbname = get_database_name(MyDatabaseId);

		sched_dbname = MemoryContextStrdup(TopMemoryContext,
										   dbname ? dbname : psprintf("%u", MyDatabaseId));
	}
	if (!OidIsValid(get_extension_oid("risk", true)))
	{
		txn_commit();
		scheduler_exit_absent();
	}
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_SESSION);
	/*
	 * The scheduler writes only bookkeeping (queued refreshes, expired
	 * history): its commits need not wait for the disk.  A crash may lose
	 * the last of them, which the next start closes as lost or finds due.
	 */
	SetConfigOption("synchronous_commit", "off", PGC_SUSET, PGC_S_SESSION);
	spi_int8(risk_internal_sql("SELECT risk_internal._scheduler_start()"), 0, NULL, NULL, NULL);
	txn_commit();

	for (;;)
	{
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		if (ShutdownRequestPending)
			break;
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		old = MemoryContextSwitchTo(round_cxt);
		PG_TRY();
		{
			bool		installed;

			scheduler_reap();

			txn_begin("risk scheduler: looking for due views");
			installed = OidIsValid(get_extension_oid("risk", true));
			if (installed && risk_worker_enabled)
				scheduler_fetch_due();
			txn_commit();
			if (!installed)
			{
				scheduler_stop_refreshes();
				scheduler_exit_absent();
			}
			if (risk_worker_enabled)
				scheduler_start_ready();
		}
		PG_CATCH();
		{
			ErrorData  *ed = txn_abort(round_cxt);

			FreeErrorData(ed);
		}
		PG_END_TRY();
		MemoryContextSwitchTo(old);
		MemoryContextReset(round_cxt);
		scheduler_report();

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 risk_naptime_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}

	scheduler_stop_refreshes();
	proc_exit(0);
}

/* ---------------------------------------------------------------------
 * Refresh worker
 * --------------------------------------------------------------------- */

/*
 * The schema of this database is 0.2.1 (the new library before ALTER
 * EXTENSION risk UPDATE): risk_refresh_start records the start as 0.2.1 did.
 */
static bool schema_021 = false;

/*
 * One refresh of a lane, on the path of risk.refresh_and_evaluate.  A short
 * transaction records that it starts now and moves the view's next run to
 * one interval after that (the scheduler queued it earlier, maybe much
 * earlier): so two refreshes of a view are never closer than its interval,
 * and the registry row is not locked while the refresh runs.  Its commit
 * need not wait for the disk: the refresh's commit, next, flushes it.
 * Then one transaction: the refresh as the owner within the time limit and
 * its outcome, then the view's rules, each in a subtransaction
 * (risk_refresh_run).  An error outside those (the bookkeeping itself) is
 * recorded as a failure in a transaction of its own.
 */
static void
refresh_one(int64 hid, MemoryContext cxt)
{
	RiskRefresh r;

	memset(&r, 0, sizeof(r));
	r.hid = hid;
	r.cxt = cxt;
	r.timeout_ms = risk_refresh_timeout_ms;
	PG_TRY();
	{
		bool		started;

		txn_begin("risk refresh: starting");
		(void) set_config_option("synchronous_commit", "off", PGC_SUSET, PGC_S_SESSION,
								 GUC_ACTION_LOCAL, true, 0, false);
		started = risk_refresh_start(&r, schema_021);
		txn_commit();

		if (started)
		{
			txn_begin("risk refresh");
			pgstat_report_activity(STATE_RUNNING,
								   psprintf("REFRESH MATERIALIZED VIEW %s%s",
											r.concurrently ? "CONCURRENTLY " : "", r.name));
			risk_refresh_run(&r, true);
			txn_commit();
		}
	}
	PG_CATCH();
	{
		ErrorData  *ed = txn_abort(cxt);
		Oid			t[3] = {INT8OID, TEXTOID, TEXTOID};
		Datum		v[3] = {Int64GetDatum(hid),
			CStringGetTextDatum(unpack_sql_state(ed->sqlerrcode)),
		CStringGetTextDatum(ed->message ? ed->message : "unknown error")};

		txn_begin("risk refresh: recording a failure");
		spi_int8(risk_internal_sql("SELECT risk_internal._refresh_end($1, 'failed', $2, $3, NULL)"), 3, t, v, NULL);
		txn_commit();
	}
	PG_END_TRY();
}

/*
 * A lane: the refreshes whose history ids the scheduler put in the segment
 * whose handle is the argument (bgw_extra: the database, and the lane's
 * size and first id, which the segment must match).
 */
void
risk_refresh_main(Datum arg)
{
	Oid			dboid;
	int32		n;
	int64		first;
	int64	   *hid;
	dsm_segment *seg;
	LaneShared *ls;
	MemoryContext cxt;

	memcpy(&dboid, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	memcpy(&n, MyBgworkerEntry->bgw_extra + sizeof(int32), sizeof(int32));
	memcpy(&first, MyBgworkerEntry->bgw_extra + 2 * sizeof(int32), sizeof(int64));

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	/* no segment: the scheduler is gone, and closes the lane when it starts again */
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		proc_exit(0);
	ls = dsm_segment_address(seg);
	if (n < 1 || n > LANE_MAX || ls->n != n || ls->hid[0] != first ||
		dsm_segment_map_length(seg) < offsetof(LaneShared, hid) + n * sizeof(int64))
		proc_exit(0);
	hid = MemoryContextAlloc(TopMemoryContext, n * sizeof(int64));
	memcpy(hid, ls->hid, n * sizeof(int64));
	dsm_detach(seg);

	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	SetConfigOption("application_name", "risk refresh", PGC_USERSET, PGC_S_SESSION);

	cxt = AllocSetContextCreate(TopMemoryContext, "risk refresh", ALLOCSET_DEFAULT_SIZES);
	txn_begin("risk refresh: starting");
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_SESSION);
	schema_021 = spi_int8("SELECT 1 FROM pg_attribute WHERE attrelid = 'risk.refresh_history'::regclass "
						  "AND attname = 'view_oid' AND NOT attisdropped", 0, NULL, NULL, NULL);
	txn_commit();

	for (int k = 0; k < n; k++)
	{
		MemoryContextSwitchTo(cxt);
		refresh_one(hid[k], cxt);
		MemoryContextReset(cxt);
	}
	proc_exit(0);
}
