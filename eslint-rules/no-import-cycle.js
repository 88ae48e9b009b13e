/**
 * Reports an import that closes a cycle among the project's own modules (relative imports, type-only
 * ones included: a loop of types is a loop of concepts). Resolves `./x` to x.ts, x.tsx or x/index.ts(x);
 * each file's imports are read once per lint run.
 */
import fs from 'node:fs';
import path from 'node:path';

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const deps = new Map();

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (/\.tsx?$/.test(f) && fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  }
  return null;
}

function importsOf(file) {
  let out = deps.get(file);
  if (!out) {
    const text = fs.readFileSync(file, 'utf8');
    out = [...text.matchAll(IMPORT)].map((m) => resolve(file, m[1])).filter((f) => f !== null);
    deps.set(file, out);
  }
  return out;
}

/** A path from `start` back to `target`, or null. */
function pathBack(start, target, seen = new Set()) {
  if (start === target) return [target];
  if (seen.has(start)) return null;
  seen.add(start);
  for (const next of importsOf(start)) {
    const rest = pathBack(next, target, seen);
    if (rest) return [start, ...rest];
  }
  return null;
}

export default {
  meta: { type: 'problem', docs: { description: 'no import cycles between project modules' }, schema: [] },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolve(file, spec);
      if (!target) return;
      const loop = pathBack(target, file);
      if (loop) {
        const rel = (f) => path.relative(process.cwd(), f);
        context.report({ node, message: `Import cycle: ${[file, ...loop].map(rel).join(' → ')}` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
