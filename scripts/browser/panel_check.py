#!/usr/bin/env python3
"""Drives the control panel of a running `mini-compose serve` in headless Chromium, as a person would.

Loads the panel, optionally checks that it asks for the token and enters it, types an instance id, clicks
Start, and waits until every expected service shows HEALTHY in the table. Prints one JSON report on stdout
(what the page showed at each step) and keeps a screenshot; exits 1 with the report's "error" set when a
step does not happen within the timeout, 2 when the browser cannot be started.

Uses Debian's chromium and chromium-driver only: Selenium is pointed at them, so it never downloads a
browser or driver of its own.
"""

import argparse
import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROWS_SCRIPT = """
return [...document.querySelectorAll('#services tr[data-service]')].map((row) => {
  const badge = row.querySelector('.state');
  return {
    instance: row.dataset.instance, service: row.dataset.service, state: row.dataset.state,
    colour: badge ? getComputedStyle(badge).backgroundColor : null,
  };
});
"""

CONNECTION_SCRIPT = """
const element = document.getElementById('connection');
return element ? { state: element.dataset.state || '', text: element.textContent } : null;
"""


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the panel's address, such as http://127.0.0.1:5000/")
    parser.add_argument("--screenshot", required=True, help="where to save a PNG of the page at the end")
    parser.add_argument("--instance", default="1", help="the instance id typed into the page")
    parser.add_argument("--expect", nargs="+", required=True, help="services that must all turn HEALTHY")
    parser.add_argument("--token", help="the server wants this token: check the page asks for it, then enter it")
    parser.add_argument("--screenshot-locked", help="with --token: a PNG of the page before the token is entered")
    parser.add_argument("--timeout", type=float, default=30, help="seconds each step may take")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    return parser.parse_args()


def start_browser(arguments, profile):
    options = webdriver.ChromeOptions()
    options.binary_location = arguments.chromium
    for flag in [
        "--headless=new",
        "--no-sandbox",  # the tests run as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--window-size=1100,720",
        f"--user-data-dir={profile}",
    ]:
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=arguments.chromedriver))


def wait_for(what, condition, timeout):
    """Polls `condition` until it returns something truthy, or fails the step after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise StepFailed(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


class StepFailed(Exception):
    pass


def connection(driver):
    return driver.execute_script(CONNECTION_SCRIPT) or {"state": "", "text": ""}


def run(driver, arguments, report):
    started = time.monotonic()
    driver.get(arguments.url)
    report["title"] = driver.title
    wait_for("the panel's connection line", lambda: connection(driver)["state"], arguments.timeout)

    if arguments.token is not None:
        # Without the token the page must say it cannot load the status, and show no service.
        refused = wait_for(
            "the page to report that it needs a token",
            lambda: (lambda c: c if c["state"] == "error" else None)(connection(driver)),
            arguments.timeout,
        )
        report["before_token"] = {"connection": refused, "rows": driver.execute_script(ROWS_SCRIPT)}
        if arguments.screenshot_locked:
            driver.save_screenshot(arguments.screenshot_locked)
        field = driver.find_element(By.ID, "token")
        field.clear()
        field.send_keys(arguments.token, Keys.TAB)
        loaded = wait_for(
            "the table to load once the token is entered",
            lambda: (lambda c: c if c["state"] == "ok" else None)(connection(driver)),
            arguments.timeout,
        )
        report["after_token"] = {
            "connection": loaded,
            "table": driver.find_element(By.ID, "services").text,
            "stored": driver.execute_script("return sessionStorage.getItem('mini-compose-token') !== null"),
        }

    instance = driver.find_element(By.ID, "instance")
    instance.clear()
    instance.send_keys(arguments.instance)
    driver.find_element(By.ID, "start").click()
    clicked = time.monotonic()
    report["message_after_start"] = wait_for(
        "the answer to Start", lambda: driver.find_element(By.ID, "message").text, arguments.timeout
    )
    seen = {}

    def all_healthy():
        rows = [row for row in driver.execute_script(ROWS_SCRIPT) if row["instance"] == arguments.instance]
        for row in rows:
            seen.setdefault(row["service"], [])
            if not seen[row["service"]] or seen[row["service"]][-1] != row["state"]:
                seen[row["service"]].append(row["state"])
        report["rows"] = rows
        states = {row["service"]: row["state"] for row in rows}
        return all(states.get(service) == "HEALTHY" for service in arguments.expect)

    try:
        wait_for("every expected service to show HEALTHY", all_healthy, arguments.timeout)
    finally:
        report["states_seen"] = seen
    report["seconds_to_healthy"] = round(time.monotonic() - clicked, 2)
    report["connection"] = connection(driver)
    report["message"] = driver.find_element(By.ID, "message").text
    report["message_class"] = driver.find_element(By.ID, "message").get_attribute("class")
    report["seconds"] = round(time.monotonic() - started, 2)


def main():
    arguments = parse_arguments()
    report = {"url": arguments.url, "screenshot": arguments.screenshot}
    os.makedirs(os.path.dirname(os.path.abspath(arguments.screenshot)), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="panel-check-") as profile:
        try:
            driver = start_browser(arguments, profile)
        except WebDriverException as error:
            report["error"] = f"cannot start Chromium through chromedriver: {error.msg or error}"
            print(json.dumps(report))
            return 2
        status = 0
        try:
            run(driver, arguments, report)
        except (StepFailed, WebDriverException) as error:
            report["error"] = str(error).strip()
            report["page_text"] = driver.find_element(By.TAG_NAME, "body").text
            status = 1
        finally:
            report["browser_log"] = [entry.get("message") for entry in driver.get_log("browser")]
            driver.save_screenshot(arguments.screenshot)
            driver.quit()
    print(json.dumps(report))
    return status


if __name__ == "__main__":
    sys.exit(main())
