/* The IPv4 prologue: checks the header as the kernel's ip_rcv does and
 * fills the packet context (cgen.h, enum bf_pkt_off) in host byte order.
 *
 * Packets ip_rcv drops before any netfilter hook go to the pass label:
 * passing them lets the stack drop them, and iptables never judges or
 * counts them. Layout matters to the verifier: the first path it walks
 * (every fall-through) is the most general one (a TCP header read,
 * every field written from the packet), so the other paths, merging at
 * the end of the prologue, are pruned there instead of walking every rule
 * again. */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stddef.h>

#include "cgen.h"
#include "cgen/insn.h"

#define R_L3 BF_REG_L3
#define R_END BF_REG_END
#define R_HLEN BPF_REG_9 /* header length in bytes, IHL * 4 */
#define R_TOTLEN BPF_REG_3
#define R_FRAG BPF_REG_4
#define R_PROTO BPF_REG_5

#define IPV4_MAX_HLEN 60

/* Jumps to `label` unless `len` bytes from pointer `reg` are in the frame. */
static void need_bytes(struct bf_cgen *cg, int reg, int len, int label)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, reg));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, R_END, 0), label);
}

/* Version, IHL, total length: ip_rcv_core's checks. */
static void check_lengths(struct bf_cgen *cg, int pass)
{
	need_bytes(cg, R_L3, sizeof(struct iphdr), pass);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, R_L3, 0));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 4));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 4, 0), pass);
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 0x0f));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_2, 5, 0), pass);
	bf_emit(cg, BPF_MOV64_REG(R_HLEN, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, R_HLEN, 2));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, R_TOTLEN, R_L3, offsetof(struct iphdr, tot_len)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, R_TOTLEN, 16));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLT, R_TOTLEN, R_HLEN, 0), pass);
	/* Beyond the frame: truncated. Ethernet padding after the datagram
	 * is fine (the stack trims it; counters use the total length). */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, R_TOTLEN));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, R_END, 0), pass);
}

/* The header checksum (ip_fast_csum): the ones' complement sum of the
 * header, options included, must be 0xffff. 32-bit words are summed into
 * 64 bits and folded: the same sum, whatever the byte order. */
static void check_csum(struct bf_cgen *cg, int pass)
{
	int done = bf_label_new(cg);

	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, R_L3, 0));
	for (int off = 4; off < (int)sizeof(struct iphdr); off += 4) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, R_L3, off));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1));
	}
	/* Options, one word at a time: the verifier needs constant offsets.
	 * The header is within the frame already (total length checked).
	 * The fall-through leaves first, so the verifier walks the shortest
	 * header first: r7's proven range is smallest there, the most
	 * general state, and the longer headers' paths are pruned against
	 * it instead of each walking every rule that reads the packet. */
	for (int off = sizeof(struct iphdr); off < IPV4_MAX_HLEN; off += 4) {
		int more = bf_label_new(cg);

		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, R_HLEN, off, 0), more);
		bf_emit_jump(cg, BPF_JMP_A(0), done);
		bf_label_bind(cg, more);
		need_bytes(cg, R_L3, off + 4, pass);
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, R_L3, off));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1));
	}
	bf_label_bind(cg, done);
	/* R_HLEN through a stack byte (not at a multiple of 8): any u8 to
	 * the verifier, masked to what it is (a multiple of 4 up to 60, so
	 * reads at R_L3 + R_HLEN stay aligned). Each header length left the
	 * loop above with its own constant, and the rest of the prologue
	 * was verified once per length; now they meet the shortest one's
	 * state and are pruned there. */
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, R_HLEN, BF_PKT_SCRATCH + 3));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_HLEN, BPF_REG_10, BF_PKT_SCRATCH + 3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, R_HLEN, 0x3c));
	for (int i = 0; i < 2; i++) {
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 32));
		bf_emit(cg, BPF_MOV32_REG(BPF_REG_0, BPF_REG_0));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1));
	}
	for (int i = 0; i < 2; i++) {
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 16));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0xffff));
		bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1));
	}
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0xffff, 0), pass);
}

static void fill_l3(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, R_L3, offsetof(struct iphdr, saddr)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_SADDR));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, R_L3, offsetof(struct iphdr, daddr)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, BF_PKT_DADDR));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, R_TOTLEN, BF_PKT_LEN));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, R_FRAG, R_L3, offsetof(struct iphdr, frag_off)));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, R_FRAG, 16));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, R_FRAG, IP_OFFMASK));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, R_FRAG, BF_PKT_FRAGOFF));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, R_PROTO, R_L3, offsetof(struct iphdr, protocol)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, R_PROTO, BF_PKT_PROTO));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, R_L3, offsetof(struct iphdr, ttl)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_TTL));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, BF_PKT_HOTDROP_LATER, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, R_L3, offsetof(struct iphdr, tos)));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_TOS));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, R_HLEN, BF_PKT_L4OFF));
}

/* *(u8 *)(r10 + off) = 1, from a value the verifier sees as any scalar
 * (a packet pointer minus itself, plus 1), as the IPv6 prologue does. A
 * constant in a field the verifier tracks (L4_OK lies at a multiple of
 * 8) made the paths that set the flag and those that did not differ, and
 * the options walk and every rule after the prologue were verified once
 * per combination (twice the instructions for the whole IPv4 side). */
static void store_flag(struct bf_cgen *cg, int off)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, R_L3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, off));
}

/* Jumps to no_l4 unless `len` bytes of transport header lie within the
 * total length (what the stack keeps) and the frame; leaves a pointer to
 * the header in r2. */
static void need_l4(struct bf_cgen *cg, int len, int no_l4)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, R_HLEN));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, len));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, R_TOTLEN, 0), no_l4);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, R_HLEN));
	need_bytes(cg, BPF_REG_2, len, no_l4);
}

/* Ports and TCP flags of a first fragment (offset 0) whose header is
 * there, as xt_tcpudp reads them; L4_OK says whether they were read (the
 * whole TCP or UDP header). PORTS_OK says the ports alone were, for
 * multiport; ICMP_OK that the ICMP type and code were. Every field is
 * written first: no rule reads one without its flag, but the verifier
 * wants no uninitialized stack read. */
static void fill_l4(struct bf_cgen *cg)
{
	int ports = bf_label_new(cg), not_tcp = bf_label_new(cg);
	int icmp = bf_label_new(cg), done = bf_label_new(cg);
	static const int port_protos[] = {IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP,
					  IPPROTO_DCCP};

	/* Zero from a packet pointer minus itself: any scalar to the
	 * verifier, like the values the paths below write (store_flag). */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_0, R_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, R_L3));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, BF_PKT_ICMP_OK));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, BF_PKT_ICMP_TYPE));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, BF_PKT_ICMP_CODE));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, BF_PKT_L4_OK));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, BF_PKT_PORTS_OK));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_0, BF_PKT_SPORT));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_0, BF_PKT_DPORT));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, BF_PKT_TCPFLAGS));

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_FRAG, 0, 0), done);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_PROTO, IPPROTO_ICMP, 0), icmp);
	for (size_t i = 0; i < sizeof(port_protos) / sizeof(port_protos[0]); i++)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, R_PROTO, port_protos[i], 0), ports);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_PROTO, IPPROTO_TCP, 0), done);

	/* Source and destination ports open all these headers. */
	bf_label_bind(cg, ports);
	need_l4(cg, 4, done);
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 0));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_PKT_SPORT));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, 2));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, BF_PKT_DPORT));
	store_flag(cg, BF_PKT_PORTS_OK);

	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_PROTO, IPPROTO_TCP, 0), not_tcp);
	need_l4(cg, sizeof(struct tcphdr), done);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 13));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_TCPFLAGS));
	store_flag(cg, BF_PKT_L4_OK);
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	bf_label_bind(cg, not_tcp);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, R_PROTO, IPPROTO_UDP, 0), done);
	need_l4(cg, sizeof(struct udphdr), done);
	store_flag(cg, BF_PKT_L4_OK);
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	/* Type and code, as xt icmp reads them: the whole 8-byte header or
	 * nothing (ICMP_OK 0: the match hotdrops). */
	bf_label_bind(cg, icmp);
	need_l4(cg, 8, done);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 0));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_ICMP_TYPE));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, BF_PKT_ICMP_CODE));
	store_flag(cg, BF_PKT_ICMP_OK);
	bf_label_bind(cg, done);
}

void bf_emit_ipv4_prologue(struct bf_cgen *cg, int pass)
{
	check_lengths(cg, pass);
	check_csum(cg, pass);
	fill_l3(cg);
	fill_l4(cg);
}
