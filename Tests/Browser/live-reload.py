#!/usr/bin/env python3
"""End-to-end test of `papersite serve` in headless Chromium.

Usage: live-reload.py PAPERSITE_BINARY
Makes a new site, serves it, opens a paper page, then edits the record and
waits for the open page to show the change without a manual reload; breaks
the record and waits for the error overlay (the last good page still behind
it); fixes it and waits for the overlay to go. Exits 1 on any failure.
Runs under the checks' venv (selenium), as .ci/run does.
"""
import os, re, shutil, signal, subprocess, sys, tempfile, time
from browsercheck import chromium, expect, failures, wait
from selenium.webdriver.common.by import By

binary = os.path.abspath(sys.argv[1])
root = tempfile.mkdtemp(prefix="papersite-live-")
site = os.path.join(root, "mysite")
subprocess.run([binary, "new", site], check=True, stdout=subprocess.DEVNULL)
serve = subprocess.Popen([binary, "serve", "--port", "0"], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

try:
    line = serve.stdout.readline()
    match = re.search(r"Serving at (\S+)", line)
    if not match:
        sys.exit("no 'Serving at' line: " + line + serve.stderr.read())
    base = match.group(1)
    driver = chromium(1100, 800)
    try:
        driver.get(base + "papers/attention-is-all-you-need/")
        heading = lambda: driver.find_element(By.TAG_NAME, "h1").text
        expect(heading() == "Attention Is All You Need", "the page is served")
        driver.execute_script("window.__notReloaded = true")

        record = os.path.join(site, "content/papers/attention-is-all-you-need.md")
        original = open(record, encoding="utf-8").read()
        open(record, "w", encoding="utf-8").write(original.replace("We propose", "We, editing live, propose"))
        start = time.time()
        expect(wait(lambda: "editing live" in driver.find_element(By.CSS_SELECTOR, ".abstract").text),
               "an edit shows in the open page by itself")
        print("      (%.2f s from save to the new page)" % (time.time() - start))
        expect(driver.execute_script("return window.__notReloaded === undefined"), "the page was reloaded, not patched")

        open(record, "w", encoding="utf-8").write(original.replace("date: 2017-06-12", "date: 2017-13-12"))
        overlay = lambda: driver.find_element(By.ID, "papersite-error-overlay").text
        expect(wait(lambda: "attention-is-all-you-need.md:6:7: error:" in overlay()), "a broken record shows its error over the page")
        expect(heading() != "", "the last good page is still behind the overlay")
        driver.save_screenshot(os.path.join(root, "overlay.png"))

        open(record, "w", encoding="utf-8").write(original)
        expect(wait(lambda: not driver.find_elements(By.ID, "papersite-error-overlay") and "editing live" not in driver.page_source),
               "fixing the record clears the overlay")
    finally:
        driver.quit()
finally:
    serve.send_signal(signal.SIGINT)
    try:
        status = serve.wait(timeout=10)
    except subprocess.TimeoutExpired:
        serve.kill()
        status = None
    expect(status == 0, "Ctrl-C stops the server cleanly")
    shutil.rmtree(root, ignore_errors=True)

print("live reload: %d failed" % len(failures))
sys.exit(1 if failures else 0)
