/**
 * OData v4 query-option support for the Graph emulator: $filter, $orderby, $select, $search, $top, $skiptoken.
 * Public API — feature modules (users, calendar, …) import only from this file.
 *
 * Parsing is hand-written (recursive descent, see filter-parser.ts) because no maintained, typed OData v4 parser on
 * npm handles lambdas and gives positioned error messages. All parse functions throw ODataSyntaxError — and only
 * ODataSyntaxError — for malformed input; evaluation functions never throw.
 */
export { ODataSyntaxError, MAX_QUERY_LENGTH, MAX_NESTING_DEPTH } from "./errors.ts";
export type {
  Literal, LiteralType, CompareOp, StringFunctionName, ValueExpr, FilterExpr, FilterPropertyUse, OrderByItem, SearchExpr, EvaluateOptions,
} from "./types.ts";
export { parseFilter, VALUE_FUNCTIONS } from "./filter-parser.ts";
export { evaluateFilter, compareValues } from "./evaluate.ts";
export { filterProperties } from "./properties.ts";
export { formatFilter, formatValue } from "./format.ts";
export { parseOrderBy, compareBy } from "./orderby.ts";
export { parseSelect, parseTop } from "./options.ts";
export { parseSearch, evaluateSearch, matchesWordPrefix } from "./search.ts";
export { encodeSkipToken, decodeSkipToken } from "./skiptoken.ts";
