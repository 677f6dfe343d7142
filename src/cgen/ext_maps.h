/* Maps a program refers to by name, made and kept outside the program:
 * a set's map (core/set.h), later recent lists or hashlimit tables. The
 * code generator records each (kind, name) once per program and emits a
 * BF_FIXUP_EXT_MAP fixup; the loader opens them through their kind's
 * `open` and patches the fds in, so the program holds the very map the
 * commands update, and a change of its elements needs no reload. */
#ifndef BF_CGEN_EXT_MAPS_H
#define BF_CGEN_EXT_MAPS_H

#include "cgen/cgen.h"

#define BF_EXT_MAP_NAMELEN 32

struct bf_ext_map_ref {
	const char *kind; /* a bf_ext_map_kind's name */
	char name[BF_EXT_MAP_NAMELEN];
};

/* A kind of named map: how the loader finds one by name. open gives an
 * fd the caller closes, or -errno after logging why. */
struct bf_ext_map_kind {
	const char *name;
	int (*open)(const char *name, int *fd);
};

/* Emits BPF_LD_MAP_FD of the map `name` of `kind` into reg (two
 * instructions), with its fixup. */
void bf_emit_ld_ext_map(struct bf_cgen *cg, int reg, const char *kind, const char *name);
/* r0 = bpf_map_lookup_elem(that map, r10 + key_off). Clobbers r1-r5. */
void bf_emit_ext_map_lookup(struct bf_cgen *cg, const char *kind, const char *name, int key_off);

/* The loader's side: opens every map cg refers to into a new array
 * (*fds, cg->n_ext_maps entries; NULL when none) and patches them in.
 * bf_cgen_ext_maps_close() closes them once the program is loaded (it
 * holds its own references). 0 or -errno; nothing stays open on error. */
int bf_cgen_ext_maps_patch(struct bf_cgen *cg, int **fds);
void bf_cgen_ext_maps_close(const struct bf_cgen *cg, int *fds);

#endif
