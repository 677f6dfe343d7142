/* `iptables -L` and `iptables -S` output, byte for byte as iptables-legacy
 * and ip6tables-legacy 1.8.9 print it (their list_entries, print_header,
 * print_firewall and list_rules), and the -h text. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "ext/ext.h"
#include "front/front.h"
#include "front/internal.h"

/* iptables' FMT(tab, notab) */
#define FMT(f, tab, notab) ((f) & BF_LFMT_NOTABLE ? (notab) : (tab))

/* xtables_print_num: exact, or rounded to K/M/G/T in 5 columns. */
static void print_num(struct bf_strbuf *out, uint64_t n, unsigned int f)
{
	static const char units[] = "KMGT";
	unsigned long long v = n;

	if (!(f & BF_LFMT_KILOMEGAGIGA)) {
		bf_strbuf_printf(out, FMT(f, "%8llu ", "%llu "), v);
		return;
	}
	if (v <= 99999) {
		bf_strbuf_printf(out, FMT(f, "%5llu ", "%llu "), v);
		return;
	}
	for (int i = 0; i < 4; i++) {
		v = (v + 500) / 1000;
		if (v <= 9999 || i == 3) {
			bf_strbuf_printf(out, FMT(f, "%4llu%c ", "%llu%c "), v, units[i]);
			return;
		}
	}
}

static void print_header(struct bf_strbuf *out, unsigned int f, const struct bf_table *t,
			 const struct bf_chain *c)
{
	bf_strbuf_printf(out, "Chain %s", c->name);
	if (c->builtin) {
		bf_strbuf_printf(out, " (policy %s", bf_verdict_name(c->policy));
		if (!(f & BF_LFMT_NOCOUNTS)) {
			bf_strbuf_puts(out, " ");
			print_num(out, c->policy_counters.packets, f | BF_LFMT_NOTABLE);
			bf_strbuf_puts(out, "packets, ");
			print_num(out, c->policy_counters.bytes, f | BF_LFMT_NOTABLE);
			bf_strbuf_puts(out, "bytes");
		}
		bf_strbuf_puts(out, ")\n");
	} else {
		bf_strbuf_printf(out, " (%zu references)\n", bf_table_chain_refs(t, c->name));
	}

	if (f & BF_LFMT_LINENUMBERS)
		bf_strbuf_printf(out, FMT(f, "%-4s ", "%s "), "num");
	if (!(f & BF_LFMT_NOCOUNTS)) {
		if (f & BF_LFMT_KILOMEGAGIGA) {
			bf_strbuf_printf(out, FMT(f, "%5s ", "%s "), "pkts");
			bf_strbuf_printf(out, FMT(f, "%5s ", "%s "), "bytes");
		} else {
			bf_strbuf_printf(out, FMT(f, "%8s ", "%s "), "pkts");
			bf_strbuf_printf(out, FMT(f, "%10s ", "%s "), "bytes");
		}
	}
	bf_strbuf_printf(out, FMT(f, "%-9s ", "%s "), "target");
	bf_strbuf_puts(out, " prot ");
	if (f & BF_LFMT_OPTIONS)
		bf_strbuf_puts(out, "opt");
	if (f & BF_LFMT_VIA) {
		bf_strbuf_printf(out, FMT(f, " %-6s ", "%s "), "in");
		bf_strbuf_printf(out, FMT(f, "%-6s ", "%s "), "out");
	}
	bf_strbuf_printf(out, FMT(f, " %-19s ", "%s "), "source");
	bf_strbuf_printf(out, FMT(f, " %-19s ", " %s "), "destination");
	bf_strbuf_puts(out, "\n");
}

/* -L -n shows protocol numbers; -L names from /etc/protocols; the -v
 * line of -A/-D/... (numeric, no table) only libxtables' own names. */
static void print_proto(struct bf_strbuf *out, const struct bf_ip *ip, unsigned int f)
{
	const char *pname = NULL;

	bf_strbuf_puts(out, ip->invflags & BF_INV_PROTO ? "!" : " ");
	if (!(f & BF_LFMT_NUMERIC) || (f & BF_LFMT_NOTABLE))
		pname = bf_front_proto_name(ip->proto, f & BF_LFMT_NUMERIC);
	if (pname)
		bf_strbuf_printf(out, FMT(f, "%-4s ", "%s "), pname);
	else
		bf_strbuf_printf(out, FMT(f, "%-4hu ", "%hu "), ip->proto);
}

static void print_iface(struct bf_strbuf *out, const char *iface, bool invert,
			unsigned int f, const char *tab, const char *notab)
{
	char buf[BF_IFNAMSIZ + 2];

	snprintf(buf, sizeof(buf), "%s%.*s", invert ? "!" : "",
		 BF_IFNAMSIZ, iface[0] ? iface : f & BF_LFMT_NUMERIC ? "*" : "any");
	bf_strbuf_printf(out, FMT(f, tab, notab), buf);
}

void bf_front_list_rule(struct bf_strbuf *out, const struct bf_rule *r,
			unsigned int num, unsigned int f)
{
	const struct bf_ip *ip = &r->ip;
	bool numeric = f & BF_LFMT_NUMERIC;
	char addr[1100];

	if (f & BF_LFMT_LINENUMBERS)
		bf_strbuf_printf(out, FMT(f, "%-4u ", "%u "), num);
	if (!(f & BF_LFMT_NOCOUNTS)) {
		print_num(out, r->counters.packets, f);
		print_num(out, r->counters.bytes, f);
	}
	bf_strbuf_printf(out, FMT(f, "%-9s ", "%s "), bf_target_name(&r->target));
	print_proto(out, ip, f);

	if (f & BF_LFMT_OPTIONS) {
		if (f & BF_LFMT_NOTABLE)
			bf_strbuf_puts(out, "opt ");
		bf_strbuf_printf(out, "%c%c ", ip->invflags & BF_INV_FRAG ? '!' : '-',
				 ip->flags & BF_F_FRAG ? 'f' : '-');
	}
	if (f & BF_LFMT_VIA) {
		print_iface(out, ip->iniface, ip->invflags & BF_INV_VIA_IN, f, " %-6s ", "in %s ");
		print_iface(out, ip->outiface, ip->invflags & BF_INV_VIA_OUT, f, "%-6s ", "out %s ");
	}

	bf_strbuf_puts(out, ip->invflags & BF_INV_SRCIP ? "!" : " ");
	if (ip->family == BF_FAMILY_IPV6)
		bf_front_addr6_list_str(addr, sizeof(addr), &ip->src6, &ip->smsk6, numeric);
	else
		bf_front_addr_list_str(addr, sizeof(addr), ip->src, ip->smsk, numeric);
	bf_strbuf_printf(out, FMT(f, "%-19s ", "%s "), addr);
	bf_strbuf_puts(out, ip->invflags & BF_INV_DSTIP ? "!" : " ");
	if (ip->family == BF_FAMILY_IPV6)
		bf_front_addr6_list_str(addr, sizeof(addr), &ip->dst6, &ip->dmsk6, numeric);
	else
		bf_front_addr_list_str(addr, sizeof(addr), ip->dst, ip->dmsk, numeric);
	bf_strbuf_printf(out, FMT(f, "%-19s ", "-> %s"), addr);
	if (f & BF_LFMT_NOTABLE)
		bf_strbuf_puts(out, "  ");
	if (ip->flags & BF_F_GOTO)
		bf_strbuf_puts(out, "[goto] ");

	for (size_t i = 0; i < r->n_matches; i++)
		r->matches[i].ops->print(out, ip, r->matches[i].data, numeric);
	if (r->target.verdict == BF_VERDICT_EXT && r->target.ops->print)
		r->target.ops->print(out, ip, r->target.data, numeric);
	bf_strbuf_puts(out, "\n");
}

/* "key":"text" from what a print call wrote into tmp, trimmed of the
 * columns' spaces; tmp emptied. */
static void kv_text(struct bf_strbuf *out, bool *first, const char *key, struct bf_strbuf *tmp)
{
	const char *s = bf_strbuf_str(tmp);
	size_t len = strlen(s);
	char *v;

	while (*s == ' ')
		s++, len--;
	while (len && s[len - 1] == ' ')
		len--;
	v = strndup(s, len);
	bf_json_kv_str(out, first, key, v ? v : "");
	free(v);
	bf_strbuf_reset(tmp);
}

/* --json: a rule as an object of every column -L -v -x would show, from
 * the same print calls ("extra": what the matches and target print). */
static void rule_json(struct bf_strbuf *out, const struct bf_rule *r, unsigned int num,
		      unsigned int f)
{
	const struct bf_ip *ip = &r->ip;
	bool numeric = f & BF_LFMT_NUMERIC, first = true;
	struct bf_strbuf tmp = {0};
	char addr[1100];

	f |= BF_LFMT_NOTABLE;
	bf_strbuf_puts(out, "{");
	bf_json_kv_u64(out, &first, "num", num);
	bf_json_kv_u64(out, &first, "packets", r->counters.packets);
	bf_json_kv_u64(out, &first, "bytes", r->counters.bytes);
	bf_json_kv_str(out, &first, "target", bf_target_name(&r->target));
	print_proto(&tmp, ip, f);
	kv_text(out, &first, "prot", &tmp);
	bf_strbuf_printf(&tmp, "%c%c", ip->invflags & BF_INV_FRAG ? '!' : '-',
			 ip->flags & BF_F_FRAG ? 'f' : '-');
	kv_text(out, &first, "opt", &tmp);
	print_iface(&tmp, ip->iniface, ip->invflags & BF_INV_VIA_IN, f, "", "%s");
	kv_text(out, &first, "in", &tmp);
	print_iface(&tmp, ip->outiface, ip->invflags & BF_INV_VIA_OUT, f, "", "%s");
	kv_text(out, &first, "out", &tmp);
	if (ip->family == BF_FAMILY_IPV6)
		bf_front_addr6_list_str(addr, sizeof(addr), &ip->src6, &ip->smsk6, numeric);
	else
		bf_front_addr_list_str(addr, sizeof(addr), ip->src, ip->smsk, numeric);
	bf_strbuf_printf(&tmp, "%s%s", ip->invflags & BF_INV_SRCIP ? "!" : "", addr);
	kv_text(out, &first, "source", &tmp);
	if (ip->family == BF_FAMILY_IPV6)
		bf_front_addr6_list_str(addr, sizeof(addr), &ip->dst6, &ip->dmsk6, numeric);
	else
		bf_front_addr_list_str(addr, sizeof(addr), ip->dst, ip->dmsk, numeric);
	bf_strbuf_printf(&tmp, "%s%s", ip->invflags & BF_INV_DSTIP ? "!" : "", addr);
	kv_text(out, &first, "destination", &tmp);
	if (ip->flags & BF_F_GOTO)
		bf_strbuf_puts(&tmp, "[goto] ");
	for (size_t i = 0; i < r->n_matches; i++)
		r->matches[i].ops->print(&tmp, ip, r->matches[i].data, numeric);
	if (r->target.verdict == BF_VERDICT_EXT && r->target.ops->print)
		r->target.ops->print(&tmp, ip, r->target.data, numeric);
	kv_text(out, &first, "extra", &tmp);
	bf_strbuf_puts(out, "}");
	bf_strbuf_free(&tmp);
}

/* --json: {"chains":[{"name", "policy" and its counters or "references",
 * "rules":[...]}...]}. */
static void list_json(struct bf_strbuf *out, const struct bf_table *t,
		      const struct bf_chain *only, unsigned int rulenum, unsigned int f)
{
	bool first_chain = true;

	bf_strbuf_puts(out, "{\"chains\":[");
	for (size_t i = 0; i < t->n_chains; i++) {
		const struct bf_chain *c = t->chains[i];
		bool first = true, first_rule = true;

		if (only && c != only)
			continue;
		bf_strbuf_puts(out, first_chain ? "{" : ",{");
		first_chain = false;
		bf_json_kv_str(out, &first, "name", c->name);
		if (c->builtin) {
			bf_json_kv_str(out, &first, "policy", bf_verdict_name(c->policy));
			bf_json_kv_u64(out, &first, "packets", c->policy_counters.packets);
			bf_json_kv_u64(out, &first, "bytes", c->policy_counters.bytes);
		} else {
			bf_json_kv_u64(out, &first, "references", bf_table_chain_refs(t, c->name));
		}
		bf_json_key(out, &first, "rules");
		bf_strbuf_puts(out, "[");
		for (size_t j = 0; j < c->n_rules; j++) {
			if (rulenum && j + 1 != rulenum)
				continue;
			if (!first_rule)
				bf_strbuf_puts(out, ",");
			first_rule = false;
			rule_json(out, c->rules[j], (unsigned int)j + 1, f);
		}
		bf_strbuf_puts(out, "]}");
	}
	bf_strbuf_puts(out, "]}\n");
}

/* With a rule number only that rule is printed, without any header. */
void bf_front_list(struct bf_strbuf *out, const struct bf_table *t,
		   const struct bf_chain *only, unsigned int rulenum,
		   unsigned int format)
{
	bool found = false;

	if (format & BF_LFMT_JSON) {
		list_json(out, t, only, rulenum, format);
		return;
	}

	for (size_t i = 0; i < t->n_chains; i++) {
		const struct bf_chain *c = t->chains[i];

		if (only && c != only)
			continue;
		if (found)
			bf_strbuf_puts(out, "\n");
		if (!rulenum)
			print_header(out, format, t, c);
		for (size_t j = 0; j < c->n_rules; j++)
			if (!rulenum || j + 1 == rulenum)
				bf_front_list_rule(out, c->rules[j], (unsigned int)j + 1, format);
		found = true;
	}
}

void bf_front_list_rules(struct bf_strbuf *out, const struct bf_table *t,
			 const struct bf_chain *only, unsigned int rulenum,
			 bool counters)
{
	for (size_t i = 0; !rulenum && i < t->n_chains; i++) {
		const struct bf_chain *c = t->chains[i];

		if (only && c != only)
			continue;
		if (!c->builtin) {
			bf_strbuf_printf(out, "-N %s\n", c->name);
			continue;
		}
		bf_strbuf_printf(out, "-P %s %s", c->name, bf_verdict_name(c->policy));
		if (counters)
			bf_strbuf_printf(out, " -c %llu %llu",
					 (unsigned long long)c->policy_counters.packets,
					 (unsigned long long)c->policy_counters.bytes);
		bf_strbuf_puts(out, "\n");
	}
	for (size_t i = 0; i < t->n_chains; i++) {
		const struct bf_chain *c = t->chains[i];

		if (only && c != only)
			continue;
		for (size_t j = 0; j < c->n_rules; j++) {
			if (rulenum && j + 1 != rulenum)
				continue;
			bf_strbuf_printf(out, "-A %s", c->name);
			bf_front_rule_save(out, c->rules[j], counters ? -1 : 0);
			bf_strbuf_puts(out, "\n");
		}
	}
}

void bf_front_help(struct bf_strbuf *out, const char *p, enum bf_family family)
{
	bool v4 = family != BF_FAMILY_IPV6;

	bf_strbuf_printf(out,
"Usage: %s -[ACD] chain rule-specification [options]\n"
"       %s -I chain [rulenum] rule-specification [options]\n"
"       %s -R chain rulenum rule-specification [options]\n"
"       %s -D chain rulenum [options]\n"
"       %s -[LS] [chain [rulenum]] [options]\n"
"       %s -[FZ] [chain] [options]\n"
"       %s -[NX] chain\n"
"       %s -E old-chain-name new-chain-name\n"
"       %s -P chain target [options]\n"
"       %s -h (print this help information)\n\n",
			 p, p, p, p, p, p, p, p, p, p);
	bf_strbuf_puts(out,
"Commands:\n"
"Either long or short options are allowed.\n"
"  --append  -A chain\t\tAppend to chain\n"
"  --check   -C chain\t\tCheck for the existence of a rule\n"
"  --delete  -D chain\t\tDelete matching rule from chain\n"
"  --delete  -D chain rulenum\n"
"\t\t\t\tDelete rule rulenum (1 = first) from chain\n"
"  --insert  -I chain [rulenum]\n"
"\t\t\t\tInsert in chain as rulenum (default 1=first)\n"
"  --replace -R chain rulenum\n"
"\t\t\t\tReplace rule rulenum (1 = first) in chain\n"
"  --list    -L [chain [rulenum]]\n"
"\t\t\t\tList the rules in a chain or all chains\n"
"  --list-rules -S [chain [rulenum]]\n"
"\t\t\t\tPrint the rules in a chain or all chains\n"
"  --flush   -F [chain]\t\tDelete all rules in  chain or all chains\n"
"  --zero    -Z [chain [rulenum]]\n"
"\t\t\t\tZero counters in chain or all chains\n"
"  --new     -N chain\t\tCreate a new user-defined chain\n"
"  --delete-chain\n"
"            -X [chain]\t\tDelete a user-defined chain\n"
"  --policy  -P chain target\n"
"\t\t\t\tChange policy on chain to target\n"
"  --rename-chain\n"
"            -E old-chain new-chain\n"
"\t\t\t\tChange chain name, (moving any references)\n"
"\n"
"Options:\n");
	bf_strbuf_printf(out,
"    --ipv4\t-4\t\t%s (line is ignored by ip6tables-restore)\n"
"    --ipv6\t-6\t\t%s (line is ignored by iptables-restore)\n",
			 v4 ? "Nothing" : "Error", v4 ? "Error" : "Nothing");
	bf_strbuf_puts(out,
"[!] --protocol\t-p proto\tprotocol: by number or name, eg. `tcp'\n"
"[!] --source\t-s address[/mask][...]\n"
"\t\t\t\tsource specification\n"
"[!] --destination -d address[/mask][...]\n"
"\t\t\t\tdestination specification\n"
"[!] --in-interface -i input name[+]\n"
"\t\t\t\tnetwork interface name ([+] for wildcard)\n"
" --jump\t-j target\n"
"\t\t\t\ttarget for rule (may load target extension)\n"
"  --goto      -g chain\n"
"\t\t\t       jump to chain with no return\n"
"  --match\t-m match\n"
"\t\t\t\textended match (may load extension)\n"
"  --numeric\t-n\t\tnumeric output of addresses and ports\n"
"[!] --out-interface -o output name[+]\n"
"\t\t\t\tnetwork interface name ([+] for wildcard)\n"
"  --table\t-t table\ttable to manipulate (default: `filter')\n"
"  --verbose\t-v\t\tverbose mode\n"
"  --wait\t-w [seconds]\tmaximum wait to acquire xtables lock before give up\n"
"  --line-numbers\t\tprint line numbers when listing\n"
"  --exact\t-x\t\texpand numbers (display exact values)\n");
	if (v4)
		bf_strbuf_puts(out,
"[!] --fragment\t-f\t\tmatch second or further fragments only\n");
	bf_strbuf_puts(out,
"  --modprobe=<command>\t\ttry to insert modules using this command\n"
"  --set-counters -c PKTS BYTES\tset the counter during insert/append\n"
"[!] --version\t-V\t\tprint package version.\n");
}
