// Writes N completion records of a course, every lab done with its
// reference solution, for timing `sandlab verify`.
//
//   node bench/records.mjs COURSE_DIR OUT_DIR N SANDLAB
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";

const [courseDir, outDir, n, sandlab] = process.argv.slice(2);
const labsRoot = path.dirname(courseDir);
const courseToml = fs.readFileSync(path.join(courseDir, "course.toml"), "utf8");
const courseId = courseToml.match(/^id = "([^"]+)"/m)[1];
const dirs = JSON.parse(courseToml.match(/labs = (\[[\s\S]*?\])/)[1].replace(/,\s*\]/, "]"));
let record;
for (const dir of dirs) {
  const labToml = fs.readFileSync(path.join(courseDir, dir, "lab.toml"), "utf8");
  const id = labToml.match(/^id = "([^"]+)"/m)[1];
  const solution = ["solution.wat", "solution.wasm", "solution.py", "solution.js", "solution.lua"]
    .map((f) => path.join(courseDir, dir, f))
    .find(fs.existsSync);
  // A lab of questions alone has no submission to re-grade.
  if (!solution) continue;
  const one = JSON.parse(
    execFileSync(sandlab, ["record", solution, "--course", courseId, "--lab", id, "--learner", "x", "--labs", labsRoot], {
      encoding: "utf8",
      maxBuffer: 64 << 20,
    }),
  );
  if (record) record.labs.push(...one.labs);
  else record = one;
}
for (let i = 1; i <= Number(n); i++) {
  record.learner.name = `learner ${i}`;
  fs.writeFileSync(path.join(outDir, `r${i}.json`), JSON.stringify(record));
}
console.error(`${n} records of ${record.labs.length} labs each in ${outDir}`);
