"""The HTTP service: a FastAPI app over a saved :class:`~matchcore.Matcher`.

Endpoints (the schema is served at ``/openapi.json``, the docs at ``/docs``):

``GET /health``
    ``status``, the versions (package, title coder model, reference data), the index's size,
    reference date and generation, and the worker's process id.
``POST /recommend``
    ``{"seekers": [{...}, ...], "k": 10}``: for each seeker, in input order, a ranked list of
    vacancies with the score, one value per score component and the Chinese reason, or a code
    and Chinese message saying why there is none.
``POST /vacancies``
    ``{"vacancies": [{...}, ...]}``: add postings; answers how many were added and the rows
    rejected (duplicates included) with their reasons.
``POST /vacancies/withdraw``
    ``{"vacancy_ids": [...]}``: withdraw postings; answers how many were found.
``POST /code-titles``
    ``{"titles": [...], "top_k": 5}``: occupation codes of job titles.

Bad requests get a 4xx answer naming the field (``fields``), with a stable ``code`` and a
Chinese ``message``; a body over ``max_body_bytes`` gets 413. The log names counts and timings
only, never a seeker's details.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from matchcore._errors import MatchcoreError
from matchcore._matcher import Matcher, _versions
from matchcore._version import __version__
from matchcore.service._state import SEEKER_SCHEMA, SharedMatcher, frame

__all__ = ["create_app"]

log = logging.getLogger("matchcore.service")

_FIXED = ("seeker_id", "vacancy_id", "rank", "score", "reason")
Text = Annotated[str, Field(max_length=2000)]
Id = Annotated[str, Field(min_length=1, max_length=128)]


# -- request bodies ----------------------------------------------------------------------------
class Seeker(BaseModel):
    """A newly registered seeker, as the platform holds them (see ``docs``: records)."""

    model_config = ConfigDict(extra="forbid")
    seeker_id: Id
    category: Text | None = None
    desired_title: Text | None = None
    desired_occupation: Text | None = None
    region: Text | None = None
    willing_regions: Text | None = None
    education: Text | None = None
    major: Text | None = None
    graduation_year: int | None = None
    expected_salary: Text | float | None = None
    experience_years: Text | float | None = None
    skill_level: Text | None = None
    professional_title: Text | None = None
    birth_year: int | None = None
    registered_at: Text | None = None


class Vacancy(BaseModel):
    """A posting (see ``docs``: records)."""

    model_config = ConfigDict(extra="forbid")
    vacancy_id: Id
    employer_id: Text | None = None
    title: Text | None = None
    occupation_code: Text | None = None
    openings: int | None = None
    region: Text | None = None
    education_min: Text | None = None
    salary: Text | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    experience_min: Text | float | None = None
    skill_level_min: Text | None = None
    professional_title_min: Text | None = None
    age_min: int | None = None
    age_max: int | None = None
    industry_code: Text | None = None
    advanced_manufacturing: Text | bool | None = None
    internship: Text | bool | None = None
    session: Text | None = None
    posted_at: Text | None = None
    expires_at: Text | None = None
    requirements: Text | None = None


class RecommendRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seekers: list[Seeker] = Field(min_length=1, max_length=1000)
    k: int = Field(10, ge=1, le=200)


class AddRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vacancies: list[Vacancy] = Field(min_length=1, max_length=10_000)


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vacancy_ids: list[Id] = Field(min_length=1, max_length=10_000)


class CodeTitlesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    titles: list[Text | None] = Field(min_length=1, max_length=10_000)
    top_k: int = Field(5, ge=1, le=20)


# -- answers -----------------------------------------------------------------------------------
class Recommendation(BaseModel):
    vacancy_id: str
    rank: int
    score: float
    components: dict[str, float] = Field(description="one value in [0, 1] per score component")
    reason: str = Field(description="why this posting suits the seeker, in Chinese")


class SeekerAnswer(BaseModel):
    seeker_id: str
    recommendations: list[Recommendation]
    code: str | None = Field(None, description="why there is no recommendation (a stable code)")
    reason: str | None = Field(None, description="the same in Chinese")


class Rejected(BaseModel):
    table: str
    row: int
    id: str | None
    field: str
    code: str | None = Field(None, description="stable machine code of the problem")
    reason: str = Field(description="the problem, in Chinese")
    severity: str


class RecommendResponse(BaseModel):
    results: list[SeekerAnswer]
    rejected: list[Rejected]
    generation: int


class AddResponse(BaseModel):
    added: int
    rejected: list[Rejected]
    n_vacancies: int


class WithdrawResponse(BaseModel):
    withdrawn: int
    n_vacancies: int


class CodedTitle(BaseModel):
    title: str | None
    code: str | None
    name: str | None
    confidence: float | None
    level: int | None
    needs_review: bool | None
    alternatives: list[str]


class CodeTitlesResponse(BaseModel):
    codes: list[CodedTitle]


class Health(BaseModel):
    status: str
    versions: dict[str, str]
    n_vacancies: int
    generation: int
    as_of: str | None
    pid: int


# -- the app -----------------------------------------------------------------------------------
class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, _problem("body_too_large", f"请求内容超过 {limit} 字节上限", []))


def _problem(code: str, message: str, fields: list[str], detail: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "message": message, "fields": fields}
    if detail is not None:
        out["detail"] = detail
    return out


class _BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes (declared or streamed)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await JSONResponse(_TooLarge(self.limit).detail, status_code=413)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        await self.app(scope, limited, send)


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p != "body"]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def _finite(x: float) -> float:
    return float(x) if math.isfinite(x) else 0.0


def create_app(
    matcher: Matcher | SharedMatcher,
    *,
    max_body_bytes: int = 1 << 20,
    threads: int = 4,
    index_path: str = "",
) -> FastAPI:
    """The FastAPI app answering over ``matcher``.

    Parameters
    ----------
    matcher : Matcher or SharedMatcher
        A fitted or loaded Matcher (wrapped in a :class:`SharedMatcher` without a journal), or
        a SharedMatcher whose journal keeps several worker processes alike.
    max_body_bytes : int, default 1 MiB
        Larger request bodies are refused with 413.
    threads : int, default 4
        Requests answered at once by a worker process (others wait their turn).
    index_path : str
        Shown in the app's description.

    Examples
    --------
    >>> import matchcore as mc
    >>> from matchcore.service import create_app
    >>> _, vacancies = mc.synth.province(10, 100, seed=0)
    >>> app = create_app(mc.Matcher().fit(vacancies))
    >>> sorted(app.openapi()["paths"])
    ['/code-titles', '/health', '/recommend', '/vacancies', '/vacancies/withdraw']
    """
    shared = matcher if isinstance(matcher, SharedMatcher) else SharedMatcher(matcher, None)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Requests run on anyio's worker threads (40 by default). The work is CPU-bound and
        # mostly holds the interpreter lock: more threads than this add memory (one malloc
        # arena each) and queueing, not throughput.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="matchcore",
        version=__version__,
        description="Recommendations of vacancies for newly registered job seekers"
        + (f" (index {index_path})" if index_path else ""),
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        fields = [_field(e.get("loc", ())) for e in errors]
        detail = [{"field": f, "problem": e.get("msg", "")} for f, e in zip(fields, errors)]
        log.info("%s: 422, %d invalid fields", request.url.path, len(fields))
        return JSONResponse(
            _problem("invalid_request", "请求内容有误：" + "，".join(fields), fields, detail),
            status_code=422,
        )

    @app.exception_handler(_TooLarge)
    async def _too_large(request: Request, exc: _TooLarge) -> JSONResponse:
        log.info("%s: 413, body over %d bytes", request.url.path, max_body_bytes)
        return JSONResponse(exc.detail, status_code=413)

    @app.exception_handler(MatchcoreError)
    async def _refused(request: Request, exc: MatchcoreError) -> JSONResponse:
        log.info("%s: 422, %s", request.url.path, type(exc).__name__)
        field = getattr(exc, "field", None) or getattr(exc, "table", None)
        return JSONResponse(
            _problem("invalid_data", f"数据无法处理：{exc}", [field] if field else []),
            status_code=422,
        )

    @app.get("/health", response_model=Health)
    def health() -> Health:
        shared.sync()
        m = shared.matcher
        as_of = m.index_.as_of_
        return Health(
            status="ok",
            versions=_versions(),
            n_vacancies=m.n_vacancies,
            generation=m.generation_,
            as_of=as_of.isoformat() if as_of is not None else None,
            pid=os.getpid(),
        )

    @app.post("/recommend", response_model=RecommendResponse)
    def recommend(body: RecommendRequest) -> dict[str, Any]:
        t0 = time.perf_counter()
        shared.sync()
        seekers = frame([s.model_dump(exclude_unset=True) for s in body.seekers], SEEKER_SCHEMA)
        got = shared.matcher.answer(seekers, k=body.k)
        recs = got.recommendations
        comps = [c for c in recs.columns if c not in _FIXED]
        by_seeker: dict[str, list[dict[str, Any]]] = {}
        for row in recs.iter_rows(named=True):
            by_seeker.setdefault(row["seeker_id"], []).append(
                {
                    "vacancy_id": row["vacancy_id"],
                    "rank": row["rank"],
                    "score": row["score"],
                    "components": {c: _finite(row[c]) for c in comps},
                    "reason": row["reason"],
                }
            )
        why = {r[0]: (r[1], r[2]) for r in got.unmatched.select("row", "code", "reason").rows()}
        results = []
        for i, s in enumerate(body.seekers):
            code, reason = why.get(i, (None, None))
            results.append(
                {
                    "seeker_id": s.seeker_id,
                    "recommendations": by_seeker.get(s.seeker_id, []) if code is None else [],
                    "code": code,
                    "reason": reason,
                }
            )
        log.info(
            "recommend: %d seekers, %d recommendations, %d without, %d rejected rows, %.1f ms",
            len(body.seekers),
            recs.height,
            got.unmatched.height,
            got.rejected.height,
            (time.perf_counter() - t0) * 1e3,
        )
        return {
            "results": results,
            "rejected": _rejected(got.rejected),
            "generation": got.generation,
        }

    @app.post("/vacancies", response_model=AddResponse)
    def add(body: AddRequest) -> dict[str, Any]:
        rows = [v.model_dump(exclude_unset=True) for v in body.vacancies]
        before = shared.matcher.n_vacancies
        rejected = shared.write({"op": "add", "vacancies": rows})
        n = shared.matcher.n_vacancies
        log.info(
            "add: %d postings, %d rejected rows, %d in the index", len(rows), rejected.height, n
        )
        return {"added": n - before, "rejected": _rejected(rejected), "n_vacancies": n}

    @app.post("/vacancies/withdraw", response_model=WithdrawResponse)
    def withdraw(body: WithdrawRequest) -> dict[str, Any]:
        found = shared.write({"op": "remove", "vacancy_ids": list(body.vacancy_ids)})
        n = shared.matcher.n_vacancies
        log.info("withdraw: %d ids, %d found, %d in the index", len(body.vacancy_ids), found, n)
        return {"withdrawn": found, "n_vacancies": n}

    @app.post("/code-titles", response_model=CodeTitlesResponse)
    def code_titles(body: CodeTitlesRequest) -> dict[str, Any]:
        coded = shared.matcher.coder_.code(body.titles, top_k=body.top_k, progress=False)
        log.info("code-titles: %d titles", coded.height)
        return {"codes": coded.to_dicts()}

    app.add_middleware(_BodyLimit, limit=max_body_bytes)
    return app


def _rejected(df: Any) -> list[dict[str, Any]]:
    """Rejected rows without the values received (the caller has them; logs never do)."""
    if df.height == 0:
        return []
    cols = [c for c in ("table", "row", "id", "field", "code", "reason", "severity") if c in df]
    return df.select(cols).to_dicts()
