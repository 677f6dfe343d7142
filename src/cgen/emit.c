/* Emitter primitives: the instruction buffer, labels, fixups, and
 * bf_cgen_finish(), which drops unreachable code and resolves jumps. */
#include "cgen.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cgen/ext_maps.h"
#include "cgen/insn.h"
#include "common/log.h"

void bf_cgen_init(struct bf_cgen *cg)
{
	memset(cg, 0, sizeof(*cg));
	cg->lbl_hotdrop = -1;
	cg->classify = bf_classify_mode;
}

void bf_cgen_reset(struct bf_cgen *cg)
{
	struct bf_cgen keep = *cg;

	bf_class_table_free(&cg->class_table);
	bf_cgen_plans_free(cg);
	bf_cgen_init(cg);
	cg->ext_maps = keep.ext_maps;
	cg->cap_ext_maps = keep.cap_ext_maps;
	cg->insns = keep.insns;
	cg->cap = keep.cap;
	cg->labels = keep.labels;
	cg->cap_labels = keep.cap_labels;
	cg->fixups = keep.fixups;
	cg->cap_fixups = keep.cap_fixups;
}

void bf_cgen_free(struct bf_cgen *cg)
{
	free(cg->insns);
	free(cg->labels);
	free(cg->fixups);
	free(cg->ext_maps);
	bf_class_table_free(&cg->class_table);
	bf_cgen_plans_free(cg);
	bf_cgen_init(cg);
}

bool bf_cgen_grow(struct bf_cgen *cg, void **arr, size_t *cap, size_t len, size_t elem)
{
	size_t ncap;
	void *p;

	if (cg->err)
		return false;
	if (len < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*arr, ncap * elem);
	if (!p) {
		cg->err = -ENOMEM;
		return false;
	}
	*arr = p;
	*cap = ncap;
	return true;
}

void bf_emit(struct bf_cgen *cg, struct bpf_insn insn)
{
	if (!bf_cgen_grow(cg, (void **)&cg->insns, &cg->cap, cg->len, sizeof(insn)))
		return;
	cg->insns[cg->len++] = insn;
}

static void add_fixup(struct bf_cgen *cg, int kind, size_t insn, int target)
{
	if (!bf_cgen_grow(cg, (void **)&cg->fixups, &cg->cap_fixups, cg->n_fixups,
			  sizeof(*cg->fixups)))
		return;
	cg->fixups[cg->n_fixups++] = (struct bf_fixup){.kind = kind, .insn = insn, .target = target};
}

static bool label_ok(struct bf_cgen *cg, int label)
{
	if (cg->err)
		return false;
	if (label < 0 || (size_t)label >= cg->n_labels) {
		cg->err = bf_err(-EINVAL, "cgen: no such label %d", label);
		return false;
	}
	return true;
}

int bf_label_new(struct bf_cgen *cg)
{
	if (!bf_cgen_grow(cg, (void **)&cg->labels, &cg->cap_labels, cg->n_labels, sizeof(int)))
		return -1;
	cg->labels[cg->n_labels] = -1;
	return (int)cg->n_labels++;
}

void bf_label_bind(struct bf_cgen *cg, int label)
{
	if (!label_ok(cg, label))
		return;
	if (cg->labels[label] >= 0) {
		cg->err = bf_err(-EINVAL, "cgen: label %d bound twice", label);
		return;
	}
	cg->labels[label] = (int)cg->len;
}

static bool is_jump(const struct bpf_insn *insn)
{
	uint8_t cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

static bool is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_DW | BPF_IMM);
}

/* gotol: the only jump whose offset lives in imm (32 bits). */
static bool is_gotol(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP32 | BPF_JA);
}

void bf_emit_jump(struct bf_cgen *cg, struct bpf_insn insn, int label)
{
	if (!label_ok(cg, label))
		return;
	if (!is_jump(&insn)) {
		cg->err = bf_err(-EINVAL, "cgen: code 0x%02x is not a jump", insn.code);
		return;
	}
	insn.off = 0;
	if (is_gotol(&insn))
		insn.imm = 0;
	add_fixup(cg, BF_FIXUP_JUMP, cg->len, label);
	bf_emit(cg, insn);
}

bool bf_label_referenced(const struct bf_cgen *cg, int label, size_t first_fixup)
{
	for (size_t i = first_fixup; i < cg->n_fixups; i++)
		if (cg->fixups[i].kind == BF_FIXUP_JUMP && cg->fixups[i].target == label)
			return true;
	return false;
}

void bf_emit_ld_map(struct bf_cgen *cg, int reg, enum bf_map_id map)
{
	if (cg->err)
		return;
	if ((int)map < 0 || map >= BF_MAP_MAX) {
		cg->err = bf_err(-EINVAL, "cgen: no such map %d", map);
		return;
	}
	add_fixup(cg, BF_FIXUP_MAP, cg->len, map);
	bf_emit_ld_imm64(cg, reg, BPF_PSEUDO_MAP_FD, (uint32_t)-1);
}

void bf_emit_ld_imm64(struct bf_cgen *cg, int reg, int src_reg, uint64_t imm)
{
	bf_emit(cg, (struct bpf_insn){.code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = reg,
				      .src_reg = src_reg, .imm = (int32_t)(uint32_t)imm});
	bf_emit(cg, (struct bpf_insn){.imm = (int32_t)(uint32_t)(imm >> 32)});
}

/* Where each jump goes, as an instruction index: -1 for no label (every
 * jump must come from bf_emit_jump()), -2 for an unbound label. Checked
 * only for reachable jumps. */
static void jump_targets(struct bf_cgen *cg, int *target)
{
	for (size_t i = 0; i < cg->len; i++)
		target[i] = -1;
	for (size_t i = 0; i < cg->n_fixups; i++) {
		const struct bf_fixup *f = &cg->fixups[i];

		if (f->kind == BF_FIXUP_JUMP)
			target[f->insn] = cg->labels[f->target] < 0 ? -2 : cg->labels[f->target];
	}
}

static int check_target(const struct bf_cgen *cg, size_t i, int target)
{
	if (target == -1)
		return bf_err(-EINVAL, "cgen: jump at %zu without a label", i);
	if (target == -2)
		return bf_err(-EINVAL, "cgen: jump at %zu to an unbound label", i);
	if ((size_t)target >= cg->len)
		return bf_err(-EINVAL, "cgen: jump at %zu past the end", i);
	return 0;
}

/* Marks the instructions reachable from the first one. The verifier
 * refuses unreachable code, and emitters may leave some behind (a rule
 * after one that always matches, a test that can never pass): dropping
 * it here keeps them simple. */
static int mark_reachable(struct bf_cgen *cg, const int *target, bool *live)
{
	size_t *todo = malloc((cg->len + 1) * sizeof(*todo)), n = 0;

	if (!todo)
		return -ENOMEM;
	todo[n++] = 0;
	live[0] = true;
	while (n) {
		size_t i = todo[--n], next[2];
		const struct bpf_insn *insn = &cg->insns[i];
		int n_next = 0;

		if (BPF_CLASS(insn->code) == BPF_JMP && BPF_OP(insn->code) == BPF_EXIT) {
			n_next = 0;
		} else if (is_jump(insn)) {
			int err = check_target(cg, i, target[i]);

			if (err) {
				free(todo);
				return err;
			}
			next[n_next++] = (size_t)target[i];
			if (BPF_OP(insn->code) != BPF_JA)
				next[n_next++] = i + 1;
		} else {
			next[n_next++] = i + (is_ld_imm64(insn) ? 2 : 1);
		}
		if (is_ld_imm64(insn))
			live[i + 1] = true;
		for (int k = 0; k < n_next; k++) {
			if (next[k] >= cg->len) {
				free(todo);
				return bf_err(-EINVAL, "cgen: code falls off the end after %zu", i);
			}
			if (!live[next[k]]) {
				live[next[k]] = true;
				todo[n++] = next[k];
			}
		}
	}
	free(todo);
	return 0;
}

/* Removes dead instructions, renumbering labels and fixups. */
static void compact(struct bf_cgen *cg, const bool *live, size_t *newpos)
{
	size_t n = 0, nf = 0;

	for (size_t i = 0; i < cg->len; i++) {
		newpos[i] = n;
		if (live[i])
			cg->insns[n++] = cg->insns[i];
	}
	newpos[cg->len] = n;
	for (size_t i = 0; i < cg->n_fixups; i++) {
		struct bf_fixup f = cg->fixups[i];

		if (!live[f.insn])
			continue;
		f.insn = newpos[f.insn];
		cg->fixups[nf++] = f;
	}
	for (size_t i = 0; i < cg->n_labels; i++)
		if (cg->labels[i] >= 0)
			cg->labels[i] = (int)newpos[cg->labels[i]];
	cg->len = n;
	cg->n_fixups = nf;
}

static int resolve_jumps(struct bf_cgen *cg)
{
	for (size_t i = 0; i < cg->n_fixups; i++) {
		const struct bf_fixup *f = &cg->fixups[i];
		struct bpf_insn *insn = &cg->insns[f->insn];
		long off;

		if (f->kind != BF_FIXUP_JUMP)
			continue;
		off = (long)cg->labels[f->target] - (long)f->insn - 1;
		if (is_gotol(insn)) {
			insn->imm = (int32_t)off;
			continue;
		}
		if (off < INT16_MIN || off > INT16_MAX)
			return bf_err(-E2BIG, "cgen: jump at %zu to %d out of range (offset %ld)",
				      f->insn, cg->labels[f->target], off);
		insn->off = (int16_t)off;
	}
	return 0;
}

int bf_cgen_tail(struct bf_cgen *cg, void (*emit)(struct bf_cgen *cg, int arg), int arg)
{
	struct bf_cgen_tail *t;

	for (size_t i = 0; i < cg->n_tails; i++)
		if (cg->tails[i].emit == emit && cg->tails[i].arg == arg)
			return cg->tails[i].label;
	if (cg->n_tails == sizeof(cg->tails) / sizeof(cg->tails[0])) {
		cg->err = bf_err(-E2BIG, "cgen: too many shared blocks");
		return -1;
	}
	t = &cg->tails[cg->n_tails++];
	*t = (struct bf_cgen_tail){.emit = emit, .arg = arg, .label = bf_label_new(cg)};
	return t->label;
}

int bf_cgen_finish(struct bf_cgen *cg)
{
	size_t *newpos = NULL;
	bool *live = NULL;
	int *target = NULL;
	int err;

	/* The shared blocks, after everything: only jumps reach them. */
	for (size_t i = 0; i < cg->n_tails; i++) {
		bf_label_bind(cg, cg->tails[i].label);
		cg->tails[i].emit(cg, cg->tails[i].arg);
	}
	cg->n_tails = 0;
	if (cg->err)
		return cg->err;
	if (!cg->len)
		return cg->err = bf_err(-EINVAL, "cgen: empty program");
	target = malloc(cg->len * sizeof(*target));
	live = calloc(cg->len, sizeof(*live));
	newpos = malloc((cg->len + 1) * sizeof(*newpos));
	err = !target || !live || !newpos ? -ENOMEM : 0;
	if (!err) {
		jump_targets(cg, target);
		err = mark_reachable(cg, target, live);
	}
	if (!err) {
		compact(cg, live, newpos);
		err = resolve_jumps(cg);
	}
	free(target);
	free(live);
	free(newpos);
	cg->err = err;
	return err;
}

int bf_cgen_patch_maps(struct bf_cgen *cg, const int map_fds[BF_MAP_MAX])
{
	if (cg->err)
		return cg->err;
	for (size_t i = 0; i < cg->n_fixups; i++) {
		const struct bf_fixup *f = &cg->fixups[i];

		if (f->kind != BF_FIXUP_MAP)
			continue;
		if (map_fds[f->target] < 0)
			return bf_err(-EBADF, "cgen: no fd for map %d", f->target);
		cg->insns[f->insn].imm = map_fds[f->target];
	}
	return 0;
}

void bf_emit_csum_fold(struct bf_cgen *cg, int reg, int tmp)
{
	for (int i = 0; i < 2; i++) {
		bf_emit(cg, BPF_MOV64_REG(tmp, reg));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, tmp, 16));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, reg, 0xffff));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, reg, tmp));
	}
	bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, reg, 0xffff));
}

bool bf_cgen_uses_map(const struct bf_cgen *cg, enum bf_map_id map)
{
	for (size_t i = 0; i < cg->n_fixups; i++)
		if (cg->fixups[i].kind == BF_FIXUP_MAP && cg->fixups[i].target == (int)map)
			return true;
	return false;
}

void bf_emit_map_lookup(struct bf_cgen *cg, enum bf_map_id map, int key_off)
{
	bf_emit_ld_map(cg, BPF_REG_1, map);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, key_off));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
}

uint64_t bf_cgen_digest(const struct bf_cgen *cg)
{
	/* FNV-1a over the instructions (map fds not patched in yet), the
	 * classifier tables' size and the state map's. */
	const unsigned char *p = (const unsigned char *)cg->insns;
	uint64_t h = 0xcbf29ce484222325ull, extra[2] = {cg->class_table.n, cg->n_state};

	for (size_t i = 0; i < cg->len * sizeof(*cg->insns); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	p = (const unsigned char *)extra;
	for (size_t i = 0; i < sizeof(extra); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	/* Which named maps: the same code on another set is another program. */
	for (size_t m = 0; m < cg->n_ext_maps; m++) {
		const struct bf_ext_map_ref *r = &cg->ext_maps[m];

		for (p = (const unsigned char *)r->kind; *p; p++)
			h = (h ^ *p) * 0x100000001b3ull;
		for (p = (const unsigned char *)r->name; p <= (const unsigned char *)r->name +
			 strlen(r->name); p++)
			h = (h ^ *p) * 0x100000001b3ull;
	}
	return h;
}
