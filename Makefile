# bpfilter — plain make; libbpf through pkg-config.
CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration \
	-Wno-unused-parameter -Isrc $(shell pkg-config --cflags libbpf 2>/dev/null)
LDLIBS += $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf)

BUILD ?= build
LIB_SRCS := $(wildcard src/common/*.c src/ir/*.c src/ext/*.c src/front/*.c \
	src/plan/*.c src/cgen/*.c src/kern/*.c src/core/*.c)
CLI_SRCS := $(wildcard src/cli/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libbpfilter.a
# Whole archive: the extension registry refers to extensions weakly, and a
# weak reference alone does not pull an object out of an archive.
LIB_LINK := -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive

.PHONY: all deps check unit prog e2e diff clitest demo clean bench
all: deps bpfilter

deps:
	@scripts/install-deps.sh

bpfilter: $(CLI_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJS) $(LIB_LINK) $(LDLIBS)

# bpfilter6: the same binary, called by that name it is ip6tables.
all: bpfilter6
bpfilter6: bpfilter
	ln -sf bpfilter $@

.PHONY: clean-bpfilter6
clean: clean-bpfilter6
clean-bpfilter6:
	rm -f bpfilter6

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

include tests/tests.mk
# The shared test objects follow the headers they include, too.
-include $(TESTLIB_OBJS:.o=.d)

include bench/bench.mk

clean:
	rm -rf $(BUILD) bpfilter
