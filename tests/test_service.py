"""The HTTP service, started as ``matchcore serve`` on a free loopback port and called over HTTP.

Every request goes to 127.0.0.1 only; the servers are stopped when the module ends.
"""

import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pytest

import matchcore as mc
from tests._serve import HOST, Server, call

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

MARKER = "独一无二的测试职位名称"  # a seeker's text that must never reach the log


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    seekers, vacancies = mc.synth.province(60, 1500, seed=3)
    # the generated tables hold rows without an id (to test rejections): HTTP refuses those
    seekers = seekers.filter(pl.col("seeker_id").is_not_null())
    vacancies = vacancies.filter(pl.col("vacancy_id").is_not_null())
    tmp = tmp_path_factory.mktemp("service")
    mc.Matcher().fit(vacancies.slice(0, 1400)).save(tmp / "index")
    return seekers, vacancies, tmp


@pytest.fixture(scope="module")
def server(data):
    _, _, tmp = data
    srv = Server(tmp / "index", tmp, "--max-body-bytes", "200000")
    yield srv
    srv.stop()


def _rows(df):
    return [{k: v for k, v in r.items() if v is not None} for r in df.to_dicts()]


def _flat(results):
    """The HTTP answer as (seeker_id, vacancy_id, rank, score, components, reason) rows."""
    return [
        (r["seeker_id"], x["vacancy_id"], x["rank"], x["score"], x["components"], x["reason"])
        for r in results
        for x in r["recommendations"]
    ]


def _expected(recs):
    comps = [
        c for c in recs.columns if c not in ("seeker_id", "vacancy_id", "rank", "score", "reason")
    ]
    return [
        (
            r["seeker_id"],
            r["vacancy_id"],
            r["rank"],
            r["score"],
            {c: r[c] for c in comps},
            r["reason"],
        )
        for r in recs.to_dicts()
    ]


def test_health_and_openapi(server):
    status, health = call(server.port, "GET", "/health")
    assert status == 200
    assert health["status"] == "ok"
    assert health["versions"]["matchcore"] == mc.__version__
    assert {"coder_model", "reference_data"} <= set(health["versions"])
    assert health["n_vacancies"] > 1000
    status, schema = call(server.port, "GET", "/openapi.json")
    assert status == 200
    assert set(schema["paths"]) == {
        "/health",
        "/recommend",
        "/vacancies",
        "/vacancies/withdraw",
        "/code-titles",
    }


def test_recommend_over_http_equals_the_loaded_matcher(data, server):
    seekers, _, tmp = data
    batch = seekers.slice(0, 25)
    status, got = call(server.port, "POST", "/recommend", {"seekers": _rows(batch), "k": 5})
    assert status == 200, got
    assert [r["seeker_id"] for r in got["results"]] == batch["seeker_id"].to_list()
    expected = mc.Matcher.load(tmp / "index").answer(batch, k=5)
    assert _flat(got["results"]) == _expected(expected.recommendations)
    assert len(_flat(got["results"])) > 20
    for r in got["results"]:
        assert (r["code"] is None) == bool(r["recommendations"])


def test_a_seeker_without_recommendation_gets_a_code_and_a_chinese_reason(server):
    seekers = [
        {"seeker_id": "far", "desired_title": "保安", "region": "西藏"},
        {"seeker_id": "empty"},
        {"seeker_id": "old", "desired_title": "电工", "region": "济南市", "birth_year": 1940},
    ]
    status, got = call(server.port, "POST", "/recommend", {"seekers": seekers, "k": 3})
    assert status == 200
    assert [(r["seeker_id"], r["code"]) for r in got["results"]] == [
        ("far", "no_candidate"),
        ("empty", "rejected"),
        ("old", "age"),
    ]
    assert all(r["reason"] and not r["reason"].isascii() for r in got["results"])
    assert {r["field"] for r in got["rejected"] if r["severity"] == "error"} >= {"region"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"seekers": [{"seeker_id": "a", "birth_year": "nineteen"}]}, ["seekers[0].birth_year"]),
        ({"seekers": [{"seeker_id": "a", "gender": "女"}]}, ["seekers[0].gender"]),
        ({"seekers": [{"region": "济南"}]}, ["seekers[0].seeker_id"]),
        ({"seekers": [], "k": 3}, ["seekers"]),
        ({"seekers": [{"seeker_id": "a"}], "k": 0}, ["k"]),
        ({"people": []}, ["seekers", "people"]),
    ],
)
def test_bad_requests_get_422_naming_the_field(server, body, fields):
    status, got = call(server.port, "POST", "/recommend", body)
    assert status == 422
    assert got["code"] == "invalid_request"
    assert got["fields"] == fields
    assert got["message"].startswith("请求内容有误")


def test_malformed_json_and_wrong_method(server):
    status, got = call(server.port, "POST", "/recommend", raw=b'{"seekers": [')
    assert status == 422
    assert got["code"] == "invalid_request"
    status, _ = call(server.port, "GET", "/recommend")
    assert status == 405


def test_bodies_over_the_limit_are_refused(server):
    big = {"seekers": [{"seeker_id": f"s{i}", "desired_title": "电工" * 200} for i in range(200)]}
    status, got = call(server.port, "POST", "/recommend", big)
    assert status == 413
    assert got["code"] == "body_too_large"
    # the same body streamed without a declared length

    def chunks():
        data = json.dumps(big).encode()
        for i in range(0, len(data), 8192):
            yield data[i : i + 8192]

    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        conn.request(
            "POST",
            "/recommend",
            body=chunks(),
            headers={"content-type": "application/json"},
            encode_chunked=True,
        )
        resp = conn.getresponse()
        assert resp.status == 413
        assert json.loads(resp.read())["code"] == "body_too_large"
    finally:
        conn.close()


def test_add_and_withdraw_postings(data, server):
    seekers, vacancies, _ = data
    batch = seekers.slice(0, 60)
    # new postings: 100 unseen ones, and twins (new ids) of postings the batch is shown now, so
    # that some new postings are suitable for these seekers under the suitability floors
    _, recs = call(server.port, "POST", "/recommend", {"seekers": _rows(batch), "k": 10})
    shown_now = sorted({x[1] for x in _flat(recs["results"])})[:20]
    twins = vacancies.filter(pl.col("vacancy_id").is_in(shown_now)).with_columns(
        ("T" + pl.col("vacancy_id")).alias("vacancy_id")
    )
    new = pl.concat([vacancies.slice(1400, 100), twins], how="vertical_relaxed")
    _, before = call(server.port, "GET", "/health")
    status, got = call(server.port, "POST", "/vacancies", {"vacancies": _rows(new)})
    assert status == 200, got
    errors = {r["row"] for r in got["rejected"] if r["severity"] == "error"}
    assert got["added"] + len(errors) == new.height > 50
    assert got["n_vacancies"] == before["n_vacancies"] + got["added"]
    # a posting already there is rejected as a duplicate
    status, dup = call(server.port, "POST", "/vacancies", {"vacancies": _rows(new.head(1))})
    assert dup["added"] == 0
    assert any(r.get("code") == "duplicate_id" for r in dup["rejected"])
    _, recs = call(server.port, "POST", "/recommend", {"seekers": _rows(batch), "k": 10})
    shown = {x[1] for x in _flat(recs["results"])}
    added_shown = shown & set(new["vacancy_id"])
    assert added_shown  # the new postings are recommended
    status, gone = call(
        server.port, "POST", "/vacancies/withdraw", {"vacancy_ids": sorted(added_shown)}
    )
    assert status == 200
    assert gone["withdrawn"] == len(added_shown)
    _, recs = call(server.port, "POST", "/recommend", {"seekers": _rows(batch), "k": 10})
    assert not {x[1] for x in _flat(recs["results"])} & added_shown
    status, bad = call(
        server.port, "POST", "/vacancies", {"vacancies": [{"vacancy_id": "x", "openings": "many"}]}
    )
    assert status == 422
    assert bad["fields"] == ["vacancies[0].openings"]


def test_code_titles(server):
    status, got = call(
        server.port, "POST", "/code-titles", {"titles": ["汽修学徒工", None], "top_k": 3}
    )
    assert status == 200
    assert got["codes"][0]["code"] == "4-12-01-01"
    assert got["codes"][1]["code"] is None


def test_the_log_names_counts_not_people(server):
    seeker = {"seeker_id": "p1", "desired_title": MARKER, "region": "济南市", "major": MARKER}
    status, _ = call(server.port, "POST", "/recommend", {"seekers": [seeker]})
    assert status == 200
    status, _ = call(
        server.port, "POST", "/recommend", {"seekers": [{**seeker, "birth_year": MARKER}]}
    )
    assert status == 422
    time.sleep(0.5)
    log = server.log.read_text(encoding="utf-8")
    assert "recommend: 1 seekers" in log
    assert MARKER not in log


def test_several_workers_share_one_index_and_apply_the_same_writes(data):
    seekers, vacancies, tmp = data
    srv = Server(tmp / "index", tmp, "--workers", "2")
    try:
        _, before = call(srv.port, "GET", "/health")
        new = vacancies.slice(1450, 30)
        status, got = call(srv.port, "POST", "/vacancies", {"vacancies": _rows(new)})
        assert status == 200
        gone = new["vacancy_id"].head(3).to_list()
        call(srv.port, "POST", "/vacancies/withdraw", {"vacancy_ids": gone})
        batch = _rows(seekers.slice(0, 10))
        pids, answers, states = set(), [], set()
        deadline = time.monotonic() + 120  # the second worker may still be loading the index
        with ThreadPoolExecutor(8) as pool:
            while (len(pids) < 2 or len(answers) < 8) and time.monotonic() < deadline:
                for h in pool.map(lambda _: call(srv.port, "GET", "/health")[1], range(8)):
                    pids.add(h["pid"])
                    states.add((h["n_vacancies"], h["generation"]))
                answers += [
                    _flat(r["results"])
                    for _, r in pool.map(
                        lambda _: call(srv.port, "POST", "/recommend", {"seekers": batch, "k": 5}),
                        range(4),
                    )
                ]
        assert len(pids) == 2, "requests never reached the second worker"
        assert states == {(before["n_vacancies"] + got["added"] - 3, 2)}
        assert all(a == answers[0] for a in answers)
    finally:
        srv.stop()
    assert srv.proc.returncode is not None


def test_a_request_whose_seekers_all_lack_a_field_rejects_rows_not_the_request(server):
    status, got = call(server.port, "POST", "/recommend", {"seekers": [{"seeker_id": "only-id"}]})
    assert status == 200
    assert got["results"][0]["code"] == "rejected"
