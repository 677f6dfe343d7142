/* Named external maps (ext_maps.h): the program's table of them, their
 * fixups, and opening them at load. */
#include "cgen/ext_maps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgen/insn.h"
#include "common/log.h"

/* The kinds, defined where their objects live (weak: a build without
 * that part, e.g. the fuzzers', has no such maps). */
extern const struct bf_ext_map_kind bf_ext_map_set __attribute__((weak));

static const struct bf_ext_map_kind *kind_find(const char *name)
{
	const struct bf_ext_map_kind *kinds[] = {&bf_ext_map_set};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i] && !strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

/* The index of (kind, name) in cg's table, added when new; -1 on error. */
static int ref_index(struct bf_cgen *cg, const char *kind, const char *name)
{
	for (size_t i = 0; i < cg->n_ext_maps; i++)
		if (!strcmp(cg->ext_maps[i].kind, kind) && !strcmp(cg->ext_maps[i].name, name))
			return (int)i;
	if (strlen(name) >= BF_EXT_MAP_NAMELEN) {
		cg->err = bf_err(-ENAMETOOLONG, "cgen: map name %s too long", name);
		return -1;
	}
	if (!bf_cgen_grow(cg, (void **)&cg->ext_maps, &cg->cap_ext_maps, cg->n_ext_maps,
			  sizeof(*cg->ext_maps)))
		return -1;
	cg->ext_maps[cg->n_ext_maps].kind = kind;
	strcpy(cg->ext_maps[cg->n_ext_maps].name, name);
	return (int)cg->n_ext_maps++;
}

void bf_emit_ld_ext_map(struct bf_cgen *cg, int reg, const char *kind, const char *name)
{
	int idx = ref_index(cg, kind, name);

	if (idx < 0 || !bf_cgen_grow(cg, (void **)&cg->fixups, &cg->cap_fixups, cg->n_fixups,
				     sizeof(*cg->fixups)))
		return;
	cg->fixups[cg->n_fixups++] =
		(struct bf_fixup){.kind = BF_FIXUP_EXT_MAP, .insn = cg->len, .target = idx};
	bf_emit_ld_imm64(cg, reg, BPF_PSEUDO_MAP_FD, (uint32_t)-1);
}

void bf_emit_ext_map_lookup(struct bf_cgen *cg, const char *kind, const char *name, int key_off)
{
	bf_emit_ld_ext_map(cg, BPF_REG_1, kind, name);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, key_off));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
}

void bf_cgen_ext_maps_close(const struct bf_cgen *cg, int *fds)
{
	for (size_t i = 0; fds && i < cg->n_ext_maps; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

int bf_cgen_ext_maps_patch(struct bf_cgen *cg, int **out)
{
	int *fds = NULL, err = 0;

	*out = NULL;
	if (cg->err)
		return cg->err;
	if (!cg->n_ext_maps)
		return 0;
	fds = malloc(cg->n_ext_maps * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (size_t i = 0; i < cg->n_ext_maps; i++)
		fds[i] = -1;
	for (size_t i = 0; !err && i < cg->n_ext_maps; i++) {
		const struct bf_ext_map_kind *k = kind_find(cg->ext_maps[i].kind);

		err = k ? k->open(cg->ext_maps[i].name, &fds[i])
			: bf_err(-ENOENT, "no %s maps here", cg->ext_maps[i].kind);
	}
	for (size_t i = 0; !err && i < cg->n_fixups; i++)
		if (cg->fixups[i].kind == BF_FIXUP_EXT_MAP)
			cg->insns[cg->fixups[i].insn].imm = fds[cg->fixups[i].target];
	if (err) {
		bf_cgen_ext_maps_close(cg, fds);
		return err;
	}
	*out = fds;
	return 0;
}
