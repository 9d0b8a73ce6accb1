"""Draw the annotated CRF (:mod:`cdiscmm.package.acrf`) as PDF with fpdf2: one or more pages per form.

Layout (styles as data, ``specs/guides/acrf.yaml``; conventions of the CDISC/PHUSE Metadata Submission
Guidelines v2.0 §3): the form's title and name, and a bookmark per form; at the top of each page a box per dataset the
form feeds, ``AE = Adverse Events``, filled with that dataset's colour; then one row per field: the prompt,
the entry area (blank line, date/time pattern, or the codelist's terms as tick boxes) and the annotations,
each a box in its dataset's colour (grey for ``[NOT SUBMITTED]`` with the reason, white for a note). A form
longer than a page continues on the next, with its dataset boxes repeated. Fonts are embedded: DejaVu Sans,
with the CJK font as fallback when a prompt or term holds Chinese or Japanese text (:func:`font_file`). The
creation date is the one given, so a rerun writes the same bytes.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from pydantic import BaseModel, ConfigDict, Field

from cdiscmm.core.paths import specs_dir
from cdiscmm.metadata.yamlio import load_model
from cdiscmm.package.acrf import Annotation, CrfField, CrfForm
from cdiscmm.package.guides.render import font_file

Colour = tuple[int, int, int]
_ENTRY = {"date": "__ __ / ___ / ____  (DD MON YYYY)", "time": "__ __ : __ __  (HH:MM)"}
_LINE = 1.3  # line height as a multiple of the font size in mm


class AcrfStyle(BaseModel):
    """``specs/guides/acrf.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    page: str
    margin_mm: float = Field(gt=0)
    title_size: float = Field(gt=0)
    prompt_size: float = Field(gt=0)
    annotation_size: float = Field(gt=0)
    prompt_share: float = Field(gt=0, lt=1)
    entry_share: float = Field(gt=0, lt=1)
    max_terms: int = Field(ge=0)
    colours: list[Colour] = Field(min_length=1)
    not_submitted_colour: Colour
    border_colour: Colour
    not_submitted: str


@cache
def load_style() -> AcrfStyle:
    """The aCRF style of ``specs/guides/acrf.yaml`` (SpecError naming the file and line when malformed)."""
    return load_model(specs_dir() / "guides" / "acrf.yaml", AcrfStyle)


def _needs_cjk(forms: list[CrfForm]) -> bool:
    texts = [form.title for form in forms] + [field.prompt for form in forms for field in form.fields]
    texts += [decode for form in forms for field in form.fields for _, decode in field.terms]
    return any(ord(character) >= 0x2E80 for text in texts for character in text)


def _entry(field: CrfField, style: AcrfStyle) -> str:
    if field.terms and len(field.terms) <= style.max_terms:
        return "\n".join(f"[  ] {decode}" for _, decode in field.terms)
    if field.terms:
        return f"one of {len(field.terms)} terms"
    return _ENTRY.get(field.type, "_" * 18)


def _annotation_text(annotation: Annotation, style: AcrfStyle) -> str:
    if annotation.kind == "not submitted":
        return f"{style.not_submitted} {annotation.text}"
    return annotation.text


class _Document(FPDF):
    def __init__(self, style: AcrfStyle, heading: str) -> None:
        super().__init__(orientation="portrait", format=style.page)
        self.style = style
        self.heading = heading

    def header(self) -> None:
        self.set_font("acrf", size=7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.heading, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-self.style.margin_mm + 2)
        self.set_font("acrf", size=7)
        self.cell(0, 4, f"Page {self.page_no()}", align="R")


def _height(pdf: FPDF, width: float, text: str, size: float) -> float:
    pdf.set_font("acrf", size=size)
    lines = pdf.multi_cell(width, size * _LINE / 2.83, text, dry_run=True, output=MethodReturnValue.LINES)
    return len(lines) * size * _LINE / 2.83


def _boxes(pdf: _Document, form: CrfForm, colours: dict[str, Colour], continued: bool) -> None:
    style = pdf.style
    pdf.set_font("acrf", size=style.title_size)
    heading = f"{form.title} (form {form.name}){' (continued)' if continued else ''}"
    pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("acrf", size=style.annotation_size + 1)
    pdf.set_draw_color(*style.border_colour)
    for dataset, label in form.datasets:
        text = f"{dataset} = {label}" if label else dataset
        width = pdf.get_string_width(text) + 4
        if pdf.get_x() + width > pdf.w - pdf.r_margin:
            pdf.ln(7)
        pdf.set_fill_color(*colours[dataset])
        pdf.cell(width, 6, text, border=1, fill=True, align="C")
        pdf.set_x(pdf.get_x() + 2)
    pdf.ln(9)


def _row(pdf: _Document, field: CrfField, colours: dict[str, Colour], widths: tuple[float, float, float]) -> None:
    style = pdf.style
    left = pdf.l_margin
    top = pdf.get_y()
    pdf.set_xy(left, top)
    pdf.set_font("acrf", size=style.prompt_size)
    line = style.prompt_size * _LINE / 2.83
    pdf.multi_cell(widths[0] - 2, line, field.prompt, align="L")
    pdf.set_xy(left + widths[0], top)
    pdf.multi_cell(widths[1] - 2, line, _entry(field, style), align="L")
    y = top
    pdf.set_font("acrf", size=style.annotation_size)
    for annotation in field.annotations:
        text = _annotation_text(annotation, style)
        if annotation.kind == "not submitted":
            fill = style.not_submitted_colour
        else:
            fill = colours.get(annotation.dataset, (255, 255, 255))
        pdf.set_fill_color(*fill)
        pdf.set_xy(left + widths[0] + widths[1], y)
        pdf.multi_cell(widths[2], style.annotation_size * _LINE / 2.83, text, border=1, fill=True, align="L")
        y = pdf.get_y() + 1


def _row_height(pdf: _Document, field: CrfField, widths: tuple[float, float, float]) -> float:
    style = pdf.style
    prompt = _height(pdf, widths[0] - 2, field.prompt, style.prompt_size)
    entry = _height(pdf, widths[1] - 2, _entry(field, style), style.prompt_size)
    notes = sum(
        _height(pdf, widths[2], _annotation_text(item, style), style.annotation_size) + 1 for item in field.annotations
    )
    return max(prompt, entry, notes) + 2


def render_acrf(forms: list[CrfForm], title: str, created: datetime) -> bytes:
    """The aCRF of ``forms`` as PDF bytes titled ``title`` and dated ``created`` (module rules)."""
    style = load_style()
    pdf = _Document(style, title)
    pdf.set_creation_date(created)
    pdf.set_title(title)
    pdf.set_author("cdiscmm")
    pdf.set_margins(style.margin_mm, style.margin_mm, style.margin_mm)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("acrf", fname=str(font_file("latin")))
    if _needs_cjk(forms):
        pdf.add_font("cjk", fname=str(font_file("cjk")))
        pdf.set_fallback_fonts(["cjk"])
    text_width = pdf.w - 2 * style.margin_mm
    widths = (text_width * style.prompt_share, text_width * style.entry_share)
    widths = (*widths, text_width - sum(widths))
    bottom = pdf.h - style.margin_mm - 4
    for form in forms:
        palette = style.colours
        colours = {dataset: palette[index % len(palette)] for index, (dataset, _) in enumerate(form.datasets)}
        pdf.add_page()
        pdf.start_section(f"{form.title} (form {form.name})")
        _boxes(pdf, form, colours, continued=False)
        for field in form.fields:
            height = _row_height(pdf, field, widths)
            if pdf.get_y() + height > bottom:
                pdf.add_page()
                _boxes(pdf, form, colours, continued=True)
            top = pdf.get_y()
            _row(pdf, field, colours, widths)
            pdf.set_draw_color(200, 200, 200)
            pdf.line(pdf.l_margin, top + height - 1, pdf.w - pdf.r_margin, top + height - 1)
            pdf.set_draw_color(*style.border_colour)
            pdf.set_y(top + height)
    return bytes(pdf.output())
