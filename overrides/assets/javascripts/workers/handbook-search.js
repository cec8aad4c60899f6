/* The handbook's search worker: the theme's own lunr worker, loaded unchanged, whose results are put in an
 * order a reader expects. lunr scores the dictionary parts of a Chinese word separately (预备党员 → 预备 + 党员),
 * so a page full of 党员 outranked the pages about 预备党员. Pages are ranked here, in this order, by:
 * the title holds the whole query; a heading holds it; the text holds it; the text holds every part of it;
 * then lunr's order. Within a rank, more occurrences of the whole query come first.
 * The theme's worker file is named in the query string (?theme=search.<hash>.min.js) by overrides/main.html.
 * Message types are the theme's: 0 setup (the index), 2 query, 3 result. Works as a Worker and inside the
 * iframe-worker shim used on file:// (where importScripts adds script tags relative to the page). */
(function () {
  "use strict";

  var ZWSP = /\u200b/g;
  var pages = new Map(); // page path -> {title, heads, text}, lower case, tags and ZWSP removed
  var vocabulary = new Set();
  var queries = [];

  /* Text without tags and ZWSP, lower case; `glue` replaces tags (results mark words in parts: <mark>预备</mark>). */
  function plain(html, glue) {
    return String(html || "").replace(/<[^>]*>/g, glue === undefined ? " " : glue).replace(ZWSP, "").toLowerCase();
  }

  function setup(index) {
    var separator = new RegExp(index.config.separator, "g");
    pages.clear();
    vocabulary.clear();
    index.docs.forEach(function (doc) {
      var path = doc.location.split("#")[0];
      var page = pages.get(path);
      var title = plain(doc.title);
      if (!page) {
        page = { title: title, heads: "", text: "" };
        pages.set(path, page);
      } else {
        page.heads += " " + title;
      }
      page.text += " " + title + " " + plain(doc.text);
      (String(doc.title) + " " + String(doc.text).replace(/<[^>]*>/g, " ")).split(separator).forEach(function (w) {
        if (w) vocabulary.add(w.toLowerCase());
      });
    });
  }

  /* The dictionary parts of a query word: the longest words of the index, left to right (as it was cut). */
  function parts(word) {
    var out = [];
    for (var i = 0; i < word.length;) {
      var n = Math.min(8, word.length - i);
      while (n > 1 && !vocabulary.has(word.slice(i, i + n))) n--;
      out.push(word.slice(i, i + n));
      i += n;
    }
    return out;
  }

  function count(text, word) {
    return text.split(word).length - 1;
  }

  /* Within a page, the sections holding the whole query come first and score above the rest (the page's
   * own entry too), so the theme shows them instead of a better-scoring one that holds only a part. */
  function sections(group, words) {
    var top = Math.max.apply(null, group.map(function (item) { return item.score; }));
    var keyed = group.map(function (item, i) {
      var text = plain(item.title, "") + " " + plain(item.text, "");
      // The theme keeps a "*" on the first part of a cut word (预备*) and then lists it as missing ("缺少").
      Object.keys(item.terms || {}).forEach(function (term) {
        var word = term.replace(/\*+$/, "");
        if (word !== term) {
          delete item.terms[term];
          item.terms[word] = text.indexOf(word) !== -1;
        }
      });
      var whole = String(item.location).indexOf("#") !== -1 &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      return { item: item, whole: whole, i: i };
    });
    keyed.sort(function (a, b) {
      return (b.whole - a.whole) || (b.item.score - a.item.score) || (a.i - b.i);
    });
    return keyed.map(function (k) {
      if (k.whole) k.item.score += top;
      return k.item;
    });
  }

  function rank(query, groups) {
    var words = String(query || "").toLowerCase().replace(/["+\-*~^]/g, " ").split(/\s+/).filter(Boolean);
    if (!words.length) return groups;
    var pieces = [];
    words.forEach(function (w) {
      pieces.push.apply(pieces, parts(w));
    });
    function all(text, list) {
      return list.every(function (w) { return text.indexOf(w) !== -1; });
    }
    var keyed = groups.map(function (group, order) {
      group = sections(group, words);
      var page = pages.get(String(group[0].location).split("#")[0]);
      var tier = 4;
      var hits = 0;
      if (page) {
        if (all(page.title, words)) tier = 0;
        else if (all(page.heads, words)) tier = 1;
        else if (all(page.text, words)) tier = 2;
        else if (all(page.text, pieces)) tier = 3;
        words.forEach(function (w) { hits += count(page.text, w); });
      }
      return { group: group, tier: tier, hits: hits, order: order };
    });
    keyed.sort(function (a, b) {
      return a.tier - b.tier || b.hits - a.hits || a.order - b.order;
    });
    return keyed.map(function (k) { return k.group; });
  }

  function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* The words to mark in a result: each query word whole where the result holds it, else its dictionary
   * parts of two or more characters; never the theme's single-character prefixes (预备党员 lit up every 党). */
  function marks(item, words) {
    var text = plain(item.title, "") + " " + plain(item.text, "");
    var out = [];
    words.forEach(function (w) {
      if (text.indexOf(w) !== -1) out.push(w);
      else parts(w).forEach(function (p) { if (p.length > 1 || w.length === 1) out.push(p); });
    });
    return out.filter(function (w, i) { return out.indexOf(w) === i; }).sort(function (a, b) { return b.length - a.length; });
  }

  function remark(html, list) {
    if (!html || !list.length) return html;
    // ZWSP may sit between any two characters of a word (the index's segmentation).
    var re = new RegExp("(" + list.map(function (w) { return w.split("").map(escapeRe).join("\u200b?"); }).join("|") + ")", "gi");
    return String(html).replace(/<mark[^>]*>|<\/mark>/g, "").replace(/(<[^>]*>)|([^<]+)/g, function (_, tag, txt) {
      return tag || txt.replace(re, "<mark data-md-highlight>$1</mark>");
    });
  }

  function highlight(query, groups) {
    var words = String(query || "").toLowerCase().replace(/["+\-*~^]/g, " ").split(/\s+/).filter(Boolean);
    if (!words.length) return groups;
    groups.forEach(function (group) {
      group.forEach(function (item) {
        var list = marks(item, words);
        item.title = remark(item.title, list);
        item.text = remark(item.text, list);
        // The theme builds the page's ?h= highlight from these terms: the same words as the snippet.
        var terms = {};
        list.forEach(function (w) { terms[w] = true; });
        item.terms = terms;
      });
    });
    return groups;
  }

  var post = self.postMessage.bind(self);
  self.postMessage = function (message) {
    if (message && message.type === 3 && message.data && Array.isArray(message.data.items)) {
      var query = queries.shift();
      message.data.items = highlight(query, rank(query, message.data.items));
    }
    return post.apply(self, arguments);
  };

  // Registered before the theme's listener, so the query is known when its result is posted.
  addEventListener("message", function (ev) {
    var message = ev.data || {};
    if (message.type === 0) setup(message.data);
    else if (message.type === 2) queries.push(message.data);
  });

  var script = typeof document !== "undefined" && document.querySelector("script[src]");
  var here = new URL(script ? script.src : self.location.href);
  var theme = (here.searchParams.get("theme") || "").split("?")[0];
  importScripts(new URL(theme, here).href);
})();
