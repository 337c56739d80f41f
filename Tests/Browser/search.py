#!/usr/bin/env python3
"""The search page in headless Chromium, as a reader uses it.

Usage: search.py OUTPUT_FOLDER [--base-path /] [--word diffusion] [--prefix diff]
                 [--max-ms 100]

Serves a built site (python's http.server) and checks, on /search/:
typing a word gives results (each an <li> in #search-results) with the
word marked; a prefix finds the word; results stay under --max-ms of
computing once the shards are loaded (the page writes the time to
data-search-ms); the tag and year filters keep only matching papers; the
arrow keys move from the box through the results and Escape goes back;
the query lives in the address (?q=) and a reload shows the same results;
the header's search box on the home page leads there. No console errors.
Runs under the checks' venv (selenium), as .ci/run does. Exits 1 on failure.
"""
import argparse, functools, http.server, os, shutil, sys, tempfile, threading, time, urllib.parse
from browsercheck import chromium, expect, failures, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

parser = argparse.ArgumentParser()
parser.add_argument("output")
parser.add_argument("--base-path", default="/")
parser.add_argument("--word", default="diffusion")
parser.add_argument("--prefix", default="diff")
parser.add_argument("--max-ms", type=float, default=100)
args = parser.parse_args()

# Serve the folder under the base path (a symbolic link in a temporary root).
root = tempfile.mkdtemp(prefix="papersite-search-")
base = "/" + args.base_path.strip("/") + "/" if args.base_path.strip("/") else "/"
served = os.path.join(root, base.strip("/")) if base != "/" else None
if served:
    os.makedirs(os.path.dirname(served), exist_ok=True)
    os.symlink(os.path.abspath(args.output), served)
directory = root if served else os.path.abspath(args.output)
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
handler = functools.partial(Quiet, directory=directory)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
origin = "http://127.0.0.1:%d" % server.server_address[1]
site = origin + base

driver = chromium(1100, 900, console=True)

def results():
    return driver.find_elements(By.CSS_SELECTOR, "#search-results li")

def status():
    return driver.find_element(By.ID, "search-status").text

def search(text):
    box = driver.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.clear()
    box.send_keys(text)
    wait(lambda: status().endswith("found.") and driver.execute_script(
        "return document.getElementById('search-input').value") == text, 10)
    wait(lambda: len(results()) > 0, 5)
    return box

try:
    driver.get(site + "search/")
    expect(wait(lambda: status().startswith("Type to search")), "the search page loads its index")
    expect(len(driver.find_elements(By.CSS_SELECTOR, "input[type=search]")) == 1, "the page has one search box")

    search(args.word)
    found = results()
    expect(len(found) >= 3, "'%s' finds papers (%d shown, %s)" % (args.word, len(found), status()))
    marks = driver.find_elements(By.CSS_SELECTOR, "#search-results li mark")
    expect(marks and all(m.text.lower().startswith(args.word.lower()) for m in marks[:20]), "the matching words are marked")
    first_title = found[0].find_element(By.CSS_SELECTOR, ".result-title").text if found else ""
    expect(args.word.lower() in first_title.lower(), "a title match ranks first (%r)" % first_title)
    ms = float(driver.find_element(By.ID, "search-results").get_attribute("data-search-ms") or "inf")
    expect(ms < args.max_ms, "the search took %.1f ms (under %g)" % (ms, args.max_ms))

    search(args.prefix)
    expect(any(args.word.lower() in li.text.lower() for li in results()), "the prefix '%s' finds '%s'" % (args.prefix, args.word))
    ms = float(driver.find_element(By.ID, "search-results").get_attribute("data-search-ms") or "inf")
    expect(ms < args.max_ms, "the prefix search took %.1f ms (under %g)" % (ms, args.max_ms))

    # Two words: papers that have both.
    search(args.word + " " + args.prefix)
    expect(len(results()) >= 1, "two words find papers (%s)" % status())

    search(args.word)
    count = int(status().split()[0]) if status()[0].isdigit() else 0
    tag = Select(driver.find_element(By.ID, "search-tag"))
    slug = tag.options[1].get_attribute("value")
    name = tag.options[1].text.rsplit(" (", 1)[0]
    tag.select_by_index(1)
    wait(lambda: "tag=" + slug in driver.current_url)
    wait(lambda: all(name in [a.text for a in li.find_elements(By.CSS_SELECTOR, ".tag")] for li in results()), 5)
    filtered = results()
    expect(all(name in [a.text for a in li.find_elements(By.CSS_SELECTOR, ".tag")] for li in filtered),
           "the tag filter keeps papers tagged %s (%s)" % (name, status()))
    tag.select_by_index(0)
    year = Select(driver.find_element(By.ID, "search-year"))
    chosen = year.options[1].get_attribute("value")
    year.select_by_index(1)
    wait(lambda: "year=" + chosen in driver.current_url)
    wait(lambda: results() and all(li.find_element(By.TAG_NAME, "time").get_attribute("datetime").startswith(chosen) for li in results()), 5)
    expect(results() and all(li.find_element(By.TAG_NAME, "time").get_attribute("datetime").startswith(chosen) for li in results()),
           "the year filter keeps papers from %s (%s)" % (chosen, status()))
    year.select_by_index(0)
    # A filter with no words lists its papers as the tag's page does: newest first.
    driver.get(site + "search/?tag=" + urllib.parse.quote(slug))
    wait(lambda: len(results()) > 1, 10)
    listed = [li.find_element(By.TAG_NAME, "a").text for li in results()]
    driver.get(site + "tags/" + slug + "/")
    on_page = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".card-title a")]
    expect(len(listed) > 1 and listed[:len(on_page)] == on_page[:len(listed)],
           "a tag alone lists its papers in the tag page's order (%s, not %s)" % (listed[:3], on_page[:3]))
    driver.get(site + "search/")
    wait(lambda: status().startswith("Type to search"))

    box = search(args.word)
    box.send_keys(Keys.ARROW_DOWN)
    links = driver.find_elements(By.CSS_SELECTOR, "#search-results .result-title")
    expect(driver.switch_to.active_element == links[0], "the down arrow moves to the first result")
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    expect(len(links) > 1 and driver.switch_to.active_element == links[1], "and on to the next")
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    expect(driver.switch_to.active_element.get_attribute("id") == "search-input", "Escape goes back to the box")

    expect("q=" + urllib.parse.quote(args.word) in driver.current_url, "the query is in the address")
    driver.refresh()
    expect(wait(lambda: len(results()) > 0 and driver.find_element(By.ID, "search-input").get_attribute("value") == args.word),
           "a reload shows the same search")

    driver.get(site)
    header = driver.find_element(By.ID, "site-search-input")
    header.send_keys(args.word + Keys.ENTER)
    expect(wait(lambda: "/search/" in driver.current_url and len(results()) > 0), "the header's box leads to the results")

    driver.get(site)
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    expect(driver.switch_to.active_element.get_attribute("id") == "site-search-input", "'/' moves to the header's box")

    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    expect(not errors, "no console errors %s" % [e["message"] for e in errors[:3]])
finally:
    driver.quit()
    server.shutdown()
    shutil.rmtree(root, ignore_errors=True)

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("search: all checks passed")
