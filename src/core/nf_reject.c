/* The netfilter stage's REJECT answers (nf_reject.h). The slot map and
 * the guards' links are pinned beside the stage, in the namespace's
 * directory of bpfilter's bpffs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgen/nf.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"
#include "common/log.h"
#include "core/nf_reject.h"
#include "kern/bpffs.h"
#include "kern/kern.h"
#include "kern/nf_link.h"
#include "kern/nft_reject.h"

#define PIN_MAP "nf_reject"
#define GUARD_PRIORITY (BF_NFT_REJECT_PRIORITY + 1)

static const struct {
	const char *pin;
	uint32_t pf;
} guards[] = {{"nf_reject_guard", BF_NFPROTO_IPV4}, {"nf_reject_guard6", BF_NFPROTO_IPV6}};

/* nft's match runs socket filters. */
static const struct bf_hook_ops match_hook = {
	.name = "nf_reject_match",
	.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
};

int bf_nf_reject_map_open(bool create, int *map_fd)
{
	char pin[64];
	int err = bf_bpffs_netns_path(PIN_MAP, pin, sizeof(pin)), fd;

	if (err)
		return err;
	fd = bf_bpffs_get(pin);
	if (fd == -ENOENT && create) {
		fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, BF_NF_REJECT_MAP_NAME,
				    sizeof(uint32_t), sizeof(struct bf_nf_reject_slot), 1, NULL);
		if (fd < 0)
			return bf_err(-errno, "cannot create the netfilter stage's REJECT slot: %s",
				      strerror(errno));
		err = bf_bpffs_pin(fd, pin);
		if (err) {
			close(fd);
			return err;
		}
	}
	if (fd < 0)
		return fd;
	*map_fd = fd;
	return 0;
}

/* Loads what cg holds (finished, no fixups). */
static int load(const struct bf_hook_ops *hook, struct bf_cgen *cg, const char *name, int *fd)
{
	int err = cg->err ? cg->err : bf_prog_load(hook, cg->insns, cg->len, name, fd);

	bf_cgen_reset(cg);
	return err;
}

static int ensure_guards(struct bf_cgen *cg, int map_fd)
{
	int prog_fd = -1, err = 0;

	for (size_t i = 0; !err && i < sizeof(guards) / sizeof(guards[0]); i++) {
		char pin[64];
		int fd;

		err = bf_bpffs_netns_path(guards[i].pin, pin, sizeof(pin));
		if (err)
			break;
		fd = bf_bpffs_get(pin);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (fd != -ENOENT) {
			err = fd;
			break;
		}
		if (prog_fd < 0) {
			bf_cgen_nf_reject_guard(cg, map_fd);
			err = load(&bf_hook_nf_local_in, cg, "bf_nf_rej_guard", &prog_fd);
			if (err)
				break;
		}
		fd = bf_nf_link_create(prog_fd, guards[i].pf, BF_NF_INET_LOCAL_IN, GUARD_PRIORITY, 0);
		if (fd < 0) {
			err = fd;
			break;
		}
		err = bf_bpffs_pin(fd, pin);
		close(fd);
	}
	if (prog_fd >= 0)
		close(prog_fd);
	return err;
}

static int install_chain(struct bf_cgen *cg, int map_fd)
{
	struct bf_nft_reject_rule rules[16];
	size_t n;
	int err = 0;

	_Static_assert(sizeof(rules) / sizeof(rules[0]) >= 11, "a rule per answer");
	for (n = 0; n < bf_nf_n_answers; n++) {
		rules[n].type = bf_nf_answers[n].type;
		rules[n].code = bf_nf_answers[n].code;
		bf_cgen_nf_reject_match(cg, map_fd, bf_nf_answers[n]);
		err = load(&match_hook, cg, "bf_nf_rej_match", &rules[n].match_fd);
		if (err)
			break;
	}
	if (!err)
		err = bf_nft_reject_install(rules, n);
	/* The rules hold their own references. */
	while (n-- > 0)
		close(rules[n].match_fd);
	return err;
}

int bf_nf_reject_sync(void)
{
	struct bf_cgen cg;
	int map_fd, err = bf_nf_reject_map_open(true, &map_fd);

	if (err)
		return err;
	bf_cgen_init(&cg);
	err = ensure_guards(&cg, map_fd);
	/* Installed afresh only when missing: replacing a table with a base
	 * chain waits for an RCU grace period, on every commit otherwise. */
	if (!err && !bf_nft_reject_present(bf_nf_n_answers))
		err = install_chain(&cg, map_fd);
	bf_cgen_free(&cg);
	close(map_fd);
	return err;
}

int bf_nf_reject_remove(void)
{
	char pin[64];
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(guards) / sizeof(guards[0]); i++) {
		err = bf_bpffs_netns_path(guards[i].pin, pin, sizeof(pin));
		if (!err)
			err = bf_bpffs_unpin(pin);
	}
	if (!err)
		err = bf_bpffs_netns_path(PIN_MAP, pin, sizeof(pin));
	if (!err)
		err = bf_bpffs_unpin(pin);
	return err ? err : bf_nft_reject_remove();
}
