"""report.html in a real browser: headless Chromium from the OS packages, driven by Selenium.

Selenium drives the system's own browser through the system's chromedriver
(``make test`` installs the Debian packages ``chromium`` and
``chromium-driver`` where it can); nothing is downloaded. One browser session
serves every test here. The report and every feedback page are written by the
real report writer into a temporary output folder, from the hand-built class
of ``report_records`` (every status, named mistakes, a late student, a weird id), beside a real
gradebook of theirs that gives the report its other sections: two students handed in the same code (a
similar pair, with its side-by-side page), one is flagged, and one exercise score was replaced by a regrade.

The screenshot at 1400 px width is written into that folder; its path is printed
(``pytest -s`` shows it).
"""

from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from grader.gradebook import Gradebook, ScoreChange
from grader.reports import write_reports
from grader.tampering import TamperingFlag
from grader.student_ids import student_file_name
from report_records import ASSIGNMENT, WEIRD_ID, class_records

CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTH = 1400


def _browser_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


COPIED = """
import numpy as np


def predict(w, X):
    scores = X @ w[1:] + w[0]
    labels = np.where(scores > 0, 1, -1)
    for row in range(labels.shape[0]):
        if scores[row] == 0:
            labels[row] = -1
    return labels


def store(patterns):
    weights = np.zeros((patterns.shape[1], patterns.shape[1]))
    for pattern in patterns:
        weights += np.outer(pattern, pattern)
    np.fill_diagonal(weights, 0)
    return weights / patterns.shape[0]
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-in-browser")
    with Gradebook.open(out) as book:
        book.set_assignment(ASSIGNMENT)
        for record in class_records():
            copied = record.student_id in ("alice", "bob")
            flags = [TamperingFlag("protected files", "open('.nngrade-salt')")] if record.student_id == "frank" else []
            book.save(record, fingerprint="", sources={"perceptron": COPIED} if copied else {}, flags=flags)
        book.add_score_history([
            ScoreChange("erin", "hopfield.store", 1.0, 4.0, "2024-03-04T10:00:00+00:00", "", 2.0, 4.0,
                        "2024-03-05T10:00:00+00:00", "the code of its checks changed"),
        ])
    write_reports(out, ASSIGNMENT, class_records())
    return out


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed: `make test` installs it (the [test] extra)"
    )
    from selenium.webdriver.chrome.service import Service

    binary = _browser_binary()
    if binary is None or not CHROMEDRIVER.is_file():
        pytest.skip(
            f"Chromium or its driver ({CHROMEDRIVER}) is not installed: `make test` installs the Debian packages "
            "chromium and chromium-driver when it runs as root with apt-get; elsewhere install them by hand"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={WIDTH},1600", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page(browser, out: Path):
    browser.get((out / "report.html").as_uri())
    return browser


def _grades_column(driver, column: int) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.getElementById('grades-table').tBodies[0].rows)"
        ".filter(r => !r.hidden).map(r => r.cells[arguments[0]].textContent.trim());",
        column,
    )


def _header_index(driver, name: str) -> int:
    headers = driver.execute_script(
        "return Array.from(document.getElementById('grades-table').tHead.rows[0].cells).map(c => c.textContent);"
    )
    return headers.index(name)


def test_the_report_loads_without_console_errors(page) -> None:
    assert page.title == f"Class report: {ASSIGNMENT.name}"
    problems = [entry for entry in page.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == []
    # the script ran: every header of the grades table sorts on a click
    assert page.execute_script("return document.querySelectorAll('table.sortable').length") == 1


def test_clicking_a_header_sorts_the_rows(page) -> None:
    from selenium.webdriver.common.by import By

    students = _header_index(page, "student")
    final = _header_index(page, "final (of 10)")
    before = _grades_column(page, students)
    assert before == sorted(before)  # the page lists students by id
    header = page.find_elements(By.CSS_SELECTOR, "#grades-table thead th")[final]
    header.click()
    after = _grades_column(page, students)
    assert after != before
    finals = [float(value) for value in _grades_column(page, final)]
    assert finals == sorted(finals)
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert [float(value) for value in _grades_column(page, final)] == sorted(finals, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    # the student with full marks comes first now, the one who could not be graded (0) last
    assert _grades_column(page, students)[-1] == "dave"


def test_typing_in_the_filter_hides_the_other_rows(page) -> None:
    from selenium.webdriver.common.by import By

    box = page.find_element(By.CSS_SELECTOR, "input[data-filters='grades-table']")
    box.clear()
    box.send_keys("incomplete")
    assert _grades_column(page, _header_index(page, "student")) == ["carol"]
    box.clear()
    box.send_keys(" ")  # blank: every row again (clear() alone fires no input event)
    assert len(_grades_column(page, 0)) == len(class_records())


def _ids_in(path: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))


def _assert_resolves(href: str, where: str) -> None:
    target = urlparse(href)
    assert target.scheme == "file", f"{where}: {href} leaves the output folder"
    path = Path(unquote(target.path))
    assert path.is_file(), f"{where}: {href} names no file"
    if target.fragment:
        assert unquote(target.fragment) in _ids_in(path), f"{where}: {href} names no anchor of {path.name}"


def test_every_link_resolves_both_ways(page, out: Path) -> None:
    hrefs = page.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
    feedback = {href for href in hrefs if "/feedback/" in href}
    assert len(feedback) == len(class_records())  # every student's page, the weird id's too
    assert any(href.endswith("#section-grades") for href in hrefs)  # the table of contents
    assert any(href.endswith("#section-score-history") for href in hrefs)
    assert any("similarity.html#" in href for href in hrefs)  # the similar pair, side by side
    for href in hrefs:
        _assert_resolves(href, "report.html")
    # each feedback page links back to its student's row of the report
    for href in sorted(feedback):
        page.get(href)
        backs = page.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
        assert any("report.html#student-" in back for back in backs), href
        for back in backs:
            _assert_resolves(back, href)
    # and following one lands on the row of that student
    page.get((out / "feedback" / "erin.html").as_uri())
    from selenium.webdriver.common.by import By

    page.find_element(By.LINK_TEXT, "Class report").click()
    assert page.execute_script("return document.querySelector(':target').cells[0].textContent") == "erin"
    # the weird id's page too, by its escaped file name
    weird = student_file_name(WEIRD_ID) + ".html"
    assert [href for href in feedback if Path(unquote(urlparse(href).path)).name == weird]


def test_a_screenshot_at_1400_pixels(page, out: Path) -> None:
    page.get((out / "report.html").as_uri())
    shot = out / f"report-{WIDTH}px.png"
    assert page.get_screenshot_as_file(str(shot))
    with shot.open("rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width == WIDTH and height > 500
    print(f"\nscreenshot of report.html at {WIDTH} px: {shot}")
