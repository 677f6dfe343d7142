/* -m owner: the local socket's owner, as libxt_owner revision 1 and
 * xt_owner. The kernel takes it only in OUTPUT and POSTROUTING; XDP has
 * no socket, so it is never compiled there. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

/* match / invert, as XT_OWNER_* */
#define OWNER_UID 0x1
#define OWNER_GID 0x2
#define OWNER_SOCKET 0x4
#define OWNER_SUPPL_GROUPS 0x8

struct match_owner {
	uint32_t uid_min, uid_max;
	uint32_t gid_min, gid_max;
	uint8_t match, invert;
};

enum { O_USER, O_GROUP, O_SOCK_EXISTS, O_SUPPL_GROUPS };

static const struct bf_xt_opt owner_opts[] = {
	{.name = "uid-owner", .id = O_USER, .flags = BF_XT_INVERT},
	{.name = "gid-owner", .id = O_GROUP, .flags = BF_XT_INVERT},
	{.name = "socket-exists", .id = O_SOCK_EXISTS, .flags = BF_XT_INVERT},
	{.name = "suppl-groups", .id = O_SUPPL_GROUPS},
	{0},
};

static const struct option owner_options[] = {
	{.name = "uid-owner", .has_arg = 1, .val = O_USER},
	{.name = "gid-owner", .has_arg = 1, .val = O_GROUP},
	{.name = "socket-exists", .has_arg = 0, .val = O_SOCK_EXISTS},
	{.name = "suppl-groups", .has_arg = 0, .val = O_SUPPL_GROUPS},
	{0},
};

/* "N", "N-M" or "N:M"; -1 is no id, so the largest is one less. */
static int owner_range(const char *s, const char *opt, uint32_t *from, uint32_t *to)
{
	unsigned int lo, hi;
	char *end;

	if (!bf_xt_strtoui(s, &end, &lo, 0, UINT32_MAX - 1))
		return bf_sf_bad_value("owner", opt, s);
	hi = lo;
	if ((*end == '-' || *end == ':') && !bf_xt_strtoui(end + 1, &end, &hi, 0, UINT32_MAX - 1))
		return bf_sf_bad_value("owner", opt, s);
	if (*end)
		return bf_sf_bad_value("owner", opt, s);
	*from = lo;
	*to = hi;
	return 0;
}

static int owner_parse(int opt, const char *arg, bool invert, void *data,
		       unsigned int *flags, const struct bf_ip *ip)
{
	struct match_owner *m = data;
	uint8_t bit = 0;
	int err = bf_xt_opt_parse("owner", owner_opts, (unsigned int)opt, invert, flags);

	if (err)
		return err;
	switch (opt) {
	case O_USER: {
		const struct passwd *pwd = getpwnam(arg);

		if (pwd)
			m->uid_min = m->uid_max = pwd->pw_uid;
		else if ((err = owner_range(arg, "--uid-owner", &m->uid_min, &m->uid_max)))
			return err;
		bit = OWNER_UID;
		break;
	}
	case O_GROUP: {
		const struct group *grp = getgrnam(arg);

		if (grp)
			m->gid_min = m->gid_max = grp->gr_gid;
		else if ((err = owner_range(arg, "--gid-owner", &m->gid_min, &m->gid_max)))
			return err;
		bit = OWNER_GID;
		break;
	}
	case O_SOCK_EXISTS:
		bit = OWNER_SOCKET;
		break;
	case O_SUPPL_GROUPS:
		if (!(m->match & OWNER_GID))
			return bf_sf_bad_value("owner", "--suppl-groups",
					       "you need to use --gid-owner first");
		bit = OWNER_SUPPL_GROUPS;
		break;
	}
	m->match |= bit;
	if (invert)
		m->invert |= bit;
	return 0;
}

/* xt_owner's checkentry refuses a range that ends before it starts;
 * iptables reports it when the table is committed. */
static int owner_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	const struct match_owner *m = data;

	if (!flags)
		return bf_err(-EINVAL, "owner: At least one of --uid-owner, --gid-owner or "
			      "--socket-exists is required");
	if (((m->match & OWNER_UID) && m->uid_max < m->uid_min) ||
	    ((m->match & OWNER_GID) && m->gid_max < m->gid_min))
		return bf_err(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	return 0;
}

static void owner_item(struct bf_strbuf *out, const struct match_owner *m,
		       const char *label, uint8_t bit, bool numeric)
{
	uint32_t lo, hi;

	if (!(m->match & bit))
		return;
	bf_strbuf_printf(out, "%s %s", m->invert & bit ? " !" : "", label);
	if (bit != OWNER_UID && bit != OWNER_GID)
		return;
	lo = bit == OWNER_UID ? m->uid_min : m->gid_min;
	hi = bit == OWNER_UID ? m->uid_max : m->gid_max;
	if (lo != hi) {
		bf_strbuf_printf(out, " %u-%u", lo, hi);
		return;
	}
	if (!numeric && bit == OWNER_UID) {
		const struct passwd *pwd = getpwuid(lo);

		if (pwd && pwd->pw_name) {
			bf_strbuf_printf(out, " %s", pwd->pw_name);
			return;
		}
	}
	if (!numeric && bit == OWNER_GID) {
		const struct group *grp = getgrgid(lo);

		if (grp && grp->gr_name) {
			bf_strbuf_printf(out, " %s", grp->gr_name);
			return;
		}
	}
	bf_strbuf_printf(out, " %u", lo);
}

static void owner_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			bool numeric)
{
	owner_item(out, data, "owner socket exists", OWNER_SOCKET, numeric);
	owner_item(out, data, "owner UID match", OWNER_UID, numeric);
	owner_item(out, data, "owner GID match", OWNER_GID, numeric);
	owner_item(out, data, "incl. suppl. groups", OWNER_SUPPL_GROUPS, numeric);
}

static void owner_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	owner_item(out, data, "--socket-exists", OWNER_SOCKET, true);
	owner_item(out, data, "--uid-owner", OWNER_UID, true);
	owner_item(out, data, "--gid-owner", OWNER_GID, true);
	owner_item(out, data, "--suppl-groups", OWNER_SUPPL_GROUPS, true);
}

const struct bf_match_ops bf_match_owner = {
	.name = "owner",
	.families = BF_BOTH_FAMILIES,
	/* xt_owner: only locally sent packets have a socket */
	.scope = {.hooks = BF_HOOK_BIT(BF_HOOK_OUTPUT) | BF_HOOK_BIT(BF_HOOK_POSTROUTING)},
	.size = sizeof(struct match_owner),
	.options = owner_options,
	.parse = owner_parse,
	.final_check = owner_final_check,
	.print = owner_print,
	.save = owner_save,
};
