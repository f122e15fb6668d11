/**
 * `npm run test:loaded`: runs the test suite while two CPU-bound processes keep the machine busy, as CI's or a
 * developer's machine may be, so that timeouts tuned on an idle machine show up here first. Arguments are passed
 * to vitest (`npm run test:loaded -- test/e2e`). The busy processes are stopped whatever happens: when vitest ends,
 * when this script is interrupted, and by themselves when this script is gone (each checks its parent once a second).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(fileURLToPath(import.meta.url), "..", "..");
const BUSY_LOOPS = 2;

// Spins; once a second checks that its parent is still there, and ends when it is not.
const BUSY = `
const parent = process.ppid;
let next = Date.now() + 1000;
for (;;) {
  if (Date.now() >= next) {
    next += 1000;
    try { process.kill(parent, 0); } catch { process.exit(0); }
    if (process.ppid !== parent) process.exit(0);
  }
}`;

const loops: ChildProcess[] = Array.from({ length: BUSY_LOOPS }, () => spawn(process.execPath, ["-e", BUSY], { stdio: "ignore" }));
const stopLoops = () => {
  for (const loop of loops) if (loop.exitCode === null && loop.signalCode === null) loop.kill("SIGKILL");
};
process.on("exit", stopLoops);

console.log(`test:loaded: ${BUSY_LOOPS} busy processes (${loops.map((l) => l.pid).join(", ")}) running beside the suite`);
const vitest = spawn(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", ...process.argv.slice(2)], { cwd: ROOT, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    vitest.kill(signal);
    stopLoops();
  });
}
vitest.on("error", (error) => {
  console.error(`test:loaded: could not run vitest: ${error.message}`);
  stopLoops();
  process.exit(1);
});
vitest.on("exit", (code, signal) => {
  stopLoops();
  process.exit(code ?? (signal ? 1 : 0));
});
