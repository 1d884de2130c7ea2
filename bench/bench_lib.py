"""Helpers of bench/run.py: processes (openbitsd, openbits_sink, openbits_loadgen),
the work directory, machine facts, and the result table. Python 3 standard library only."""

import json
import os
import resource
import shutil
import signal
import subprocess
import threading
import time
import urllib.request

GIB = 1 << 30
MIB = 1 << 20


class BenchError(Exception):
    """A run that cannot go on (a process did not start, a report is missing)."""


def fs_type(path):
    """File-system type of the mount holding `path` (longest matching mount point)."""
    path = os.path.realpath(path)
    best, kind = "", "?"
    with open("/proc/mounts") as mounts:
        for line in mounts:
            parts = line.split()
            mnt = parts[1].replace("\\040", " ")
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, kind = mnt, parts[2]
    return kind


def cmake_build_type(build):
    """CMAKE_BUILD_TYPE of the build directory, or "unknown"."""
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def raise_nofile():
    """Soft RLIMIT_NOFILE up to the hard limit; children inherit it. Returns the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    try:  # root may raise the hard limit too: 10,000 connections and their files
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(hard, 65536), max(hard, 65536)))
        return max(hard, 65536)
    except (ValueError, OSError):
        pass
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def raise_priority(niceness):
    """Sets this process's (and so its children's) niceness where allowed; the value now."""
    current = os.nice(0)
    try:
        return os.nice(niceness - current)
    except OSError:
        return current


def machine_facts():
    facts = {"cpus": os.cpu_count(), "kernel": os.uname().release,
             "loadavg_start": os.getloadavg()[0]}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    facts["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            facts["mem_kb"] = int(f.readline().split()[1])
    except OSError:
        pass
    return facts


def cpu_idle_share(since):
    """(busy share of all CPUs since `since`, new sample); `since` is a previous sample."""
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle, total = vals[3] + vals[4], sum(vals[:8])
    if since is None:
        return None, (idle, total)
    d_total = max(total - since[1], 1)
    return 1.0 - (idle - since[0]) / d_total, (idle, total)


def settle_disk():
    """Writes back what earlier runs left dirty, so it does not slow the next run."""
    os.sync()


def drop_caches():
    """Empties the page cache (root only); False when not allowed."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def wait_for_port(port_file, proc, timeout):
    """Polls the port file every 5 ms; (port, seconds waited)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise BenchError(f"{proc.args[0]} exited with {proc.returncode} before listening")
        try:
            with open(port_file) as f:
                text = f.read().split()
            if text:
                return int(text[0]), time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.005)
    raise BenchError(f"{proc.args[0]} not listening after {timeout}s")


class Process:
    """A child (server or sink) with its output in a log file, stopped by SIGTERM."""

    def __init__(self, argv, work, name, ready_timeout=60.0):
        self.name, self.port_file = name, os.path.join(work, name + ".port")
        self.log_path = os.path.join(work, name + ".log")
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log = open(self.log_path, "ab")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(argv + ["--port-file", self.port_file],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.port, self.ready_s = wait_for_port(self.port_file, self.proc, ready_timeout)

    @property
    def pid(self):
        return self.proc.pid

    def stop(self, timeout=120.0):
        """SIGTERM, then SIGKILL after `timeout`; (seconds it took, killed?)."""
        t0 = time.monotonic()
        killed = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                killed = True
        self.log.close()
        return time.monotonic() - t0, killed


def server_config(path, root, log_level, extra_server="", extra_vdir=""):
    text = (
        "[server]\n"
        'listen = ["127.0.0.1:0"]\n'
        f'log_level = "{log_level}"\n'
        f"{extra_server}"
        "[[vdir]]\n"
        'url = "/"\n'
        f"root = {json.dumps(root)}\n"
        f"{extra_vdir}")
    with open(path, "w") as f:
        f.write(text)
    return path


def metrics(proc):
    """The unlabelled-or-one-vdir samples of /metrics on the admin listener of `proc`
    (the last port of its port file), name -> value; {} when it cannot be read."""
    try:
        with open(proc.port_file) as f:
            port = int(f.read().split()[-1])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            text = r.read().decode()
    except (OSError, ValueError):
        return {}
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out.setdefault(name.split("{")[0], float(value))
    return out


def run_loadgen(binary, args, out_path, timeout):
    """Runs the loadgen to its end; its JSON report. Exit 3 (errors counted) is a valid
    report; anything else without a report is a BenchError."""
    argv = [binary] + [str(a) for a in args] + ["--out", out_path]
    try:
        done = subprocess.run(argv, timeout=timeout, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"loadgen timed out after {timeout}s: {' '.join(argv)}") from e
    if done.returncode not in (0, 3) or not os.path.exists(out_path):
        raise BenchError(f"loadgen failed ({done.returncode}): {done.stdout.decode()[-2000:]}")
    with open(out_path) as f:
        return json.load(f)


def ratio(value, base):
    return None if value is None or not base else value / base


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:,.0f}"
    return str(v)


def print_table(rows):
    head = ["scenario", "metric", "value", "unit", "baseline", "ratio", "target", "met"]
    cells = [[r["scenario"], r["metric"], fmt(r["value"]), r.get("unit", ""),
              fmt(r.get("baseline")), fmt(r.get("ratio")), r.get("target") or "-",
              fmt(r.get("met"))] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths))
    print(line)
    print("-" * len(line))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)))


def run_scan(sink_binary, spool):
    """The recovery baseline: openbits_sink --scan; its {"entries", "seconds"}."""
    done = subprocess.run([sink_binary, "--scan", spool], stdout=subprocess.PIPE, timeout=300)
    if done.returncode != 0:
        raise BenchError(f"scan of {spool} failed")
    return json.loads(done.stdout)


def write_random_file(path, size):
    with open(path, "wb") as f:
        chunk = os.urandom(MIB)
        for _ in range(size // MIB):
            f.write(chunk)
            chunk = chunk[1:] + chunk[:1]  # not one block repeated: nothing to dedupe


def missed_lines(rows):
    out = []
    for r in rows:
        if r.get("met") is False:
            rat = f" ({r['ratio']:.2f} x baseline)" if r.get("ratio") is not None else ""
            out.append(f"MISSED scenario {r['scenario']}: {r['metric']} = {fmt(r['value'])} "
                       f"{r.get('unit', '')}{rat}; target {r['target']}")
    return out


def finish(bench, elapsed):
    """Prints the table and the closing note, writes the JSON; the exit code."""
    rows = sorted(bench.rows, key=lambda r: r["scenario"])
    print()
    print_table(rows)
    missed = missed_lines(rows)
    print()
    for line in missed or ["All targets met."]:
        print(line)
    for note in bench.notes:
        print(f"note: {note}")
    print(f"total time {elapsed:.0f} s; JSON report: {bench.out}")
    report = {"quick": bench.quick, "elapsed_s": elapsed, "machine": getattr(bench, "facts", {}),
              "sizes": bench.p, "server_log_level": bench.log_level, "rows": rows,
              "missed": missed, "notes": bench.notes, "runs": bench.runs}
    os.makedirs(os.path.dirname(os.path.abspath(bench.out)), exist_ok=True)
    with open(bench.out, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    return 1 if any(n.startswith("aborted") for n in bench.notes) else 0


SYSCALL_KIND = {74: "sync", 75: "sync", 277: "sync", 306: "sync",  # fsync fdatasync ...
                202: "wait", 232: "wait", 281: "wait", 7: "wait", 23: "wait", 270: "wait"}


class ThreadSampler:
    """Samples every 5 ms what each thread of `pid` is doing, from /proc/<pid>/task/*/
    {stat,syscall}: on a CPU or runnable ("cpu"), blocked in a disk sync ("sync"),
    waiting for work or a lock ("wait", futex/epoll), or in another system call ("io")."""

    def __init__(self, pid):
        self.pid, self.counts, self.stop_flag = pid, {}, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _sample(self, tid):
        base = f"/proc/{self.pid}/task/{tid}"
        with open(base + "/syscall") as f:
            first = f.read().split()[0]
        if first == "running":
            return "cpu"
        return SYSCALL_KIND.get(int(first), "io") if first.lstrip("-").isdigit() else "io"

    def _run(self):
        while not self.stop_flag:
            try:
                for tid in os.listdir(f"/proc/{self.pid}/task"):
                    try:
                        kind = self._sample(tid)
                    except (OSError, IndexError):
                        continue
                    per = self.counts.setdefault(tid, {})
                    per[kind] = per.get(kind, 0) + 1
            except OSError:
                return
            time.sleep(0.005)

    def stop(self):
        """Per thread {"cpu": share, "sync": share, ...}, threads that were not idle only."""
        self.stop_flag = True
        self.thread.join()
        out = {}
        for tid, per in self.counts.items():
            total = sum(per.values())
            if total and per.get("wait", 0) / total < 0.95:
                out[tid] = {k: v / total for k, v in sorted(per.items())}
        return out


def schedstat(pid):
    """{tid: (ns on a CPU, ns runnable but waiting for one)} from /proc/<pid>/task/*/schedstat."""
    out = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    on_cpu, waiting = (int(v) for v in f.read().split()[:2])
                out[tid] = (on_cpu, waiting)
            except (OSError, ValueError):
                continue
    except OSError:
        pass
    return out


def runqueue_share(before, after):
    """Of the time the threads wanted a CPU (ran or waited to run), the share spent waiting:
    high when other processes keep the server from running."""
    ran = waited = 0
    for tid, (cpu1, wait1) in after.items():
        cpu0, wait0 = before.get(tid, (0, 0))
        ran, waited = ran + cpu1 - cpu0, waited + wait1 - wait0
    return waited / (ran + waited) if ran + waited else None
