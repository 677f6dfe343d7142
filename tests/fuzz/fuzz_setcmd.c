/* libFuzzer target: whole `ipset` command lines, run as the command runs
 * them (bf_cli_set, in this process) on real sets: the state in a
 * temporary run directory, the maps pinned in a bpffs of its own. The
 * input is up to 16 lines; each line's words are one command's argv.
 * After them:
 *  - every command exited 0, 1 or 2 (ipset's codes);
 *  - `save` restored into an empty state saves the same again (element
 *    lines with a timeout left out: their remaining time ticks), unless
 *    restore refuses an all-zero address that a range took in, which
 *    ipset's restore refuses too.
 * Before each input, every set is destroyed (nothing refers to them).
 * Lines that would read stdin (restore) or name a file (-f) are not run.
 * Sets hold at most 1024 elements (a create without maxelem gets
 * "maxelem 1024", one with more is not run), so that an input of ranges
 * runs in milliseconds, not seconds, under the sanitizers. Needs root
 * (BPF maps). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/verbs.h"
#include "common/strbuf.h"
#include "core/state.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 16
#define MAX_WORDS 32
#define MAX_ELEMS 1024

static char run_dir[4096], fs_dir[4096], save1[4200], save2[4200], errors_path[4200];

static void cleanup(void)
{
	umount(fs_dir);
	rmdir(fs_dir);
	if (*run_dir) {
		char cmd[4200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", run_dir);
		if (system(cmd))
			fprintf(stderr, "fuzz_setcmd: could not remove %s\n", run_dir);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	if (geteuid()) {
		fprintf(stderr, "fuzz_setcmd: needs root (BPF maps)\n");
		exit(1);
	}
	snprintf(run_dir, sizeof(run_dir), "%s/bft-setcmd-run.XXXXXX", tmp);
	snprintf(fs_dir, sizeof(fs_dir), "%s/bft-setcmd-fs.XXXXXX", tmp);
	if (!mkdtemp(run_dir) || !mkdtemp(fs_dir) || mount("bpffs", fs_dir, "bpf", 0, "mode=0700")) {
		perror("fuzz_setcmd: state directories");
		exit(1);
	}
	atexit(cleanup);
	setenv("BPFILTER_RUN_DIR", run_dir, 1);
	setenv("BPFILTER_BPFFS", fs_dir, 1);
	snprintf(save1, sizeof(save1), "%s/save1", run_dir);
	snprintf(save2, sizeof(save2), "%s/save2", run_dir);
	snprintf(errors_path, sizeof(errors_path), "%s/errors", run_dir);
	/* Listings go nowhere; libFuzzer reports on stderr. */
	if (!freopen("/dev/null", "w", stdout))
		exit(1);
	return 0;
}

/* One command, its messages on stderr kept in errors_path (the last
 * command's only); its exit code. */
static int set_cmd(int argc, char **argv)
{
	int saved = dup(2), rc, fd = open(errors_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		abort();
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	bf_cli_log_start();
	rc = bf_cli_set(argc, argv);
	fflush(stdout);
	bf_cli_log_end();
	dup2(saved, 2);
	close(saved);
	return rc;
}

static int set_cmd_words(const char *words)
{
	char buf[4400], *argv[8];
	int argc = 0;

	snprintf(buf, sizeof(buf), "ipset %s", words);
	for (char *p = strtok(buf, " "); p && argc < 8; p = strtok(NULL, " "))
		argv[argc++] = p;
	return set_cmd(argc, argv);
}

static bool has_word(int argc, char **argv, const char *w)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], w))
			return true;
	return false;
}

/* Would the line reach outside the test (stdin, files) or make a set
 * larger than MAX_ELEMS? */
static bool refused(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "restore") || !strcmp(w, "-f") || !strcmp(w, "-file"))
			return true;
		if (!strcmp(w, "maxelem") && i + 1 < argc && strtoull(argv[i + 1], NULL, 0) > MAX_ELEMS)
			return true;
	}
	return false;
}

static char *read_file(const char *path)
{
	struct bf_strbuf b = {0};
	FILE *f = fopen(path, "re");
	char *s;

	if (f) {
		bf_strbuf_read(&b, f);
		fclose(f);
	}
	s = strdup(bf_strbuf_str(&b));
	bf_strbuf_free(&b);
	if (!s)
		abort();
	return s;
}

/* Did restore refuse line N of save1 for an all-zero address of a
 * hash:ip type ("add NAME 0.0.0.0" or "::", maybe with ",PORT"), as
 * ipset's restore refuses what ipset's save wrote in that case? */
static bool zero_refused(const char *why)
{
	char *text, *line, name[64], elem[128];
	bool zero = false;
	int n, at = 0;

	if (sscanf(why, "%*s set v%*s Error in line %d: %n", &n, &at) != 1 || !at ||
	    (strncmp(why + at, "Null-valued element", 19) &&
	     strncmp(why + at, "Kernel error received: Invalid argument", 39)))
		return false;
	text = read_file(save1);
	line = text;
	for (int i = 1; line && i < n; i++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (line && sscanf(line, "add %63s %127s", name, elem) == 2) {
		elem[strcspn(elem, ",")] = 0;
		zero = !strcmp(elem, "0.0.0.0") || !strcmp(elem, "::");
	}
	free(text);
	return zero;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A save file's lines, sorted, without the elements that expire. */
static char *stable_lines(const char *path)
{
	struct bf_strbuf out = {0};
	char *line = NULL, **v = NULL, *s;
	size_t cap = 0, n = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		fuzz_fail("save -f wrote nothing", path, "");
	while (getline(&line, &cap, f) >= 0) {
		if (!strncmp(line, "add ", 4) && strstr(line, " timeout "))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v || !(v[n++] = strdup(line)))
			abort();
	}
	fclose(f);
	free(line);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		bf_strbuf_puts(&out, v[i]);
		free(v[i]);
	}
	free(v);
	s = strdup(bf_strbuf_str(&out));
	bf_strbuf_free(&out);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size), *save_line = NULL, *line;
	char *before, *after, cmd[4300];
	int lines = 0, rc;

	if (!text)
		abort();
	fuzz_init();
	if (set_cmd_words("destroy"))
		fuzz_fail("destroying every set failed", "", "");
	for (line = strtok_r(text, "\n", &save_line); line && lines < MAX_LINES;
	     line = strtok_r(NULL, "\n", &save_line), lines++) {
		char *argv[MAX_WORDS + 3], *save_word = NULL;
		int argc = 0;

		argv[argc++] = "ipset";
		for (char *w = strtok_r(line, " \t\r", &save_word); w && argc < MAX_WORDS;
		     w = strtok_r(NULL, " \t\r", &save_word))
			argv[argc++] = w;
		if (argc == 1 || refused(argc, argv))
			continue;
		if ((!strcmp(argv[1], "create") || !strcmp(argv[1], "n")) && !has_word(argc, argv, "maxelem")) {
			argv[argc++] = "maxelem";
			argv[argc++] = "1024";
		}
		argv[argc] = NULL;
		rc = set_cmd(argc, argv);
		if (rc < 0 || rc > 2) {
			char code[16];

			snprintf(code, sizeof(code), "%d", rc);
			fuzz_fail("an exit code ipset never has", line, code);
		}
	}
	free(text);

	/* save, restore into an empty state, save again: the same. */
	snprintf(cmd, sizeof(cmd), "save -f %s", save1);
	if (set_cmd_words(cmd))
		fuzz_fail("save failed", "", "");
	if (set_cmd_words("destroy"))
		fuzz_fail("destroying every set failed", "", "");
	snprintf(cmd, sizeof(cmd), "restore -f %s", save1);
	if (set_cmd_words(cmd)) {
		char *why = read_file(errors_path);

		/* As ipset's: a range from a nonzero address may take in the
		 * all-zero one, which an add then refuses. */
		if (zero_refused(why)) {
			free(why);
			return 0;
		}
		before = stable_lines(save1);
		fuzz_fail("what save wrote does not restore", before, why);
	}
	snprintf(cmd, sizeof(cmd), "save -f %s", save2);
	if (set_cmd_words(cmd))
		fuzz_fail("save failed", "", "");
	before = stable_lines(save1);
	after = stable_lines(save2);
	if (strcmp(before, after))
		fuzz_fail("save, restore, save differs", before, after);
	free(before);
	free(after);
	return 0;
}
