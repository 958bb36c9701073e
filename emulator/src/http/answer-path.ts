import type { Request, Response } from "express";

/**
 * One stage on an answer's way out. It gets the answer when a handler ends
 * the response (`args` are `end`'s arguments) and passes it on with `send()`,
 * at once or later; or it answers differently (which goes down the same path
 * again, from the first stage).
 */
export type AnswerStage = (req: Request, res: Response, args: unknown[], send: () => void) => void;

type End = (this: Response, ...args: unknown[]) => Response;

/** Where an answer goes after the last stage when it is not to be written to a connection. */
const CAPTURE = Symbol("answer capture");
type Captured = Response & { [CAPTURE]?: (args: unknown[]) => void };

/**
 * Makes `res` an in-process answer: it goes down the answer path like any
 * other (the journal records it), then to `capture` with `end`'s arguments
 * instead of to a connection. Used for the requests a `$batch` carries.
 */
export function captureAnswer(res: Response, capture: (args: unknown[]) => void): void {
  (res as Captured)[CAPTURE] = capture;
}

/**
 * Runs `stages` in order on every answer of responses made from `proto` (the
 * app's response prototype, from Express): `end` of that prototype is
 * replaced once, so answers pay no per-response wrapper. The pipeline file
 * lists the stages; no stage patches `res.end` itself.
 */
export function installAnswerPath(proto: Response, stages: readonly AnswerStage[]): void {
  const end = proto.end as unknown as End;
  const from = (res: Response, i: number, args: unknown[]): void => {
    if (i === stages.length) {
      const capture = (res as Captured)[CAPTURE];
      if (capture) capture(args);
      else end.apply(res, args);
      return;
    }
    (stages[i] as AnswerStage)(res.req, res, args, () => from(res, i + 1, args));
  };
  Object.defineProperty(proto, "end", {
    value: function (this: Response, ...args: unknown[]) {
      from(this, 0, args);
      return this;
    },
    writable: true,
    configurable: true,
  });
}
