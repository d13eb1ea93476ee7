# risk: PostgreSQL extension (PGXS)
EXTENSION   = risk
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" risk.control)

MODULE_big  = risk
CORE_SRCS   = $(sort $(wildcard src/core/*.c))
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)) $(CORE_SRCS))

SQL_PIECES  = $(sort $(wildcard src/sql/*.sql))
# the install scripts of earlier versions and the upgrades between them,
# frozen as they shipped; the upgrade to the current version is built from
# its head and the pieces that version changed
OLD_SCRIPTS = src/versions/risk--0.1.0.sql src/versions/risk--0.2.0.sql \
              src/versions/risk--0.2.1.sql \
              src/versions/risk--0.1.0--0.2.0.sql src/versions/risk--0.2.0--0.2.1.sql
UPGRADE_0_2_2 = src/versions/0.2.1--0.2.2.head.sql src/sql/72_logit_table.sql \
                src/sql/98_daily_run.sql src/sql/98_first_hour.sql src/sql/98_garch_accum.sql \
                src/sql/98_parallel_cost.sql \
                src/sql/98_warning_batch.sql \
                src/sql/98_warning_views.sql \
                src/versions/0.2.1--0.2.2.warning_grants.sql src/versions/0.2.1--0.2.2.tail.sql
DATA        = $(OLD_SCRIPTS)
DATA_built  = risk--$(EXTVERSION).sql risk--0.2.1--0.2.2.sql

REGRESS     = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=risk

PROVE_TESTS = $(wildcard test/t/*.pl)
ifneq ($(PROVE_TESTS),)
TAP_TESTS   = 1
endif

GSL_CFLAGS := $(shell gsl-config --cflags)
GSL_LIBS   := $(shell gsl-config --libs)

WARN        = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
PG_CFLAGS  += $(WARN) $(EXTRA_CFLAGS)

# make SANITIZE=undefined (or address,undefined): a sanitizer build of the
# library.  UBSan loads into a stock server; ASan would have to be preloaded
# into it (scripts/test_sanitize.sh explains why the suite uses UBSan for
# the server and ASan + UBSan for the core).
ifdef SANITIZE
PG_CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
SHLIB_LINK += -fsanitize=$(SANITIZE)
endif
PG_CPPFLAGS += -I$(srcdir)/src $(GSL_CFLAGS) -isystem $(shell $(PG_CONFIG) --includedir-server)
SHLIB_LINK += $(GSL_LIBS) $(EXTRA_LDFLAGS)

EXTRA_CLEAN = test/unit/test_core risk--*.sql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

risk--$(EXTVERSION).sql: $(SQL_PIECES)
	cat $^ > $@

risk--0.2.1--0.2.2.sql: $(UPGRADE_0_2_2)
	cat $^ > $@

# every object depends on the project's headers (struct layouts are shared)
$(OBJS): $(wildcard src/*.h src/core/*.h)

# C unit tests of src/core: no server needed.
UNIT_CC ?= $(CC)
test/unit/test_core: test/unit/test_core.c $(CORE_SRCS) src/core/risk_core.h
	$(UNIT_CC) -std=gnu99 -O2 -g $(WARN) -Isrc $(GSL_CFLAGS) $(EXTRA_CFLAGS) -o $@ \
	    test/unit/test_core.c $(CORE_SRCS) $(GSL_LIBS) $(EXTRA_LDFLAGS)

unit: test/unit/test_core
	test/unit/test_core

.PHONY: unit
