import { readFileSync } from "node:fs";

/**
 * CPU time (user + system) the calling thread has used, in ms (Linux
 * /proc/thread-self; 10 ms resolution). Unlike wall time it does not grow
 * while other processes hold the CPU, so CPU per request stays comparable on
 * a busy machine. NaN where /proc is missing.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime), counted after the command name, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
