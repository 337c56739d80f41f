"""`Benchmarks/run --formats N`: how fast papersite reads each format
other tools export, one large file of N records each.

The first N records of the snapshot of `snapshot.py` (the same bytes for
the same N), written as arXiv's snapshot (JSON lines), as BibTeX, as RIS,
as CSL-JSON and as an arXiv API response (Atom): one site per format,
each with one file. Each site is built `--clean` into its own output,
once untimed (to make its files) and then `rounds` times, in turns; the
table gives the best `read records` stage of each (from `--timings`),
its processor time, and the file's size read per second. Every site must
read N papers.
"""
import html, json, os, re, subprocess, sys

import snapshot


def write_exports(records, folder):
    """`records` (snapshot dicts) as one file of each format; returns {format: path}."""
    def site(kind, name):
        papers = os.path.join(folder, kind, "content", "papers")
        os.makedirs(papers, exist_ok=True)
        with open(os.path.join(folder, kind, "content", "site.yml"), "w") as out:
            out.write("title: %s\nbase_url: https://example.org/\n" % kind)
        return os.path.join(papers, name)

    def names(r):
        return [(last, first) for last, first, _ in r["authors_parsed"]]

    paths = {"snapshot": site("snapshot", "arxiv.jsonl")}
    with open(paths["snapshot"], "w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    paths["BibTeX"] = site("bibtex", "all.bib")
    with open(paths["BibTeX"], "w", encoding="utf-8") as out:
        for r in records:
            out.write("@article{k%s,\n  title = {%s},\n  author = {%s},\n  year = {%s},\n  journal = {arXiv},\n"
                      "  eprint = {%s},\n  abstract = {%s},\n}\n\n" % (
                          r["id"].replace(".", ""), r["title"], " and ".join("%s, %s" % n for n in names(r)),
                          r["update_date"][:4], r["id"], r["abstract"].strip()))
    paths["RIS"] = site("ris", "all.ris")
    with open(paths["RIS"], "w", encoding="utf-8") as out:
        for r in records:
            out.write("TY  - JOUR\nID  - k%s\nTI  - %s\n" % (r["id"], r["title"]))
            for last, first in names(r):
                out.write("AU  - %s, %s\n" % (last, first))
            out.write("PY  - %s\nDA  - %s\nJO  - arXiv\nAB  - %s\nER  - \n\n" % (
                r["update_date"][:4], r["update_date"].replace("-", "/"), " ".join(r["abstract"].split())))
    paths["CSL-JSON"] = site("csl", "all.json")
    with open(paths["CSL-JSON"], "w", encoding="utf-8") as out:
        json.dump([{"id": "k" + r["id"], "type": "article-journal", "title": r["title"],
                    "author": [{"family": last, "given": first} for last, first in names(r)],
                    "issued": {"date-parts": [[int(part) for part in r["update_date"].split("-")]]},
                    "container-title": "arXiv", "abstract": r["abstract"].strip()} for r in records],
                  out, indent=2, ensure_ascii=False)
    paths["arXiv API"] = site("atom", "all.xml")
    with open(paths["arXiv API"], "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
                  "<title>ArXiv Query</title>\n<id>http://arxiv.org/api/benchmark</id>\n<updated>2026-01-01T00:00:00-05:00</updated>\n")
        for r in records:
            out.write("<entry>\n<id>http://arxiv.org/abs/%sv1</id>\n<updated>%sT00:00:00Z</updated>\n<published>%sT00:00:00Z</published>\n"
                      "<title>%s</title>\n<summary>%s</summary>\n" % (r["id"], r["update_date"], r["update_date"],
                                                                     html.escape(r["title"]), html.escape(r["abstract"])))
            for last, first in names(r):
                out.write("<author><name>%s %s</name></author>\n" % (html.escape(first), html.escape(last)))
            out.write('<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>\n</entry>\n')
        out.write("</feed>\n")
    return paths


def run(papersite, work, n, rounds=2):
    folder = os.path.join(work, "formats-%d" % n)
    removed = snapshot.remove(folder)
    os.makedirs(folder)
    plain = os.path.join(folder, "records.jsonl")
    snapshot.write_snapshot(plain, 0, n, n)
    with open(plain, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    os.remove(plain)
    paths = write_exports(records, folder)
    snapshot.settle(removed)
    best = {}
    for round in range(rounds + 1):
        order = list(paths.items()) if round % 2 == 0 else list(reversed(paths.items()))
        for kind, path in order:
            site = os.path.dirname(os.path.dirname(os.path.dirname(path)))
            wall, cpu, mib, stages = snapshot.timed(papersite, site, "--clean")
            done = subprocess.run([papersite, "build"], cwd=site, capture_output=True, text=True)
            summary = done.stdout + done.stderr
            papers = re.search(r"Built ([\d,]+) papers", summary)
            if not papers or int(papers.group(1).replace(",", "")) != n:
                sys.exit("%s: read %s papers, not %d" % (kind, papers and papers.group(1), n))
            if round == 0:
                continue
            line = next(l for l in stages if "read records" in l)
            seconds = float(line.split()[0])
            processor = float(re.search(r"processor ([\d.]+) s", line).group(1))
            if kind not in best or seconds < best[kind][0]:
                best[kind] = (seconds, processor)
    print("%-12s %10s %12s %14s %10s" % ("format", "file", "read records", "its processor", "read at"))
    for kind, path in paths.items():
        size = os.path.getsize(path) / 1e6
        seconds, processor = best[kind]
        print("%-12s %7.0f MB %10.2f s %12.2f s %5.0f MB/s" % (kind, size, seconds, processor, size / seconds))
    subprocess.run(["rm", "-rf", folder], check=True)
