"""The online path: ``Matcher.recommend`` in-process, the HTTP layer's overhead, and a bounded
load test of ``matchcore serve`` on the loopback interface, all in the same run.

``pytest benchmarks/test_bench_service.py`` runs the small size (4,000 vacancies, a few hundred
requests a level); ``--scale medium`` (20,000) and ``--scale province`` (200,000, 10,000 load-test
requests in all) run larger indexes. Every request goes to 127.0.0.1; each load level stops at its
request count or its time limit, whichever comes first.

Figures (see the terminal summary):

* ``Matcher.recommend`` median and p99 for one new seeker, against the same work done directly on
  a :class:`~matchcore.scoring.VacancyIndex` (prepare, candidates, table: the old Matcher's path)
  in the same run, so the snapshot machinery's cost is a ratio;
* calls per second from 1, 2 and 4 threads sharing one Matcher;
* one HTTP client, one seeker a request: the HTTP median and p99 against the in-process ones on
  the same seekers (the issue's bound: at most 5 ms more at p50);
* 1, 8 and 32 concurrent HTTP clients: p50, p99, requests per second, errors, and the service's
  resident memory after each level.
"""

import http.client
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl
import pytest

import matchcore as mc
from tests._serve import HOST, Server

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

# per load level: (requests, seconds at most)
LOAD = {"small": (300, 60), "medium": (1500, 120), "province": (3400, 300)}
LATENCY_CALLS = {"small": 200, "medium": 200, "province": 200}


@pytest.fixture(scope="module")
def online(scale, tmp_path_factory):
    name, (_n_s, n_v) = scale
    seekers, vacancies = mc.synth.province(3000, n_v, seed=0)
    seekers = seekers.filter(pl.col("seeker_id").is_not_null())
    matcher = mc.Matcher(mc.MatchConfig()).fit(vacancies)
    path = matcher.save(tmp_path_factory.mktemp("bench-service") / "index")
    return name, seekers, matcher, path


def _pct(xs):
    a = np.asarray(xs) * 1e3
    return float(np.median(a)), float(np.percentile(a, 99))


def _bare(index, coder, seekers, k):
    """What ``Matcher.recommend`` did before snapshots: prepare, candidates, table."""
    ps = mc.records.prepare(
        seekers,
        pl.DataFrame(
            schema={
                "vacancy_id": pl.Utf8,
                "title": pl.Utf8,
                "openings": pl.Int64,
                "region": pl.Utf8,
            }
        ),
        within=mc.MatchConfig().within,
        coder=coder,
        progress=False,
    ).seekers
    return index.candidates(ps, k=k).to_frame(top=k)


def test_bench_recommend_in_process(online, report):
    """Matcher.recommend against the bare index path, interleaved call by call."""
    name, seekers, matcher, _ = online
    rng = np.random.default_rng(0)
    picks = rng.choice(seekers.height, size=LATENCY_CALLS[name], replace=False).tolist()
    one = [seekers.slice(i, 1) for i in picks]
    matcher.recommend(one[0], k=10)
    _bare(matcher.index_, matcher.coder_, one[0], 10)
    new, old = [], []
    for j, s in enumerate(one):  # alternate which goes first: the second finds warm caches
        for first in (j % 2 == 0, j % 2 == 1):
            t0 = time.perf_counter()
            if first:
                got = matcher.recommend(s, k=10)
            else:
                ref = _bare(matcher.index_, matcher.coder_, s, 10)
            (new if first else old).append(time.perf_counter() - t0)
        assert got.equals(ref)
    (m_new, p_new), (m_old, p_old) = _pct(new), _pct(old)
    report(
        f"service [{name}] Matcher.recommend one seeker vs {matcher.n_vacancies:,} vacancies: "
        f"median {m_new:.1f} ms, p99 {p_new:.1f} ms; bare index path median {m_old:.1f} ms, "
        f"p99 {p_old:.1f} ms (ratio {m_new / m_old:.2f} / {p_new / p_old:.2f}, "
        f"{len(one)} seekers)"
    )


def test_bench_threads_share_one_matcher(online, report):
    """Calls per second from several threads; numpy releases the GIL in the block scoring."""
    name, seekers, matcher, _ = online
    batch = [seekers.slice(i, 1) for i in range(120)]
    rates = {}
    for threads in (1, 2, 4):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            outs = list(pool.map(lambda s: matcher.answer(s, k=10), batch))
        rates[threads] = len(batch) / (time.perf_counter() - t0)
        assert all(o.recommendations.height + o.unmatched.height > 0 for o in outs)
    report(
        f"service [{name}] Matcher calls/s from 1/2/4 threads on {os.cpu_count()} CPUs: "
        + " / ".join(f"{rates[t]:.0f}" for t in (1, 2, 4))
    )


@pytest.fixture(scope="module")
def server(online, tmp_path_factory):
    srv = Server(online[3], tmp_path_factory.mktemp("serve"), start_timeout=300)
    yield srv
    srv.stop()


def _bodies(seekers, n):
    rows = [{k: v for k, v in r.items() if v is not None} for r in seekers.to_dicts()]
    return [json.dumps({"seekers": [rows[i % len(rows)]], "k": 10}).encode() for i in range(n)]


def _post(conn, body):
    conn.request("POST", "/recommend", body=body, headers={"content-type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data


def test_bench_http_overhead(online, server, report):
    """One client, one seeker a request, keep-alive: HTTP against in-process on the same seekers."""
    name, seekers, _, path = online
    local = mc.Matcher.load(path)
    n = LATENCY_CALLS[name]
    sample = seekers.slice(0, n)
    bodies = _bodies(sample, n)
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    _post(conn, bodies[0])
    local.answer(sample.slice(0, 1), k=10)
    http_t, local_t = [], []
    for i, body in enumerate(bodies):
        t0 = time.perf_counter()
        status, _ = _post(conn, body)
        t1 = time.perf_counter()
        local.answer(sample.slice(i, 1), k=10)
        t2 = time.perf_counter()
        assert status == 200
        http_t.append(t1 - t0)
        local_t.append(t2 - t1)
    conn.close()
    (mh, ph), (ml, pl_) = _pct(http_t), _pct(local_t)
    report(
        f"service [{name}] one HTTP client: median {mh:.1f} ms, p99 {ph:.1f} ms; in-process "
        f"median {ml:.1f} ms, p99 {pl_:.1f} ms: HTTP adds {mh - ml:.1f} ms at p50 ({n} requests)"
    )


def _level(port, bodies, clients, limit):
    """Send ``bodies`` from ``clients`` keep-alive connections for at most ``limit`` seconds;
    returns the latencies, the error count and the wall time."""
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    nxt = iter(range(len(bodies)))
    stop_at = time.monotonic() + limit

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        try:
            while time.monotonic() < stop_at:
                with lock:
                    i = next(nxt, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    status, _ = _post(conn, bodies[i])
                except OSError:
                    status = 0
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=120)
                dt = time.perf_counter() - t0
                with lock:
                    lat.append(dt)
                    if status != 200:
                        errors[0] += 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors[0], time.perf_counter() - t0


def test_bench_load(online, server, report):
    """1, 8 and 32 concurrent clients on 127.0.0.1, bounded in requests and time."""
    name, seekers, _, _ = online
    total, limit = LOAD[name]
    bodies = _bodies(seekers, total)
    rss0 = server.rss_mib()
    lines = []
    done = 0
    for clients in (1, 8, 32):
        lat, errors, wall = _level(server.port, bodies, clients, limit)
        done += len(lat)
        p50, p99 = _pct(lat)
        lines.append(
            f"{clients} clients: {len(lat)} requests, p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
            f"{len(lat) / wall:.0f} req/s, {errors} errors, service RSS {server.rss_mib():.0f} MiB"
        )
        assert errors == 0
    report(
        f"service [{name}] load test (one worker, 127.0.0.1), RSS at start {rss0:.0f} MiB: "
        + "; ".join(lines)
        + f" ({done} requests in all)"
    )


def test_bench_load_two_workers(online, report, tmp_path_factory):
    """8 clients against two worker processes that loaded the same saved index."""
    name, seekers, _, path = online
    total, limit = LOAD[name]
    srv = Server(path, tmp_path_factory.mktemp("serve"), "--workers", "2", start_timeout=300)
    try:
        bodies = _bodies(seekers, total)
        _level(srv.port, bodies[:16], 8, limit)  # both workers warm
        lat, errors, wall = _level(srv.port, bodies, 8, limit)
        p50, p99 = _pct(lat)
        report(
            f"service [{name}] load test, two workers, 8 clients: {len(lat)} requests, p50 "
            f"{p50:.0f} ms, p99 {p99:.0f} ms, {len(lat) / wall:.0f} req/s, {errors} errors, "
            f"RSS of the server and its workers {srv.rss_mib():.0f} MiB"
        )
        assert errors == 0
    finally:
        srv.stop()
