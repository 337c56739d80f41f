#!/usr/bin/env python3
"""Writes a deterministic N-paper corpus, as one site for papersite and one
for Hugo over the very same Markdown files.

Usage: make-corpus.py N OUT

OUT/papersite/content/{site.yml,papers/*.md} and OUT/hugo/content/papers/*.md
(Benchmarks/run adds the Hugo site's settings and layouts). Titles and abstracts are drawn from the sample
listing (content/papers/hf-daily-2025-03-14.txt): each paper gets a method
name and a title and abstract made from the listing's, so texts are real
English with realistic vocabulary. Authors come from a pool of 60,000
names with a skewed draw (some write hundreds of papers), dates are spread
over 2019-2025, and tags follow a Zipf law over 200 tags, so the biggest
tags hold thousands of papers. The same N and seed always give the same
bytes.
"""
import os, random, shutil, sys

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
n = int(sys.argv[1])
out = os.path.abspath(sys.argv[2])
rng = random.Random(20251126)

# The listing: after the date line, a title paragraph then an abstract paragraph.
text = open(os.path.join(repo, "content/papers/hf-daily-2025-03-14.txt"), encoding="utf-8").read()
body = text.split("\nMar 14\n", 1)[1]
paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
pairs = [(paragraphs[i], paragraphs[i + 1]) for i in range(0, len(paragraphs) - 1, 2)]

syllables = ["ka", "lo", "mi", "ra", "zen", "tor", "vi", "qua", "del", "pho", "syn", "mer", "gal", "nu", "rex", "ti", "bo", "lux", "or", "an"]
first_names = ["Ada", "Alan", "Grace", "Kurt", "Emmy", "John", "Barbara", "Donald", "Frances", "Edsger", "Leslie", "Shafi", "Yann", "Geoffrey", "Fei-Fei", "Yoshua",
               "Daphne", "Andrew", "Sanjeev", "Cynthia", "Judea", "Michael", "Sophie", "Wei", "Ming", "Priya", "Arjun", "Olga", "Ivan", "Lucía", "José", "Chloé",
               "Zoë", "Hiroshi", "Yuki", "Min-jun", "Seo-yeon", "Amara", "Kwame", "Fatima", "Omar", "Noor", "Lars", "Ingrid", "Søren", "Anaïs", "Mateo", "Valentina"]
last_names = ["Lovelace", "Turing", "Hopper", "Gödel", "Noether", "McCarthy", "Liskov", "Knuth", "Allen", "Dijkstra", "Lamport", "Goldwasser", "LeCun", "Hinton",
              "Li", "Bengio", "Koller", "Ng", "Arora", "Dwork", "Pearl", "Jordan", "Wilson", "Zhang", "Wang", "Chen", "Liu", "Patel", "Sharma", "Ivanova", "Petrov",
              "García", "Fernández", "Martin", "Dubois", "Tanaka", "Suzuki", "Kim", "Park", "Okafor", "Mensah", "Haddad", "Rahman", "Nielsen", "Berg", "Kierkegaard",
              "Moreau", "Rossi", "Silva", "Costa", "Novak", "Kowalski", "Horvat", "Yilmaz", "Demir", "Cohen", "Levi", "Murphy", "O'Brien", "Schmidt", "Müller"]
authors_pool = []
for i in range(60000):
    authors_pool.append(f"{first_names[i % len(first_names)]} {chr(65 + (i // len(first_names)) % 26)}. {last_names[(i * 7 + i // 97) % len(last_names)]}")
authors_pool = sorted(set(authors_pool))
rng.shuffle(authors_pool)

tag_words = ["Diffusion Models", "Large Language Models", "Vision Transformers", "Reinforcement Learning", "Graph Neural Networks", "Speech", "Robotics",
             "Retrieval", "Fine-Tuning", "Interpretability", "Benchmarks", "Safety", "Multimodal", "Efficient Inference", "Quantization", "Video", "3D Vision",
             "Medical Imaging", "Code Generation", "Reasoning", "Agents", "Federated Learning", "Optimization", "Theory", "Datasets", "Scaling Laws"]
tags_pool = tag_words + [f"{w} {k}" for k in ["Systems", "Methods", "Applications", "Evaluation", "Theory", "Data", "Hardware"] for w in tag_words][: 200 - len(tag_words)]
tag_weights = [1.0 / (i + 1) for i in range(len(tags_pool))]
author_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(authors_pool))]

def method_name():
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()

def yaml_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

seen = set()
papers = []
for i in range(n):
    title, abstract = pairs[i % len(pairs)]
    base = title.split(": ", 1)[1] if ": " in title else title
    name = method_name()
    t = f"{name}: {base}"
    k = 2
    while t.lower() in seen:
        t = f"{name}-{k}: {base}"
        k += 1
    seen.add(t.lower())
    other = pairs[rng.randrange(len(pairs))][1].split(". ")
    text = f"We introduce {name}. " + abstract + " " + ". ".join(other[: rng.randint(1, 2)]).rstrip(".") + "."
    authors = []
    for a in rng.choices(authors_pool, weights=author_weights, k=rng.randint(2, 7)):
        if a not in authors:
            authors.append(a)
    tags = []
    for tg in rng.choices(tags_pool, weights=tag_weights, k=rng.randint(1, 4)):
        if tg not in tags:
            tags.append(tg)
    year = 2019 + (i * 7) // max(n, 1) % 7
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{i:05d}"
    papers.append((f"p{i:06d}.md", "\n".join([
        "---",
        f"title: {yaml_string(t)}",
        "authors: [" + ", ".join(yaml_string(a) for a in authors) + "]",
        f"date: {date}",
        "tags: [" + ", ".join(yaml_string(x) for x in tags) + "]",
        f"arxiv: {yaml_string(arxiv)}",
        "---",
        text,
        "",
    ])))

for sub in ["papersite", "hugo"]:
    shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(os.path.join(out, sub, "content/papers"))
    for name, data in papers:
        with open(os.path.join(out, sub, "content/papers", name), "w", encoding="utf-8") as f:
            f.write(data)

with open(os.path.join(out, "papersite/content/site.yml"), "w", encoding="utf-8") as f:
    f.write("title: Benchmark Papers\nbase_url: https://bench.example.org/\npapers_per_page: 20\nfeed:\n  limit: 20\n")
shutil.copytree(os.path.join(repo, "Themes"), os.path.join(out, "papersite/Themes"))
# Benchmarks/run copies the Hugo site's settings (hugo-config) and layouts
# (hugo-layouts) in before each run, as it does papersite's theme.
print(f"{n} papers in {out}/papersite and {out}/hugo")
