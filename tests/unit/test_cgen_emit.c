/* The emitter: labels and fixups, range checks, the sticky error, dead
 * code removal, map fixups. No kernel needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"

static struct bf_cgen cg;

static int setup(void **state)
{
	bf_cgen_init(&cg);
	return 0;
}

static int teardown(void **state)
{
	bf_cgen_free(&cg);
	return 0;
}

static void test_forward_and_backward(void **state)
{
	int top = bf_label_new(&cg), end = bf_label_new(&cg);

	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));                       /* 0 */
	bf_label_bind(&cg, top);
	bf_emit(&cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));              /* 1 */
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 9, 0), end);    /* 2 */
	bf_emit_jump(&cg, BPF_JMP_A(0), top);                            /* 3 */
	bf_label_bind(&cg, end);
	bf_emit(&cg, BPF_EXIT_INSN());                                    /* 4 */
	assert_int_equal(bf_cgen_finish(&cg), 0);
	assert_int_equal(cg.len, 5);
	assert_int_equal(cg.insns[2].off, 1);
	assert_int_equal(cg.insns[3].off, -3);
	/* finish is idempotent */
	assert_int_equal(bf_cgen_finish(&cg), 0);
	assert_int_equal(cg.insns[2].off, 1);
	assert_int_equal(cg.insns[3].off, -3);
}

/* A conditional jump over `gap` reachable instructions. */
static int jump_over(int gap, struct bpf_insn jmp)
{
	int far = bf_label_new(&cg);

	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, jmp, far);
	for (int i = 0; i < gap; i++)
		bf_emit(&cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_label_bind(&cg, far);
	bf_emit(&cg, BPF_EXIT_INSN());
	return bf_cgen_finish(&cg);
}

static void test_range_limit(void **state)
{
	assert_int_equal(jump_over(INT16_MAX, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0)), 0);
	assert_int_equal(cg.insns[1].off, INT16_MAX);
}

static void test_out_of_range(void **state)
{
	assert_int_equal(jump_over(INT16_MAX + 1, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0)), -E2BIG);
	/* sticky: the error stays */
	assert_int_equal(cg.err, -E2BIG);
	assert_int_equal(bf_cgen_finish(&cg), -E2BIG);
}

static void test_out_of_range_backward(void **state)
{
	int top = bf_label_new(&cg);

	bf_label_bind(&cg, top);
	for (int i = 0; i < INT16_MAX; i++)
		bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), top);
	bf_emit(&cg, BPF_EXIT_INSN());
	assert_int_equal(bf_cgen_finish(&cg), 0); /* -32768 fits */
	assert_int_equal(cg.insns[INT16_MAX].off, INT16_MIN);
	bf_cgen_free(&cg);

	top = bf_label_new(&cg);
	bf_label_bind(&cg, top);
	for (int i = 0; i < INT16_MAX + 1; i++)
		bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), top);
	bf_emit(&cg, BPF_EXIT_INSN());
	assert_int_equal(bf_cgen_finish(&cg), -E2BIG);
}

/* gotol carries a 32-bit offset in imm. */
static void test_gotol(void **state)
{
	int far = bf_label_new(&cg), end = bf_label_new(&cg);

	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), end);
	bf_emit_jump(&cg, BPF_JMP32_A(0), far);
	bf_label_bind(&cg, end);
	for (int i = 0; i < 40000; i++)
		bf_emit(&cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_label_bind(&cg, far);
	bf_emit(&cg, BPF_EXIT_INSN());
	assert_int_equal(bf_cgen_finish(&cg), 0);
	assert_int_equal(cg.insns[2].imm, 40000);
	assert_int_equal(cg.insns[2].off, 0);
}

static void test_unbound_label(void **state)
{
	int nowhere = bf_label_new(&cg);

	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), nowhere);
	bf_emit(&cg, BPF_EXIT_INSN());
	assert_int_equal(bf_cgen_finish(&cg), -EINVAL);
}

static void test_label_bound_twice(void **state)
{
	int l = bf_label_new(&cg);

	bf_label_bind(&cg, l);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_label_bind(&cg, l);
	assert_int_equal(cg.err, -EINVAL);
}

/* After the first error every call reads through and changes nothing. */
static void test_sticky(void **state)
{
	int fds[BF_MAP_MAX] = {3};
	size_t len;

	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, BPF_JMP_A(0), 42); /* no such label */
	assert_int_equal(cg.err, -EINVAL);
	len = cg.len;
	bf_emit(&cg, BPF_EXIT_INSN());
	bf_emit_ld_map(&cg, BPF_REG_1, BF_MAP_COUNTERS);
	bf_emit_count(&cg, 1);
	bf_label_bind(&cg, bf_label_new(&cg));
	assert_int_equal(cg.len, len);
	assert_int_equal(cg.err, -EINVAL);
	assert_int_equal(bf_cgen_finish(&cg), -EINVAL);
	assert_int_equal(bf_cgen_patch_maps(&cg, fds), -EINVAL);
}

static void test_not_a_jump(void **state)
{
	bf_emit_jump(&cg, BPF_MOV64_IMM(BPF_REG_0, 0), bf_label_new(&cg));
	assert_int_equal(cg.err, -EINVAL);
}

/* A jump must come from bf_emit_jump: no offset computed by hand. */
static void test_jump_without_label(void **state)
{
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1));
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 1));
	bf_emit(&cg, BPF_EXIT_INSN());
	assert_int_equal(bf_cgen_finish(&cg), -EINVAL);
}

static void test_falls_off_end(void **state)
{
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	assert_int_equal(bf_cgen_finish(&cg), -EINVAL);
}

static void test_jump_past_end(void **state)
{
	int end = bf_label_new(&cg);

	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), end);
	bf_emit(&cg, BPF_EXIT_INSN());
	bf_label_bind(&cg, end);
	assert_int_equal(bf_cgen_finish(&cg), -EINVAL);
}

/* Unreachable code goes, labels and fixups follow the code that stays. */
static void test_dead_code(void **state)
{
	int skip = bf_label_new(&cg), dead = bf_label_new(&cg), end = bf_label_new(&cg);
	int fds[BF_MAP_MAX] = {7};

	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit_jump(&cg, BPF_JMP_A(0), skip);
	/* dead: a map load, a jump to an unbound label, a jump to end */
	bf_emit_ld_map(&cg, BPF_REG_1, BF_MAP_COUNTERS);
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), dead);
	bf_emit_jump(&cg, BPF_JMP_A(0), end);
	bf_label_bind(&cg, skip);
	bf_emit_ld_map(&cg, BPF_REG_2, BF_MAP_COUNTERS);
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), end);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 1));
	bf_label_bind(&cg, end);
	bf_emit(&cg, BPF_EXIT_INSN());
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 2)); /* dead after exit */
	bf_emit(&cg, BPF_EXIT_INSN());

	assert_int_equal(bf_cgen_finish(&cg), 0);
	/* mov; ja +0; ld_map (2); jeq +1; mov; exit */
	assert_int_equal(cg.len, 7);
	assert_int_equal(cg.insns[1].code, BPF_JMP | BPF_JA);
	assert_int_equal(cg.insns[1].off, 0);
	assert_int_equal(cg.insns[2].dst_reg, BPF_REG_2);
	assert_int_equal(cg.insns[4].off, 1);
	assert_int_equal(cg.insns[6].code, BPF_JMP | BPF_EXIT);
	assert_int_equal(cg.labels[skip], 2);
	assert_int_equal(cg.labels[end], 6);
	assert_int_equal(bf_cgen_patch_maps(&cg, fds), 0);
	assert_int_equal(cg.insns[2].imm, 7);
	assert_int_equal(cg.insns[2].src_reg, BPF_PSEUDO_MAP_FD);
	assert_int_equal(cg.insns[3].code, 0);
	assert_int_equal(cg.insns[3].imm, 0);
}

static void test_map_fixup(void **state)
{
	int fds[BF_MAP_MAX] = {-1};

	bf_emit_ld_map(&cg, BPF_REG_1, BF_MAP_COUNTERS);
	bf_emit(&cg, BPF_MOV64_IMM(BPF_REG_0, 0));
	bf_emit(&cg, BPF_EXIT_INSN());
	assert_int_equal(bf_cgen_finish(&cg), 0);
	assert_int_equal(cg.len, 4);
	assert_int_equal(cg.insns[0].code, BPF_LD | BPF_DW | BPF_IMM);
	assert_int_equal(bf_cgen_patch_maps(&cg, fds), -EBADF);
	fds[BF_MAP_COUNTERS] = 12;
	assert_int_equal(bf_cgen_patch_maps(&cg, fds), 0);
	assert_int_equal(cg.insns[0].imm, 12);
	bf_emit_ld_map(&cg, BPF_REG_1, BF_MAP_MAX);
	assert_int_equal(cg.err, -EINVAL);
}

static void emit_cb(struct bf_cgen *c, int arg)
{
	bf_emit(c, BPF_MOV64_IMM(BPF_REG_0, arg));
	bf_emit(c, BPF_EXIT_INSN());
}

/* A callback is emitted after the program, once however many loads of
 * it, its BPF_PSEUDO_FUNC offsets resolved; one no live code loads is
 * dropped with that code. */
static void test_func(void **state)
{
	int used = bf_cgen_func(&cg, emit_cb, 1), end = bf_label_new(&cg);
	uint32_t starts[4];

	assert_int_equal(bf_cgen_func(&cg, emit_cb, 1), used);
	bf_emit_ld_func(&cg, BPF_REG_2, used);                          /* 0-1 */
	bf_emit_jump(&cg, BPF_JMP_A(0), end);                            /* 2 */
	bf_emit_ld_func(&cg, BPF_REG_2, bf_cgen_func(&cg, emit_cb, 2)); /* dead */
	bf_label_bind(&cg, end);
	bf_emit(&cg, BPF_EXIT_INSN());                                   /* 3 */
	assert_int_equal(bf_cgen_finish(&cg), 0);
	assert_int_equal(cg.len, 6);
	assert_int_equal(bf_cgen_subprogs(&cg, starts, 4), 1);
	assert_int_equal(starts[0], 4);
	assert_int_equal(cg.insns[0].src_reg, BPF_PSEUDO_FUNC);
	assert_int_equal(cg.insns[0].imm, 3);
	assert_int_equal(cg.insns[4].imm, 1);
}

static void test_label_referenced(void **state)
{
	int a = bf_label_new(&cg), b = bf_label_new(&cg);
	size_t mark;

	bf_emit_jump(&cg, BPF_JMP_A(0), a);
	mark = cg.n_fixups;
	assert_true(bf_label_referenced(&cg, a, 0));
	assert_false(bf_label_referenced(&cg, a, mark));
	assert_false(bf_label_referenced(&cg, b, 0));
	bf_emit_jump(&cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), b);
	assert_true(bf_label_referenced(&cg, b, mark));
}

static void test_empty(void **state)
{
	assert_int_equal(bf_cgen_finish(&cg), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_forward_and_backward),
		T(test_range_limit),
		T(test_out_of_range),
		T(test_out_of_range_backward),
		T(test_gotol),
		T(test_unbound_label),
		T(test_label_bound_twice),
		T(test_sticky),
		T(test_not_a_jump),
		T(test_jump_without_label),
		T(test_falls_off_end),
		T(test_jump_past_end),
		T(test_dead_code),
		T(test_map_fixup),
		T(test_label_referenced),
		T(test_func),
		T(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
