/** Maximum accepted length of any query-option text (guards against pathological input). */
export const MAX_QUERY_LENGTH = 4096;
/** Maximum nesting depth of parentheses / not / lambdas / calls in a $filter. */
export const MAX_NESTING_DEPTH = 100;

/** A malformed query. `message` names the problem and position, e.g. "Syntax error: character '%' is not valid at position 8 in 'name eq %'." */
export class ODataSyntaxError extends Error {
  /** 0-based character offset of the problem in the query text, when known. */
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super(message);
    this.name = "ODataSyntaxError";
    this.position = position;
  }
}

/** Builds the standard message: "Syntax error: <problem> at position <pos> in '<text>'." (positions are 0-based, as in Graph's ODL messages). */
export function syntaxError(problem: string, position: number, text: string): ODataSyntaxError {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new ODataSyntaxError(`Syntax error: ${problem} at position ${position} in '${shown}'.`, position);
}

/** Rejects empty and over-long input for option `option` (e.g. "$filter"). Returns the text unchanged. */
export function checkInput(text: string, option: string): string {
  if (typeof text !== "string") throw new ODataSyntaxError(`Syntax error: the ${option} value must be a string.`);
  if (text.length > MAX_QUERY_LENGTH) {
    throw new ODataSyntaxError(`Syntax error: the ${option} expression is too long (${text.length} characters; the maximum is ${MAX_QUERY_LENGTH}).`);
  }
  if (text.trim() === "") throw new ODataSyntaxError(`Syntax error: the ${option} expression is empty.`, 0);
  return text;
}
