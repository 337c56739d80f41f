#!/usr/bin/env python3
"""One built site, in headless Chromium, in the three places it is put:
served at the root of a host, served under a deep path, and opened from
disk (file://).

Usage: anywhere.py OUTPUT_FOLDER [--word diffusion] [--base-path /]

In each place: the home page is styled (the stylesheet loaded), a card's
link leads to the paper's page, which is styled too; the tag list leads to
a tag's page; the search page finds papers, its tag filter narrows them,
and a result leads to its paper; no console errors. Served over HTTP, a
missing address gets 404.html, styled, at two depths, where the site is
put at its base_url's path. Runs under the
checks' venv (selenium), as .ci/run does. Exits 1 on failure.
"""
import argparse, functools, http.server, os, shutil, sys, tempfile, threading, pathlib
from browsercheck import chromium, expect, failures, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

parser = argparse.ArgumentParser()
parser.add_argument("output")
parser.add_argument("--word", default="diffusion")
parser.add_argument("--base-path", default="/", help="the path of the site's base_url")
args = parser.parse_args()
output = os.path.abspath(args.output)


class NotFoundPage(http.server.SimpleHTTPRequestHandler):
    """A static host: folders give index.html, a missing address 404.html
    of the site (as GitHub Pages and Netlify do)."""
    mount = "/"

    def log_message(self, *a):
        pass

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(output, "404.html")
        if code != 404 or not os.path.exists(page):
            return super().send_error(code, message, explain)
        body = open(page, "rb").read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(mount):
    """Serves the output under `mount` (a symbolic link in a temporary root)."""
    root = tempfile.mkdtemp(prefix="papersite-anywhere-")
    if mount != "/":
        served = os.path.join(root, mount.strip("/"))
        os.makedirs(os.path.dirname(served), exist_ok=True)
        os.symlink(output, served)
    handler = functools.partial(NotFoundPage, directory=root if mount != "/" else output)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, root, "http://127.0.0.1:%d%s" % (server.server_address[1], mount)


driver = chromium(1100, 900, console=True)


def styled():
    # site.css hides the skip link off-screen until it is focused.
    return driver.execute_script(
        "var a = document.querySelector('.skip-link'); return !!a && getComputedStyle(a).position === 'absolute';")


def check(place, home):
    driver.get(home)
    expect(wait(styled), "%s: the home page is styled" % place)
    card = driver.find_element(By.CSS_SELECTOR, ".card-title a")
    title = card.text
    card.click()
    expect(wait(lambda: driver.find_element(By.TAG_NAME, "h1").text == title and styled()),
           "%s: a card leads to its paper, styled (%s)" % (place, driver.current_url))
    driver.find_element(By.CSS_SELECTOR, ".site-nav a[href*='tags']").click()
    wait(lambda: driver.find_elements(By.CSS_SELECTOR, "main a[href*='tags/']"))
    tag = driver.find_element(By.CSS_SELECTOR, "main a[href*='tags/']")
    name = tag.text.split("\n")[0]
    tag.click()
    expect(wait(lambda: driver.find_element(By.TAG_NAME, "h1").text.startswith(name.rsplit(" ", 1)[0]) and styled()),
           "%s: the tag list leads to a tag's page (%s)" % (place, driver.current_url))
    driver.get(home)
    box = driver.find_element(By.ID, "site-search-input")
    box.send_keys(args.word + "\n")
    results = lambda: driver.find_elements(By.CSS_SELECTOR, "#search-results li")
    expect(wait(lambda: len(results()) >= 3, 10), "%s: the header's box leads to results for '%s'" % (place, args.word))
    tags = Select(driver.find_element(By.ID, "search-tag"))
    label = tags.options[1].text.rsplit(" (", 1)[0]
    tags.select_by_index(1)
    expect(wait(lambda: results() and all(label in [a.text for a in li.find_elements(By.CSS_SELECTOR, ".tag")] for li in results()), 10),
           "%s: the tag filter keeps papers tagged %s" % (place, label))
    first = results()[0].find_element(By.CSS_SELECTOR, ".result-title")
    title = first.text
    first.click()
    expect(wait(lambda: driver.find_element(By.TAG_NAME, "h1").text == title and styled()),
           "%s: a result leads to its paper" % place)
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    expect(not errors, "%s: no console errors %s" % (place, [e["message"] for e in errors[:3]]))


servers = []
try:
    for mount in ["/", "/some/deep/path/"]:
        server, root, home = serve(mount)
        servers.append((server, root))
        check("served at %s" % mount, home)
        # A host shows 404.html at a missing address; its links start from
        # base_url's path there, so this holds where the site is put at that path.
        if mount != args.base_path:
            continue
        for missing in ["no-such-page/", "papers/no-such-paper/deeper/"]:
            driver.get(home + missing)
            expect(wait(lambda: "not found" in driver.title.lower() and styled()),
                   "served at %s: a missing %s shows the 404 page, styled" % (mount, missing))
        driver.get_log("browser")  # (the 404 responses themselves are logged as errors)
    check("from disk", pathlib.Path(output, "index.html").as_uri())
finally:
    driver.quit()
    for server, root in servers:
        server.shutdown()
        if root != output:
            shutil.rmtree(root, ignore_errors=True)

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("the site works at the root, under a path and from disk")
