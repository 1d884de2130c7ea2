"""Scenario 9, the farm: three openbitsd nodes on one S3 bucket behind haproxy (the
README's sticky configuration), on a Ceph RADOS Gateway the scenario starts itself with
scripts/ceph-rgw.sh (memstore: the data lives in RAM) and stops at the end. Measures the
aggregate throughput of 1 GiB of large uploads and the rate of 4 KiB uploads, each
against the same work PUT straight to the gateway by openbits_s3put with the same number
of clients (the baseline: S3 itself, no BITS, no node, no balancer)."""

import json
import os
import shutil
import socket
import subprocess
import time
import types

import bench_lib as lib
from bench_lib import GIB, MIB

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODES = 3

# Large uploads: files of this size, one per client, 1 GiB in all (quick: 128 MiB).
FULL = {"large_total": GIB, "large_clients": 8, "small_clients": 64, "small_secs": 15}
QUICK = {"large_total": 128 * MIB, "large_clients": 8, "small_clients": 64, "small_secs": 5}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Farm:
    """The gateway, the nodes and haproxy; stop() ends whatever was started."""

    def __init__(self, b, p):
        self.b, self.p = b, p
        self.dir = lib.fresh_dir(os.path.join(b.work, "farm"))
        self.rgw_dir = os.path.join(self.dir, "rgw")
        self.nodes, self.proxy, self.rgw = [], None, None

    def start_rgw(self):
        # Room for both runs of 1 GiB and the small objects (deleted objects are freed
        # only by the gateway's garbage collection, hours later).
        env = dict(os.environ, CEPH_RGW_MEMSTORE_BYTES=str(2 * self.p["large_total"] + GIB))
        done = subprocess.run([os.path.join(REPO, "scripts", "ceph-rgw.sh"), "start", self.rgw_dir],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=300, stdin=subprocess.DEVNULL)
        self.rgw = self.rgw_dir
        if done.returncode != 0:
            raise lib.BenchError("ceph-rgw.sh start failed: " + done.stdout.decode()[-1500:])
        with open(os.path.join(self.rgw_dir, "env")) as f:
            self.env = dict(line.strip().split("=", 1) for line in f if "=" in line)
        self.credentials = os.path.join(self.dir, "credentials")
        with open(self.credentials, "w") as f:
            f.write(f"[default]\naws_access_key_id = {self.env['S3_ACCESS_KEY']}\n"
                    f"aws_secret_access_key = {self.env['S3_SECRET_KEY']}\n")

    def s3put(self, label, bucket, args, timeout):
        """openbits_s3put against the gateway; its report (kept with the suite's runs)."""
        out = os.path.join(self.b.work, label + ".json")
        argv = [os.path.join(self.b.build, "openbits_s3put"), "--endpoint", self.env["S3_ENDPOINT"],
                "--bucket", bucket, "--region", self.env["S3_REGION"],
                "--access-key", self.env["S3_ACCESS_KEY"],
                "--secret-key", self.env["S3_SECRET_KEY"], "--label", label, "--out", out]
        done = subprocess.run(argv + [str(a) for a in args], timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL)
        if done.returncode not in (0, 3) or not os.path.exists(out):
            raise lib.BenchError(f"openbits_s3put failed ({done.returncode}): "
                                 f"{done.stdout.decode()[-1500:]}")
        with open(out) as f:
            report = json.load(f)
        if report["errors"]:
            self.b.notes.append(f"{label}: {report['errors']} errors, "
                                f"e.g. {report['error_samples'][:3]}")
        self.b.runs[label] = report
        print(f"  [{time.monotonic() - self.b.t0:4.0f}s] {label}: {report['elapsed_s']:.1f}s, "
              f"{report['up_mib_s']:.1f} MiB/s up, {report['uploads_per_s']:.1f} uploads/s, "
              f"{report['errors']} errors", flush=True)
        return report

    def make_bucket(self, bucket):
        self.s3put(f"{bucket}-create", bucket,
                   ["--create-bucket", "--files", 1, "--size", 1, "--prefix", "warm-up/"], 60)

    def start_nodes(self, bucket):
        limits = ("max_connections = 30000\nmax_connections_per_address = 30000\n",
                  "max_sessions = 30000\nmax_sessions_per_user = 30000\n")
        vdir = (f'storage = "s3"\ns3_endpoint = "{self.env["S3_ENDPOINT"]}"\n'
                f's3_bucket = "{bucket}"\ns3_region = "{self.env["S3_REGION"]}"\n'
                f's3_credentials_file = "{self.credentials}"\n')
        for i in range(NODES):
            name = f"{bucket}-n{i + 1}"
            root = lib.fresh_dir(os.path.join(self.dir, name))
            cfg = lib.server_config(os.path.join(self.b.work, name + ".toml"), root,
                                    self.b.log_level, limits[0], limits[1] + vdir)
            self.nodes.append(lib.Process([self.b.bin["openbitsd"], "--config", cfg],
                                          self.b.work, name))
        port = free_port()
        cfg = os.path.join(self.dir, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write("global\n  maxconn 4096\n"
                    "defaults\n  mode http\n  timeout connect 5s\n  timeout client 300s\n"
                    "  timeout server 300s\n  retries 3\n  option redispatch 1\n"
                    f"frontend bits\n  bind 127.0.0.1:{port}\n  default_backend openbits\n"
                    "backend openbits\n  balance roundrobin\n"
                    "  stick-table type string len 40 size 1m expire 1h\n"
                    "  stick on req.hdr(BITS-Session-Id)\n"
                    "  stick store-response res.hdr(BITS-Session-Id)\n")
            for i, n in enumerate(self.nodes):
                f.write(f"  server n{i + 1} 127.0.0.1:{n.port}\n")
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.proxy_log = open(os.path.join(self.b.work, f"{bucket}-haproxy.log"), "ab")
        self.proxy = subprocess.Popen([haproxy, "-db", "-f", cfg], stdout=self.proxy_log,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                if self.proxy.poll() is not None:
                    break
                time.sleep(0.05)
        raise lib.BenchError("haproxy did not start (is it installed?)")

    def stop_nodes(self):
        if self.proxy:
            self.proxy.terminate()
            self.proxy.wait(30)
            self.proxy_log.close()
            self.proxy = None
        for n in self.nodes:
            n.stop(timeout=60)
        self.nodes = []

    def stop(self):
        self.stop_nodes()
        if self.rgw:
            subprocess.run([os.path.join(REPO, "scripts", "ceph-rgw.sh"), "stop", self.rgw],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
            self.rgw = None


def through_farm(b, farm, label, bucket, args, timeout):
    """One loadgen run through haproxy in front of fresh nodes on `bucket`."""
    farm.make_bucket(bucket)
    port = farm.start_nodes(bucket)
    # The loadgen samples one process: the first node (a third of the farm's work).
    target = types.SimpleNamespace(port=port, pid=farm.nodes[0].pid)
    try:
        return b.load(label, target, args, timeout)
    finally:
        farm.stop_nodes()


def scenario9(b):
    p = QUICK if b.quick else FULL
    farm = Farm(b, p)
    try:
        farm.start_rgw()
        clients = p["large_clients"]
        size = p["large_total"] // clients
        base = farm.s3put("s9-large-baseline", "s9-base-large",
                          ["--create-bucket", "--clients", clients, "--size", size, "--files", 1],
                          900)
        r = through_farm(b, farm, "s9-large-farm", "s9-farm-large",
                         ["--clients", clients, "--threads", 2, "--size", size,
                          "--fragment", MIB, "--files", 1], 900)
        b.row("9", f"{p['large_total'] // MIB} MiB as {clients} uploads of {size // MIB} MiB at "
              f"once, 1 MiB fragments, 3 nodes", r["up_mib_s"], "MiB/s", base["up_mib_s"],
              "report")
        n, secs = p["small_clients"], p["small_secs"]
        base2 = farm.s3put("s9-small-baseline", "s9-base-small",
                           ["--create-bucket", "--clients", n, "--size", 4096,
                            "--duration", secs], secs + 300)
        r2 = through_farm(b, farm, "s9-small-farm", "s9-farm-small",
                          ["--clients", n, "--threads", 2, "--size", 4096, "--fragment", 4096,
                           "--duration", secs], secs + 300)
        b.row("9", f"4 KiB uploads, {n} clients, 3 nodes", r2["uploads_per_s"], "sessions/s",
              base2["uploads_per_s"], "report")
        b.row("9", "4 KiB session latency p50/p99/p999", lat3(r2, "upload"), "ms",
              show_ratio=False)
        errors = r["errors"] + r2["errors"]
        b.row("9", "errors", errors, "", None, "0", errors == 0, show_ratio=False)
    finally:
        farm.stop()


def lat3(report, kind):
    lat = report["latency"].get(kind)
    return None if not lat else f"{lat['p50_ms']:.2f} / {lat['p99_ms']:.2f} / {lat['p999_ms']:.2f}"
