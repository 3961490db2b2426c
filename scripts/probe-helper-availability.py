#!/usr/bin/env python3
"""Asks the running Linux kernel which helpers each of Warden's program types may call, and prints
the result in the format of verifier/src/main/resources/dev/warden/verifier/platform/
linux-helper-availability.txt (its header documents the format).

How: for every program type (one or more load variants: expected attach type, BTF attach target,
sleepable flag) and every helper id, BPF_PROG_LOAD of the three instructions `call ID; r0 = 0; exit`
under a GPL licence. The kernel's check_helper_call asks the type's get_func_proto before it looks at
any argument, so the log tells availability apart from argument errors:
  "program of this type cannot use helper" / "unknown func"   not available
  "helper call is not allowed in probe"                         not available for this attach target
  "helper call might sleep in a non-sleepable prog"             only in sleepable programs
  anything else (an argument error, or the load succeeding)     available
A Warden type gets the helpers available to every one of its variants (the intersection). Needs
root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_SYS_ADMIN): the platform models a privileged loader.

Usage (as root): scripts/probe-helper-availability.py > rows.txt
Prints the rows (and the notes above them) of linux-helper-availability.txt; the header is kept by hand.
"""
import argparse, ctypes, os, struct, sys

BTF_PATH = "/sys/kernel/btf/vmlinux"
SYS_BPF = {"x86_64": 321, "aarch64": 280}[os.uname().machine]
BPF_PROG_LOAD = 5
BPF_F_SLEEPABLE = 1 << 4
HELPERS = 211  # BPF_FUNC_cgrp_storage_delete, the last helper id (uapi __BPF_FUNC_MAX_ID - 1)

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


# --- BTF: ids of attach targets and the values of the uapi enums, from the running kernel ------------
def read_btf(path):
    data = open(path, "rb").read()
    magic, _ver, _flags, hdr_len, type_off, type_len, str_off, _str_len = struct.unpack_from("<HBBIIIII", data, 0)
    assert magic == 0xEB9F, "not BTF"
    strings = hdr_len + str_off

    def name(off):
        end = data.index(b"\0", strings + off)
        return data[strings + off:end].decode()

    by_name, enums, members = {}, {}, {}
    pos, end, tid = hdr_len + type_off, hdr_len + type_off + type_len, 1
    extra = {1: lambda v: 4, 3: lambda v: 12, 4: lambda v: 12 * v, 5: lambda v: 12 * v, 6: lambda v: 8 * v,
             13: lambda v: 8 * v, 14: lambda v: 4, 15: lambda v: 12 * v, 17: lambda v: 4, 19: lambda v: 12 * v}
    while pos < end:
        name_off, info, _size = struct.unpack_from("<III", data, pos)
        kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
        n = name(name_off)
        if n:
            by_name.setdefault((kind, n), tid)
        body = pos + 12
        if kind == 6:  # ENUM
            enums[n] = {name(struct.unpack_from("<I", data, body + 8 * i)[0]):
                        struct.unpack_from("<i", data, body + 8 * i + 4)[0] for i in range(vlen)}
        if kind == 4:  # STRUCT
            members[n] = [name(struct.unpack_from("<I", data, body + 12 * i)[0]) for i in range(vlen)]
        pos = body + extra.get(kind, lambda v: 0)(vlen)
        tid += 1
    return by_name, enums, members


BTF, ENUMS, MEMBERS = read_btf(BTF_PATH)
PROG = ENUMS["bpf_prog_type"]
ATTACH = ENUMS["bpf_attach_type"]
FUNC, TYPEDEF, STRUCT = 12, 8, 4


def func(n):
    return BTF[(FUNC, n)]


def typedef(n):
    return BTF[(TYPEDEF, n)]


def v(prog, attach=None, target=None, sleepable=False, member=None):
    """One load variant: program type, expected attach type, BTF attach target, flags."""
    return dict(prog=PROG["BPF_PROG_TYPE_" + prog], attach=ATTACH["BPF_" + attach] if attach else 0,
                target=target, sleepable=sleepable, member=member)


# Warden program type -> the load variants its section names stand for (libbpf's section_defs).
TYPES = {
    "socket": [v("SOCKET_FILTER")],
    "kprobe": [v("KPROBE"), v("KPROBE", "TRACE_KPROBE_MULTI"), v("KPROBE", "TRACE_UPROBE_MULTI")],
    "kprobe_session": [v("KPROBE", "TRACE_KPROBE_SESSION"), v("KPROBE", "TRACE_UPROBE_SESSION")],
    "tc": [v("SCHED_CLS"), v("SCHED_CLS", "TCX_INGRESS"), v("SCHED_CLS", "TCX_EGRESS"), v("SCHED_CLS", "NETKIT_PRIMARY")],
    "action": [v("SCHED_ACT")],
    "tracepoint": [v("TRACEPOINT")],
    "xdp": [v("XDP"), v("XDP", "XDP"), v("XDP", "XDP_CPUMAP")],
    "xdp_devmap": [v("XDP", "XDP_DEVMAP")],
    "perf_event": [v("PERF_EVENT")],
    "cgroup_skb_ingress": [v("CGROUP_SKB", "CGROUP_INET_INGRESS")],
    "cgroup_skb_egress": [v("CGROUP_SKB", "CGROUP_INET_EGRESS")],
    "cgroup_sock": [v("CGROUP_SOCK", "CGROUP_INET_SOCK_CREATE"), v("CGROUP_SOCK", "CGROUP_INET_SOCK_RELEASE")],
    "cgroup_sock_post_bind": [v("CGROUP_SOCK", "CGROUP_INET4_POST_BIND"), v("CGROUP_SOCK", "CGROUP_INET6_POST_BIND")],
    "lwt_in": [v("LWT_IN")],
    "lwt_out": [v("LWT_OUT")],
    "lwt_xmit": [v("LWT_XMIT")],
    "sockops": [v("SOCK_OPS", "CGROUP_SOCK_OPS")],
    "sk_skb": [v("SK_SKB", "SK_SKB_STREAM_PARSER"), v("SK_SKB", "SK_SKB_STREAM_VERDICT"), v("SK_SKB", "SK_SKB_VERDICT")],
    "cgroup_device": [v("CGROUP_DEVICE", "CGROUP_DEVICE")],
    "sk_msg": [v("SK_MSG", "SK_MSG_VERDICT")],
    "raw_tracepoint": [v("RAW_TRACEPOINT")],
    "cgroup_sock_addr4": [v("CGROUP_SOCK_ADDR", "CGROUP_INET4_CONNECT")],
    "cgroup_bind4": [v("CGROUP_SOCK_ADDR", "CGROUP_INET4_BIND")],
    "cgroup_name4": [v("CGROUP_SOCK_ADDR", "CGROUP_INET4_GETPEERNAME"), v("CGROUP_SOCK_ADDR", "CGROUP_INET4_GETSOCKNAME"),
                     v("CGROUP_SOCK_ADDR", "CGROUP_UDP4_RECVMSG")],
    "cgroup_sendmsg4": [v("CGROUP_SOCK_ADDR", "CGROUP_UDP4_SENDMSG")],
    "cgroup_sock_addr6": [v("CGROUP_SOCK_ADDR", "CGROUP_INET6_CONNECT")],
    "cgroup_bind6": [v("CGROUP_SOCK_ADDR", "CGROUP_INET6_BIND")],
    "cgroup_name6": [v("CGROUP_SOCK_ADDR", "CGROUP_INET6_GETPEERNAME"), v("CGROUP_SOCK_ADDR", "CGROUP_INET6_GETSOCKNAME"),
                     v("CGROUP_SOCK_ADDR", "CGROUP_UDP6_RECVMSG")],
    "cgroup_sendmsg6": [v("CGROUP_SOCK_ADDR", "CGROUP_UDP6_SENDMSG")],
    "cgroup_sock_addr_unix": [v("CGROUP_SOCK_ADDR", "CGROUP_UNIX_CONNECT"), v("CGROUP_SOCK_ADDR", "CGROUP_UNIX_SENDMSG")],
    "cgroup_name_unix": [v("CGROUP_SOCK_ADDR", "CGROUP_UNIX_GETPEERNAME"), v("CGROUP_SOCK_ADDR", "CGROUP_UNIX_GETSOCKNAME"),
                         v("CGROUP_SOCK_ADDR", "CGROUP_UNIX_RECVMSG")],
    "lwt_seg6local": [v("LWT_SEG6LOCAL")],
    "sk_reuseport": [v("SK_REUSEPORT", "SK_REUSEPORT_SELECT"), v("SK_REUSEPORT", "SK_REUSEPORT_SELECT_OR_MIGRATE")],
    "flow_dissector": [v("FLOW_DISSECTOR", "FLOW_DISSECTOR")],
    "cgroup_sysctl": [v("CGROUP_SYSCTL", "CGROUP_SYSCTL")],
    "raw_tracepoint_writable": [v("RAW_TRACEPOINT_WRITABLE")],
    "cgroup_getsockopt": [v("CGROUP_SOCKOPT", "CGROUP_GETSOCKOPT")],
    "cgroup_setsockopt": [v("CGROUP_SOCKOPT", "CGROUP_SETSOCKOPT")],
    # Tracing: two targets each, one on the kernel's d_path allow list and one off it, so that helpers
    # whose availability depends on the attach target fall out of the intersection.
    "fentry": [v("TRACING", "TRACE_FENTRY", func("security_file_open")), v("TRACING", "TRACE_FENTRY", func("bpf_fentry_test1"))],
    "fexit": [v("TRACING", "TRACE_FEXIT", func("security_file_open")), v("TRACING", "TRACE_FEXIT", func("bpf_fentry_test1"))],
    "fmod_ret": [v("TRACING", "MODIFY_RETURN", func("security_file_open")), v("TRACING", "MODIFY_RETURN", func("security_task_alloc"))],
    "tp_btf": [v("TRACING", "TRACE_RAW_TP", typedef("btf_trace_sched_switch")), v("TRACING", "TRACE_RAW_TP", typedef("btf_trace_kfree_skb"))],
    "iter": [v("TRACING", "TRACE_ITER", func("bpf_iter_task")), v("TRACING", "TRACE_ITER", func("bpf_iter_bpf_map"))],
    # The kernel here refuses iter/bpf_map_elem loads without a map to iterate (attach time); the helper
    # list of TRACE_ITER programs does not depend on the target unless the target has its own, which
    # bpf_map_elem has not, so the same two targets as iter stand for it.
    "iter_bpf_map_elem": [v("TRACING", "TRACE_ITER", func("bpf_iter_task")), v("TRACING", "TRACE_ITER", func("bpf_iter_bpf_map"))],
    "struct_ops": [v("STRUCT_OPS", None, BTF[(STRUCT, "tcp_congestion_ops")], member="ssthresh"),
                   v("STRUCT_OPS", None, BTF[(STRUCT, "tcp_congestion_ops")], member="release")],
    "lsm": [v("LSM", "LSM_MAC", func("bpf_lsm_file_open")), v("LSM", "LSM_MAC", func("bpf_lsm_bpf"))],
    "lsm_cgroup": [v("LSM", "LSM_CGROUP", func("bpf_lsm_socket_bind")), v("LSM", "LSM_CGROUP", func("bpf_lsm_socket_post_create"))],
    "sk_lookup": [v("SK_LOOKUP", "SK_LOOKUP")],
    "syscall": [v("SYSCALL", None, None, sleepable=True)],
    "netfilter": [v("NETFILTER", "NETFILTER")],
}


def load(variant, helper):
    insns = struct.pack("<BBhi", 0x85, 0, 0, helper) + struct.pack("<BBhi", 0xB7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)
    insn_buf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(1 << 16)
    attr = bytearray(160)
    attach = variant["attach"]
    if variant["member"] is not None:
        attach = MEMBERS["tcp_congestion_ops"].index(variant["member"])
    struct.pack_into("<IIQQIIQ", attr, 0, variant["prog"], 3, ctypes.addressof(insn_buf), ctypes.addressof(lic),
                     1, len(log), ctypes.addressof(log))
    struct.pack_into("<I", attr, 44, BPF_F_SLEEPABLE if variant["sleepable"] else 0)
    struct.pack_into("<I", attr, 68, attach)
    struct.pack_into("<I", attr, 108, variant["target"] or 0)
    buf = (ctypes.c_char * len(attr)).from_buffer(attr)
    fd = libc.syscall(SYS_BPF, BPF_PROG_LOAD, buf, len(attr))
    if fd >= 0:
        os.close(fd)
        return "yes", ""
    err = ctypes.get_errno()
    text = log.value.decode(errors="replace")
    if "program of this type cannot use helper" in text or "unknown func" in text:
        return "no", ""
    if "helper call is not allowed in probe" in text:
        return "no", "target"
    if "might sleep in a non-sleepable prog" in text:
        return "no", "sleepable"
    if "(85) call" not in text:
        # Refused before the verifier reached the call (a bad attach target, a program type this kernel
        # refuses): no answer about the helper, and the caller must not guess one.
        raise RuntimeError(f"variant {variant} helper {helper}: errno {err} ({os.strerror(err)}), "
                           f"the verifier did not reach the call: {text.strip()[-200:]!r}")
    return "yes", ""


def map_create(map_type):
    attr = bytearray(72)
    struct.pack_into("<IIII", attr, 0, map_type, 4, 4, 1)
    fd = libc.syscall(SYS_BPF, 0, (ctypes.c_char * len(attr)).from_buffer(attr), len(attr))
    if fd < 0:
        raise RuntimeError(f"map type {map_type}: errno {ctypes.get_errno()}")
    return fd


def sock_update(variant, map_fd, helper):
    """Whether the kernel lets this variant update (2) or delete from (3) a sockmap or sockhash
    (may_update_sockmap in kernel/bpf/verifier.c): a well-formed call, so only that check can refuse it."""
    i = lambda code, regs, off, imm: struct.pack("<BBhi", code, regs, off, imm)
    insns = (i(0x62, 10, -4, 0) + i(0x62, 10, -8, 0) + i(0x18, 1 | (1 << 4), 0, map_fd) + i(0, 0, 0, 0)
             + i(0xBF, 2 | (10 << 4), 0, 0) + i(0x07, 2, 0, -4) + i(0xBF, 3 | (10 << 4), 0, 0) + i(0x07, 3, 0, -8)
             + i(0xB7, 4, 0, 0) + i(0x85, 0, 0, helper) + i(0xB7, 0, 0, 0) + i(0x95, 0, 0, 0))
    text, fd = raw_load(variant, insns)
    if fd >= 0:
        os.close(fd)
        return True
    if any(m in text for m in ("cannot update sockmap in this context", "cannot use helper",
                               "Sleepable programs can only use")):
        return False
    if "(85) call" not in text:
        raise RuntimeError(f"sockmap probe {variant}: the verifier did not reach the call: {text.strip()[-200:]!r}")
    return True


def raw_load(variant, insns):
    insn_buf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(1 << 16)
    attr = bytearray(160)
    attach = variant["attach"]
    if variant["member"] is not None:
        attach = MEMBERS["tcp_congestion_ops"].index(variant["member"])
    struct.pack_into("<IIQQIIQ", attr, 0, variant["prog"], len(insns) // 8, ctypes.addressof(insn_buf),
                     ctypes.addressof(lic), 1, len(log), ctypes.addressof(log))
    struct.pack_into("<I", attr, 44, BPF_F_SLEEPABLE if variant["sleepable"] else 0)
    struct.pack_into("<I", attr, 68, attach)
    struct.pack_into("<I", attr, 108, variant["target"] or 0)
    fd = libc.syscall(SYS_BPF, BPF_PROG_LOAD, (ctypes.c_char * len(attr)).from_buffer(attr), len(attr))
    return log.value.decode(errors="replace"), fd


def loadable(variant):
    """Whether the kernel runs its verifier on this variant at all (some machines refuse tracing loads)."""
    try:
        load(variant, 5)  # ktime_get_ns: no arguments
        return True
    except RuntimeError as e:
        print(f"# not loadable here: {e}", file=sys.stderr)
        return False


def probe():
    """Warden type -> (helper ids available to every variant, ids available to some, ids sleepable-only),
    or None when some variant of the type cannot be loaded on this machine."""
    out = {}
    for name, variants in TYPES.items():
        every, some, sleep = None, set(), set()
        if not all(loadable(var) for var in variants):
            out[name] = None
            continue
        for var in variants:
            yes = set()
            for h in range(1, HELPERS + 1):
                verdict, why = load(var, h)
                if verdict == "yes":
                    yes.add(h)
                elif why == "sleepable":
                    sleep.add(h)
            every = yes if every is None else every & yes
            some |= yes
        out[name] = (every, some - every, sleep - every)
        print(f"# probed {name}: {len(every)} helpers", file=sys.stderr)
    return out


# Program types the kernel here cannot load (tracing trampolines and LSM are refused, lirc_mode2 is not
# configured), derived from their get_func_proto in the 6.18 sources instead: (base type, helpers added,
# helpers removed). Each rule is quoted in the file header; their rows are marked best-effort.
TRAMPOLINE = {"get_func_arg", "get_func_ret", "get_func_arg_cnt"}
DERIVED = {
    "fentry": ("tp_btf", TRAMPOLINE, {"sk_storage_get", "sk_storage_delete"}),
    "fexit": ("tp_btf", TRAMPOLINE, {"sk_storage_get", "sk_storage_delete"}),
    "fmod_ret": ("tp_btf", TRAMPOLINE, {"sk_storage_get", "sk_storage_delete"}),
    "lsm": ("tp_btf", TRAMPOLINE | {"inode_storage_get", "inode_storage_delete", "sk_storage_get", "sk_storage_delete",
                                    "spin_lock", "spin_unlock", "bprm_opts_set"}, set()),
    "lsm_cgroup": ("tp_btf", {"inode_storage_get", "inode_storage_delete", "sk_storage_get", "sk_storage_delete",
                              "spin_lock", "spin_unlock", "bprm_opts_set", "get_local_storage", "get_retval", "set_retval"},
                   {"get_attach_cookie"}),
}
LIRC_MODE2 = {"rc_repeat", "rc_keydown", "rc_pointer_rel", "map_lookup_elem", "map_update_elem", "map_delete_elem",
              "map_push_elem", "map_pop_elem", "map_peek_elem", "ktime_get_ns", "ktime_get_boot_ns", "tail_call",
              "get_prandom_u32", "trace_printk"}
# Rows whose answer here depends on this kernel's configuration or on what the derivation leaves out.
KNOWN = {
    "probe_write_user": "refused for every type under the kernel lockdown (integrity) of the machine probed; "
                        "without lockdown, tracing types may call it",
    "override_return": "CONFIG_BPF_KPROBE_OVERRIDE is off here; with it, kprobe programs may call it",
    "ima_inode_hash": "sleepable LSM hooks only (left out of lsm)",
    "ima_file_hash": "sleepable LSM hooks only (left out of lsm)",
}
# Helpers that take no context argument but act on the program's context or packet through per-CPU or
# run-time state the program type sets up (redirect targets, the cgroup hook's return value).
IMPLICIT_CONTEXT = {"redirect", "redirect_map", "redirect_neigh", "redirect_peer", "get_retval", "set_retval"}
ORDER = ["socket", "kprobe", "kprobe_session", "tc", "action", "tracepoint", "xdp", "xdp_devmap", "perf_event",
         "cgroup_skb_ingress", "cgroup_skb_egress", "cgroup_sock", "cgroup_sock_post_bind", "lwt_in", "lwt_out",
         "lwt_xmit", "sockops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint", "cgroup_sock_addr4",
         "cgroup_bind4", "cgroup_name4", "cgroup_sendmsg4", "cgroup_sock_addr6", "cgroup_bind6", "cgroup_name6",
         "cgroup_sendmsg6", "cgroup_sock_addr_unix", "cgroup_name_unix", "lwt_seg6local", "lirc_mode2",
         "sk_reuseport", "flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_getsockopt",
         "cgroup_setsockopt", "fentry", "fexit", "fmod_ret", "tp_btf", "iter", "iter_bpf_map_elem", "struct_ops",
         "freplace", "lsm", "lsm_cgroup", "sk_lookup", "syscall", "netfilter"]


def read_tsv(path):
    names, ctx = {}, set()
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            c = line.split("\t")
            names[int(c[0])] = c[1]
            if "PTR_TO_CTX" in c[4]:
                ctx.add(c[1])
    return names, ctx


def read_contexts(path):
    """Warden type -> context struct name, from linux-program-types.txt."""
    structs, out = {}, {}
    for line in open(path):
        t = line.split()
        if t and t[0] == "context":
            structs[t[1]] = t[2]
        elif t and t[0] == "type":
            out[t[1]] = structs[t[3]]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--platform", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "verifier/src/main/resources/dev/warden/verifier/platform"))
    args = ap.parse_args()
    names, ctx_helpers = read_tsv(os.path.join(args.platform, "linux-helpers.tsv"))
    structs = read_contexts(os.path.join(args.platform, "linux-program-types.txt"))
    assert sorted(structs) == sorted(ORDER), sorted(set(structs) ^ set(ORDER))
    ids = {n: h for h, n in names.items()}
    result = probe()
    avail = {t: set(result[t][0]) for t in TYPES if result[t] is not None}
    partly = {t: set(result[t][1]) for t in avail}
    sleepy = {t: set(result[t][2]) for t in avail}
    for t, (base, add, remove) in DERIVED.items():
        avail[t] = (avail[base] | {ids[n] for n in add}) - {ids[n] for n in remove}
    avail["lirc_mode2"] = {ids[n] for n in LIRC_MODE2}
    # An extension program runs with the helpers of the program it replaces, unknown here: only those
    # every program type has.
    avail["freplace"] = set.intersection(*(avail[t] for t in ORDER if t != "freplace"))
    derived = set(DERIVED) | {"lirc_mode2", "freplace"}
    for h in range(1, HELPERS + 1):
        types = [t for t in ORDER if h in avail[t]]
        notes = []
        some = [t for t in ORDER if t in partly and h in partly[t]]
        if some:
            notes.append("only for some attach types or targets of " + " ".join(some) + " (left out there)")
        sleep = [t for t in ORDER if t in sleepy and h in sleepy[t]]
        if sleep:
            notes.append("only in sleepable programs of " + ("every type but syscall" if len(sleep) > 20 else " ".join(sleep))
                         + " (left out there)")
        if names[h] in KNOWN:
            notes.append(KNOWN[names[h]])
        # Best effort: the answer for some type rests on more than a probe of the kernel here (a rule read
        # from the sources that adds or removes this helper, or one of the notes).
        name = names[h]
        ruled = any(name in add or name in remove for _, add, remove in DERIVED.values()) or name in LIRC_MODE2
        best = bool(notes) or ruled
        if (name in ctx_helpers or name in IMPLICIT_CONTEXT) and types:
            contexts = ",".join(sorted({structs[t] for t in types}))
        else:
            contexts = "-"
        if not types:
            listed = "-"
        elif len(types) * 2 > len(ORDER):
            listed = " ".join(["*"] + ["!" + t for t in ORDER if t not in types])
        else:
            listed = " ".join(types)
        for n in notes:
            print(f"# {name}: {n}")
        print(f"helper {name} {'best-effort' if best else 'exact'} {contexts} {listed}")
    print()
    for kind, map_type in (("sockmap", 15), ("sockhash", 18)):
        fd = map_create(map_type)
        for helper in (2, 3):
            allowed = [t for t in ORDER if t in TYPES and result[t] is not None and all(sock_update(v, fd, helper) for v in TYPES[t])]
            print(f"bytype {kind} {names[helper]} {' '.join(allowed)}")
        os.close(fd)


if __name__ == "__main__":
    main()
