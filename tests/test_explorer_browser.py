"""The explorer page in a real browser: headless Chromium, driven by Selenium, offline.

Opens ``chainrule walkthrough doc_2331 --html FILE --steps 20`` with the network cut off
(a proxy that answers nothing, and Chrome's offline emulation), clicks w1 and finds its three
paths lit and ∂E/∂w1 = 0.0559, steps the backward pass, moves the training slider, and checks
that the console reports no error and that nothing was fetched. Needs Debian's ``chromium``
and ``chromium-driver`` and the browser extra. Without them the tests skip, saying what to
install, as every test of an optional tool here does, so that the README's test command works
on a fresh machine; under ``CI=true`` (conftest.py) that skip is a failure, and .ci/run
installs them.

``CHAINRULE_SCREENSHOT=docs/explorer.png pytest tests/test_explorer_browser.py`` also saves a
picture of the page: w1 selected, five backward steps done (the README's).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from chainrule.cli import main

pytestmark = pytest.mark.slow
INSTALL = ('install the browser: apt-get install -y chromium chromium-driver, and Selenium: '
           'pip install -e ".[browser]"')


def _browser() -> tuple[str, str]:
    """The Chromium and chromedriver this machine has, or a failure saying what to install."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
    if chromium is None or driver is None:
        pytest.skip(f"no headless Chromium ({'chromium' if chromium is None else 'chromedriver'} not found): "
                    f"{INSTALL}")
    return chromium, driver


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer") / "doc_2331.html"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["walkthrough", "doc_2331", "--html", str(path), "--steps", "20"]) == 0
    return path


@pytest.fixture(scope="module")
def browser(page):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip(f"selenium is not installed: {INSTALL}")
    chromium, driver_path = _browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--disable-gpu", "--window-size=1700,1000",
                "--force-device-scale-factor=1.5", "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>", "--no-first-run"):
        options.add_argument(arg)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        driver.get(page.as_uri())
        yield driver
    finally:
        driver.quit()


def _css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _node(driver, view, name):
    found = _css(driver, f'#{view}-view [data-node][aria-label="{name}"]')
    assert len(found) == 1, f"{name} in the {view} view: {len(found)} nodes"
    return found[0]


def _text(driver, element_id):
    return driver.execute_script(f"return document.getElementById('{element_id}').textContent")


def _reset(driver):
    _css(driver, "#show-network")[0].click()
    _css(driver, "#reset")[0].click()


def test_clicking_w1_lights_its_three_paths_and_shows_its_derivation(browser):
    _reset(browser)
    _node(browser, "network", "w1").click()
    paths = _css(browser, "#paths li.path")
    assert len(paths) == 3
    assert all(p.text.startswith("w1 → n3 → ") and p.text.split(" → ")[-1].startswith("E") for p in paths)
    derivation = _text(browser, "derivation")
    assert "∂E/∂w1" in derivation and "0.0559" in derivation
    # w1's connection, n3 to each of n6, n7, n8, each of those to n9, n9 to E: 8 connections lit
    assert len(_css(browser, "#network-view g.edge.lit")) == 8
    assert {g.get_attribute("data-el") for g in _css(browser, "#network-view g.node.lit")} >= {
        "n0_0", "n1_0", "n1_1", "n1_2", "n2_0", "E"}
    assert not _css(browser, '#network-view [data-el="n0_1"].lit')  # n4 is on none of them


def test_a_node_is_reached_and_activated_by_the_keyboard(browser):
    from selenium.webdriver.common.keys import Keys

    _reset(browser)
    w4 = _node(browser, "network", "w4")
    browser.execute_script("arguments[0].focus()", w4)
    assert browser.switch_to.active_element == w4
    w4.send_keys(Keys.ENTER)
    assert "∂E/∂w4" in _text(browser, "derivation")
    _node(browser, "network", "n3").send_keys(Keys.SPACE)
    assert "δ_n3" in _text(browser, "derivation")


def test_stepping_backward_shows_one_gradient_a_step(browser):
    _reset(browser)
    assert not _css(browser, ".grad-shown")
    for n in range(1, 6):
        _css(browser, "#step")[0].click()
        assert len(_css(browser, "#network-view .grad-shown")) == n
    log = _text(browser, "step-log")
    assert "∂E/∂E = 1" in log and "∂E/∂net_n9 += ∂E/∂out_n9 · ∂out_n9/∂net_n9" in log
    assert "∂E/∂w16 += ∂E/∂net_n9 · ∂net_n9/∂w16 = 0.1253 · 0.0197 = 0.002468" in log
    _css(browser, "#reset")[0].click()
    assert not _css(browser, ".grad-shown") and _text(browser, "step-log") == ""


def test_the_expression_graph_is_explored_the_same_way(browser):
    _reset(browser)
    _css(browser, "#show-graph")[0].click()
    assert _css(browser, "#graph-view")[0].is_displayed()
    assert not _css(browser, "#network-view")[0].is_displayed()
    _node(browser, "graph", "w1").click()
    assert len(_css(browser, "#paths li.path")) == 3 and "0.0559" in _text(browser, "derivation")
    for _ in range(3):
        _css(browser, "#step")[0].click()
    assert len(_css(browser, "#graph-view .grad-shown")) == 3
    _reset(browser)


def test_the_slider_walks_the_training_steps(browser):
    _reset(browser)
    slider = _css(browser, "#training-step")[0]
    assert slider.get_attribute("max") == "21"  # the worked step and 20 more: 22 states
    first = _css(browser, "#training-table tbody tr")[0].text
    assert first.split() == ["w1", "0.1", "0.0559"]
    browser.execute_script("arguments[0].value = 21; arguments[0].dispatchEvent(new Event('input'))", slider)
    assert _css(browser, "#training-table tbody tr")[0].text != first
    assert _text(browser, "training-label").startswith("21")
    assert _css(browser, "#loss-marker")[0].get_attribute("cx") != "28"
    browser.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))", slider)


def test_no_script_error_and_nothing_fetched(browser):
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_screenshot(browser):
    """The README's picture: w1 selected and five backward steps done (saved when asked)."""
    target = os.environ.get("CHAINRULE_SCREENSHOT")
    _reset(browser)
    _node(browser, "network", "w1").click()
    for _ in range(5):
        _css(browser, "#step")[0].click()
    png = browser.get_screenshot_as_png()
    assert png.startswith(b"\x89PNG")
    if target:
        Path(target).write_bytes(png)
