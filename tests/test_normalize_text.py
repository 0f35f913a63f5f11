"""clean_title: the occupation words and modifiers of real, messy posting titles."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore.normalize import CleanTitle, _reference, clean_title, normalize_text

# (title, core, other titles expected in ``titles``)
CORES = [
    ("金房物业招聘保安", "保安"),
    ("新能源电工+五险一金+包食宿", "新能源电工"),
    ("高级Java开发工程师（急招）", "Java开发工程师"),
    ("招聘专员无经验要求可小白", "招聘专员"),
    ("高级招聘专员（东莞）(J10271)", "招聘专员"),
    ("汽修学徒工", "汽修工"),
    ("抖音房产分析师/选房师+提成70% 月入3万", "抖音房产分析师"),
    ("青岛必胜客餐厅兼职服务员(J306229)", "必胜客餐厅服务员"),
    ("新厂320一天急聘！质检员/物料/仓管员/普工", "质检员"),
    ("红板科技股份有限公司招聘普工/操作工", "普工"),
    ("沈阳百胜餐饮有限...招聘后厨", "后厨"),
    ("招聘補漏工", "补漏工"),
    ("ＣＮＣ操作工８ｋ－１２ｋ", "CNC操作工"),
    ("PLC电气工程师 8千-1.2万", "PLC电气工程师"),
    ("C++开发工程师", "C++开发工程师"),
    ("3D建模师", "3D建模师"),
    ("A2驾驶员 月薪8000", "A2驾驶员"),
    ("C1司机300/天", "C1司机"),
    ("行政人事 主管", "行政人事主管"),
    ("销售无责底薪双休五险", "销售"),
    ("车险续保客服 福州 7500+", "车险续保客服"),
    ("美术老师5000起+高课时费+高招生提成", "美术老师"),
    ("视频审核专员-朝九晚六，周末双休", "视频审核专员"),
    ("甜啦啦-会计", "会计"),
    ("操作工 包吃包住（一厂）", "操作工"),
    ("实习会计", "会计"),
    ("兼职服务员日结", "服务员"),
    ("高級會計師", "会计师"),
    ("武汉三镇私教+包住", "三镇私教"),  # a leading place name goes to regions
    ("高薪诚聘服装店营业员", "服装店营业员"),
    ("金都保安招聘保安经理", "保安经理"),
    ("普工 18-45岁 长白班", "普工"),
    ("电焊工3-5年经验", "电焊工"),
    ("母婴公司招月嫂20-55岁", "月嫂"),
    ("招商专员", "招商专员"),
    ("招生老师", "招生老师"),
    ("郑州6000地铁营业员吃住", "地铁营业员"),
    ("Java/C++开发工程师", "C++开发工程师"),
    ("C#工程师", "C#工程师"),
    ("招三人客服!!快乐式工作", "客服"),
    ("急需5名焊工", "焊工"),
    ("若干名普工", "普工"),
    ("个人助理", "个人助理"),
    ("无责4500+9：30上班招商专员", "招商专员"),
]


@pytest.mark.parametrize(("text", "core"), CORES)
def test_core(text, core):
    assert clean_title(text).core == core


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("抖音房产分析师/选房师+提成70% 月入3万", ("抖音房产分析师", "选房师")),
        ("服务员 后厨人员 厨师长  店长", ("服务员", "后厨人员", "厨师长", "店长")),
        ("质检员、仓管员,普工", ("质检员", "仓管员", "普工")),
        ("新能源电工+五险一金+包食宿", ("新能源电工",)),
        ("Java Web开发", ("Java Web开发",)),
        # a rank alone joins the title before it only when split off by a space
        ("税筹顾问/经理", ("税筹顾问", "经理")),
        ("行政人事 主管/出纳", ("行政人事主管", "出纳")),
    ],
)
def test_titles_split(text, titles):
    assert clean_title(text).titles == titles


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("高级Java开发工程师（急招）", "seniority", "高级"),
        ("资深UI设计师", "seniority", "资深"),
        ("软件产品专员（助理）", "seniority", "助理"),
        ("销售经理", "seniority", "经理"),
        ("普工", "seniority", None),
        ("汽修学徒工", "trainee", "学徒"),
        ("营销管培生(24届应届生）", "trainee", "管培生"),
        ("财务部实习生", "trainee", "实习"),
        ("见习护士", "trainee", "见习"),
        ("普工", "trainee", None),
        ("青岛必胜客餐厅兼职服务员", "employment", "兼职"),
        ("春融街日结200-300时间自由安排", "employment", "日结"),
        ("暑假工", "employment", "假期工"),
        ("全职司机", "employment", "全职"),
        ("普工", "employment", None),
    ],
)
def test_modifiers(text, field, value):
    assert getattr(clean_title(text), field) == value


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("青岛必胜客餐厅兼职服务员", ("370200",)),
        ("销售代表（济南）", ("370100",)),
        ("车险续保客服 福州 7500+", ("350100",)),
        ("莱芜钢铁电工", ("370116",)),
        ("山东省济南市历下区保洁员", ("370102",)),
        ("山东济南 保洁员 青岛", ("370100", "370200")),
        ("普工", ()),
    ],
)
def test_regions(text, regions):
    assert clean_title(text).regions == regions


@pytest.mark.parametrize(
    "text",
    ["实习生", "学徒工", "兼职", "高级工", "招聘专员", "店长", "3D", "CNC", "PLC", "C1"],
)
def test_job_words_are_never_emptied(text):
    assert clean_title(text).core == text


@pytest.mark.parametrize(
    "text", ["", "   ", "8k-12k", "五险一金+包吃住+双休", "（急招）", "月入过万"]
)
def test_only_noise_gives_empty_core(text):
    t = clean_title(text)
    assert t.core == ""
    assert t.titles == ()


def test_regression_private_use_marker_in_input():
    assert clean_title("\ue000").core == ""
    assert clean_title("C\ue000\ue000工程师").core == clean_title("C  工程师").core


def test_none_and_non_strings():
    assert clean_title(None) == CleanTitle("")  # type: ignore[arg-type]
    assert clean_title(12345).core == ""  # type: ignore[arg-type]


def test_normalize_text_full_width_and_traditional():
    assert normalize_text("ＡＢＣ１２３（測試）") == "ABC123(测试)"


def test_real_titles_keep_their_occupation_words():
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "titles_dev.csv"
    if not path.exists():
        pytest.skip("titles_dev.csv not available")
    with path.open(encoding="utf-8") as f:
        titles = [r["title"] for r in csv.DictReader(f)]
    empty = [t for t in titles if not clean_title(t).core]
    # Only titles that are all noise may lose every word.
    assert len(empty) <= len(titles) // 100, empty[:20]


title_text = st.text(
    alphabet=st.sampled_from(
        list("招聘诚急高薪级资深初中实习学徒兼职日结工师员经理主管济南青岛历下区市县省")
        + list("五险一金包吃住双休+/、,，() （）【】 -_.…0123456789kK千万元天月%JCNP")
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), title_text))
def test_never_raises_and_is_idempotent(text):
    t = clean_title(text)
    assert isinstance(t, CleanTitle)
    assert clean_title(t.core).core == t.core
    assert t.core in t.titles or (t.core == "" and t.titles == ())


# -- fast paths against their slow references ------------------------------------------------


def _normalize_text_reference(text: str) -> str:
    import unicodedata

    from matchcore.normalize import _chars

    s = unicodedata.normalize("NFKC", text)
    if not s.isascii() and not _chars._traditional().isdisjoint(s):
        s = _chars._t2s().convert(s)
    return s


def _simplified_reference(s: str) -> str:
    from matchcore.normalize import _chars

    return _chars._t2s().convert(s) if not _chars._traditional().isdisjoint(s) else s


def _clean_title_reference(text: str) -> CleanTitle:
    """clean_title with every fast path swapped for the plain code it replaced."""
    from matchcore.normalize import _text

    def stable(piece: str, verbatim: bool) -> tuple[str, ...]:
        return tuple(_text._stable(piece, verbatim, _text._places()))

    def joblike_first(titles: list[str]) -> str | None:
        return next((t for t in titles if _text._JOBLIKE_RE.search(t)), None)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_text, "_nfkc", _reference.nfkc)
        mp.setattr(_text, "_simplified", _simplified_reference)
        mp.setattr(_text, "_unbracket", _reference.unbracket)
        mp.setattr(_text._Places, "find", _reference.places_find)
        mp.setattr(_text._Places, "at", _reference.places_at)
        mp.setattr(_text, "_stable_cached", stable)
        mp.setattr(_text, "_group_titles", _text._group_titles.__wrapped__)  # no cache
        mp.setattr(_text, "_joblike_first", joblike_first)
        return _text.clean_title(text)


def _dev_titles() -> list[str]:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "titles_dev.csv"
    if not path.exists():  # the same titles ship as the coder's history
        path = Path(__file__).resolve().parents[1] / "matchcore/normalize/data/coder_history.csv"
    with path.open(encoding="utf-8") as f:
        return [r["title"] for r in csv.DictReader(f)]


def test_fast_paths_match_reference_on_real_titles():
    titles = _dev_titles()
    assert len(titles) > 1000
    fast = [clean_title(t) for t in titles]
    again = [clean_title(t) for t in titles]  # the second time pieces come from the cache
    slow = [_clean_title_reference(t) for t in titles]
    assert fast == slow
    assert again == slow


place_text = st.text(
    alphabet=st.sampled_from(
        list("山东省济南市历下区青岛崂山烟台临沂泰安北京海淀大理白银电工保安 -/")
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), title_text, place_text))
def test_fast_paths_match_reference_on_generated_text(text):
    from matchcore.normalize import _text

    assert clean_title(text) == _clean_title_reference(text)
    assert normalize_text(text) == _normalize_text_reference(text)
    places = _text._places()
    assert places.find(text) == _reference.places_find(places, text)
    assert [places.at(text, i) for i in range(len(text))] == [
        _reference.places_at(places, text, i) for i in range(len(text))
    ]
    assert _text._unbracket(text) == _reference.unbracket(text)


# Full-width ASCII, the ideographic space, other compatibility characters and combining marks
# (a full-width letter and an accent compose: Ａ + U+0301 -> Á).
wide_text = st.text(
    alphabet=list("（）()，：＋／ＡＢｃ１２　電工…①²ﾊﾟA\uff5e\u0301\u0338\u3099"),
    max_size=16,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(wide_text, st.text(max_size=20)))
def test_nfkc_matches_unicodedata(text):
    from matchcore.normalize import _text

    assert _text._nfkc(text) == _reference.nfkc(text)


def test_nfkc_of_every_full_width_character():
    from matchcore.normalize import _text

    for c in [*range(0xFF01, 0xFF5F), 0x3000]:
        for text in (chr(c), f"电工{chr(c)}", f"{chr(c)}\u0301", f"电{chr(c)}\u0338工（急）"):
            assert _text._nfkc(text) == _reference.nfkc(text), hex(c)


# Titles made of modifier words, place names and job words between separators: several words
# of one kind, to tell the first match from any other.
word_text = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "实习生",
                "学徒",
                "见习",
                "兼职",
                "日结",
                "全职",
                "经理",
                "店长",
                "总经理",
                "主管",
                "济南",
                "山东",
                "历下区",
                "青岛市",
                "电工",
                "服务员",
                "管理培训生",
                "临时工",
            ]
        ),
        st.sampled_from(["", "/", " ", "+", "(", ")", "、", "A1", "3k", "—"]),
    ),
    max_size=10,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(word_text)
def test_modifier_words_match_reference(text):
    assert clean_title(text) == _clean_title_reference(text)


bracket_text = st.text(alphabet=list("电工(（)）[]【】「」<>《》{}急招 ab/"), max_size=24)


@settings(max_examples=300, deadline=None)
@given(bracket_text)
def test_unbracket_matches_reference(text):
    from matchcore.normalize import _text

    assert _text._unbracket(text) == _reference.unbracket(text)


def test_clean_title_resolves_a_shared_place_name_within_the_given_division():
    # 河东区 is a district of Tianjin (120102) and of Linyi, Shandong (371312).
    assert clean_title("河东区保安").regions == ("371312",)
    assert clean_title("河东区保安", within="120000").regions == ("120102",)
    assert clean_title("河东区保安", within="371300").regions == ("371312",)
    assert clean_title("河东区保安", within="370200").regions == ()  # Qingdao has none
    assert clean_title("河东区保安", within=None).regions == ()
    assert clean_title("河东区保安", within="120000").core == clean_title("河东区保安").core
