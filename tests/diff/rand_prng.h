/* The harness's own PRNG (splitmix64): a seed gives the same cases on
 * every machine and libc, which rand() would not. */
#ifndef RAND_PRNG_H
#define RAND_PRNG_H

#include <stdbool.h>
#include <stdint.h>

struct rnd {
	uint64_t s;
};

static inline uint64_t rnd_next(struct rnd *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0; the bias of the modulo is irrelevant here). */
static inline uint32_t rnd_below(struct rnd *r, uint32_t n)
{
	return (uint32_t)(rnd_next(r) % n);
}

/* Uniform in [lo, hi]. */
static inline uint32_t rnd_range(struct rnd *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd_next(r) % ((uint64_t)hi - lo + 1));
}

static inline bool rnd_pct(struct rnd *r, unsigned int pct)
{
	return rnd_below(r, 100) < pct;
}

#endif
