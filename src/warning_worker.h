/*
 * warning_worker.h
 *     Background workers of the early-warning part: a launcher (one per
 *     cluster), a scheduler per database where the extension is installed,
 *     and short-lived refresh workers started by a scheduler.
 *
 *     Everything here needs shared_preload_libraries = 'risk'; without it
 *     the SQL functions still work and risk_workers_active() is false.
 */
#ifndef RISK_WARNING_WORKER_H
#define RISK_WARNING_WORKER_H

#include "postgres.h"

/* GUCs (risk.*), defined by risk_worker_init in every backend. */
extern bool risk_worker_enabled;
extern int	risk_naptime_ms;
extern int	risk_max_refresh_workers;
extern int	risk_refresh_timeout_ms;
extern int	risk_history_retention_s;
extern int	risk_alert_notify_limit;

/* Define the GUCs; when preloading, also shared memory, hooks, launcher. */
extern void risk_worker_init(void);

/* True when the library was preloaded and the launcher is running. */
extern bool risk_workers_active(void);

/* At commit of the current transaction, wake this database's scheduler. */
extern void risk_wake_scheduler_at_commit(void);

/*
 * One refresh of a watched view, queued as history row hid (outcome
 * 'running').  The refresh workers and risk.refresh_and_evaluate take the
 * same path (warning_sql.c), with SPI connected and search_path pinned, as
 * the role that keeps the extension's tables:
 *   risk_refresh_start  records the actual start (the history row's
 *                       started_at, the view's last start and next run)
 *                       and fills view, concurrently and name; false if
 *                       the row is no longer running;
 *   risk_refresh_run    the refresh as the view's owner and its outcome,
 *                       then the view's rules, each in a subtransaction of
 *                       the current transaction: a failed refresh is
 *                       recorded as failed (or timeout), a failed rule as
 *                       rules_failed, and neither undoes what came before.
 * A worker commits between the two, so the registry row is not locked
 * while the refresh runs; a session runs both in its transaction.
 */
typedef struct RiskRefresh
{
	int64		hid;
	Oid			view;
	bool		concurrently;
	char	   *name;			/* qualified name, in cxt */
	int			timeout_ms;		/* the worker's time limit; 0: none */
	bool		schema_021;		/* a 0.2.1 schema, not yet upgraded */
	MemoryContext cxt;			/* for name and the error data */
} RiskRefresh;

extern bool risk_refresh_start(RiskRefresh *r, bool schema_021);
extern void risk_refresh_run(RiskRefresh *r, bool catch_cancel);

/* sql naming schema risk_internal, for this database's catalog (warning.c) */
extern const char *risk_internal_sql(const char *sql);

#endif							/* RISK_WARNING_WORKER_H */
