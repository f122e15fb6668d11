#!/usr/bin/env node
// The `pao` command. The TypeScript sources are compiled to dist/ by `npm run build` (run by `npm test` and `npm start`).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text + "\n"),
  stderr: (text) => process.stderr.write(text + "\n"),
  cwd: process.cwd(),
});
