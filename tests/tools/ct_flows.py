#!/usr/bin/env python3
"""ct_flows: the flows of the conntrack end-to-end test, with real sockets.

  ct_flows.py serve SECONDS       on the server: TCP echo on 7777, UDP echo
                                  on 5555 (prints "ready")
  ct_flows.py tcp ADDR            TCP from port 41000: 3 writes of 1000 bytes,
                                  each echoed, then close; kept open for a
                                  moment first when HOLD_MS is set
  ct_flows.py tcp-reset ADDR      TCP from port 41001: 500 bytes echoed, its
                                  sequence numbers printed, then a reset
  ct_flows.py udp ADDR            3 datagrams from port 40000 to 5555, echoed
  ct_flows.py udp-out ADDR        from the server: one datagram to ADDR:6000
                                  from port 6001, and one to ADDR:9 (closed:
                                  the peer answers port unreachable)
  ct_flows.py udp-answer SECONDS  on the client: answers one datagram on 6000
  ct_flows.py serve6|udp-answer6 SECONDS   the same over IPv6 (the client
                                  commands take an IPv6 ADDR too)
Exit 0 when every echo came back."""
import os
import socket
import struct
import sys
import threading
import time


# linux/tcp.h
TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ = 19, 20, 21
TCP_RECV_QUEUE, TCP_SEND_QUEUE = 1, 2


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(seconds, fam=socket.AF_INET):
    anyaddr = "::" if fam == socket.AF_INET6 else "0.0.0.0"
    tcp = socket.socket(fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((anyaddr, 7777))
    tcp.listen(8)
    udp = socket.socket(fam, socket.SOCK_DGRAM)
    udp.bind((anyaddr, 5555))

    def tcp_loop():
        while True:
            c, _ = tcp.accept()
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
            c.close()

    def udp_loop():
        while True:
            d, peer = udp.recvfrom(65536)
            udp.sendto(d, peer)

    for f in (tcp_loop, udp_loop):
        threading.Thread(target=f, daemon=True).start()
    print("ready", flush=True)
    time.sleep(seconds)


def any_of(addr):
    return "::" if ":" in addr else "0.0.0.0"


def tcp_client(addr):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((any_of(addr), 41000))
    s.settimeout(5)
    s.connect((addr, 7777))
    for _ in range(3):
        s.sendall(b"x" * 1000)
        got = 0
        while got < 1000:
            got += len(s.recv(65536))
        time.sleep(0.05)
    hold = int(os.environ.get("HOLD_MS", "0"))
    if hold:
        print("open", flush=True)
        time.sleep(hold / 1000)
    s.close()


def tcp_reset(addr):
    """A connection whose sequence numbers are printed ("seq SND RCV", read
    in repair mode) once its data went both ways, held for HOLD_MS, then
    closed by a reset (SO_LINGER 0)."""
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((any_of(addr), 41001))
    s.settimeout(5)
    s.connect((addr, 7777))
    s.sendall(b"r" * 500)
    got = 0
    while got < 500:
        got += len(s.recv(65536))
    time.sleep(0.1)
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    seqs = []
    for queue in (TCP_SEND_QUEUE, TCP_RECV_QUEUE):
        s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, queue)
        seqs.append(struct.unpack("I", s.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ, 4))[0])
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 0)
    print("seq %d %d" % tuple(seqs), flush=True)
    time.sleep(int(os.environ.get("HOLD_MS", "1000")) / 1000)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def udp_client(addr):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((any_of(addr), 40000))
    s.settimeout(5)
    for i in range(3):
        s.sendto(b"y" * (100 + i), (addr, 5555))
        s.recvfrom(65536)
        time.sleep(0.05)


def udp_out(addr):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((any_of(addr), 6001))
    s.settimeout(5)
    s.sendto(b"z", (addr, 6000))
    s.recvfrom(65536)
    s.sendto(b"closed", (addr, 9))
    time.sleep(0.2)


def udp_answer(seconds, fam=socket.AF_INET):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 6000))
    s.settimeout(seconds)
    print("ready", flush=True)
    d, peer = s.recvfrom(65536)
    s.sendto(d, peer)


def main():
    cmds = {"serve": lambda a: serve(float(a)), "tcp": tcp_client, "udp": udp_client,
            "tcp-reset": tcp_reset,
            "udp-out": udp_out, "udp-answer": lambda a: udp_answer(float(a)),
            "serve6": lambda a: serve(float(a), socket.AF_INET6),
            "udp-answer6": lambda a: udp_answer(float(a), socket.AF_INET6)}
    if len(sys.argv) != 3 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cmds[sys.argv[1]](sys.argv[2])
    except OSError as e:
        print(f"ct_flows {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
