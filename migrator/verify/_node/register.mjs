// Loaded with `node --import` after tsx: registers hooks.mjs, which resolves an import the
// snippet makes from its own folder when the temporary folder it runs from cannot (see
// GEMINI_MIGRATE_SOURCE_DIR in preload.cjs).
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const sourceDir = process.env.GEMINI_MIGRATE_SOURCE_DIR;
const snippet = process.env.GEMINI_MIGRATE_SNIPPET;
if (sourceDir && snippet) {
  register('./hooks.mjs', import.meta.url, {
    data: {
      snippet: pathToFileURL(snippet).href,
      stand: pathToFileURL(path.join(sourceDir, path.basename(snippet))).href,
    },
  });
}
