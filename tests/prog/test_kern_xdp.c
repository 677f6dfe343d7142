/* src/kern: XDP attach / atomic replace / detach through netlink on a
 * veth pair in a network namespace of this process's own (gone when it
 * exits), and the namespace cookie. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgen/insn.h"
#include "kern/kern.h"
#include "kern/kern_int.h"

static const struct bf_hook_ops xdp_hook = {
	.name = "xdp",
	.prog_type = BPF_PROG_TYPE_XDP,
};

static int ifindex;

static int load(int verdict, uint32_t *id)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, verdict),
		BPF_EXIT_INSN(),
	};
	struct bf_prog_facts f;
	int fd;

	assert_int_equal(bf_prog_load(&xdp_hook, insns, 2, BF_PROG_NAME, &fd), 0);
	assert_int_equal(bf_prog_facts(fd, &f), 0);
	*id = f.id;
	return fd;
}

static uint32_t attached(enum bf_xdp_mode mode)
{
	uint32_t id = 12345;

	assert_int_equal(bf_xdp_query(ifindex, mode, &id), 0);
	return id;
}

static void swap_in_mode(enum bf_xdp_mode mode)
{
	enum bf_xdp_mode other = mode == BF_XDP_NATIVE ? BF_XDP_GENERIC : BF_XDP_NATIVE;
	uint32_t ida, idb, idc;
	int a = load(XDP_PASS, &ida), b = load(XDP_DROP, &idb), c = load(XDP_PASS, &idc);

	assert_int_equal(attached(mode), 0);
	assert_int_equal(bf_xdp_attach(ifindex, a, mode, -1), 0);
	assert_int_equal(attached(mode), ida);
	assert_int_equal(attached(other), 0);

	/* Without an expected program: refused when one is there. */
	assert_true(bf_xdp_attach(ifindex, b, mode, -1) < 0);
	assert_int_equal(attached(mode), ida);
	/* The other mode cannot be used at the same time. */
	assert_true(bf_xdp_attach(ifindex, b, other, -1) < 0);
	assert_int_equal(attached(mode), ida);
	assert_int_equal(attached(other), 0);

	/* REPLACE with a wrong expected program fails and keeps a. */
	assert_int_equal(bf_xdp_attach(ifindex, b, mode, c), -EEXIST);
	assert_int_equal(attached(mode), ida);

	/* With the right one, the swap happens. */
	assert_int_equal(bf_xdp_attach(ifindex, b, mode, a), 0);
	assert_int_equal(attached(mode), idb);

	/* No pin, no link: it stays attached without any fd of ours. */
	close(b);
	assert_int_equal(attached(mode), idb);
	assert_int_equal(bf_prog_by_id(idb, &b), 0);

	/* Detach only removes the expected program. */
	assert_int_equal(bf_xdp_detach(ifindex, mode, -1), -EINVAL);
	assert_int_equal(bf_xdp_detach(ifindex, mode, a), -EEXIST);
	assert_int_equal(attached(mode), idb);
	assert_int_equal(bf_xdp_detach(ifindex, mode, b), 0);
	assert_int_equal(attached(mode), 0);
	/* Detaching again: b is no longer there. */
	assert_true(bf_xdp_detach(ifindex, mode, b) < 0);

	close(a);
	close(b);
	close(c);
}

static void swap_native(void **state)
{
	swap_in_mode(BF_XDP_NATIVE);
}

static void swap_generic(void **state)
{
	swap_in_mode(BF_XDP_GENERIC);
}

static void mode_names(void **state)
{
	enum bf_xdp_mode m;

	assert_int_equal(bf_xdp_mode_by_name("native", &m), 0);
	assert_int_equal(m, BF_XDP_NATIVE);
	assert_string_equal(bf_xdp_mode_name(m), "native");
	assert_int_equal(bf_xdp_mode_by_name("generic", &m), 0);
	assert_int_equal(m, BF_XDP_GENERIC);
	assert_string_equal(bf_xdp_mode_name(m), "generic");
	assert_int_equal(bf_xdp_mode_by_name("offload", &m), 0);
	assert_int_equal(m, BF_XDP_OFFLOAD);
	assert_int_equal(bf_xdp_mode_by_name("auto", &m), 0);
	assert_int_equal(m, BF_XDP_AUTO);
	assert_int_equal(bf_xdp_mode_by_name("nat", &m), -EINVAL);
}

static void missing_interface(void **state)
{
	uint32_t id;
	int a = load(XDP_PASS, &id);

	assert_true(bf_xdp_attach(999999, a, BF_XDP_NATIVE, -1) < 0);
	close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode_names),
		cmocka_unit_test(swap_native),
		cmocka_unit_test(swap_generic),
		cmocka_unit_test(missing_interface),
	};
	uint64_t before, after, again;

	if (geteuid()) {
		printf("needs root (BPF, network namespaces)\n");
		return 77;
	}
	if (bf_netns_cookie(&before)) {
		printf("SO_NETNS_COOKIE is not supported here\n");
		return 1;
	}
	/* Our own namespace: the veth pair goes with it when we exit. */
	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return 1;
	}
	if (bf_netns_cookie(&after) || bf_netns_cookie(&again) || after == before ||
	    after != again) {
		printf("FAIL: netns cookie %llu -> %llu / %llu\n", (unsigned long long)before,
		       (unsigned long long)after, (unsigned long long)again);
		return 1;
	}
	if (system("ip link add bfk0 type veth peer name bfk1 && "
		   "ip link set bfk0 up && ip link set bfk1 up")) {
		printf("FAIL: cannot create the veth pair\n");
		return 1;
	}
	ifindex = (int)if_nametoindex("bfk0");
	if (!ifindex) {
		printf("FAIL: bfk0 not found\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
