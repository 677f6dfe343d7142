# bpfilter — plain make; libbpf through pkg-config.
CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration \
	-Wno-unused-parameter -Isrc $(shell pkg-config --cflags libbpf 2>/dev/null) \
	$(SANITIZE)
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

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary (and bpfilter6),
# the man page, bash completion, the systemd unit and, when there is none,
# /etc/bpfilter/bpfilter.conf. Never any iptables name: see install-names.
PREFIX ?= /usr/local
SBINDIR = $(PREFIX)/sbin
SYSCONFDIR ?= /etc
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
# The iptables and ipset names, in a directory of their own: put it first
# in PATH, or register each name with update-alternatives.
NAMESDIR = $(PREFIX)/lib/bpfilter/bin
NAMES = iptables ip6tables iptables-save iptables-restore ip6tables-save \
	ip6tables-restore iptables-legacy ip6tables-legacy iptables-legacy-save \
	iptables-legacy-restore ip6tables-legacy-save ip6tables-legacy-restore ipset

.PHONY: install install-names
install: bpfilter
	install -D -m 0755 bpfilter $(DESTDIR)$(SBINDIR)/bpfilter
	ln -sf bpfilter $(DESTDIR)$(SBINDIR)/bpfilter6
	install -D -m 0644 docs/bpfilter.8 $(DESTDIR)$(PREFIX)/share/man/man8/bpfilter.8
	install -D -m 0644 scripts/bpfilter.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/bpfilter
	ln -sf bpfilter $(DESTDIR)$(PREFIX)/share/bash-completion/completions/bpfilter6
	mkdir -p $(DESTDIR)$(SYSTEMDDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' scripts/bpfilter.service.in \
		>$(DESTDIR)$(SYSTEMDDIR)/bpfilter.service
	test -e $(DESTDIR)$(SYSCONFDIR)/bpfilter/bpfilter.conf || \
		install -D -m 0644 scripts/bpfilter.conf $(DESTDIR)$(SYSCONFDIR)/bpfilter/bpfilter.conf

install-names: install
	mkdir -p $(DESTDIR)$(NAMESDIR)
	for n in $(NAMES); do ln -sf $(SBINDIR)/bpfilter $(DESTDIR)$(NAMESDIR)/$$n; done

clean:
	rm -rf $(BUILD) bpfilter
