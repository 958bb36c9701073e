import cliProgress from "cli-progress";
import type { LoadProgress } from "./state-load.ts";

/**
 * Progress for loading a large state folder: silent for the first second,
 * then a progress bar on a terminal (a line every two seconds otherwise), on
 * stderr so that scripts reading stdout see only the ready message.
 */
export function loadReporter(enabled: boolean, now: () => number = Date.now): { onProgress: LoadProgress; done(): void } {
  const started = now();
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = 0;
  return {
    onProgress(done, total) {
      if (!enabled || now() - started < 1000) return;
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ format: "Loading state [{bar}] {percentage}% | {value}/{total} files | {duration_formatted}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(total, done);
        }
        bar.update(done);
      } else if (now() - lastLine >= 2000 || done === total) {
        lastLine = now();
        process.stderr.write(`Loading state: ${done}/${total} files (${((now() - started) / 1000).toFixed(1)} s)\n`);
      }
    },
    done() {
      bar?.stop();
    },
  };
}
