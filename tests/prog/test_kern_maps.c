/* src/kern: counters map (create/read/write, per-CPU sums), program load
 * (success, refusal with the verifier log), program facts and the counters
 * map found through the program. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgen/insn.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "kern/kern.h"
#include "kern/kern_int.h"

static const struct bf_hook_ops xdp_hook = {
	.name = "xdp",
	.prog_type = BPF_PROG_TYPE_XDP,
};

static struct bf_strbuf logged;

static void log_cb(enum bf_log_level level, const char *msg, void *data)
{
	bf_strbuf_printf(&logged, "%d:%s\n", level, msg);
}

/* BPF_LD_MAP_FD: two instructions. */
#define LD_MAP_FD(DST, FD) \
	((struct bpf_insn){.code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = DST, \
			   .src_reg = BPF_PSEUDO_MAP_FD, .imm = FD}), \
	((struct bpf_insn){0})

static void counters_sum_cpus(void **state)
{
	int cpus = libbpf_num_possible_cpus(), fd;
	struct bf_counter c = {.packets = 7, .bytes = 700}, out[3];
	struct bf_counter *percpu;
	uint32_t key = 1;
	size_t n;

	assert_true(cpus > 0);
	assert_int_equal(bf_counters_create(3, &fd), 0);
	assert_int_equal(bf_counters_size(fd, &n), 0);
	assert_int_equal(n, 3);

	/* A value on every CPU: read sums them. */
	percpu = calloc((size_t)cpus, sizeof(*percpu));
	assert_non_null(percpu);
	for (int i = 0; i < cpus; i++)
		percpu[i] = (struct bf_counter){.packets = 1, .bytes = (uint64_t)i + 10};
	assert_int_equal(bpf_map_update_elem(fd, &key, percpu, BPF_ANY), 0);
	assert_int_equal(bf_counters_read(fd, 3, out), 0);
	assert_int_equal(out[0].packets, 0);
	assert_int_equal(out[1].packets, cpus);
	assert_int_equal(out[1].bytes, (uint64_t)cpus * 10 + (uint64_t)cpus * (cpus - 1) / 2);

	/* write replaces every CPU's value. */
	assert_int_equal(bf_counters_write(fd, 1, &c), 0);
	assert_int_equal(bf_counters_write(fd, 2, &c), 0);
	assert_int_equal(bf_counters_read(fd, 3, out), 0);
	assert_int_equal(out[1].packets, 7);
	assert_int_equal(out[1].bytes, 700);
	assert_int_equal(out[2].packets, 7);

	/* Out of range slots fail. */
	assert_true(bf_counters_write(fd, 3, &c) < 0);
	assert_true(bf_counters_read(fd, 4, out) < 0);
	free(percpu);
	close(fd);

	/* Zero slots still makes a usable map. */
	assert_int_equal(bf_counters_create(0, &fd), 0);
	assert_int_equal(bf_counters_size(fd, &n), 0);
	assert_int_equal(n, 1);
	close(fd);
}

static void load_ok_facts_map(void **state)
{
	struct bf_prog_facts f;
	int map_fd, prog_fd, found_fd;
	struct bpf_map_info a = {0}, b = {0};
	uint32_t la = sizeof(a), lb = sizeof(b);

	assert_int_equal(bf_counters_create(2, &map_fd), 0);
	{
		/* Looks slot 0 up and returns XDP_PASS: uses the map. */
		const struct bpf_insn insns[] = {
			BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			LD_MAP_FD(BPF_REG_1, map_fd),
			BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
			BPF_MOV64_IMM(BPF_REG_0, XDP_PASS),
			BPF_EXIT_INSN(),
		};

		assert_int_equal(bf_prog_load(&xdp_hook, insns, sizeof(insns) / sizeof(insns[0]),
					      BF_PROG_NAME, &prog_fd), 0);
	}
	assert_int_equal(bf_prog_facts(prog_fd, &f), 0);
	assert_string_equal(f.name, "bpfilter");
	assert_true(f.id > 0);
	assert_true(f.n_insns >= 7);

	assert_int_equal(bf_prog_counters_map(prog_fd, &found_fd), 0);
	assert_int_equal(bpf_obj_get_info_by_fd(map_fd, &a, &la), 0);
	assert_int_equal(bpf_obj_get_info_by_fd(found_fd, &b, &lb), 0);
	assert_int_equal(a.id, b.id);
	close(found_fd);

	{
		int again;

		assert_int_equal(bf_prog_by_id(f.id, &again), 0);
		close(again);
	}
	close(prog_fd);
	close(map_fd);
}

static void load_no_map(void **state)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, XDP_PASS),
		BPF_EXIT_INSN(),
	};
	int prog_fd, map_fd;

	assert_int_equal(bf_prog_load(&xdp_hook, insns, 2, BF_PROG_NAME, &prog_fd), 0);
	assert_int_equal(bf_prog_counters_map(prog_fd, &map_fd), -ENOENT);
	close(prog_fd);
}

static void load_refused_logs_verifier(void **state)
{
	/* r2 is read before it is written: the verifier refuses. */
	const struct bpf_insn insns[] = {
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
		BPF_EXIT_INSN(),
	};
	const char *s, *begin, *end;
	int prog_fd = -1, err;

	bf_strbuf_reset(&logged);
	err = bf_prog_load(&xdp_hook, insns, 2, BF_PROG_NAME, &prog_fd);
	assert_true(err < 0);
	assert_int_equal(prog_fd, -1);
	s = bf_strbuf_str(&logged);
	begin = strstr(s, "3:-- BEGIN VERIFIER LOG --\n");
	end = strstr(s, "3:-- END VERIFIER LOG --\n");
	assert_non_null(begin);
	assert_non_null(end);
	assert_true(begin < end);
	/* The kernel's reason is between the markers. */
	s = strstr(begin, "R2 !read_ok");
	assert_non_null(s);
	assert_true(s < end);
	/* And the error itself is logged. */
	assert_non_null(strstr(bf_strbuf_str(&logged), "0:the kernel refused the BPF program"));
}

/* A long program whose log overflows the first buffer: still logged. */
static void load_refused_big_log(void **state)
{
	size_t n = 20000;
	struct bpf_insn *insns = calloc(n, sizeof(*insns));
	int prog_fd = -1;

	assert_non_null(insns);
	for (size_t i = 0; i + 2 < n; i++)
		insns[i] = BPF_MOV64_IMM(BPF_REG_0, (int)i);
	insns[n - 2] = BPF_MOV64_REG(BPF_REG_0, BPF_REG_3);
	insns[n - 1] = BPF_EXIT_INSN();
	bf_strbuf_reset(&logged);
	assert_true(bf_prog_load(&xdp_hook, insns, n, BF_PROG_NAME, &prog_fd) < 0);
	assert_non_null(strstr(bf_strbuf_str(&logged), "R3 !read_ok"));
	assert_non_null(strstr(bf_strbuf_str(&logged), "-- END VERIFIER LOG --"));
	free(insns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters_sum_cpus),
		cmocka_unit_test(load_ok_facts_map),
		cmocka_unit_test(load_no_map),
		cmocka_unit_test(load_refused_logs_verifier),
		cmocka_unit_test(load_refused_big_log),
	};
	int rc;

	if (geteuid()) {
		printf("needs root (BPF)\n");
		return 77;
	}
	bf_log_set(log_cb, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	bf_strbuf_free(&logged);
	return rc;
}
