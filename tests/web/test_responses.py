"""One way to hand out files: Chinese names as RFC 5987 filename*, nothing injected into headers."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

from django.http import FileResponse, HttpResponse
from django.urls import reverse

from jixiao.web.responses import XLSX, content_disposition, download
from tests.web.world import PDF_BYTES, World

#: ``kind; filename="fallback"; filename*=UTF-8''encoded`` (the encoded part is optional).
HEADER = re.compile(r"""(attachment|inline); filename="([^"\\\r\n]*)"(?:; filename\*=UTF-8''([A-Za-z0-9%._~-]+))?""")


def parts(header: str) -> tuple[str, str, str]:
    match = HEADER.fullmatch(header)
    assert match is not None, header
    kind, fallback, encoded = match.groups()
    return kind, fallback, unquote(encoded or "")


def test_a_chinese_name_travels_as_utf8_with_a_plain_fallback() -> None:
    header = content_disposition("东湖区财政局2021年度绩效自评汇总.xlsx")
    assert parts(header) == ("attachment", "download.xlsx", "东湖区财政局2021年度绩效自评汇总.xlsx")
    assert header.endswith("%E4%B8%9C%E6%B9%96%E5%8C%BA%E8%B4%A2%E6%94%BF%E5%B1%802021%E5%B9%B4%E5%BA%A6"
                           "%E7%BB%A9%E6%95%88%E8%87%AA%E8%AF%84%E6%B1%87%E6%80%BB.xlsx")


def test_an_ascii_name_goes_as_it_is() -> None:
    assert content_disposition("report-2021.pdf") == 'attachment; filename="report-2021.pdf"'
    assert content_disposition("qr.svg", inline=True) == 'inline; filename="qr.svg"'


def test_quotes_backslashes_and_line_breaks_stay_out_of_the_header() -> None:
    hostile = 'a"b\\c\r\nSet-Cookie: x=1;.pdf'
    header = content_disposition(hostile)
    assert "\r" not in header and "\n" not in header
    kind, fallback, name = parts(header)
    assert (kind, fallback, name) == ("attachment", "download.pdf", hostile)


def test_a_name_whose_extension_is_not_plain_keeps_no_extension_in_the_fallback() -> None:
    assert parts(content_disposition("说明.文档")) == ("attachment", "download", "说明.文档")


def test_download_carries_bytes_or_streams_an_open_file() -> None:
    in_memory = download(b"PK\x03\x04", "汇总.xlsx", XLSX)
    assert isinstance(in_memory, HttpResponse)
    assert (in_memory.content, in_memory["Content-Type"]) == (b"PK\x03\x04", XLSX)
    assert parts(in_memory["Content-Disposition"])[2] == "汇总.xlsx"
    streamed = download(io.BytesIO(PDF_BYTES), "台账.pdf", "application/pdf", inline=True)
    assert isinstance(streamed, FileResponse)
    assert b"".join(streamed.streaming_content) == PDF_BYTES
    assert parts(streamed["Content-Disposition"]) == ("inline", "download.pdf", "台账.pdf")


def test_every_download_page_names_its_file_the_same_way(world: World, client) -> None:
    draft = world.fresh("draft_a")
    item = world.evidence["draft_a"]
    client.force_login(world.reviewer)
    urls = {
        reverse("evaluations:version_document", kwargs={"pk": draft.pk, "number": 1}): (
            f"{world.unit_a.name}2021年度自评-第1版.json"
        ),
        reverse("evaluations:evidence_download", kwargs={"pk": draft.pk, "evidence_pk": item.pk}): item.filename,
        reverse("reviews:export") + "?year=2021": f"{world.bureau.name}2021年度绩效自评汇总.xlsx",
    }
    for url, name in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert parts(response["Content-Disposition"])[::2] == ("attachment", name), url
