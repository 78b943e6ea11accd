// The element's attribute and event tables in the READMEs, made from custom-elements.json (which
// `npm run build` generates from the element's JSDoc), so the docs cannot drift from the code.
//   node tools/element-tables.mjs          rewrite the tables between their markers
//   node tools/element-tables.mjs --check  exit 1 (naming the file) when a table is out of date
// The markers: <!-- element-attributes --> ... <!-- /element-attributes -->, and the same for
// element-events. packages/element/test/readme.test.ts checks them in `npm test`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TABLE_FILES = ['README.md', 'packages/element/README.md'];

const cell = (s) => String(s ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

/**
 * A description's "Default X" must say the default the element has (the manifest's, which the
 * analyzer takes from the code, defaults.ts included): the prose cannot drift from the code either.
 */
function checkDescribedDefault(a) {
  const said = /\bDefault ('[^']*'|-?[\w.]+)/.exec(a.description ?? '')?.[1]?.replace(/\.$/, '');
  if (said !== undefined && said !== a.default) {
    throw new Error(`<face-mesh ${a.name}>: its description says "Default ${said}", the element's default is ${a.default}`);
  }
}

/** The tables for a manifest (the parsed custom-elements.json). */
export function elementTables(manifest) {
  const decl = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'face-mesh');
  if (!decl) throw new Error('custom-elements.json has no <face-mesh> declaration');
  decl.attributes.forEach(checkDescribedDefault);
  const attributes = [
    '| attribute | default | what |',
    '|---|---|---|',
    ...decl.attributes.map((a) => `| \`${a.name}\` | ${a.default !== undefined ? `\`${cell(a.default)}\`` : ''} | ${cell(a.description)} |`),
  ].join('\n');
  const events = [
    '| event | when, and what `detail` holds |',
    '|---|---|',
    ...decl.events.map((e) => `| \`${e.name}\` | ${cell(e.description)} |`),
  ].join('\n');
  return { 'element-attributes': attributes, 'element-events': events };
}

/** `text` with each marked table replaced; throws when a marker is missing. */
export function withTables(text, tables, file) {
  let out = text;
  for (const [name, table] of Object.entries(tables)) {
    const re = new RegExp(`(<!-- ${name} -->\\n)[\\s\\S]*?(<!-- /${name} -->)`);
    if (!re.test(out)) throw new Error(`${file}: no <!-- ${name} --> ... <!-- /${name} --> markers`);
    out = out.replace(re, (_, open, close) => `${open}${table}\n${close}`);
  }
  return out;
}

function main() {
  const check = process.argv.includes('--check');
  const manifest = JSON.parse(readFileSync(path.join(root, 'packages/element/custom-elements.json'), 'utf8'));
  const tables = elementTables(manifest);
  let stale = 0;
  for (const file of TABLE_FILES) {
    const full = path.join(root, file);
    const text = readFileSync(full, 'utf8');
    const next = withTables(text, tables, file);
    if (next === text) continue;
    if (check) {
      console.error(`${file}: the element tables are out of date: run node tools/element-tables.mjs`);
      stale++;
    } else {
      writeFileSync(full, next);
      console.log(`element-tables: ${file} updated`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
