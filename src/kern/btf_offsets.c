/* Kernel structure offsets from the running kernel's BTF (btf_offsets.h). */
#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "kern/btf_offsets.h"

/* Finds member `name` of struct/union type_id, looking into anonymous
 * members (sk_buff nests most of its fields in unnamed unions and
 * structs); bit offset and bitfield size (0: not a bitfield) out. */
static int find_member(const struct btf *btf, uint32_t type_id, const char *name,
		       uint32_t *bit_off, uint32_t *bf_size, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_member *m;

	if (depth > 8)
		return -ENOENT;
	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		type_id = t->type;
		t = btf__type_by_id(btf, type_id);
	}
	if (!t || !btf_is_composite(t))
		return -ENOENT;
	m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		uint32_t off = btf_member_bit_offset(t, i);

		if (mname && !strcmp(mname, name)) {
			*bit_off = off;
			*bf_size = btf_member_bitfield_size(t, i);
			return 0;
		}
		if ((!mname || !*mname) &&
		    !find_member(btf, m->type, name, bit_off, bf_size, depth + 1)) {
			*bit_off += off;
			return 0;
		}
	}
	return -ENOENT;
}

static int struct_id(const struct btf *btf, const char *name, uint32_t *id)
{
	int r = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (r < 0)
		return bf_err(-ENOENT, "kernel BTF: no struct %s", name);
	*id = (uint32_t)r;
	return 0;
}

/* Byte offset of a plain (not bitfield) member. */
static int byte_off(const struct btf *btf, const char *sname, const char *mname, int16_t *out)
{
	uint32_t id, bit, bfs;
	int err = struct_id(btf, sname, &id);

	if (err)
		return err;
	if (find_member(btf, id, mname, &bit, &bfs, 0) || bfs || bit % 8 || bit / 8 > INT16_MAX)
		return bf_err(-ENOENT, "kernel BTF: no usable %s.%s", sname, mname);
	*out = (int16_t)(bit / 8);
	return 0;
}

static int fill(const struct btf *btf, struct bf_nf_offsets *o)
{
	uint32_t id, bit, bfs;
	int16_t cb, frag_max;
	int err, r;

	err = byte_off(btf, "sk_buff", "len", &o->skb_len);
	if (!err)
		err = byte_off(btf, "sk_buff", "head", &o->skb_head);
	if (!err)
		err = byte_off(btf, "sk_buff", "data", &o->skb_data);
	if (!err)
		err = byte_off(btf, "sk_buff", "mac_header", &o->skb_mac_header);
	if (!err)
		err = byte_off(btf, "sk_buff", "network_header", &o->skb_network_header);
	if (!err)
		err = byte_off(btf, "sk_buff", "cb", &cb);
	if (!err)
		err = byte_off(btf, "inet_skb_parm", "frag_max_size", &frag_max);
	if (!err)
		err = byte_off(btf, "nf_hook_state", "in", &o->state_in);
	if (!err)
		err = byte_off(btf, "net_device", "name", &o->dev_name);
	if (!err)
		err = byte_off(btf, "net_device", "ifindex", &o->dev_ifindex);
	if (!err)
		err = struct_id(btf, "sk_buff", &id);
	if (err)
		return err;
	o->skb_ipcb_frag_max_size = (int16_t)(cb + frag_max);

	/* pkt_type:3 lies within one byte: read that byte, shift, mask. */
	if (find_member(btf, id, "pkt_type", &bit, &bfs, 0) || bfs != 3 || bit % 8 > 5)
		return bf_err(-ENOENT, "kernel BTF: no usable sk_buff.pkt_type");
	o->skb_pkt_type = (int16_t)(bit / 8);
	o->skb_pkt_type_shift = (uint8_t)(bit % 8);

	r = btf__find_by_name_kind(btf, "bpf_dynptr_from_skb", BTF_KIND_FUNC);
	if (r < 0)
		return bf_err(-ENOENT, "kernel BTF: no kfunc bpf_dynptr_from_skb");
	o->kfunc_dynptr_from_skb = r;
	return 0;
}

int bf_nf_offsets_get(struct bf_nf_offsets *o)
{
	static struct bf_nf_offsets cached;
	static int state; /* 0 not read, 1 read, < 0 the error */
	struct btf *btf;

	if (!state) {
		btf = btf__load_vmlinux_btf();
		if (!btf) {
			state = bf_err(-errno ? -errno : -ENOENT,
				       "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)");
		} else {
			state = fill(btf, &cached);
			if (!state)
				state = 1;
			btf__free(btf);
		}
	}
	if (state < 0)
		return state;
	*o = cached;
	return 0;
}
