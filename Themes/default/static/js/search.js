// papersite search page: instant results from the static index under
// search/ (written by the build; the format is described in papersite's
// SearchIndex.swift). Nothing is loaded from other hosts. Each index file
// is a script that hands its data to papersiteSearchData: scripts load
// from a page opened from disk, where fetching JSON is refused.
(function () {
  'use strict';
  var form = document.getElementById('search-form');
  if (!form) return;
  var input = document.getElementById('search-input');
  var tagSelect = document.getElementById('search-tag');
  var yearSelect = document.getElementById('search-year');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  var root = form.getAttribute('data-index');
  var base = form.getAttribute('data-base');
  var PAGE = 20;
  var manifest = null, shardSet = null, splitSet = null, stopSet = null, tagNames = new Map();
  var cache = new Map();
  var sorted = new WeakMap();
  var generation = 0, results = [], shown = 0, queryTokens = [];

  var waiting = new Map();
  window.papersiteSearchData = function (path, data) {
    var done = waiting.get(path);
    if (done) { waiting.delete(path); done(data); }
  };
  function load(path) {
    if (!cache.has(path)) {
      cache.set(path, new Promise(function (resolve, reject) {
        waiting.set(path, resolve);
        var script = document.createElement('script');
        script.src = root + path + '.js';
        script.onerror = function () { waiting.delete(path); reject(new Error(path + '.js could not be loaded')); };
        script.onload = function () { script.remove(); };
        document.head.appendChild(script);
      }));
    }
    return cache.get(path);
  }

  // Opened from disk, a link to a folder shows the folder: disk-links.js links its index.html.
  function pageLink(url) { return window.papersitePageLink ? window.papersitePageLink(url) : url; }

  // Folding, as the build folds (SearchText in SearchIndex.swift).
  function fold(text) { return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }
  function chars(word) { return Array.from(word); }
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return chars(w).length > 1 && !stopSet.has(w); });
  }
  function fileName(key) {
    var name = '';
    chars(key).forEach(function (ch) {
      var c = ch.codePointAt(0);
      name += (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ? ch : '_' + c.toString(16);
    });
    return name;
  }
  function prefix(word, n) { return chars(word).slice(0, n).join(''); }

  // The shards that hold the terms starting with `token`: the shard of its
  // first two characters or, where that prefix is split, of its first
  // three, and so on, as the build files them. A token that ends on a split
  // prefix needs every shard under it.
  function shardsFor(token) {
    var length = chars(token).length, n = 2, key = fileName(prefix(token, 2));
    while (splitSet.has(key) && length > n) { n += 1; key = fileName(prefix(token, n)); }
    if (!splitSet.has(key)) return shardSet.has(key) ? [key] : [];
    return manifest.shards.filter(function (shard) { return shard.indexOf(key) === 0; });
  }

  function sortedTerms(shard) {
    var terms = sorted.get(shard);
    if (!terms) { terms = Object.keys(shard).sort(); sorted.set(shard, terms); }
    return terms;
  }

  // id → score for one query word: the best of the terms it starts
  // (a whole-word match counts more than a prefix).
  function scoresFor(token, shards) {
    var scores = new Map();
    shards.forEach(function (shard) {
      var terms = sortedTerms(shard);
      var lo = 0, hi = terms.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid] < token) lo = mid + 1; else hi = mid; }
      for (var t = lo; t < terms.length && terms[t].indexOf(token) === 0; t++) {
        var factor = terms[t] === token ? 1 : 0.6;
        var postings = shard[terms[t]], id = 0;
        for (var i = 0; i < postings.length; i += 2) {
          id += postings[i];
          var score = postings[i + 1] * factor;
          var old = scores.get(id);
          if (old === undefined || score > old) scores.set(id, score);
        }
      }
    });
    return scores;
  }

  function idSet(deltas) {
    var set = new Set(), id = 0;
    for (var i = 0; i < deltas.length; i++) { id += deltas[i]; set.add(id); }
    return set;
  }

  function readState() {
    var params = new URLSearchParams(location.search);
    input.value = params.get('q') || '';
    if (tagSelect) tagSelect.value = params.get('tag') || '';
    if (yearSelect) yearSelect.value = params.get('year') || '';
  }

  function writeState() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set('q', input.value.trim());
    if (tagSelect && tagSelect.value) params.set('tag', tagSelect.value);
    if (yearSelect && yearSelect.value) params.set('year', yearSelect.value);
    var query = params.toString();
    // (A page opened from disk may not be allowed to change its address.)
    try { history.replaceState(null, '', location.pathname + (query ? '?' + query : '')); } catch (error) {}
  }

  function search() {
    var mine = ++generation;
    writeState();
    var tokens = words(input.value);
    var tag = tagSelect ? tagSelect.value : '', year = yearSelect ? yearSelect.value : '';
    if (!tokens.length && !tag && !year) {
      results = []; queryTokens = [];
      show(mine, input.value.trim() ? 'Type a longer word to search.' : 'Type to search ' + manifest.count + ' papers.');
      return;
    }
    var loads = tokens.map(function (token) {
      return Promise.all(shardsFor(token).map(function (key) { return load('terms/' + key); }));
    });
    var filters = [];
    if (tag) filters.push(load('tags/' + tag));
    if (year) filters.push(load('years/' + year));
    Promise.all([Promise.all(loads), Promise.all(filters)]).then(function (loaded) {
      if (mine !== generation) return;
      var started = performance.now();
      var filterSets = loaded[1].map(idSet);
      var ranked;
      if (tokens.length) {
        var perToken = tokens.map(function (token, k) { return scoresFor(token, loaded[0][k]); });
        perToken.sort(function (a, b) { return a.size - b.size; });
        ranked = [];
        perToken[0].forEach(function (score, id) {
          for (var k = 1; k < perToken.length; k++) {
            var s = perToken[k].get(id);
            if (s === undefined) return;
            score += s;
          }
          for (var f = 0; f < filterSets.length; f++) if (!filterSets[f].has(id)) return;
          ranked.push([id, score]);
        });
        // Ids count from the oldest paper: among equal scores, the newest first.
        ranked.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
        results = ranked.map(function (r) { return r[0]; });
      } else {
        var ids = Array.from(filterSets[0]);
        for (var f = 1; f < filterSets.length; f++) ids = ids.filter(function (id) { return filterSets[f].has(id); });
        results = ids.sort(function (a, b) { return b - a; });
      }
      list.setAttribute('data-search-ms', (performance.now() - started).toFixed(1));
      queryTokens = tokens;
      var what = results.length === 1 ? '1 paper' : results.length + ' papers';
      show(mine, results.length ? what + ' found.' : 'No papers found. Try fewer or shorter words.');
    }).catch(function (error) {
      status.textContent = 'Search failed: ' + error.message;
    });
  }

  function show(mine, message) {
    list.textContent = '';
    shown = 0;
    status.textContent = message;
    showMore(mine);
  }

  function showMore(mine) {
    var batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    more.hidden = shown >= results.length;
    var shards = Array.from(new Set(batch.map(function (id) { return Math.floor(id / manifest.docs_per_shard); })));
    Promise.all(shards.map(function (n) { return load('docs/' + n); })).then(function (docs) {
      if (mine !== generation) return;
      var byShard = new Map();
      shards.forEach(function (n, k) { byShard.set(n, docs[k]); });
      batch.forEach(function (id) {
        var doc = byShard.get(Math.floor(id / manifest.docs_per_shard))[id % manifest.docs_per_shard];
        list.appendChild(result(doc));
      });
    }).catch(function (error) {
      status.textContent = 'Search failed: ' + error.message;
    });
  }

  // Text with the words that start with a query word marked.
  function marked(parent, text) {
    var pattern = /[\p{L}\p{N}]+/gu, last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      var folded = fold(match[0]);
      var hit = queryTokens.some(function (token) { return folded.indexOf(token) === 0; });
      if (!hit) continue;
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var mark = document.createElement('mark');
      mark.textContent = match[0];
      parent.appendChild(mark);
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  // [title, url, authors, date, ISO date, [tag slugs], summary]; the dates are empty for an undated paper
  function result(doc) {
    var item = element('li', 'search-result');
    var link = marked(element('a', 'result-title'), doc[0]);
    link.href = pageLink(doc[1]);
    item.appendChild(link);
    var meta = element('p', 'meta');
    if (doc[2]) {
      meta.appendChild(marked(element('span', 'authors'), doc[2]));
      meta.appendChild(document.createTextNode(' · '));
    }
    if (doc[4]) {
      var time = element('time');
      time.dateTime = doc[4];
      time.textContent = doc[3];
      meta.appendChild(time);
    } else {
      meta.appendChild(document.createTextNode('undated'));
    }
    item.appendChild(meta);
    if (doc[6]) item.appendChild(marked(element('p', 'summary'), doc[6]));
    if (doc[5].length) {
      var tags = element('p', 'tags result-tags');
      doc[5].forEach(function (slug) {
        var tag = marked(element('a', 'tag'), tagNames.get(slug) || slug);
        tag.href = pageLink(base + 'tags/' + slug + '/');
        tags.appendChild(tag);
      });
      item.appendChild(tags);
    }
    return item;
  }

  // Keyboard: ↓ from the box to the results, ↑/↓ between them, Esc back.
  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown') {
      var first = list.querySelector('.result-title');
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  list.addEventListener('keydown', function (event) {
    var links = Array.from(list.querySelectorAll('.result-title'));
    var at = links.indexOf(document.activeElement);
    if (event.key === 'Escape') { event.preventDefault(); input.focus(); return; }
    if (at < 0 || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
    event.preventDefault();
    if (event.key === 'ArrowDown' && at + 1 < links.length) links[at + 1].focus();
    else if (event.key === 'ArrowUp') (at > 0 ? links[at - 1] : input).focus();
  });

  form.addEventListener('submit', function (event) { event.preventDefault(); search(); });
  input.addEventListener('input', search);
  if (tagSelect) tagSelect.addEventListener('change', search);
  if (yearSelect) yearSelect.addEventListener('change', search);
  more.addEventListener('click', function () { showMore(generation); });

  status.textContent = 'Loading the search index…';
  load('index').then(function (data) {
    manifest = data;
    shardSet = new Set(data.shards);
    splitSet = new Set(data.split);
    stopSet = new Set(data.stop_words);
    data.tags.forEach(function (tag) { tagNames.set(tag[0], tag[1]); });
    readState();
    search();
    if (!input.value) input.focus();
  }).catch(function (error) {
    status.textContent = 'The search index could not be loaded: ' + error.message;
  });
})();
