/* tests/render/test_results_engines.py: the result templates in Nunjucks (the page's engine) and the page's
   context. stdin: {"kinds": [...], "ctx": {...}} renders ctx; {"page": {statics, data, vocab, base, where}}
   builds the context (and renders with it) as tally.js does. stdout: JSON. */
"use strict";
var path = require("path");
var ROOT = path.resolve(__dirname, "..", "..");
global.window = global;
var nunjucks = require(path.join(ROOT, "scripts", "vendor", "nunjucks", "nunjucks.min.js"));
require(path.join(ROOT, "docs", "assets", "tally-results-templates.js"));
var results = require(path.join(ROOT, "docs", "assets", "tally-results.js"));

var input = JSON.parse(require("fs").readFileSync(0, "utf-8"));
var out = {};
var ctx = input.ctx;
if (input.page) {
  var p = input.page;
  ctx = results.context(p.statics, p.data, p.vocab, p.base, p.where);
  out.ctx = ctx;
  out.statistics = results.statistics(p.data, p.vocab, p.grade_values);
}
out.html = {};
(input.kinds || []).forEach(function (k) { out.html[k] = results.render(nunjucks, global.nunjucksPrecompiled, k, ctx); });
process.stdout.write(JSON.stringify(out));
