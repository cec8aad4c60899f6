// Reads {vocab, cases: [{data, base}]} on stdin; prints the page's findings and numbers for each case.
"use strict";
const core = require(process.argv[2]);
let input = "";
process.stdin.setEncoding("utf8"); // chunks may split a character: decode as a stream
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const { vocab, cases } = JSON.parse(input);
  const out = cases.map(({ data, base }) => {
    const r = core.evaluate(data, vocab, base);
    return { findings: r.findings.map((f) => [f.id, f.level, f.text]), numbers: r.numbers };
  });
  process.stdout.write(JSON.stringify(out));
});
