"""The dashboard in headless Chromium: sign in per role, drill down, review a finding, and
never show a leader a name or an ID number. Each page's screenshot lands in docs/screenshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from world import IDS, NAMES, WANG, ZHANG

pytestmark = pytest.mark.browser


async def sign_in(browser: Any, url: str, token: str) -> tuple[Any, Any, list[str]]:
    """A fresh context signed in with ``token``; also every /graphql request body it sends."""
    context = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.url.endswith("/graphql") else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(url + "/")
    await page.fill("#token", token)
    await page.click("#login-button")
    await page.wait_for_selector("[data-testid=me]")
    assert not errors, errors
    return context, page, sent


async def drill(page: Any, region: str) -> None:
    """Click the child region's row and wait for its own coverage."""
    await page.click(f"#coverage-table tr[data-region='{region}']")
    await page.wait_for_selector(f"[data-testid=coverage-title][data-region='{region}']")


def no_pii(text: str) -> None:
    for name in NAMES:
        assert name not in text, f"name {name} shown"
    for number in IDS:
        assert number not in text, f"ID number {number} shown"
        assert number[:6] + "********" + number[-4:] not in text, "a masked ID number shown"


async def test_leader_drills_down_and_never_sees_a_name_or_number(
    hub: Any, browser: Any, screenshots: Path
) -> None:
    context, page, sent = await sign_in(browser, hub.url, hub.world.tokens["leader"])
    await page.wait_for_selector("[data-testid=coverage-title][data-region='']")
    nav = await page.inner_text("#nav")
    assert "覆盖情况" in nav and "疑点核查" not in nav and "一人一档" not in nav and "数据接入" not in nav
    assert "民政" in await page.inner_text("[data-testid=last-syncs]")
    no_pii(await page.content())
    await page.screenshot(path=screenshots / "login-leader-coverage.png", full_page=True)
    await drill(page, "53")
    await drill(page, "5301")
    rows = await page.locator("#coverage-table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["530102", "530103"]
    await page.wait_for_timeout(300)  # the charts' first frame
    await page.screenshot(path=screenshots / "coverage.png", full_page=True)
    no_pii(await page.content())
    # Sorting by 疑点 puts county A (two findings) first when descending.
    await page.click("th[data-sort=findings]")
    await page.click("th[data-sort=findings]")
    first = await page.locator("#coverage-table tbody tr").first.get_attribute("data-region")
    assert first == "530102"
    # Pages a leader may not see are neither shown nor fetched.
    for hash_ in ("#/findings", "#/person/" + ZHANG, "#/sources"):
        await page.goto(hub.url + "/" + hash_)
        await page.wait_for_selector("#main .error, [data-testid=coverage-title]")
        no_pii(await page.content())
    asked = " ".join(sent)
    assert (
        "findings(" not in asked
        and "person(" not in asked
        and "sources" not in asked.replace("lastSyncs", "")
    )
    await context.close()


async def test_supervisor_reviews_a_finding(hub: Any, browser: Any, screenshots: Path) -> None:
    context, page, _sent = await sign_in(browser, hub.url, hub.world.tokens["sup_city"])
    await page.wait_for_selector("[data-testid=coverage-title][data-region='5301']")
    await drill(page, "530102")
    await drill(page, "530102001")
    assert "530102001001" in await page.inner_text("#coverage-table")

    await page.click("#nav a[data-nav=findings]")
    await page.wait_for_selector("[data-testid=findings-table]")
    assert "共 3 条" in await page.inner_text("[data-testid=findings-total]")
    await page.screenshot(path=screenshots / "findings.png", full_page=True)
    # Filter by kind, then open the 低保 + 特困 duplicate.
    await page.select_option("select[name=kind]", "DUPLICATE")
    await page.click("#filters button[type=submit]")
    await page.wait_for_function(
        "document.querySelector('[data-testid=findings-total]')?.textContent.includes('共 1 条')"
    )
    await page.click("tr[data-finding]")
    await page.wait_for_selector("[data-testid=evidence-graph][data-nodes]")
    nodes = int(await page.get_attribute("[data-testid=evidence-graph]", "data-nodes") or 0)
    assert nodes >= 4  # the finding, 王五, his household, the 特困 and the evidence records
    assert await page.locator("[data-testid=evidence-graph] canvas").count() > 0
    assert WANG in await page.inner_text("#main")  # a supervisor sees the number unmasked
    assert (await page.get_attribute("[data-testid=finding-status]", "data-status")) == "OPEN"

    await page.click("[data-testid=assign]")
    await page.wait_for_selector("[data-testid=finding-status][data-status=ASSIGNED]")
    await page.fill("form[data-step=confirm] input[name=note]", "入户核实，属实")
    await page.click("[data-testid=confirm]")
    await page.wait_for_selector("[data-testid=finding-status][data-status=CONFIRMED]")
    history = await page.inner_text("[data-testid=history]")
    assert "ASSIGN" in history and "CONFIRM" in history and "入户核实，属实" in history
    await page.wait_for_timeout(300)
    await page.screenshot(path=screenshots / "finding.png", full_page=True)

    # The list shows the new status too.
    await page.goto(hub.url + "/#/findings?status=CONFIRMED")
    await page.wait_for_function(
        "document.querySelector('[data-testid=findings-total]')?.textContent.includes('共 1 条')"
    )

    await page.goto(hub.url + "/#/person/" + ZHANG)
    await page.wait_for_selector("[data-testid=person-card]")
    assert "张建国" in await page.inner_text("[data-testid=person-card]")
    await page.screenshot(path=screenshots / "person.png", full_page=True)
    await context.close()


async def test_department_sees_masked_findings_and_admin_sees_sources(
    hub: Any, browser: Any, screenshots: Path
) -> None:
    context, page, _ = await sign_in(browser, hub.url, hub.world.tokens["civil_a"])
    await page.wait_for_selector("[data-testid=findings-table]")
    await page.click("tr[data-finding]")
    await page.wait_for_selector("[data-testid=evidence-graph][data-nodes]")
    text = await page.inner_text("#main")
    assert ZHANG not in text and "张建国" not in text
    assert await page.locator("[data-testid=confirm]").count() == 0  # departments do not review
    await context.close()

    context, page, _ = await sign_in(browser, hub.url, hub.world.tokens["admin"])
    await page.click("#nav a[data-nav=sources]")
    await page.wait_for_selector("[data-testid=sources-table]")
    await page.screenshot(path=screenshots / "sources.png", full_page=True)
    await context.close()


async def test_findings_download_is_the_xlsx_export(hub: Any, browser: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    context, page, _ = await sign_in(browser, hub.url, hub.world.tokens["sup_city"])
    await page.goto(hub.url + "/#/findings")
    await page.wait_for_selector("[data-testid=findings-table]")
    async with page.expect_download(timeout=60000) as info:
        await page.click("[data-testid=export-findings]")
    download = await info.value
    path = tmp_path / "t.xlsx"
    await download.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[0] == "汇总"
    assert json.dumps(book.sheetnames, ensure_ascii=False)
    await context.close()
