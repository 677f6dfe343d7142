# Tests. `make check` runs them all; each group can run alone.
#   unit/  cmocka tests of pure code (parser, printer, emitter)
#   prog/  programs loaded into the kernel, run with BPF_PROG_TEST_RUN
#   cli/   the bpfilter command: messages, exit codes, state
#   diff/  against iptables-legacy in a test namespace
#   e2e/   real traffic over veth between test namespaces
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
PROG_SRCS := $(wildcard tests/prog/test_*.c)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TESTLIB_SRCS := $(wildcard tests/lib/*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
PROG_BINS := $(PROG_SRCS:%.c=$(BUILD)/%)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
TESTLIB_OBJS := $(TESTLIB_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB) $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(TESTLIB_OBJS) $(LIB_LINK) $(LDLIBS) -lcmocka

$(BUILD)/tests/prog/%: tests/prog/%.c $(LIB) $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(TESTLIB_OBJS) $(LIB_LINK) $(LDLIBS) -lcmocka

$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/tests/lib/%.o: tests/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -MMD -MP -c -o $@ $<

test-bins: bpfilter $(UNIT_BINS) $(PROG_BINS) $(TOOL_BINS)

check: all test-bins
	@tests/run.sh unit prog cli diff e2e

unit prog cli diff e2e: all test-bins
	@tests/run.sh $@

# The demo (the README's first command): builds bpfilter and the test tools,
# then runs scripts/demo.sh as root.
demo: all $(TOOL_BINS)
	@scripts/demo.sh

# Keep the shared test objects between links.
.SECONDARY: $(TESTLIB_OBJS)
