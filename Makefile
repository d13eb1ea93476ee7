# risk: PostgreSQL extension (PGXS)
EXTENSION   = risk
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" risk.control)

MODULE_big  = risk
CORE_SRCS   = $(sort $(wildcard src/core/*.c))
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)) $(CORE_SRCS))

SQL_PIECES  = $(sort $(wildcard src/sql/*.sql))
# every version script but the current install script is kept whole in
# src/versions: the install scripts of earlier versions as they shipped and
# one upgrade script per version step (never edited once released)
DATA        = $(sort $(wildcard src/versions/risk--*.sql))
DATA_built  = risk--$(EXTVERSION).sql

# the areas, in the order of their pieces of the install script
# (src/sql/NN_<area>.sql; header and privileges are no area)
AREAS       = $(filter-out header privileges,$(foreach p,$(SQL_PIECES),$(word 2,$(subst _, ,$(basename $(notdir $(p)))))))

# pg_regress: fixtures (the shared CSV data and helpers) first, then each
# area's tests (sql/<area>.sql, sql/<area>_*.sql) in the areas' order, then
# the tests across areas (bad_input, hostile, first_hour, ...) by name
ALL_TESTS   = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
AREA_TESTS  = $(foreach a,$(AREAS),$(patsubst sql/%.sql,%,$(sort $(wildcard sql/$(a).sql sql/$(a)_*.sql))))
REGRESS     = fixtures $(AREA_TESTS) $(filter-out fixtures $(AREA_TESTS),$(ALL_TESTS))
REGRESS_OPTS = --load-extension=risk

PROVE_TESTS = $(wildcard test/t/*.pl)
ifneq ($(PROVE_TESTS),)
TAP_TESTS   = 1
endif

GSL_CFLAGS := $(shell gsl-config --cflags)
GSL_LIBS   := $(shell gsl-config --libs)
# CBLAS from OpenBLAS's serial build (no thread of its own inside a
# backend), found in its own directory whatever BLAS the system's
# alternatives point at; ahead of GSL's reference CBLAS, so that GSL's own
# calls use it too.  L-BFGS from libLBFGS.
BLAS_DIR   := /usr/lib/$(shell gcc -print-multiarch)/openblas-serial
CORE_LIBS  := -L$(BLAS_DIR) -Wl,-rpath,$(BLAS_DIR) -lopenblas -llbfgs $(GSL_LIBS)

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
SHLIB_LINK += $(CORE_LIBS) $(EXTRA_LDFLAGS)

EXTRA_CLEAN = test/unit/unit_tests risk--*.sql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

risk--$(EXTVERSION).sql: $(SQL_PIECES)
	cat $^ > $@

# every object depends on the project's headers (struct layouts are shared)
$(OBJS): $(wildcard src/*.h src/core/*.h)

# the network's passes over a block of rows (activations, their derivatives,
# the outer product of the output layer) are loops over arrays: vectorized,
# as PostgreSQL builds its page checksums (the same results: no
# reassociation of sums)
src/core/mlp.o: CFLAGS += $(CFLAGS_VECTORIZE)

# C unit tests of src/core: no server needed.  Every test/unit/*.c (the
# harness unit.c and a test_<area>.c per area) goes into one program; each
# test registers itself (UNIT_TEST in test/unit/unit.h), so no list is kept.
UNIT_CC ?= $(CC)
UNIT_SRCS = $(sort $(wildcard test/unit/*.c))
test/unit/unit_tests: $(UNIT_SRCS) $(CORE_SRCS) $(wildcard test/unit/*.h src/core/*.h)
	$(UNIT_CC) -std=gnu99 -O2 $(CFLAGS_VECTORIZE) -g $(WARN) -Isrc $(GSL_CFLAGS) $(EXTRA_CFLAGS) -o $@ \
	    $(UNIT_SRCS) $(CORE_SRCS) $(CORE_LIBS) $(EXTRA_LDFLAGS)

unit: test/unit/unit_tests
	test/unit/unit_tests

.PHONY: unit
