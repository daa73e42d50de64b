#!/usr/bin/env python3
"""Per-thread CPU and wake-ups of running processes, from /proc, over a window.

usage: threads.py [--top=N] SECONDS PID...
CPU is utime + stime in seconds a minute; wake-ups are voluntary + involuntary context switches a second.
Threads are summed by name (a thread pool's churn shows as one line per name)."""
import os, sys, time


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            status = open(f"/proc/{pid}/task/{tid}/status").read().split("\n")
            switches = sum(int(line.split()[1]) for line in status if "ctxt_switches" in line)
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            fields = stat[stat.rindex(")") + 2:].split()
            threads[tid] = (name, switches, int(fields[11]) + int(fields[12]))
        except (FileNotFoundError, ProcessLookupError):
            pass  # the thread ended between listing and reading
    return threads


def main():
    args = sys.argv[1:]
    top = 12
    if args and args[0].startswith("--top="):
        top = int(args.pop(0)[len("--top="):])
    seconds, pids = float(args[0]), [int(p) for p in args[1:]]
    before = {p: snapshot(p) for p in pids}
    time.sleep(seconds)
    after = {p: snapshot(p) for p in pids}
    hz = os.sysconf("SC_CLK_TCK")
    for p in pids:
        by_name = {}
        for tid, (name, switches, ticks) in after[p].items():
            _, switches0, ticks0 = before[p].get(tid, (name, 0, 0))
            row = by_name.setdefault(name, [0, 0])
            row[0] += switches - switches0
            row[1] += ticks - ticks0
        command = open(f"/proc/{p}/cmdline").read().replace("\0", " ").strip()
        print("%d %s: wakes/s %.1f, CPU s/min %.2f" % (p, command[-60:], sum(r[0] for r in by_name.values()) / seconds,
                                                    sum(r[1] for r in by_name.values()) / hz * 60 / seconds))
        for name, (switches, ticks) in sorted(by_name.items(), key=lambda x: -x[1][1])[:top]:
            print("   %-20s wakes/s %6.1f  CPU s/min %.3f" % (name, switches / seconds, ticks / hz * 60 / seconds))


if __name__ == "__main__":
    main()
