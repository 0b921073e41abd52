"""Who published a budget, for which year, what kind of document it is, and whether it is
a budget at all: every real file's answer, and each evidence rule on its own.

The expected names and years were read off the rendered pages (cover, 部门：/编制单位：
lines, table titles), not produced by the extractor.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipelines.budget_doc import BUDGET_STAGE, DEPARTMENT_BUDGET, FINAL_STAGE, UNIT_BUDGET
from pipelines.errors import BudgetInputError, NarrativeOnlyError
from pipelines.extraction import extract_document
from pipelines.extraction.identity import (
    department_on_line,
    document_kind,
    final_accounts_title,
    find_department,
    find_year,
    gather_evidence,
    talks_like_budget,
)
from pipelines.extraction.titles import (
    ALIASES_BY_LAYOUT,
    SHANGHAI,
    department_in_title,
    layout_of_title,
    table_key_for_title,
)
from tests.inputs import REAL, extracted

pypdf = pytest.importorskip("pypdf")


_PROCURATORATE = "江苏省人民检察院"
_NPC = "江苏省人大常委会办公厅"
_PARTY = "中共江苏省委办公厅"
_WANLI = "上海市普陀区人民政府万里街道办事处"
# stem -> (department, fiscal year, document kind) of every budget that loads
LOADED = {
    "js_npc_2017": (_NPC, 2017, DEPARTMENT_BUDGET),
    "js_npc_2018": (_NPC, 2018, DEPARTMENT_BUDGET),
    "js_party_office_2017_tables": ("中国共产党江苏省委员会办公厅", 2017, DEPARTMENT_BUDGET),
    "js_party_office_2018_tables": (_PARTY, 2018, DEPARTMENT_BUDGET),
    "js_party_office_2019_tables": (_PARTY, 2019, DEPARTMENT_BUDGET),
    "js_procuratorate_2017": (_PROCURATORATE, 2017, DEPARTMENT_BUDGET),
    "js_procuratorate_2018": (_PROCURATORATE, 2018, DEPARTMENT_BUDGET),
    "js_procuratorate_2019": (_PROCURATORATE, 2019, DEPARTMENT_BUDGET),
    "sh_putuo_commerce_2025": ("上海市普陀区商务委员会", 2025, DEPARTMENT_BUDGET),
    "sh_putuo_justice_2026_unit": ("上海市普陀区司法局", 2026, UNIT_BUDGET),
    "sh_putuo_wanli_2023": (_WANLI, 2023, DEPARTMENT_BUDGET),
    "sh_putuo_wanli_2024": (_WANLI, 2024, DEPARTMENT_BUDGET),
    "swu_2023_budget": ("西南大学", 2023, DEPARTMENT_BUDGET),
}
# Narrative companions: their covers name the body without 中共 (江苏省委办公厅).
SKIPPED = {
    f"js_party_office_{year}_text": f"narrative only: 江苏省委办公厅 {year} 部门预算 prints no "
    "budget table in this file (its tables are published as a separate PDF); nothing to load"
    for year in (2017, 2018, 2019)
}
# Final accounts (决算): the same department-year's second stage, loaded beside its budget.
FINAL = {
    "sh_putuo_finance_2024_final": ("上海市普陀区财政局", 2024, DEPARTMENT_BUDGET),
    "swu_2023_final": ("西南大学", 2023, DEPARTMENT_BUDGET),
}


@pytest.mark.real
def test_every_real_file_has_an_expected_outcome():
    assert {p.stem for p in REAL.glob("*.pdf")} == set(LOADED) | set(SKIPPED) | set(FINAL)


@pytest.mark.real
@pytest.mark.parametrize("stem", sorted(LOADED | FINAL))
def test_real_budget_identity_kind_and_stage(stem):
    doc = extracted(REAL / f"{stem}.pdf").doc
    department, year, kind = (LOADED | FINAL)[stem]
    assert (doc["department"], doc["fiscal_year"]) == (department, year)
    # absent for a department budget, so Guangzhou output stays exactly FORMAT.md
    assert doc.get("document_kind", DEPARTMENT_BUDGET) == kind
    assert ("document_kind" in doc) == (kind != DEPARTMENT_BUDGET)
    # absent for a budget; final accounts (决算) say so
    assert doc.get("stage", BUDGET_STAGE) == (FINAL_STAGE if stem in FINAL else BUDGET_STAGE)


@pytest.mark.real
@pytest.mark.parametrize("stem", sorted(SKIPPED))
def test_real_narrative_companion_is_skipped(stem):
    with pytest.raises(NarrativeOnlyError) as caught:
        extract_document(REAL / f"{stem}.pdf")
    assert caught.value.reason == SKIPPED[stem]


@pytest.mark.real
def test_unit_budget_titles_map_to_the_standard_tables():
    """预算单位财务收支预算总表 … (p8–p20) land where 部门财务收支预算总表 … would."""
    extraction = extracted(REAL / "sh_putuo_justice_2026_unit.pdf")
    doc = extraction.doc
    assert doc["layout"] == SHANGHAI
    typed = {
        "t01_summary": [8],
        "t02_income": [9, 10],
        "t03_expenditure": [11, 12],
        "t04_fiscal_summary": [13],
        "t05_gpb_function": [14, 15],
        "t06_gpb_basic_economic": [18, 19],
        "t07_three_public": [20],
    }
    assert {key: extraction.table_pages[key] for key in typed} == typed
    # p8, read off the page: 本年支出 splits 预算数 into 合计 | 基本支出(人员, 公用) | 项目支出;
    # the typed side takes 合计, the whole grid is kept beside it.
    t01 = doc["tables"]["t01_summary"]
    assert t01["income"][0] == {"item": "一、财政拨款收入", "amount": "86959408.34"}
    assert t01["income"][-1] == {"item": "收入总计", "amount": "86959408.34"}
    assert t01["expenditure"] == [
        {"item": "一、公共安全支出", "amount": "79189400.34"},
        {"item": "二、社会保障和就业支出", "amount": "2925857.00"},
        {"item": "三、卫生健康支出", "amount": "982692.00"},
        {"item": "四、住房保障支出", "amount": "3861459.00"},
        {"item": "支出总计", "amount": "86959408.34"},
    ]
    kept = next(t for t in doc["extra_tables"] if t.get("kind") == "t01_summary")
    assert kept["columns"] == ["预算数", "合计", "人员经费", "公用经费", "项目支出"]
    assert kept["rows"][-1]["values"] == [
        "86959408.34",
        "86959408.34",
        "20374181.00",
        "1744680.00",
        "64840547.00",
    ]


# -- fixtures made at test time from real files --------------------------------------


def make_image_cover_companion(path: Path) -> Path:
    """js_party_office_2019_text.pdf with its cover turned into a picture that carries
    only the page number `- 1 -` as text, and no metadata title (pypdfium2 only)."""
    source = pdfium.PdfDocument(REAL / "js_party_office_2019_text.pdf")
    width, height = source[0].get_size()
    pdf = pdfium.PdfDocument.new()
    cover = pdf.new_page(width, height)
    picture = pdfium.PdfImage.new(pdf)
    picture.set_bitmap(source[0].render(scale=1))
    picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
    cover.insert_obj(picture)
    font = pdfium_c.FPDFText_LoadStandardFont(pdf, b"Helvetica")
    number = pdfium_c.FPDFPageObj_CreateTextObj(pdf, font, 10.0)
    utf16 = ctypes.create_string_buffer("- 1 -\0".encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(number, ctypes.cast(utf16, ctypes.POINTER(ctypes.c_ushort)))
    pdfium_c.FPDFPageObj_Transform(number, 1, 0, 0, 1, width / 2, 30)
    pdfium_c.FPDFPage_InsertObject(cover, number)
    cover.gen_content()
    pdf.import_pages(source, pages=list(range(1, len(source))))
    pdf.save(path)
    return path


def make_pages(source: Path, path: Path, keep) -> Path:
    writer = pypdf.PdfWriter()
    for number, page in enumerate(pypdf.PdfReader(source).pages, start=1):
        if keep(number):
            writer.add_page(page)
    writer.write(path)
    return path


@pytest.mark.real
def test_image_cover_companion_is_skipped_from_its_narrative(tmp_path):
    path = make_image_cover_companion(tmp_path / "companion.pdf")
    pdf = pdfium.PdfDocument(path)
    cover = pdf[0]
    assert cover.get_textpage().get_text_range().strip() == "- 1 -"
    assert any(obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for obj in cover.get_objects())
    assert not pdf.get_metadata_value("Title")
    with pytest.raises(NarrativeOnlyError) as caught:
        extract_document(path)
    assert caught.value.reason == SKIPPED["js_party_office_2019_text"]


@pytest.mark.real
def test_unit_budget_narrative_alone_is_skipped_as_a_unit_budget(tmp_path):
    """Pp. 1–7 of the unit budget: cover (上海市普陀区2026年区级单位预算 / 预算单位：…),
    contents and narrative, no table. The narrative compares with 2025 more often than
    it names 2026; the cover decides."""
    path = make_pages(REAL / "sh_putuo_justice_2026_unit.pdf", tmp_path / "n.pdf", lambda n: n <= 7)
    with pytest.raises(
        NarrativeOnlyError, match=r"^.*: narrative only: 上海市普陀区司法局 2026 单位预算 "
    ):
        extract_document(path)


@pytest.mark.real
def test_final_accounts_tables_without_cover_name_no_department(tmp_path):
    """Pp. 8–13 of the final accounts: only tables titled 收入决算表, 支出决算表 …, and no page
    naming who published them: refused with that reason, nothing guessed."""
    path = make_pages(
        REAL / "sh_putuo_finance_2024_final.pdf", tmp_path / "f.pdf", lambda n: 8 <= n <= 13
    )
    with pytest.raises(BudgetInputError) as caught:
        extract_document(path)
    assert caught.value.reason.startswith("cannot find the department name")


# -- each evidence rule on its own ----------------------------------------------------


def _identity(lines=(), titles=(), metadata_title=""):
    evidence = gather_evidence(lines, titles, metadata_title)
    return find_department(evidence), find_year(evidence), document_kind(evidence)


def test_cover_year_first_without_department_word():
    """A Jiangsu court's cover: 2018年度江苏省高级人民法院预算公开 (no 部门)."""
    lines = ["2018年度江苏省高级人民法院预算公开", "目  录", "第一部分 部门概况"]
    assert _identity(lines) == ("江苏省高级人民法院", 2018, DEPARTMENT_BUDGET)


def test_cover_over_three_lines():
    assert _identity(["2023年", "广州市城市更新研究中心", "部门预算"])[:2] == (
        "广州市城市更新研究中心",
        2023,
    )


def test_cover_naming_a_region_before_its_level_names_no_department():
    """上海市普陀区2026年区级单位预算: 上海市普陀区 is the district; the year still counts."""
    lines = ["上海市普陀区2026年区级单位预算", "目录"]
    assert _identity(lines) == (None, 2026, UNIT_BUDGET)


def test_department_before_the_standard_title():
    titles = ["江苏省高级人民法院部门收支预算总表", "江苏省高级人民法院2018年部门收入预算总表"]
    assert [department_in_title(t) for t in titles] == ["江苏省高级人民法院"] * 2
    assert _identity(["目录"], titles) == ("江苏省高级人民法院", 2018, DEPARTMENT_BUDGET)


@pytest.mark.parametrize(
    "title",
    [
        "公开01表：收支预算总表",
        "一、收支预算总表",
        "2025年部门财务收支预算总表",
        "2026年预算单位财务收支预算总表",
        "财政拨款“三公”经费、会议费、培训费支出预算表",
        "一般公共预算“三公”经费、会议费、培训费支出预算表",
    ],
)
def test_labels_years_and_qualifiers_before_a_title_name_no_department(title):
    assert table_key_for_title(title) is not None
    assert department_in_title(title) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("编制单位：上海市普陀区司法局                     单位：元", "上海市普陀区司法局"),
        ("编制部门：上海市普陀区商务委员会 单位：元", "上海市普陀区商务委员会"),
        ("预算单位：上海市普陀区司法局", "上海市普陀区司法局"),
        ("预算主管部门：上海市普陀区商务委员会", "上海市普陀区商务委员会"),
        ("部门名称：江苏省人民检察院 金额单位：万元", "江苏省人民检察院"),
        ("单位名称：广州市城市更新研究中心", "广州市城市更新研究中心"),
        ("部门：江苏省委办公厅（本级）", "江苏省委办公厅"),
        ("部门：省委机要局（省国家密码管理局）", "省委机要局(省国家密码管理局)"),
        ("部门：                单位：万元", None),
        ("部门：2019年", None),
    ],
)
def test_labelled_department_line(line, name):
    assert department_on_line(line) == name


def test_labelled_line_outranks_the_cover_and_the_most_frequent_wins():
    lines = [
        "江苏省人大常委会办公厅2018年度部门预算公开",
        "部门名称：江苏省人大",  # wrapped once
        *["部门名称：江苏省人大常委会办公厅 单位：万元"] * 3,
    ]
    assert _identity(lines)[0] == "江苏省人大常委会办公厅"
    unit = ["上海市普陀区2026年区级单位预算", "预算单位：上海市普陀区司法局"]
    assert _identity(unit) == ("上海市普陀区司法局", 2026, UNIT_BUDGET)


def test_running_header():
    """No cover among the first lines; a header repeated on each page names the budget."""
    pages = [["江苏省高级人民法院2018年部门预算", f"{n}", "本部门收入预算……"] for n in range(3)]
    lines = ["目录", "一、部门概况", "二、收支预算", "三、名词解释", "四、附表", "五、其他"]
    lines += [line for page in pages for line in page]
    assert _identity(lines)[:2] == ("江苏省高级人民法院", 2018)
    assert _identity(lines[:9])[:2] == (None, 2018)  # printed once: no header


def test_narrative_subject():
    """An image cover leaves the narrative's own sentences."""
    lines = [
        "- 1 -",
        "目 录",
        "江苏省委办公厅2019年度收入、支出预算总计27664.22万",
        "元，与上年相比收、支预算总计各增加2046.59万元，增长",
        "江苏省委办公厅2019年度财政拨款收、支总预算27664.22",
        "比2018年增加……",
    ]
    assert _identity(lines)[:2] == ("江苏省委办公厅", 2019)
    assert _identity(lines[:4])[0] is None  # said once: not yet the subject


def test_metadata_title():
    title = "Microsoft Word - 江苏省委办公厅2019年度部门预算公开文件"
    assert _identity(["收支预算总表"], metadata_title=title)[:2] == ("江苏省委办公厅", 2019)
    assert _identity(["收支预算总表"], metadata_title="三、支出预算情况说明")[0] is None


def test_unit_scope_word_spells_the_same_table_as_department():
    for alias, key in ALIASES_BY_LAYOUT[SHANGHAI].items():
        if alias.startswith("部门"):
            for scope in ("预算单位", "单位"):
                unit_title = f"2026年{scope}{alias.removeprefix('部门')}"
                assert table_key_for_title(unit_title) == key, unit_title
                assert layout_of_title(unit_title) == SHANGHAI


def test_final_accounts_wording():
    final = gather_evidence(["上海市普陀区财政局", "2024年度部门决算", "目录"])
    assert final_accounts_title(final) == "上海市普陀区财政局2024年度部门决算"
    budget = gather_evidence(
        ["江苏省人民检察院", "2017年部门预算", "五、2016年部门决算表说明"],
        titles=["收支预算总表", "收入预算总表"],
    )
    assert final_accounts_title(budget) is None


def test_budget_narrative_wording():
    narrative = gather_evidence(
        [
            "江苏省委办公厅2019年度收入、支出预算总计27664.22万元",
            "其中：基本支出11700.63万元，项目支出13025.38万元；",
            "财政拨款收入27664.22万元；“三公”经费预算数508.20万元",
        ]
    )
    notice = gather_evidence(["关于举办春季运动会的通知", "请各单位做好预算外的后勤准备。"])
    assert talks_like_budget(narrative)
    assert not talks_like_budget(notice)
