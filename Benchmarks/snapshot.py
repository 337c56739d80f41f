"""`Benchmarks/run --snapshot N`: papersite on an arXiv metadata snapshot,
the case of a lab that mirrors a category of arXiv.

Writes an N-line snapshot (JSON lines as arXiv's Kaggle snapshot has them,
about 1.1 KB a line; the same bytes for the same N), builds it, and times
the builds a mirror meets: the full build, then rebuilds after editing
one paper, a build into a second output folder, and back; then one more
edit built into the first folder, then the second, then the first again;
then after adding one paper, after adding a day of 1,000 papers, and
after removing the newest paper. For each
it prints wall time, processor time, peak memory and its share of the
full build, and each stage of the build as `papersite build --timings`
reports it. With `--runs R`, the series R times, each on a site of its
own, and each figure's median. With `--full-only`, only the full build
and a build with nothing changed, and the site is removed after (a
million papers make 40 GB of output and 11 GB of cache).
"""
import glob, itertools, json, os, random, re, statistics, subprocess, sys, time

CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "stat.ML", "math.OC", "hep-th", "quant-ph", "astro-ph.GA", "q-bio.NC", "econ.EM"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def vocabulary(rng, size=6000):
    syllables = ["ka", "lo", "mi", "ne", "tra", "sen", "vo", "qui", "dar", "pel", "rus", "ten", "bi", "gor", "fa", "ul", "zen", "ori", "ph", "ex"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def topic_words(words, n, topic):
    """A research topic's own words: twenty-five of the rarer words, which its
    papers use far more often than the rest do (so that papers of a topic
    are related, as a category's papers are)."""
    if (n, topic) not in TOPICS:
        TOPICS[(n, topic)] = random.Random(n * 31 + topic).sample(words[len(words) // 10:], 25)
    return TOPICS[(n, topic)]


TOPICS = {}


def paper_rng(seed, k):
    """The k-th paper's own random numbers (so a paper's bytes depend on
    the seed and its number only)."""
    return random.Random(seed * 1_000_003 + k)


def picker(k, rng, words, cumulative, n):
    """Draws the k-th paper's words: from the whole vocabulary by
    frequency, a third of them from its topic's words."""
    topic = topic_words(words, n, (k * 7919) % max(10, n // 100))

    def pick(count):
        return [rng.choice(topic) if rng.random() < 0.35 else word
                for word in rng.choices(words, cum_weights=cumulative, k=count)]
    return pick


def record(k, rng, words, cumulative, people, n, titles_per=1):
    """The k-th paper (from 0): its id, title and abstract are its own.
    Papers of the snapshot (k < n) are dated over 2007-2024; papers added
    later (k >= n) are newer than all of them, as a mirror's additions are.
    Each paper is on one of n / 100 topics, whose words make a third of
    its title and abstract."""
    pick = picker(k, rng, words, cumulative, n)

    if k < n:
        year = 2007 + (k * 7919) % 18
        month, day = 1 + (k * 31) % 12, 1 + (k * 17) % 28
    else:
        # The one paper added first on 1 January 2025, then a hundred a day from the 2nd.
        year, month, day = 2025, 1, 1 if k == n else 2 + (k - n - 1) // 100 % 27
    title_words = pick(rng.randint(5, 11))
    # With titles_per > 1, that many papers in a row share a title (as
    # "Erratum" or "Reply to ..." repeat in real feeds): the one their
    # first paper has with distinct titles, so that only the sharing
    # differs between the two snapshots, not the titles' words.
    if titles_per > 1 and k % titles_per:
        lead = k - k % titles_per
        lead_rng = paper_rng(n, lead)
        title_words = picker(lead, lead_rng, words, cumulative, n)(lead_rng.randint(5, 11))
    title = " ".join(title_words).capitalize() + " (%d)" % (k // titles_per)
    abstract = []
    for _ in range(rng.randint(3, 6)):
        sentence = pick(rng.randint(12, 24))
        abstract.append(" ".join(sentence).capitalize() + ".")
    # Hard-wrapped and indented by two spaces, as arXiv's abstracts are.
    text, line = [], "  "
    for word in " ".join(abstract).split(" "):
        if len(line) + len(word) > 80:
            text.append(line.rstrip())
            line = ""
        line += word + " "
    text.append(line.rstrip())
    authors = rng.sample(people, rng.randint(1, 6))
    created = "%s, %d %s %d 10:00:00 GMT" % (["Mon", "Tue", "Wed", "Thu", "Fri"][k % 5], day, MONTHS[month - 1], year)
    return {
        # Unique for up to 21,600,000 papers: a month of ids for each 100,000.
        "id": "%02d%02d.%05d" % (7 + k // 1_200_000, 1 + (k // 100_000) % 12, k % 100_000),
        "submitter": authors[0][1] + " " + authors[0][0],
        "authors": ", ".join(first + " " + last for last, first in authors),
        "title": title,
        "comments": "%d pages" % rng.randint(4, 40),
        "journal-ref": None,
        "doi": None,
        "categories": " ".join(rng.sample(CATEGORIES, rng.randint(1, 3))),
        "license": None,
        "abstract": "\n".join(text) + "\n",
        "versions": [{"version": "v1", "created": created}],
        "update_date": "%d-%02d-%02d" % (year, month, day),
        "authors_parsed": [[last, first, ""] for last, first in authors],
    }


def write_snapshot(path, start, count, seed, titles_per=1):
    """Lines start ..< start + count of the snapshot for `seed` (each line
    depends on its number only, so a day added later is the same bytes)."""
    base = random.Random(seed)
    words = vocabulary(base)
    # Word frequencies as in text (Zipf's law), so that related papers have something to find.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    people = [(base.choice(words).capitalize(), base.choice(words).capitalize()) for _ in range(max(50, seed // 3))]
    with open(path, "a", encoding="utf-8") as out:
        for k in range(start, start + count):
            out.write(json.dumps(record(k, paper_rng(seed, k), words, cumulative, people, seed, titles_per), ensure_ascii=False) + "\n")


def timed(papersite, site, *extra):
    """Wall, processor, peak MiB and the stage lines of one build. The
    build starts once the files written before it are on the disk: a full
    build leaves gigabytes for the kernel to write back, and the next
    build's writing otherwise waits behind them (with titles shared or
    not, the same builds' writing took from 15 to 23 s by their order)."""
    os.sync()
    result = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", papersite, "build", "--timings"] + list(extra),
                            cwd=site, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("failed: papersite build %s\n%s" % (" ".join(extra), result.stderr[-3000:]))
    wall, user, system, kb = result.stderr.strip().splitlines()[-1].split()
    stages = [line.strip() for line in (result.stdout + result.stderr).splitlines() if re.match(r"\s+\d+\.\d+ s\s", line)]
    return float(wall), float(user) + float(system), int(kb) / 1024, stages


def run(papersite, work, n, rounds=1, full_only=False):
    """The series `rounds` times, each on a site of its own (made afresh:
    writing the snapshot is quick next to the builds), and each build's
    figures. With more than one round, each row's median: at 10,000
    papers a rebuild takes a sixth of a second, and its share of the full
    build moved by a fifth from one series to the next."""
    sites = [os.path.join(work, "snapshot-%d" % n if r == 0 else "snapshot-%d-round-%d" % (n, r + 1)) for r in range(rounds)]
    removed = [remove(site) for site in set(sites) | set(glob.glob(os.path.join(work, "snapshot-%d-round-*" % n)))]
    series = []
    for r, site in enumerate(sites):
        size = make_site(site, n)
        if r == 0:
            print("snapshot: %d lines, %.0f MB" % (n, size / 1e6))
            settle(max((t for t in removed if t is not None), default=None))
        series.append(builds(papersite, site, n, full_only))
    print("%-30s %9s %9s %12s  %6s%s" % ("build (%d papers)" % n, "wall", "cpu", "peak memory", "share",
                                        "" if rounds == 1 else "   (each round's wall; the median of %d)" % rounds))
    for k, (label, _, _, _, _) in enumerate(series[0]):
        rows = [rounds_rows[k] for rounds_rows in series]
        wall, cpu, mib = (statistics.median(row[i] for row in rows) for i in (1, 2, 3))
        share = statistics.median(row[1] / rounds_rows[0][1] for row, rounds_rows in zip(rows, series))
        each = "" if rounds == 1 else "   (%s)" % ", ".join("%.2f s" % row[1] for row in rows)
        print("%-30s %7.2f s %7.2f s %8.0f MiB  %5.1f%%%s" % (label, wall, cpu, mib, 100 * share, each))
    for k, (label, _, _, _, _) in enumerate(series[0]):
        # The stages of the round whose wall time is the median.
        rows = sorted((rounds_rows[k] for rounds_rows in series), key=lambda row: row[1])
        print("\n%s:" % label)
        for line in rows[len(rows) // 2][4]:
            print("  " + line)
    subprocess.run(["du", "-sh", os.path.join(sites[0], "public"), os.path.join(sites[0], ".papersite-cache")])
    if full_only:
        for site in sites:
            remove(site)


def make_site(site, n):
    """A site whose papers are the N-line snapshot; returns its size."""
    papers = os.path.join(site, "content", "papers")
    os.makedirs(papers)
    with open(os.path.join(site, "content", "site.yml"), "w") as out:
        out.write("title: arXiv mirror\nbase_url: https://example.org/mirror/\n")
    snapshot = os.path.join(papers, "arxiv-snapshot.jsonl")
    write_snapshot(snapshot, 0, n, n)
    return os.path.getsize(snapshot)


def builds(papersite, site, n, full_only=False):
    """The series on one site: (label, wall, cpu, MiB, stages) for each build."""
    papers = os.path.join(site, "content", "papers")
    snapshot = os.path.join(papers, "arxiv-snapshot.jsonl")
    day = os.path.join(papers, "zz-new.jsonl")      # the added papers go into their own file
    rows = []

    def build(label, *extra):
        time.sleep(2.5)     # files older than the file system's clock tick, as in use
        rows.append((label,) + timed(papersite, site, *extra))

    build("full build", "--clean")
    build("no change")
    if full_only:
        return rows
    # The edits first, at N papers (after the additions they were made
    # on N + 999 papers and compared with the full build of N).
    text = open(snapshot, encoding="utf-8").read()
    first = json.loads(text.split("\n", 1)[0])
    edited = dict(first, title=first["title"] + " revisited")
    with open(snapshot, "w", encoding="utf-8") as out:
        out.write(json.dumps(edited, ensure_ascii=False) + "\n" + text.split("\n", 1)[1])
    build("1 paper edited")
    build("into a second output", "--output", "public-b")
    build("back to the first output")
    # Both folders built; one more edit; each folder rebuilt in turn.
    text = open(snapshot, encoding="utf-8").read()
    second = json.loads(text.split("\n", 2)[1])
    lines = text.split("\n")
    lines[1] = json.dumps(dict(second, title=second["title"] + " again"), ensure_ascii=False)
    with open(snapshot, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))
    build("edit, first output")
    build("second output, an edit behind", "--output", "public-b")
    build("first output, no change")
    write_snapshot(day, n, 1, n)
    build("1 paper added")
    write_snapshot(day, n + 1, 1000, n)
    build("1,000 papers added")
    with open(day, encoding="utf-8") as f:
        added = f.read().splitlines(keepends=True)
    with open(day, "w", encoding="utf-8") as out:
        out.write("".join(added[:-1]))      # the newest paper withdrawn
    build("1 paper removed")
    return rows


def remove(folder):
    """Removes a folder; returns when, for `settle` (None if it was not there)."""
    if not os.path.exists(folder):
        return None
    subprocess.run(["rm", "-rf", folder], check=True)
    return time.time()


def settle(removed):
    """Waits until files removed at `removed` no longer slow the making of
    new ones. On ext4 without a journal, as this machine's disk is, a new
    inode is not given the number of one freed in the last 60 seconds (or
    360 while the freed inode's table block is not yet written back:
    `recently_deleted` in the kernel's ialloc.c), and allocating a site's
    files right after deleting another's went through the freed inodes one
    by one: it made a 100,000-paper full build's writing take twice as
    long. Written back (`sync`) and waited for a minute, it still did: a
    10,000-paper full build took 3.96 s after one such wait and 7.22 s
    after the next, with the same writing slowed, and after tens of
    gigabytes were deleted, builds 61 s on took 10.4, 9.6 and 8.9 s, and
    4 minutes on 5.4 and 4.7 s, against 3.6 to 3.95 s with nothing deleted
    before. So: the deletion written back, then the kernel's six minutes
    from it. Nothing removed (None): no wait."""
    if removed is None:
        return
    os.sync()
    time.sleep(max(0, removed + 361 - time.time()))


def compare_titles(papersite, work, n, titles_per, rounds=2):
    """Full builds of the N-line snapshot with distinct titles and with
    `titles_per` papers to a title, in turns, stage by stage: shared titles
    (and the slugs and warnings they bring) must cost no stage more than
    a tenth."""
    sites, removals = {}, []
    for k in (1, titles_per):
        site = os.path.join(work, "snapshot-%d-titles-%d" % (n, k))
        papers = os.path.join(site, "content", "papers")
        removals.append(remove(site))
        os.makedirs(papers)
        with open(os.path.join(site, "content", "site.yml"), "w") as out:
            out.write("title: arXiv mirror\nbase_url: https://example.org/mirror/\n")
        write_snapshot(os.path.join(papers, "arxiv-snapshot.jsonl"), 0, n, n, k)
        sites[k] = site
    settle(max((t for t in removals if t is not None), default=None))
    best = {}
    # A first round is not counted (the very first build follows no other
    # and fared best), and each site goes first in every other round.
    for round in range(rounds + 1):
        order = list(sites.items()) if round % 2 == 0 else list(reversed(sites.items()))
        for k, site in order:
            time.sleep(2.5)
            # Each build writes a folder of its own, and none is removed
            # until the end: a build right after another removed its old
            # tree (as `--clean` into the same folder does) made its files
            # at half the speed (see `settle`).
            wall, cpu, mib, stages = timed(papersite, site, "--clean", "--output", "public-%d" % round)
            if round == 0:
                continue
            for line in stages:
                seconds, name = float(line.split()[0]), line.split("  ")[1].split("  (")[0].strip()
                best.setdefault(k, {})[name] = min(best.get(k, {}).get(name, seconds), seconds)
            best[k]["whole build"] = min(best[k].get("whole build", wall), wall)
    print("%-26s %14s %18s %7s" % ("stage (%d papers, best of %d)" % (n, rounds), "distinct titles", "%d papers a title" % titles_per, "ratio"))
    for name in best[1]:
        a, b = best[1][name], best[titles_per].get(name, 0)
        print("%-26s %12.2f s %16.2f s %6.2fx" % (name, a, b, b / a if a else 0))
    for site in sites.values():
        subprocess.run(["rm", "-rf", site], check=True)
