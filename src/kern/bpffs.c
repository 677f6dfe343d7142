/* The BPF filesystem bpfilter pins into, for what the kernel keeps only
 * through a pin or an open fd (netfilter links).
 *
 * It lives in the initial mount namespace (PID 1's), at $BPFILTER_BPFFS,
 * else $BPFILTER_RUN_DIR/bpffs (/run/bpfilter/bpffs): `ip netns exec` gives each
 * command a private copy of the mount table, so a bpffs a command mounted
 * in its own copy, and everything pinned there, would be gone when it
 * exits. Each operation below enters PID 1's mount namespace, mounts the
 * bpffs there if it is not yet, works there, and comes back; the process
 * must be single-threaded (setns(CLONE_NEWNS) requires it), as bpfilter is. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "kern/bpffs.h"
#include "kern/kern.h"

#define BPF_FS_MAGIC 0xcafe4a11

/* $BPFILTER_BPFFS, else bpffs under the run directory. */
static int bpffs_base(char *buf, size_t len)
{
	const char *d = getenv("BPFILTER_BPFFS"), *run = getenv("BPFILTER_RUN_DIR");
	int n;

	if (d && *d)
		n = snprintf(buf, len, "%s", d);
	else
		n = snprintf(buf, len, "%s/bpffs", run && *run ? run : "/run/bpfilter");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Where we came from: our mount namespace and working directory. */
struct mnt_return {
	int ns_fd, cwd_fd;
};

static void leave_init_mnt(struct mnt_return *r)
{
	if (r->ns_fd >= 0) {
		/* Failing to come back would leave later paths resolved in the
		 * wrong namespace: nothing sane is left to do. */
		if (setns(r->ns_fd, CLONE_NEWNS) || fchdir(r->cwd_fd)) {
			bf_err(-errno, "cannot return to the mount namespace: %s", strerror(errno));
			abort();
		}
		close(r->ns_fd);
	}
	if (r->cwd_fd >= 0)
		close(r->cwd_fd);
}

/* The initial mount namespace's fixed inode number (PROC_MNT_INIT_INO,
 * include/linux/proc_ns.h): how we know we are in it when PID 1's
 * namespace cannot be read (/proc/1 may be closed to us). */
#define MNT_INIT_INO 0xEFFFFFF8u

/* Enters PID 1's mount namespace unless we are in it. -EPERM when we
 * cannot tell or cannot get there: a bpffs mounted from here would
 * vanish with this process, and with it what is pinned. */
static int enter_init_mnt(struct mnt_return *r)
{
	struct stat ours, init;
	int init_fd;

	r->ns_fd = r->cwd_fd = -1;
	if (stat("/proc/self/ns/mnt", &ours))
		return bf_err(-errno, "cannot read the mount namespace: %s", strerror(errno));
	if (stat("/proc/1/ns/mnt", &init))
		return ours.st_ino == MNT_INIT_INO ? 0 : -EPERM;
	if (ours.st_ino == init.st_ino && ours.st_dev == init.st_dev)
		return 0;
	r->ns_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	r->cwd_fd = open(".", O_PATH | O_CLOEXEC);
	init_fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (r->ns_fd < 0 || r->cwd_fd < 0 || init_fd < 0 || setns(init_fd, CLONE_NEWNS)) {
		int err = -errno;

		if (init_fd >= 0)
			close(init_fd);
		leave_init_mnt(r);
		return bf_err(err, "cannot enter the initial mount namespace: %s", strerror(-err));
	}
	close(init_fd);
	return 0;
}

static int mkdir_p(char *path, mode_t mode)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, mode) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return mkdir(path, mode) && errno != EEXIST ? -errno : 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs fs;

	return !statfs(path, &fs) && fs.f_type == BPF_FS_MAGIC;
}

/* Mounts the bpffs at base unless one is there; 0700 (hardening). */
static int ensure_mounted(const char *base)
{
	char path[PATH_MAX];
	int err;

	if (is_bpffs(base))
		return 0;
	snprintf(path, sizeof(path), "%s", base);
	err = mkdir_p(path, 0700);
	if (!err && mount("bpffs", base, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700"))
		err = -errno;
	if (err)
		return bf_err(err, "cannot mount a BPF filesystem at %s: %s", base, strerror(-err));
	return 0;
}

enum bpffs_op { BPFFS_PIN, BPFFS_GET, BPFFS_FIND, BPFFS_UNPIN };

static int bpffs_do(enum bpffs_op op, const char *rel, int fd)
{
	char base[PATH_MAX], path[PATH_MAX];
	struct mnt_return r;
	int err = 0;

	if (bpffs_base(base, sizeof(base)) ||
	    snprintf(path, sizeof(path), "%s/%s", base, rel) >= (int)sizeof(path))
		return bf_err(-ENAMETOOLONG, "bpffs path too long");
	r.ns_fd = r.cwd_fd = -1;
	if (op == BPFFS_FIND && !is_bpffs(base))
		return -ENOENT;
	if (!is_bpffs(base)) {
		err = enter_init_mnt(&r);
		if (err == -EPERM)
			return bf_err(err, "no BPF filesystem at %s, and this command cannot mount one that outlives it (it does not run in the initial mount namespace): mount one there first (mount -t bpf bpffs %s)",
				      base, base);
		if (err)
			return err;
		err = ensure_mounted(base);
	}
	if (err)
		goto out;
	switch (op) {
	case BPFFS_PIN: {
		char *slash = strrchr(path, '/');

		*slash = '\0';
		err = mkdir_p(path, 0700);
		*slash = '/';
		if (!err) {
			unlink(path); /* replace: the caller holds the new object */
			err = bpf_obj_pin(fd, path) ? -errno : 0;
		}
		if (err)
			bf_err(err, "cannot pin %s: %s", path, strerror(-err));
		break;
	}
	case BPFFS_GET:
	case BPFFS_FIND:
		err = bpf_obj_get(path);
		if (err < 0)
			err = -errno;
		break;
	case BPFFS_UNPIN:
		err = unlink(path) && errno != ENOENT ? -errno : 0;
		break;
	}
out:
	leave_init_mnt(&r);
	return err;
}

int bf_bpffs_pin(int fd, const char *rel)
{
	return bpffs_do(BPFFS_PIN, rel, fd);
}

int bf_bpffs_get(const char *rel)
{
	return bpffs_do(BPFFS_GET, rel, -1);
}

int bf_bpffs_find(const char *rel)
{
	return bpffs_do(BPFFS_FIND, rel, -1);
}

int bf_bpffs_unpin(const char *rel)
{
	return bpffs_do(BPFFS_UNPIN, rel, -1);
}

int bf_bpffs_netns_path(const char *name, char *buf, size_t len)
{
	uint64_t cookie;
	int err = bf_netns_cookie(&cookie);

	if (err)
		return err;
	if (snprintf(buf, len, "%" PRIu64 "/%s", cookie, name) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}
