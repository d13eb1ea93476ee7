/*
 * unit.h
 *     The harness of the C unit tests of src/core, run without a server:
 *     `make unit` builds test/unit/unit_tests from every test/unit/\*.c and
 *     the core, and runs it.
 *
 * A test file (test_<area>.c for src/core/<area>.c) defines each test with
 *
 *     UNIT_TEST(test_name)
 *     {
 *         check(...);
 *     }
 *
 * which registers it before main() runs (a constructor), so a new file or
 * test is found by the build without a list.  main() (unit.c) runs the
 * tests by file name, and in a file in the order they are written, each
 * from the same seed of urand() and nrand(), so a test's data does not
 * depend on the tests that ran before it.  Arguments, if any, choose the
 * tests: an area (evt runs test_evt.c) or a test's name (test_ewma).
 *
 * Each check compares a core routine with a slow, obvious implementation
 * (sorting, two-pass double-double sums, direct weighted sums) on seeded
 * pseudo-random data, or with a published value.  The program prints one
 * line per failed check and closes with "unit: N passed, M failed".
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdint.h>

typedef struct unit_test
{
	const char *name;
	const char *file;
	int			line;
	void		(*fn) (void);
	struct unit_test *next;
} unit_test;

/* Add a test to the list main() runs; called by UNIT_TEST's constructor. */
extern void unit_register(unit_test *t);

#define UNIT_TEST(fn) \
	static void fn(void); \
	static unit_test fn##_entry = {#fn, __FILE__, __LINE__, fn, NULL}; \
	__attribute__((constructor)) static void \
	fn##_register(void) \
	{ \
		unit_register(&fn##_entry); \
	} \
	static void \
	fn(void)

/* Count a check; print it when it failed. */
extern void check(int ok, const char *what, double got, double want);

/* check() that got is want within a relative tol (absolute near 0). */
extern void check_close(double got, double want, double tol, const char *what);

/* Uniform on [0, 1) and standard normal draws (xorshift64, Box-Muller). */
extern double urand(void);
extern double nrand(void);

/* Double-double accumulator for the references: (hi, lo) = hi + lo. */
typedef struct
{
	double		hi,
				lo;
} ddacc;

extern void dd_acc(ddacc *a, double x);
extern double dd_val(const ddacc *a);

/* Historical VaR/ES the obvious way: sort, interpolate, average the tail. */
extern void naive_hist(const double *x, int64_t n, double alpha,
					   double *var, double *es);

#endif							/* UNIT_H */
