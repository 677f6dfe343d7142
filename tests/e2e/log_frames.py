#!/usr/bin/env python3
"""Crafted frames for e2e/test_log.sh, one a line as hex: every header
field the kernel's LOG line shows set to something recognisable. Usage:
log_frames.py DST_MAC SRC_MAC. Lines: "NAME HEX"."""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, payload, tos=0, ttl=64, ident=0x1234, frag=0, opts=b""):
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, tos, hl + len(payload), ident, frag,
                    ttl, proto, 0, bytes(map(int, src.split("."))),
                    bytes(map(int, dst.split(".")))) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ip6(src, dst, nh, payload, tc=0, flow=0, hlim=64):
    import ipaddress
    return struct.pack("!IHBB", 6 << 28 | tc << 20 | flow, len(payload), nh, hlim) + \
        ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + payload


def tcp(sport, dport, flags, seq=1000, ack=2000, win=512, opts=b"", res=0, urg=0, data=b""):
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4 | res, flags, win, 0,
                       urg) + opts + data


def udp(sport, dport, data=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def icmp(t, c, rest, data=b""):
    m = struct.pack("!BBH", t, c, 0) + rest + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def eth(dst, src, etype, payload, vlan=None):
    d = bytes.fromhex(dst.replace(":", ""))
    s = bytes.fromhex(src.replace(":", ""))
    tag = struct.pack("!HH", 0x8100, vlan) if vlan is not None else b""
    return d + s + tag + struct.pack("!H", etype) + payload


def main():
    dst, src = sys.argv[1], sys.argv[2]
    S, D = "198.19.7.1", "198.18.0.2"
    S6, D6 = "2001:db8:1::7", "2001:db8::2"
    f = {}
    f["tcp_opts"] = eth(dst, src, 0x800, ip4(S, D, 6, tcp(
        4321, 22, 0x02, seq=0xdeadbeef, ack=7, win=64240,
        opts=bytes.fromhex("020405b40402080a0000000100000000")), ttl=63,
        opts=bytes.fromhex("01010100")))
    f["tcp_flags"] = eth(dst, src, 0x800, ip4(S, D, 6, tcp(
        80, 23, 0xE9, res=0x0F, urg=99, data=b"x" * 5), tos=0xb9, frag=0xc000))
    f["udp_mac"] = eth(dst, src, 0x800, ip4(S, D, 17, udp(53, 5353, b"abcd"), tos=0x10))
    f["udp_pad"] = eth(dst, src, 0x800, ip4(S, D, 17, udp(1, 2))) + b"\0" * 18
    f["icmp_echo"] = eth(dst, src, 0x800, ip4(S, D, 1, icmp(8, 0, struct.pack("!HH", 77, 3),
                                                             b"ping" * 4)))
    inner = ip4(D, "198.19.9.9", 17, udp(5000, 53, b"q" * 20), ident=0x4242)
    f["icmp_unreach"] = eth(dst, src, 0x800, ip4(S, D, 1, icmp(3, 4, struct.pack("!HH", 0, 1400),
                                                               inner[:28])))
    f["icmp_short"] = eth(dst, src, 0x800, ip4(S, D, 1, icmp(11, 0, b"\0" * 4, inner[:10])))
    f["frag"] = eth(dst, src, 0x800, ip4(S, D, 17, b"z" * 16, frag=0x2000 | 185))
    # A datagram in two fragments: filter INPUT logs it reassembled.
    dgram = udp(4444, 5555, b"R" * 32)
    f["reasm1"] = eth(dst, src, 0x800, ip4(S, D, 17, dgram[:24], ident=0x5555, frag=0x2000))
    f["reasm2"] = eth(dst, src, 0x800, ip4(S, D, 17, dgram[24:], ident=0x5555, frag=3))
    f["vlan0"] = eth(dst, src, 0x800, ip4(S, D, 17, udp(7, 8, b"v")), vlan=0)
    f["proto_gre"] = eth(dst, src, 0x800, ip4(S, D, 47, b"\0" * 8))
    f["esp"] = eth(dst, src, 0x800, ip4(S, D, 50, struct.pack("!II", 0x1001, 1) + b"e" * 8))
    f["tcp_short"] = eth(dst, src, 0x800, ip4(S, D, 6, b"\0" * 12))
    f["tcp6"] = eth(dst, src, 0x86DD, ip6(S6, D6, 6, tcp(
        1234, 443, 0x12, seq=5, ack=6, opts=bytes.fromhex("0101080a0000000200000003")),
        tc=0x2e, flow=0x12345))
    f["udp6"] = eth(dst, src, 0x86DD, ip6(S6, D6, 17, udp(5353, 5353, b"six")))
    f["icmp6_echo"] = eth(dst, src, 0x86DD, ip6(S6, D6, 58, icmp(128, 0,
                                                                  struct.pack("!HH", 9, 10))))
    inner6 = ip6(D6, "2001:db8:9::9", 17, udp(6000, 53, b"w" * 8))
    f["icmp6_toobig"] = eth(dst, src, 0x86DD, ip6(S6, D6, 58, icmp(2, 0, struct.pack("!I", 1280),
                                                                    inner6)))
    # Hop-by-hop (PadN), destination options, a fragment header, then UDP.
    hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])
    dsto = bytes([44, 0, 1, 4, 0, 0, 0, 0])
    frag = struct.pack("!BBHI", 17, 0, 0 << 3 | 1, 0xabcdef01)
    f["ext6"] = eth(dst, src, 0x86DD, ip6(S6, D6, 0, hbh + dsto + frag + udp(9, 10, b"e6")))
    frag2 = struct.pack("!BBHI", 6, 0, 64 << 3, 0x0000beef)
    f["frag6"] = eth(dst, src, 0x86DD, ip6(S6, D6, 44, frag2 + b"\0" * 16))
    ah = struct.pack("!BBHII", 17, 1, 0, 0x5150, 1) + b"\0" * 4
    f["ah6"] = eth(dst, src, 0x86DD, ip6(S6, D6, 51, ah + udp(1, 2)))
    for name, frame in f.items():
        print(name, frame.hex())


main()
