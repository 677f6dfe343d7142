/* OUTPUT's programs at TC egress (egress.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "core/egress.h"

int bf_egress_install(int ifindex, const char *ifname, int new_fd, struct bf_egress_swap *s)
{
	int err;

	*s = (struct bf_egress_swap){.old_fd = -1};
	err = bf_tc_find(ifindex, &s->old_fd, &s->old_kind);
	if (err && err != -ENOENT)
		return err;
	if (new_fd >= 0) {
		err = bf_tc_attach(ifindex, ifname, new_fd, s->old_fd, s->old_kind, &s->kind);
	} else if (s->old_fd >= 0) {
		err = bf_tc_detach(ifindex, s->old_fd, s->old_kind);
		if (err)
			bf_err(err, "cannot detach OUTPUT's program from %s: %s", ifname,
			       strerror(-err));
	} else {
		err = 0;
	}
	s->done = !err;
	return err;
}

void bf_egress_undo(int ifindex, const char *ifname, int new_fd, struct bf_egress_swap *s)
{
	enum bf_tc_kind k;
	int err = 0;

	if (!s->done)
		return;
	if (s->old_fd >= 0)
		err = bf_tc_attach(ifindex, ifname, s->old_fd, new_fd, new_fd >= 0 ? s->kind : s->old_kind,
				   &k);
	else if (new_fd >= 0)
		err = bf_tc_detach(ifindex, new_fd, s->kind);
	if (err)
		bf_log(BF_LOG_WARN, "Warning: %s: could not put OUTPUT's previous program back", ifname);
	s->done = false;
}

void bf_egress_swap_free(struct bf_egress_swap *s)
{
	if (s->old_fd >= 0)
		close(s->old_fd);
	s->old_fd = -1;
}

int bf_egress_remove(int ifindex)
{
	enum bf_tc_kind kind;
	int fd, err = bf_tc_find(ifindex, &fd, &kind);

	if (err)
		return err == -ENOENT ? 0 : err;
	err = bf_tc_detach(ifindex, fd, kind);
	close(fd);
	return err;
}
