"""``reason``: a short Chinese sentence a caseworker reads, built from a pair's components.

Built lazily, only for the pairs asked for (``Candidates.to_frame`` / ``Candidates.explain``):
e.g. ``职业相同（电工 6-31-01-03）；同在济南市；学历满足（中专≥初中）；薪资相符（期望6000，提供6000-8000）``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import IntEnum
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchcore._errors import MatchcoreError
from matchcore.normalize import DRIVING_CLASSES, Education, ProfessionalTitle, SkillLevel
from matchcore.normalize import region_name as _region_name
from matchcore.occupations import load
from matchcore.scoring._components import ScoreContext, components, title_pairs
from matchcore.scoring._features import code_table, distance_km
from matchcore.scoring._related import OCCUPATION_PHRASES, occupation_kind

__all__ = ["explain_pairs", "level_label", "region_name"]

_ENUMS: dict[str, type[IntEnum]] = {
    "education": Education,
    "skill": SkillLevel,
    "professional_title": ProfessionalTitle,
}


#: from this distance (km between county seats) a reason states it
FAR_KM = 15.0


@lru_cache(maxsize=4096)
def region_name(code: int) -> str:
    """Name of a 6-digit division code (from :func:`matchcore.normalize.region_name`).

    Examples
    --------
    >>> region_name(370100), region_name(-1)
    ('济南市', '未知地区')
    """
    if code <= 0:
        return "未知地区"
    try:
        return _region_name(f"{int(code):06d}")
    except (KeyError, ValueError, MatchcoreError):
        return str(int(code))


@lru_cache(maxsize=256)
def level_label(kind: str, value: int) -> str:
    """Chinese label of an ordinal level (``kind``: education, skill, professional_title).

    Examples
    --------
    >>> level_label("education", 5), level_label("skill", 4)
    ('本科', '高级工')
    """
    try:
        return str(getattr(_ENUMS[kind](int(value)), "label", value))
    except ValueError:
        return str(value)


@lru_cache(maxsize=1)
def _occupation_names() -> tuple[str, ...]:
    tax = load()
    return tuple(tax[c].name for c in code_table().codes)


def _money(x: float) -> str:
    return "?" if math.isnan(x) else f"{x:.0f}"


def _one(
    s: dict[str, Any],
    v: dict[str, Any],
    major: str,
    stitle: str,
    vtitle: str,
    title_sim: float,
    occ_kind: int,
    broad: int,
    extra: Sequence[str] = (),
) -> str:
    ct = code_table()
    parts: list[str] = []
    # occupation
    vo = v["occ"]
    vname = _occupation_names()[vo] if vo != ct.null else vtitle or "未知职业"
    vcode = ct.codes[vo] if vo != ct.null else ""
    label = f"{vname} {vcode}".strip()
    wish = "不限工种" if broad == 1 else "普工"
    parts.append(OCCUPATION_PHRASES[occ_kind].format(label=label, major=major, wish=wish))
    if title_sim >= 0.5 and stitle and vtitle and stitle != vtitle:
        parts.append(f"职位名称相近（{stitle}/{vtitle}）")
    # region
    if v["county"] > 0 and (v["county"] == s["county"] or v["county"] in s["w_county"]):
        parts.append(
            f"同在{region_name(v['county'])}"
            if v["county"] == s["county"]
            else f"在意向地区{region_name(v['county'])}"
        )
    elif v["city"] == s["city"]:
        parts.append(f"同在{region_name(v['city'])}")
    elif v["city"] in s["w_city"]:
        parts.append(f"在意向城市{region_name(v['city'])}")
    elif v["city"] // 10000 == s["city"] // 10000 or (v["city"] // 10000) * 10000 in s["w_prov"]:
        parts.append(f"省内异地（{region_name(v['city'])}）")
    else:
        parts.append(f"外地（{region_name(v['city'])}）")
    km = float(distance_km(np.asarray(s["xy"]), np.asarray(v["xy"])))
    if not math.isnan(km) and km >= FAR_KM:
        parts.append(f"距离约{round(km)}公里" + ("，提供住宿" if v["housing"] else ""))
    # education
    ve, se = int(v["edu"]), int(s["edu"])
    if ve < 0:
        parts.append("学历不限")
    elif se < 0:
        parts.append(f"学历未知（要求{level_label('education', ve)}）")
    elif se >= ve:
        parts.append(f"学历满足（{level_label('education', se)}≥{level_label('education', ve)}）")
    elif se == ve - 1:
        parts.append(f"学历差一级（{level_label('education', se)}<{level_label('education', ve)}）")
    else:
        parts.append(f"学历不足（{level_label('education', se)}<{level_label('education', ve)}）")
    # salary
    exp, lo, hi, top = (
        float(s["expect"]),
        float(v["salary_min"]),
        float(v["salary_max"]),
        float(v["offer"]),
    )
    offer = f"{_money(lo)}-{_money(hi)}" if not (math.isnan(lo) or math.isnan(hi)) else _money(top)
    if math.isnan(exp) or math.isnan(top):
        pass
    elif top >= exp:
        parts.append(f"薪资相符（期望{_money(exp)}，提供{offer}）")
    elif top >= 0.7 * exp:
        parts.append(f"薪资略低（期望{_money(exp)}，提供{offer}）")
    else:
        parts.append(f"薪资偏低（期望{_money(exp)}，提供{offer}）")
    # experience, skill, professional title: only when required
    req, yrs = float(v["exp_min"]), float(s["years"])
    if not math.isnan(req) and req > 0:
        if math.isnan(yrs):
            parts.append(f"经验未知（要求{req:g}年）")
        else:
            word = "满足" if yrs >= req else "不足"
            op = "≥" if yrs >= req else "<"
            parts.append(f"经验{word}（{yrs:g}年{op}{req:g}年）")
    need_d, have_d = int(v["drive"]), int(s["drive"])
    if need_d > 0:
        need_c = DRIVING_CLASSES[need_d - 1]
        if have_d > 0:
            parts.append(f"驾照满足（持{DRIVING_CLASSES[have_d - 1]}，需{need_c}）")
        else:
            parts.append(f"需{need_c}驾照，请核实")
    for kind, name in (("skill", "技能等级"), ("prof", "职称")):
        need, have = int(v[kind]), int(s[kind])
        key = "skill" if kind == "skill" else "professional_title"
        if need >= 0:
            if have >= need:
                parts.append(f"{name}满足（{level_label(key, have)}）")
            else:
                parts.append(f"{name}不足（要求{level_label(key, need)}）")
    flags = []
    if v["am"]:
        flags.append("先进制造业企业")
    if v["urgent"]:
        flags.append("急需紧缺职业")
    if v["internship"] and s["eligible"]:
        flags.append("就业见习岗位")
    if v["session"]:
        flags.append("专场招聘")
    if flags:
        parts.append("重点：" + "、".join(flags))
    parts.extend(extra)
    if v["flagged"]:
        parts.append("注意：该岗位招聘条件含待审核内容")
    return "；".join(parts)


def registered_phrases(
    index: Any, sf: Any, rows: NDArray[np.int64], cols: NDArray[np.int64]
) -> list[list[str | None]]:
    """Phrases of the components that state their own (``Component.reason``), one list per such
    component in registry order, one entry per pair (None: nothing to say)."""
    vf = index.vacancies_
    out = []
    ctx = ScoreContext(sf.title_matrix, vf.title_matrix, sf.wish_sets, sf.major_sets)
    for c in components():
        if c.reason is None:
            continue
        s = {f: sf.arrays[f][rows] for f in c.seeker_features}
        v = {f: vf.arrays[f][cols] for f in c.vacancy_features}
        value = np.broadcast_to(np.asarray(c.value(s, v, ctx), dtype=np.float32), (len(rows),))
        out.append(list(c.reason(value)))
    return out


def explain_pairs(
    index: Any, sf: Any, rows: NDArray[np.int64], cols: NDArray[np.int64]
) -> list[str]:
    """Reasons for pairs (seeker row, vacancy column) of a fitted index and seeker features."""
    vf = index.vacancies_
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    tsim = title_pairs(
        sf.title_matrix, sf.arrays["title"][rows], vf.title_matrix, vf.arrays["title"][cols]
    )
    kinds, broad = occupation_kind(
        sf.wish_sets, sf.major_sets, sf.arrays["wish"][rows], sf.arrays["major"][rows],
        vf.arrays["occ"][cols],
    )  # fmt: skip
    skeys = (
        "occ",
        "county",
        "city",
        "w_county",
        "w_city",
        "w_prov",
        "edu",
        "expect",
        "years",
        "skill",
        "prof",
        "eligible",
        "drive",
        "xy",
    )
    vkeys = (
        "occ",
        "county",
        "city",
        "edu",
        "salary_min",
        "salary_max",
        "offer",
        "exp_min",
        "skill",
        "prof",
        "am",
        "urgent",
        "internship",
        "session",
        "flagged",
        "drive",
        "housing",
        "xy",
    )
    sl = {k: sf.arrays[k][rows].tolist() for k in skeys}
    vl = {k: vf.arrays[k][cols].tolist() for k in vkeys}
    majors = [sf.majors[m] for m in sf.arrays["major"][rows].tolist()]
    stitles = sf.titles[sf.arrays["title"][rows]].tolist()
    vtitles = vf.titles[vf.arrays["title"][cols]].tolist()
    ts, ks, bs = tsim.tolist(), kinds.tolist(), broad.tolist()
    extra = registered_phrases(index, sf, rows, cols)
    out = []
    for i in range(len(rows)):
        s = {k: sl[k][i] for k in skeys}
        for k in ("w_county", "w_city", "w_prov"):
            s[k] = set(s[k])
        v = {k: vl[k][i] for k in vkeys}
        phrases = [str(p[i]) for p in extra if p[i] is not None]
        out.append(
            _one(s, v, majors[i], str(stitles[i]), str(vtitles[i]), ts[i], ks[i], bs[i], phrases)
        )
    return out
