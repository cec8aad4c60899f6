/* The result documents on the 计票 page: the templates of handbook/render/templates/results/ (precompiled into
   tally-results-templates.js, rendered by the vendored nunjucks-slim) with a context built from the page's
   tally by the rules of handbook/render/results.py (`results_facts`; tests/render/test_results_engines.py). */
(function (root) {
  "use strict";
  // Looked up when used: the page loads this script before tally-core.js (extra_javascript comes last).
  var core = {
    numbers: function () { return impl().numbers.apply(null, arguments); },
    lines: function () { return impl().lines.apply(null, arguments); },
    number: function () { return impl().number.apply(null, arguments); }
  };
  function impl() {
    return root.zzshhTallyCore || (typeof require === "function" ? require("./tally-core.js") : null);
  }

  function isInt(v) { return typeof v === "number"; }

  /* A count's share of the valid ballots, one decimal, rounded as Python's format does (ties to even). */
  function share(count, valid) {
    if (!valid) return "—";
    var x = count * 100 / valid;
    var t = x * 10;
    var f = Math.floor(t);
    if (t - f === 0.5) return ((f % 2 === 0 ? f : f + 1) / 10).toFixed(1) + "%";
    return x.toFixed(1) + "%";
  }

  function validNote(n, ballotsFrom) {
    return n.estimated ? "有效票数未填写，按得票合计最多的一名党员的票数计为" + n.valid + "张"
      : "有效票数" + n.valid + "张（" + ballotsFrom + "）";
  }

  /* results_facts for a tally in the file format (TALLY.md); `where`: {roster, tally, base_from, ballots_from}. */
  function facts(data, vocab, baseKind, where) {
    var n = core.numbers(data, vocab, baseKind);
    var ls = core.lines(data, vocab);
    var b = data.ballots || {};
    var rows = ls.map(function (x, i) {
      var m = data.members[i] || {};
      var counts = x.values.map(function (v) { return isInt(v) ? v : 0; });
      var marks = counts.reduce(function (a, c) { return a + c; }, 0);
      return {
        label: x.name,
        member: { category: x.probationary ? "预备党员" : "正式党员", group: m.group ? String(m.group) : "",
                  probationary: x.probationary, mobile: m.mobile === true },
        counts: counts,
        shares: counts.map(function (c) { return share(c, n.valid); }),
        marks: marks,
        blanks: Math.max(n.valid - marks, 0),
        entry: { proposal: x.proposal || "", decided: x.decided || "", note: m.note ? String(m.note) : "" }
      };
    });
    var graded = 0;
    vocab.grades.forEach(function (g) { graded += n.graded[g]; });
    function ballot(k) { var v = core.number(b[k]); return v === null || v === undefined ? "" : String(v); }
    var fig = n.figure;
    return {
      branch: data.branch ? String(data.branch) : "",
      ballots: { issued: ballot("issued"), returned: ballot("returned") },
      valid: n.valid,
      rows: rows,
      mobile: rows.filter(function (r) { return r.member.mobile; }),
      formal: n.formal,
      probationary: n.probationary,
      counts: n.graded,
      undecided: n.formal - graded,
      src: {
        roster: where.roster, tally: where.tally, valid: validNote(n, where.ballots_from || "计票文件"),
        cap: fig.sentence + "（" + fig.sources.join("、") + "；基数：" + where.base_from + "）"
      }
    };
  }

  function context(statics, data, vocab, baseKind, where) {
    var ctx = {};
    [statics, facts(data, vocab, baseKind, where), { publicity: { rows: [], pledges: [], sources: [] } }].forEach(function (o) {
      Object.keys(o).forEach(function (k) { ctx[k] = o[k]; });
    });
    return ctx;
  }

  /* statistics_values: the 情况统计表's figures a tally gives (totals; decided grades once any is decided). */
  function statistics(data, vocab, gradeValues) {
    var ls = core.lines(data, vocab);
    var out = { members_total: String(ls.length) };
    if (data.branch) out.branch = String(data.branch);
    out.probationary = String(ls.filter(function (x) { return x.probationary; }).length);
    var decided = ls.filter(function (x) { return x.decided && !x.probationary; });
    if (decided.length) {
      vocab.grades.forEach(function (g, i) {
        out["graded_" + gradeValues[i]] = String(decided.filter(function (x) { return x.decided === g; }).length);
      });
    }
    return out;
  }

  function environment(nunjucks, templates) {
    return new nunjucks.Environment(new nunjucks.PrecompiledLoader(templates), { autoescape: true });
  }

  /* One document's body (the part render_result puts in its page shell). */
  function render(nunjucks, templates, kind, ctx) {
    return environment(nunjucks, templates).render("results/" + kind + ".html.j2", ctx);
  }

  var api = { share: share, facts: facts, context: context, statistics: statistics, render: render };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.zzshhTallyResults = api;
})(this);
