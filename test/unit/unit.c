/*
 * unit.c
 *     The harness of the unit tests (see unit.h): the checks, the seeded
 *     generator, the references shared by several test files, and main(),
 *     which runs every registered test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "core/quantile.h"
#include "unit.h"

static unit_test *tests;		/* by file, then line */

static int	passed;
static int	failed;

void
check(int ok, const char *what, double got, double want)
{
	if (ok)
		passed++;
	else
	{
		failed++;
		printf("FAIL %s: got %.17g want %.17g\n", what, got, want);
	}
}

void
check_close(double got, double want, double tol, const char *what)
{
	double		scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;

	check(fabs(got - want) <= tol * scale || (got == want), what, got, want);
}

#define UNIT_SEED 88172645463325252ULL

static uint64_t rng_state = UNIT_SEED;

double
urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double) (rng_state >> 11) / 9007199254740992.0;
}

double
nrand(void)
{
	double		u = urand(),
				v = urand();

	return sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

void
dd_acc(ddacc *a, double x)
{
	double		s = a->hi + x;
	double		bb = s - a->hi;
	double		err = (a->hi - (s - bb)) + (x - bb);

	a->hi = s;
	a->lo += err;
}

double
dd_val(const ddacc *a)
{
	return a->hi + a->lo;
}

/* Historical VaR/ES the obvious way: sort, interpolate, average the tail. */
void
naive_hist(const double *x, int64_t n, double alpha, double *var, double *es)
{
	double	   *s = malloc(n * sizeof(double));
	int64_t		lo,
				hi,
				i,
				k = 0;
	double		h,
				q;
	ddacc		sum = {0, 0};

	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), rk_cmp_double);
	rk_q7_position(n, alpha, &lo, &hi, &h);
	q = rk_q7_combine(s[lo], s[hi], h);
	for (i = 0; i < n; i++)
		if (s[i] < q)
		{
			dd_acc(&sum, s[i]);
			k++;
		}
	*var = -q;
	*es = k ? -(dd_val(&sum) / k) : -q;
	free(s);
}

void
unit_register(unit_test *t)
{
	unit_test **p = &tests;

	while (*p != NULL &&
		   (strcmp((*p)->file, t->file) < 0 ||
			(strcmp((*p)->file, t->file) == 0 && (*p)->line < t->line)))
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

/* Is t chosen by the arguments: its name, or the area of its file? */
static int
chosen(const unit_test *t, int argc, char **argv)
{
	const char *base = strrchr(t->file, '/');
	int			i;

	base = base ? base + 1 : t->file;
	if (strncmp(base, "test_", 5) == 0)
		base += 5;
	for (i = 1; i < argc; i++)
	{
		size_t		len = strlen(argv[i]);

		if (strcmp(argv[i], t->name) == 0 ||
			(strncmp(base, argv[i], len) == 0 && strcmp(base + len, ".c") == 0))
			return 1;
	}
	return argc < 2;
}

int
main(int argc, char **argv)
{
	unit_test  *t;
	int			ran = 0;

	gsl_set_error_handler_off();
	for (t = tests; t != NULL; t = t->next)
	{
		if (!chosen(t, argc, argv))
			continue;
		rng_state = UNIT_SEED;
		t->fn();
		ran++;
	}
	if (ran == 0)
	{
		fprintf(stderr, "unit: no test matches the arguments\n");
		return 2;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
