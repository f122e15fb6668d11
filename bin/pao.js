#!/usr/bin/env node
// The `pao` command. The TypeScript sources are compiled to dist/ by `npm run build`, which `npm ci` runs (the
// `prepare` script), as do `npm test` and `npm start`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("pao: the command is not built yet (dist/cli/main.js is missing)\n    hint: run `npm run build` (or `npm ci`) in the pao repository, then try again\n");
  process.exit(2);
}
const { main } = await import(entry.href);

// A reader that goes away early (`pao validate | head -2`) closes the pipe: the command stops writing there and
// ends as it would have, with no stack trace. Any other write error is a real failure and is not hidden.
const write = (stream) => {
  let closed = false;
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text + "\n");
  };
};

process.exitCode = await main(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  cwd: process.cwd(),
});
