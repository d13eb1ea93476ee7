/*
 * worker.h
 *     Background workers of the early-warning part: a launcher (one per
 *     cluster), a scheduler per database where the extension is installed,
 *     and short-lived refresh workers started by a scheduler.
 *
 *     Everything here needs shared_preload_libraries = 'risk'; without it
 *     the SQL functions still work and risk_workers_active() is false.
 */
#ifndef RISK_WORKER_H
#define RISK_WORKER_H

#include "postgres.h"

/* GUCs (risk.*), defined by risk_worker_init in every backend. */
extern bool risk_worker_enabled;
extern int	risk_naptime_ms;
extern int	risk_max_refresh_workers;
extern int	risk_refresh_timeout_ms;
extern int	risk_history_retention_s;

/* Define the GUCs; when preloading, also shared memory, hooks, launcher. */
extern void risk_worker_init(void);

/* True when the library was preloaded and the launcher is running. */
extern bool risk_workers_active(void);

/* At commit of the current transaction, wake this database's scheduler. */
extern void risk_wake_scheduler_at_commit(void);

#endif							/* RISK_WORKER_H */
