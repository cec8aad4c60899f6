/* The 本支部 page's reader run on files, for the parity test: node read_roster.js <rules.json> <file>...
   Prints one JSON result per file ({members, notices, errors}), read as the page reads a file it opens. */
"use strict";
const fs = require("fs");
const path = require("path");
const assets = path.join(__dirname, "..", "..", "docs", "assets");
const members = require(path.join(assets, "members.js"));
const mod = { exports: {} };
const lib = path.join(assets, "vendor", "read-excel-file", "read-excel-file.min.js");
new Function("module", "exports", fs.readFileSync(lib, "utf8"))(mod, mod.exports);

(async () => {
  const rules = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const out = [];
  for (const file of process.argv.slice(3)) {
    try {
      const got = await members.fileRows(file, new Uint8Array(fs.readFileSync(file)), mod.exports);
      out.push(members.readRows(rules, got.rows));
    } catch (e) {
      out.push({ members: [], notices: [], errors: [e] });
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
