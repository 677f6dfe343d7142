/* `make bench`: the benchmark suite of issue 5. Measures, in one run, the
 * compiled XDP program with BPF_PROG_TEST_RUN against an empty program,
 * live traffic over veth against an XDP_DROP program, iptables-legacy and
 * iptables-nft, restore times and memory; prints a summary and writes
 * bench/results.json (path: argv[1]) and the plot's data files into the
 * directory argv[2]. Sections can be left out with
 * BENCH_SKIP=testrun,live. Needs root. */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static void machine(void)
{
	char line[256], cpu[256] = "unknown";
	struct utsname u;
	time_t now = time(NULL);
	char date[64];
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *p = strchr(line, ':');

			if (p) {
				snprintf(cpu, sizeof(cpu), "%s", p + 2);
				cpu[strcspn(cpu, "\n")] = 0;
			}
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	printf("machine: Linux %s, %s, %ld cores, %s\n", u.release, cpu,
	       sysconf(_SC_NPROCESSORS_ONLN), date);
	fputs("\"machine\": {\"kernel\": ", bench_json);
	bench_json_str(u.release);
	fputs(", \"cpu\": ", bench_json);
	bench_json_str(cpu);
	fprintf(bench_json, ", \"cores\": %ld, \"date\": \"%s\"},\n",
		sysconf(_SC_NPROCESSORS_ONLN), date);
}

static bool skip(const char *what)
{
	const char *s = getenv("BENCH_SKIP");

	return s && strstr(s, what);
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "bench/results.json";

	bench_data_dir = argc > 2 ? argv[2] : NULL;
	char tmp[4096];
	int err = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "bench: needs root (BPF_PROG_TEST_RUN, namespaces, XDP)\n");
		return 77;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	bench_json = fopen(tmp, "w");
	if (!bench_json) {
		perror(tmp);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fputs("{\n", bench_json);
	machine();
	fputs("\"compiler\": \"classifier (BPFILTER_CLASSIFY=auto)\",\n", bench_json);
	/* Live first: a child's peak RSS counts what it inherits at fork,
	 * so the commands are timed while this process is still small
	 * (section 1 keeps tens of MB of parsed rulesets). */
	if (!skip("live"))
		err = bench_live();
	if (!err && !skip("testrun"))
		err = bench_testrun();
	fputs("\"complete\": ", bench_json);
	fputs(err ? "false\n}\n" : "true\n}\n", bench_json);
	fclose(bench_json);
	if (rename(tmp, out)) {
		perror(out);
		return 1;
	}
	printf("results: %s\n", out);
	return err ? 1 : 0;
}
