/** After each test file, whatever it started and did not stop (a failed or timed-out set-up hook) is stopped. */
import { afterAll } from "vitest";
import { stopAllChildren } from "../helpers/children.js";

afterAll(async () => {
  await stopAllChildren();
}, 30_000);
