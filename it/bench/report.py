#!/usr/bin/env python3
"""Turns one bin/lintas-bench result directory into the Markdown report and the PNG charts.

    python3 it/bench/report.py it/bench/results/<time> [--report docs/benchmarks.md|-] [--charts docs/bench]

Reads meta.txt, sysbench.tsv (+ runs/*.txt, sysbench's own output), connect.tsv and memory.txt, all written
by bin/lintas-bench. Standard library only; the charts are drawn by gnuplot (Debian's gnuplot-nox).
Medians are over rounds; every ratio is taken inside one round (same minute, same machine load), then the
median of those ratios is reported.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

TARGETS = ["direct", "haproxy", "lintas", "shardingsphere"]
# Connect-per-request with TLS to the database: the client's own TLS to node3 (directly or through HAProxy's
# TCP pass-through) against Lintas, reached in plain on loopback, with pooled TLS connections to the nodes.
TLS_TARGETS = ["direct+tls", "haproxy+tls", "lintas+tls"]
NAMES = {"direct": "direct (node3)", "haproxy": "HAProxy (TCP)", "lintas": "Lintas",
         "shardingsphere": "ShardingSphere-Proxy", "direct+tls": "direct (node3), client TLS",
         "haproxy+tls": "HAProxy (TCP), client TLS through it", "lintas+tls": "Lintas, TLS to the nodes (use_ssl)"}
ALL_ORDER = TARGETS + TLS_TARGETS
PROXIES = ["haproxy", "lintas", "shardingsphere"]
COLORS = {"direct": "#8c8c8c", "haproxy": "#e69f00", "lintas": "#0072b2", "shardingsphere": "#d55e00"}


def read_kv(path):
    kv = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    kv[k.strip()] = v.strip()
    return kv


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def parse_sysbench(text):
    def num(pattern):
        m = re.search(pattern, text, re.M)
        return float(m.group(1)) if m else None
    return {
        "queries": num(r"^\s+queries:\s+(\d+)"),
        "qps": num(r"^\s+queries:\s+\d+\s+\(([\d.]+) per sec"),
        "tps": num(r"^\s+transactions:\s+\d+\s+\(([\d.]+) per sec"),
        "p95": num(r"^\s+95th percentile:\s+([\d.]+)"),
        "errors": num(r"^\s+ignored errors:\s+(\d+)"),
        "fatal": next((l.strip() for l in text.splitlines() if "FATAL" in l), None),
    }


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0, suffix=""):
    if v is None:
        return "—"
    return f"{v:,.{digits}f}{suffix}"


def ratio(v, digits=2):
    return "—" if v is None else f"{v:.{digits}f}×"


def load(out):
    meta = read_kv(os.path.join(out, "meta.txt"))
    clk = float(meta.get("clk_tck", "100"))
    runs = []
    for row in read_tsv(os.path.join(out, "sysbench.tsv")):
        with open(os.path.join(out, row["file"]), encoding="utf-8", errors="replace") as f:
            r = parse_sysbench(f.read())
        r.update(round=int(row["round"]), workload=row["workload"], threads=int(row["threads"]),
                 target=row["target"], rc=int(row["rc"]), cpu_ticks=int(row["cpu_ticks"]))
        failed = r["rc"] != 0 or r["qps"] is None
        r["failed"] = failed
        if failed:
            r["qps"] = r["tps"] = r["p95"] = None
        r["cpu_us"] = (r["cpu_ticks"] / clk * 1e6 / r["queries"]
                       if r["target"] != "direct" and r["queries"] and not failed else None)
        runs.append(r)
    connects = []
    for row in read_tsv(os.path.join(out, "connect.tsv")):
        kv = dict(re.findall(r"(\w+)=(\S+)", row["result"].split("first_error=")[0]))
        err = row["result"].split("first_error=")[1].strip() if "first_error=" in row["result"] else None
        n = float(kv.get("connects", 0) or 0)
        connects.append({
            "round": int(row["round"]), "target": row["target"],
            "cps": float(kv["conn_per_s"]) if "conn_per_s" in kv else None,
            "p50": float(kv["p50_ms"]) if "p50_ms" in kv else None,
            "p95": float(kv["p95_ms"]) if "p95_ms" in kv else None,
            "errors": int(kv.get("errors", 0) or 0), "first_error": err,
            "cpu_us": (int(row["cpu_ticks"]) / clk * 1e6 / n) if n and not row["target"].startswith("direct") else None,
        })
    memory = read_kv(os.path.join(out, "memory.txt"))
    return meta, runs, connects, memory


def cases_of(runs):
    seen = []
    for r in runs:
        c = (r["workload"], r["threads"])
        if c not in seen:
            seen.append(c)
    return seen


def summarize(runs):
    """(workload, threads) -> target -> medians and in-round ratios."""
    out = {}
    rounds = sorted({r["round"] for r in runs})
    for case in cases_of(runs):
        by_target = {}
        for t in TARGETS:
            rs = [r for r in runs if (r["workload"], r["threads"]) == case and r["target"] == t]
            if not rs:
                continue

            def in_round(other, key):
                vals = []
                for rnd in rounds:
                    a = next((r for r in rs if r["round"] == rnd), None)
                    b = next((r for r in runs if (r["workload"], r["threads"]) == case and r["target"] == other
                              and r["round"] == rnd), None)
                    if a and b and a[key] and b[key]:
                        vals.append(a[key] / b[key])
                return median(vals)
            by_target[t] = {
                "tps": median([r["tps"] for r in rs]), "qps": median([r["qps"] for r in rs]),
                "p95": median([r["p95"] for r in rs]), "cpu_us": median([r["cpu_us"] for r in rs]),
                "errors": int(sum(r["errors"] or 0 for r in rs)), "failed": sum(r["failed"] for r in rs),
                "fatal": next((r["fatal"] for r in rs if r["fatal"]), None), "n": len(rs),
                "vs_direct": in_round("direct", "qps"), "vs_haproxy": in_round("haproxy", "qps"),
                "vs_ss": in_round("shardingsphere", "qps"),
                "cpu_vs_haproxy": in_round("haproxy", "cpu_us"),
            }
        out[case] = by_target
    return out


def summarize_connect(connects, targets=TARGETS, direct="direct", haproxy="haproxy"):
    out = {}
    rounds = sorted({c["round"] for c in connects})
    for t in targets:
        cs = [c for c in connects if c["target"] == t]
        if not cs:
            continue

        def in_round(other):
            vals = []
            for rnd in rounds:
                a = next((c for c in cs if c["round"] == rnd), None)
                b = next((c for c in connects if c["target"] == other and c["round"] == rnd), None)
                if a and b and a["cps"] and b["cps"]:
                    vals.append(a["cps"] / b["cps"])
            return median(vals)
        out[t] = {"cps": median([c["cps"] for c in cs]), "p50": median([c["p50"] for c in cs]),
                  "p95": median([c["p95"] for c in cs]), "errors": sum(c["errors"] for c in cs),
                  "cpu_us": median([c["cpu_us"] for c in cs]), "vs_direct": in_round(direct),
                  "vs_haproxy": in_round(haproxy),
                  "first_error": next((c["first_error"] for c in cs if c["first_error"]), None)}
    return out


# ------------------------------------------------------------------------------------------------- charts
def charts(summary, csum, chart_dir, work_dir):
    os.makedirs(chart_dir, exist_ok=True)
    made = []
    cases = list(summary)

    def histogram(name, title, ylabel, targets, value, labels, log=False):
        cols = [t for t in targets if any(t in summary[c] for c in cases)]
        if not cols:
            return
        dat = os.path.join(work_dir, name + ".dat")
        with open(dat, "w", encoding="utf-8") as f:
            f.write("case " + " ".join(f'"{NAMES[t]}"' for t in cols) + "\n")
            for c, label in zip(cases, labels):
                vals = []
                for t in cols:
                    v = value(summary[c].get(t)) if summary[c].get(t) else None
                    vals.append("NaN" if v is None else f"{v:.3f}")
                f.write(f'"{label}" ' + " ".join(vals) + "\n")
        plot(name, title, ylabel, dat, cols, log)

    def plot(name, title, ylabel, dat, cols, log=False):
        series = ", ".join(f'"{dat}" using {i + 2}:xtic(1) title columnheader({i + 2}) lc rgb "{COLORS[t]}"'
                           for i, t in enumerate(cols))
        png = os.path.join(chart_dir, name + ".png")
        script = f"""
set terminal pngcairo noenhanced size 1000,520 font "DejaVu Sans,10"
set output "{png}"
set title "{title}"
set ylabel "{ylabel}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right
set grid ytics
{"set logscale y" if log else "set yrange [0:*]"}
set xtics nomirror
plot {series}
"""
        gp = os.path.join(work_dir, name + ".gp")
        with open(gp, "w", encoding="utf-8") as f:
            f.write(script)
        try:
            subprocess.run(["gnuplot", gp], check=True, capture_output=True, text=True)
            made.append(png)
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"report: gnuplot failed for {name}: {getattr(e, 'stderr', e)}", file=sys.stderr)

    labels = [f"{w.replace('oltp_', '')} {t}thr" for w, t in cases]
    histogram("throughput", "sysbench throughput by target (median over rounds)", "queries per second",
              TARGETS, lambda s: s["qps"], labels)
    histogram("cpu_per_query", "proxy process CPU time per query (utime+stime from /proc, median)",
              "microseconds per query (log scale)", PROXIES, lambda s: s["cpu_us"], labels, log=True)
    if csum:
        dat = os.path.join(work_dir, "connect.dat")
        cols = [t for t in TARGETS if t in csum]
        with open(dat, "w", encoding="utf-8") as f:
            f.write("case " + " ".join(f'"{NAMES[t]}"' for t in cols) + "\n")
            f.write('"connect, 3 queries, quit" ' + " ".join(
                "NaN" if csum[t]["cps"] is None else f"{csum[t]['cps']:.1f}" for t in cols) + "\n")
        plot("connect_per_request", "connect-per-request, 32 concurrent clients (median over rounds)",
             "connections per second", dat, cols)
    return made


# ------------------------------------------------------------------------------------------------- report
def connect_table(w, csum, targets, direct, haproxy):
    w("| target | connections/s | cycle p50 ms | cycle p95 ms | errors | proxy CPU µs/connection "
      "| × direct | × HAProxy |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in targets:
        s = csum.get(t)
        if not s:
            continue
        w(f"| {NAMES[t]} | {fmt(s['cps'])} | {fmt(s['p50'], 2)} | {fmt(s['p95'], 2)} | {s['errors']} | "
          f"{fmt(s['cpu_us'], 0)} | {ratio(s['vs_direct']) if t != direct else '1×'} | "
          f"{ratio(s['vs_haproxy']) if t != haproxy else '1×'} |")
    for t in targets:
        s = csum.get(t)
        if s and s["first_error"]:
            w(f"\n{NAMES[t]}, first error: `{s['first_error']}`")


def report(meta, runs, connects, memory, summary, csum, chart_links, csum_tls=None):
    L = []
    w = L.append
    w("# Benchmarks: Lintas beside direct MariaDB, HAProxy and ShardingSphere-Proxy")
    w("")
    w("*Generated by `bin/lintas-bench` (issue 8); do not edit by hand, re-run the command instead.*")
    w("")
    if meta.get("label"):
        w(f"> **{meta['label']}**")
        w("")
    w(f"- **Date:** {meta.get('date')}")
    w(f"- **Command:** `{meta.get('command')}`")
    w(f"- **Machine:** {meta.get('nproc')} CPUs ({meta.get('cpu')}), {meta.get('mem')} RAM, Linux "
      f"{meta.get('kernel')}; the database nodes, the proxies and the sysbench client share it "
      f"(load average {meta.get('load')}).")
    w(f"- **Versions:** MariaDB {meta.get('mariadb')} with Galera {meta.get('galera')} (3-node sandbox, "
      f"`bin/lintas-sandbox`); {meta.get('sysbench')}; {meta.get('haproxy')}; {meta.get('shardingsphere')}; "
      f"Java {meta.get('java')}; Lintas at commit {meta.get('lintas')}"
      + (f" with `{meta['lintas_java_opts']}`" if meta.get("lintas_java_opts") else " (default JVM options)") + ".")
    warm = read_tsv(os.path.join(OUT_DIR, "warmup.tsv"))
    chunks = {}
    for row in warm:
        chunks.setdefault(row["target"], []).append(row["cpu_us"])
    warm_text = "; ".join(f"{NAMES[t]} {len(v)} chunk(s), last at {v[-1]} µs/query" for t, v in chunks.items()
                          if t in NAMES and t != "direct")
    w(f"- **Set-up:** {meta.get('rounds')} interleaved round(s) of {meta.get('duration')} s per run; "
      f"{meta.get('tables')} tables × {meta.get('table_size')} rows prepared once through node3; the order of "
      "the targets rotates from round to round. Before round 1 each target is warmed up (not recorded): "
      f"`oltp_point_select` at 8 threads in chunks of {meta.get('warmup')} s, for at least "
      f"{meta.get('warmup_min')} s per proxy and until the proxy's CPU per query stops improving (two chunks "
      f"in a row within 10% of the best chunk so far; at most {meta.get('warmup_chunks')} chunks), then one chunk of "
      "`oltp_read_only`" + (f" ({warm_text})." if warm_text else "."))
    w("")
    w("## Targets")
    w("")
    w("| target | path |")
    w("|---|---|")
    w("| direct (node3) | sysbench straight to the writer node, 127.0.0.1:3313: the physical limit, no proxy |")
    w("| HAProxy (TCP) | `mode tcp` pass-through to node3 (generated `haproxy.cfg`): the cost of a layer-4 hop |")
    w("| Lintas | `java -jar proxy/target/lintas.jar` with a generated config (writer order node3, node2, node1) |")
    w("| ShardingSphere-Proxy | assembled from its Maven Central jars; `READWRITE_SPLITTING` rule: writes node3, "
      "reads round-robin node1/node2 |")
    w("")
    w("*Proxy CPU per query* is the proxy process's utime+stime delta (`/proc/<pid>/stat`, all threads, JIT and "
      "GC included) during the run, divided by the queries sysbench completed: the figure least disturbed by a "
      "noisy shared machine. Ratios (× direct, × HAProxy, × ShardingSphere) are computed inside each round and "
      "the median is shown; each cell is the median over rounds. Errors are sysbench's ignored errors "
      "(e.g. Galera certification conflicts) summed over rounds; a failed run is listed below the table.")
    w("")
    for link in chart_links:
        w(f"![{os.path.splitext(os.path.basename(link))[0]}]({link})")
    w("")

    w("## sysbench")
    w("")
    for (wl, th), by in summary.items():
        w(f"### {wl}, {th} threads")
        w("")
        w("| target | tps | qps | p95 ms | errors | proxy CPU µs/query | qps × direct | qps × HAProxy "
          "| qps × ShardingSphere | CPU × HAProxy |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for t in TARGETS:
            s = by.get(t)
            if not s:
                continue
            w(f"| {NAMES[t]} | {fmt(s['tps'])} | {fmt(s['qps'])} | {fmt(s['p95'], 2)} | {s['errors']}"
              f"{' + ' + str(s['failed']) + ' failed run(s)' if s['failed'] else ''} | {fmt(s['cpu_us'], 1)} | "
              f"{ratio(s['vs_direct']) if t != 'direct' else '1×'} | "
              f"{ratio(s['vs_haproxy']) if t != 'haproxy' else ('1×' if 'haproxy' in by else '—')} | "
              f"{ratio(s['vs_ss']) if t != 'shardingsphere' else '1×'} | "
              f"{ratio(s['cpu_vs_haproxy']) if t not in ('haproxy', 'direct') else '—'} |")
        for t in TARGETS:
            s = by.get(t)
            if s and s["failed"]:
                w(f"\n{NAMES[t]}: {s['failed']} of {s['n']} run(s) failed: `{s['fatal'] or 'sysbench exited non-zero'}`")
        w("")

    if csum:
        w("## Connect-per-request")
        w("")
        w(f"The PHP pattern: {meta.get('connect_workers')} concurrent clients, each looping connect + "
          "`mysql_native_password` login, 3 short queries (`SELECT 1`, a primary-key `SELECT` on sbtest1, "
          f"`SELECT @@version`), `COM_QUIT`, close, for {meta.get('connect_seconds')} s per round "
          "(`ConnectPerRequest`, a raw-socket Java client).")
        w("")
        connect_table(w, csum, TARGETS, "direct", "haproxy")
        if csum_tls:
            w("")
            w("### With TLS to the database")
            w("")
            w("The same clients where the database requires TLS, as it does across a network: directly (and "
              "through HAProxy's TCP pass-through) every request pays a TLS handshake with node3 (the JDK's "
              "client, session resumption allowed); through Lintas, reached in plain on loopback as a sidecar "
              "is, the nodes are `use_ssl` and the pooled TLS connections outlive the requests.")
            w("")
            connect_table(w, csum_tls, TLS_TARGETS, "direct+tls", "haproxy+tls")
        w("")

    if memory:
        mb = lambda k: fmt(int(memory[k]) / 1024, 0, " MB") if memory.get(k, "").isdigit() else "—"
        w("## Memory of Lintas")
        w("")
        w("Resident size (VmRSS of the Lintas process) with many client connections, measured by "
          "`ConnectionMemory` (raw-socket logins). Behind this Lintas is a private, non-Galera `mariadbd` "
          "(thread pool, `max_connections` above the test's count) started for the test, so that the shared "
          "sandbox (300 connections per node) is never exhausted; the client side is identical. "
          f"Open-files limit of the processes: {memory.get('open_files_limit')}."
          + (f" Lintas JVM options: `{memory['lintas_java_opts']}`." if memory.get("lintas_java_opts")
             else " Lintas ran with default JVM options."))
        w("")
        w("| state | connections logged in | failed | VmRSS |")
        w("|---|---:|---:|---:|")
        w(f"| at rest (before) | 0 | — | {mb('rest_rss_kb')} |")
        w(f"| idle | {memory.get('idle_open', '—')} of {memory.get('idle_requested', '—')} "
          f"(sample still answering: {memory.get('idle_probe_ok', '—')}) | {memory.get('idle_failed', '—')} | "
          f"{mb('idle_rss_kb')} |")
        w(f"| after closing the idle ones | 0 | — | {mb('after_idle_rss_kb')} |")
        w(f"| busy (`SELECT 1` loops, {memory.get('busy_qps', '—')} qps) | {memory.get('busy_open', '—')} of "
          f"{memory.get('busy_requested', '—')} | {memory.get('busy_failed', '—')} | {mb('busy_rss_kb')} "
          f"(max {mb('busy_max_rss_kb')}) |")
        limit = int(memory.get("open_files_limit", "0") or 0)
        if memory.get("idle_failed", "0") not in ("0", "") and limit and limit < 2 * int(memory.get("idle_requested", "0")) + 200:
            w(f"\nThe open-files limit ({limit:,}; the hard limit cannot be raised here) is below two sockets per "
              "idle client: a proxy that holds one backend connection per client session runs out of file "
              "descriptors first, so the last logins fail.")
        for k in ("idle_first_error", "busy_first_error"):
            if memory.get(k):
                w(f"\nFirst error ({k.split('_')[0]}): `{memory[k]}`")
        w("")

    # The numbers issue 8 asks for, checked against this run.
    w("## Issue 8 targets in this run")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    checks = []
    for th in sorted({th for (wl, th) in summary if wl == "oltp_point_select"}):
        by = summary.get(("oltp_point_select", th), {})
        li = by.get("lintas")
        if not li:
            continue
        if "haproxy" in by:
            c = li["cpu_vs_haproxy"]
            checks.append((f"point_select {th} thr: Lintas CPU/query ≤ HAProxy's",
                           f"{fmt(li['cpu_us'], 1)} vs {fmt(by['haproxy']['cpu_us'], 1)} µs ({ratio(c)})",
                           c is not None and c <= 1.0))
            v = li["vs_haproxy"]
            checks.append((f"point_select {th} thr: Lintas throughput ≥ 0.9× HAProxy", ratio(v),
                           v is not None and v >= 0.9))
        if "shardingsphere" in by:
            v = li["vs_ss"]
            checks.append((f"point_select {th} thr: Lintas throughput ≥ 2.5× ShardingSphere", ratio(v),
                           v is not None and v >= 2.5))
    if csum.get("lintas") and csum.get("direct"):
        v = csum["lintas"]["vs_direct"]
        checks.append(("connect-per-request: Lintas ≥ 2× direct", ratio(v), v is not None and v >= 2.0))
    if csum_tls and csum_tls.get("lintas+tls") and csum_tls.get("direct+tls"):
        v = csum_tls["lintas+tls"]["vs_direct"]
        checks.append(("connect-per-request, TLS to the database: Lintas ≥ 2× direct", ratio(v),
                       v is not None and v >= 2.0))
    if memory.get("idle_rss_kb", "").isdigit():
        rss = int(memory["idle_rss_kb"]) / 1024
        opened = int(memory.get("idle_open", "0"))
        measured = f"{rss:,.0f} MB with {opened:,} of {int(memory.get('idle_requested', '0')):,} open"
        if int(memory.get("idle_requested", "0")) < 10000:
            verdict = "not measured (fewer connections asked)"
        elif opened >= 10000:
            verdict = "yes" if rss < 300 else "**no**"
        else:
            verdict = f"**no**: only {opened:,} logged in" + (" (under 300 MB with those)" if rss < 300 else "")
        checks.append(("10,000 idle connections < 300 MB resident", measured, verdict))
    for name, measured, ok in checks:
        w(f"| {name} | {measured} | {ok if isinstance(ok, str) else 'yes' if ok else '**no**'} |")
    w("")

    w("## Every run")
    w("")
    w("<details><summary>per-round figures</summary>")
    w("")
    w("| round | workload | threads | target | tps | qps | p95 ms | errors | proxy CPU µs/query |")
    w("|---:|---|---:|---|---:|---:|---:|---:|---:|")
    for r in sorted(runs, key=lambda r: (r["workload"], r["threads"], r["round"], TARGETS.index(r["target"]))):
        w(f"| {r['round']} | {r['workload']} | {r['threads']} | {NAMES[r['target']]} | {fmt(r['tps'])} | "
          f"{fmt(r['qps'])} | {fmt(r['p95'], 2)} | {fmt(r['errors'])}{' (failed)' if r['failed'] else ''} | "
          f"{fmt(r['cpu_us'], 1)} |")
    for c in sorted(connects, key=lambda c: (c["round"], ALL_ORDER.index(c["target"]))):
        w(f"| {c['round']} | connect-per-request | {meta.get('connect_workers')} | {NAMES[c['target']]} | — | "
          f"{fmt(c['cps'])} conn/s | {fmt(c['p95'], 2)} | {c['errors']} | {fmt(c['cpu_us'], 0)} per conn |")
    w("")
    w("</details>")
    w("")
    # Hand-written profiling notes (where the time goes), kept beside the harness and carried into every report.
    analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(analysis):
        with open(analysis, encoding="utf-8") as f:
            w(f.read().rstrip())
        w("")
    w("## Reproducing")
    w("")
    w("```sh")
    w("bin/lintas-bench                      # full run: 3 rounds x 6 s, warm-up, connect and memory tests (about 15 min)")
    w("bin/lintas-bench --duration 5 --rounds 1 --idle 1000 --busy 100 --report -   # smoke run, report in it/bench/results/ only")
    w("bin/lintas-bench --help               # every option (targets, workloads, threads, durations)")
    w("```")
    w("")
    w("CI runs the harness only as a smoke test (`BenchSmokeIT`, about 20 s: direct and Lintas, point selects, "
      "connect-per-request, report and charts in a temporary directory); it checks that every part measured "
      "something and asserts no speed.")
    w("")
    w("The harness: `bin/lintas-bench` (bash driver), `it/bench/report.py` (this report and the gnuplot charts), "
      "`it/bench/haproxy.cfg.in`, `it/bench/shardingsphere/` (the Maven assembly of ShardingSphere-Proxy and its "
      "config), and the Java clients in `it/src/test/java/io/lintas/it/bench/` (`ConnectPerRequest`, "
      "`ConnectionMemory`, `MiniMysql`). Raw sysbench output, configs and logs of every run stay in "
      "`it/bench/results/<time>/`.")
    w("")
    return "\n".join(L)


OUT_DIR = "."


def main():
    global OUT_DIR
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--report", default="-")
    ap.add_argument("--charts", default=None)
    a = ap.parse_args()
    OUT_DIR = a.out
    meta, runs, connects, memory = load(a.out)
    summary = summarize(runs)
    csum = summarize_connect(connects)
    csum_tls = summarize_connect(connects, TLS_TARGETS, "direct+tls", "haproxy+tls")
    to_docs = a.report and a.report != "-"
    report_path = os.path.abspath(a.report) if to_docs else os.path.join(a.out, "report.md")
    chart_dir = os.path.abspath(a.charts) if (to_docs and a.charts) else os.path.join(a.out, "charts")
    made = charts(summary, csum, chart_dir, a.out)
    links = [os.path.relpath(p, os.path.dirname(report_path)) for p in made]
    text = report(meta, runs, connects, memory, summary, csum, links, csum_tls)
    with open(report_path, "w", encoding="utf-8") as f:
        f.write(text)
    if to_docs:
        with open(os.path.join(a.out, "report.md"), "w", encoding="utf-8") as f:
            f.write(text.replace("](" + os.path.relpath(chart_dir, os.path.dirname(report_path)),
                                 "](" + os.path.relpath(chart_dir, a.out)))
    print(f"report: {report_path}; charts: {', '.join(made) or 'none'}", file=sys.stderr)


if __name__ == "__main__":
    main()
