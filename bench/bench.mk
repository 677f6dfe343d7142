# `make bench` (issue 5): the benchmark suite, not part of `make check`.
# Builds build/bench/bench and runs bench/run.sh as root: results in
# bench/results.json, the plot in bench/results.png (gnuplot).
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/%.o)
BENCH_BIN := $(BUILD)/bench/bench

$(BUILD)/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -MMD -MP -c -o $@ $<

$(BENCH_BIN): $(BENCH_OBJS) $(LIB) $(BUILD)/tests/lib/oracle_net.o
	$(CC) $(CFLAGS) -o $@ $(BENCH_OBJS) $(BUILD)/tests/lib/oracle_net.o $(LIB_LINK) $(LDLIBS) -lm

-include $(BENCH_OBJS:.o=.d)

bench: all $(BENCH_BIN)
	@bench/run.sh $(BENCH_BIN)

# A set of a million elements: fill, save, a lookup by real traffic.
.PHONY: bench-set
bench-set: all $(BUILD)/tools/probe
	@bench/set_million.sh

# What a ruleset reading the conntrack state costs a packet at XDP.
CT_COST_BIN := $(BUILD)/bench/ct_cost
$(CT_COST_BIN): bench/ct_cost/ct_cost.c $(LIB) $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(TESTLIB_OBJS) $(LIB_LINK) $(LDLIBS) -lcmocka

.PHONY: bench-conntrack
bench-conntrack: all $(CT_COST_BIN)
	@$(CT_COST_BIN)

# What the routing decision (INPUT or FORWARD) costs a packet at XDP.
ROUTE_COST_BIN := $(BUILD)/bench/route_cost
$(ROUTE_COST_BIN): bench/route_cost/route_cost.c $(LIB) $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(TESTLIB_OBJS) $(LIB_LINK) $(LDLIBS) -lcmocka

.PHONY: bench-route
bench-route: all $(ROUTE_COST_BIN)
	@$(ROUTE_COST_BIN)
