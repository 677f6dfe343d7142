/* The benchmark's frames, statistics, clock and JSON helpers. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

FILE *bench_json;
const char *bench_data_dir;

FILE *bench_data_open(const char *name, const char *mode)
{
	char path[4096];

	if (!bench_data_dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", bench_data_dir, name);
	return fopen(path, mode);
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

size_t bench_frame(uint8_t *buf, bool v6, uint16_t dport, const uint8_t dmac[6],
		   const uint8_t smac[6])
{
	/* 64 bytes on the wire with the FCS: 60 here for IPv4, the least an
	 * IPv6 UDP frame takes (62) rounded to 64 for IPv6. */
	size_t len = v6 ? 64 : 60, l3 = 14, l4 = v6 ? 54 : 34, ulen = len - l4;
	uint32_t sum = 0;
	uint8_t *u = buf + l4;

	memset(buf, 0, len);
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	buf[12] = v6 ? 0x86 : 0x08;
	buf[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		buf[l3] = 0x60;
		buf[l3 + 4] = (uint8_t)(ulen >> 8);
		buf[l3 + 5] = (uint8_t)ulen;
		buf[l3 + 6] = 17;
		buf[l3 + 7] = 64;
		inet_pton(AF_INET6, "2001:db8::1", buf + l3 + 8);
		inet_pton(AF_INET6, "2001:db8::2", buf + l3 + 24);
		sum = csum_add(0, buf + l3 + 8, 32);
	} else {
		size_t tot = len - l3;

		buf[l3] = 0x45;
		buf[l3 + 2] = (uint8_t)(tot >> 8);
		buf[l3 + 3] = (uint8_t)tot;
		buf[l3 + 6] = 0x40; /* DF */
		buf[l3 + 8] = 64;
		buf[l3 + 9] = 17;
		inet_pton(AF_INET, "198.18.0.1", buf + l3 + 12);
		inet_pton(AF_INET, "198.18.0.2", buf + l3 + 16);
		uint16_t c = csum_fold(csum_add(0, buf + l3, 20));
		buf[l3 + 10] = (uint8_t)(c >> 8);
		buf[l3 + 11] = (uint8_t)c;
		sum = csum_add(0, buf + l3 + 12, 8);
	}
	u[0] = 40000 >> 8;
	u[1] = 40000 & 255;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = (uint8_t)(ulen >> 8);
	u[5] = (uint8_t)ulen;
	sum += 17 + (uint32_t)ulen;
	uint16_t c = csum_fold(csum_add(sum, u, ulen));
	if (!c)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	return len;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct bench_stat bench_stat(double *v, unsigned n)
{
	struct bench_stat s = {0};

	if (!n)
		return s;
	qsort(v, n, sizeof(*v), cmp_double);
	s.n = n;
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_json_str(const char *s)
{
	fputc('"', bench_json);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(bench_json, "\\%c", c);
		else if (c < 0x20)
			fprintf(bench_json, "\\u%04x", c);
		else
			fputc(c, bench_json);
	}
	fputc('"', bench_json);
}

long bench_fd_memlock(int fd)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}
