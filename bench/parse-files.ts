/**
 * `node parse-files.js <dir>`: what the small-repo baseline of bench/run.ts measures — a fresh node process that
 * only reads the YAML files of `dir` and parses them with js-yaml (the loader the CLI uses), start-up included.
 * Requires nothing but fs, path and js-yaml.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';

let objects = 0;
const dir = process.argv[2];
for (const f of fs.readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort()) {
  objects += jsyaml.loadAll(fs.readFileSync(path.join(dir, f), 'utf8')).filter((d) => d !== null && d !== undefined).length;
}
process.stdout.write(`${objects}\n`);
