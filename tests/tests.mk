# Tests. `make check` runs them all; each group can run alone.
#   unit/  cmocka tests of pure code (parser, printer, emitter)
#   prog/  programs loaded into the kernel, run with BPF_PROG_TEST_RUN
#   cli/   the bpfilter command: messages, exit codes, state
#   diff/  against iptables-legacy in a test namespace (`make diff-tests`;
#          `make diff SEED=.. N=..` runs the random harness, tests/diff/diff.mk)
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

# The unit and program tests again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer in $(BUILD)/san (run as the groups san/unit
# and san/prog: a report or a leak fails the test).
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
.PHONY: san-bins unit-prog-bins san
unit-prog-bins: $(UNIT_BINS) $(PROG_BINS)
san-bins:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/san SANITIZE="$(SAN_FLAGS)" unit-prog-bins
san: all test-bins san-bins
	@tests/run.sh san/unit san/prog

# Two tests at a time (tests/run.sh: each has its own namespaces and
# state; those marked "test: alone" run by themselves).
CHECK_JOBS ?= 2
check: all test-bins fuzz-bins san-bins
	@JOBS=$(CHECK_JOBS) tests/run.sh unit prog san/unit san/prog cli diff e2e fuzz

unit prog cli e2e: all test-bins
	@tests/run.sh $@

# kill -9 at 100 points (make check runs 20).
.PHONY: check-crash
check-crash: all test-bins
	@KILLS=100 BPFILTER=$(CURDIR)/bpfilter TOOLS=$(CURDIR)/build/tools \
		TESTS=$(CURDIR)/tests bash tests/e2e/test_crash.sh

# The swap under traffic with 1,000 changes (make check runs 100).
.PHONY: check-swap
check-swap: all test-bins
	@CHANGES=1000 BPFILTER=$(CURDIR)/bpfilter TOOLS=$(CURDIR)/build/tools \
		TESTS=$(CURDIR)/tests bash tests/e2e/test_swap_traffic.sh

# The diff group; `make diff` is the random differential harness.
diff-tests: all test-bins
	@tests/run.sh diff

include tests/diff/diff.mk

# The demo (the README's first command): builds bpfilter and the test tools,
# then runs scripts/demo.sh as root.
demo: all $(TOOL_BINS)
	@scripts/demo.sh

# Keep the shared test objects between links.
.SECONDARY: $(TESTLIB_OBJS)

# Fuzzing (tests/fuzz): libFuzzer targets for the iptables argv parser
# (argv), the iptables-restore reader (restore), set elements as ipset add
# takes them (set), whole ipset command lines on real sets (setcmd) and
# frames through the compiled programs against the linear reference
# (packet), built with clang and the sanitizers from a second build of the
# objects in $(FUZZ_BUILD). `make fuzz` runs each target for FUZZ_SECONDS;
# `make check` runs each for 20 s after replaying the kept crash inputs
# (tests/fuzz/test_fuzz.sh), or says it skips them when clang is missing.
FUZZ_CC ?= clang-14
FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := argv restore set setcmd packet
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Isrc -Itests \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	$(shell pkg-config --cflags libbpf 2>/dev/null)
FUZZ_LIB_SRCS := $(wildcard src/common/*.c src/ir/*.c src/ext/*.c src/front/*.c src/plan/*.c \
	src/cgen/*.c) src/core/set_key.c src/core/set_elem.c
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o) \
	$(FUZZ_BUILD)/tests/fuzz/fuzz_util.o
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# fuzz_packet and fuzz_setcmd work on the kernel: the whole library;
# fuzz_packet also the program runner and the differential harness's
# rulesets and frames, fuzz_setcmd the commands (not main()).
FUZZ_FULL_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/tests/fuzz/fuzz_util.o
FUZZ_PACKET_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/%.o,tests/lib/prog_run.c tests/lib/prog_pkt.c \
	$(filter-out tests/diff/rand_diff.c tests/diff/rand_min.c tests/diff/rand_oracle.c,$(RAND_DIFF_SRCS)))
FUZZ_CLI_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(filter-out src/cli/main.c,$(CLI_SRCS)))
$(FUZZ_BUILD)/fuzz_packet: tests/fuzz/fuzz_packet.c $(FUZZ_FULL_OBJS) $(FUZZ_PACKET_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
$(FUZZ_BUILD)/fuzz_setcmd: tests/fuzz/fuzz_setcmd.c $(FUZZ_FULL_OBJS) $(FUZZ_CLI_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
-include $(FUZZ_FULL_OBJS:.o=.d) $(FUZZ_PACKET_OBJS:.o=.d) $(FUZZ_CLI_OBJS:.o=.d)
.SECONDARY: $(FUZZ_FULL_OBJS) $(FUZZ_PACKET_OBJS) $(FUZZ_CLI_OBJS)

-include $(FUZZ_LIB_OBJS:.o=.d)
.SECONDARY: $(FUZZ_LIB_OBJS)

.PHONY: fuzz fuzz-bins fuzz-check
fuzz-bins: $(FUZZ_BINS)

fuzz: fuzz-bins
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/test_fuzz.sh

# `make check` runs tests/fuzz/test_fuzz.sh as the test group `fuzz`
# (the kept crash inputs, then 20 s per target).
fuzz-check: fuzz-bins
	@tests/run.sh fuzz
