# The random differential harness (tests/diff/rand_*.c): random rulesets
# and packets aimed at their edges, through iptables-legacy and through
# bpfilter's compiled program, every counter compared.
#   make diff SEED=... N=... [FAMILY=4|6|both] [DIFF_OPTS="--ext-max 7"]
#                              runs N cases of SEED (default: a random
#                              seed, printed, so a failure can be replayed)
#   make diff-tests            the diff test group (tests/diff/*.sh), which
#                              `make check` runs with a fixed-seed slice
RAND_DIFF_SRCS := $(wildcard tests/diff/rand_*.c)
RAND_DIFF_OBJS := $(filter-out $(BUILD)/tests/diff/rand_diff.o,$(RAND_DIFF_SRCS:%.c=$(BUILD)/%.o))
RAND_DIFF := $(BUILD)/tests/diff/rand_diff

$(BUILD)/tests/diff/%.o: tests/diff/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -MMD -MP -c -o $@ $<

$(RAND_DIFF): tests/diff/rand_diff.c $(RAND_DIFF_OBJS) $(LIB) $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(RAND_DIFF_OBJS) $(TESTLIB_OBJS) $(LIB_LINK) $(LDLIBS)

-include $(RAND_DIFF_OBJS:.o=.d)
.SECONDARY: $(RAND_DIFF_OBJS)

test-bins: $(RAND_DIFF)

SEED ?=
N ?= 50
FAMILY ?= both
DIFF_OPTS ?=
.PHONY: diff diff-tests
diff: all $(RAND_DIFF)
	$(RAND_DIFF) $(if $(SEED),--seed $(SEED)) --cases $(N) --family $(FAMILY) $(DIFF_OPTS)
