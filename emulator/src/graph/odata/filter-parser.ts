/**
 * $filter parser: a small hand-written recursive-descent parser over the tokens from lexer.ts.
 *
 * Why not a package: the OData v4 parsers on npm (odata-v4-parser / @odata/parser, odata-parser,
 * odata-filter-parser, @balena/odata-parser) are either unmaintained, untyped, missing lambdas
 * (`any`/`all`), or tied to their own metadata/AST layers. Graph's directory subset is small, so a
 * ~300-line parser with precise, positioned error messages is simpler to own.
 *
 * Grammar (keywords and function names are case-insensitive):
 *   filter   := or EOF
 *   or       := and ('or' and)*
 *   and      := unary ('and' unary)*
 *   unary    := 'not' unary | primary
 *   primary  := '(' or ')'
 *             | strfunc ['eq'|'ne' bool]                       strfunc := (startswith|endswith|contains) '(' value ',' value ')'
 *             | path '/' ('any'|'all') '(' [ident ':' or] ')' ['eq'|'ne' bool]
 *             | value (cmpop value | 'in' '(' literal (',' literal)* ')')?
 *   value    := literal | path | valuefunc '(' value (',' value)* ')'
 *   path     := ident ('/' ident)*
 * Guards: input length ≤ MAX_QUERY_LENGTH, nesting depth ≤ MAX_NESTING_DEPTH.
 */
import { checkInput, MAX_NESTING_DEPTH } from "./errors.ts";
import { describeToken, tokenize, TokenStream, type Token } from "./lexer.ts";
import type { CompareOp, FilterExpr, Literal, StringFunctionName, ValueExpr } from "./types.ts";

const COMPARE_OPS = new Set<string>(["eq", "ne", "gt", "ge", "lt", "le"]);
const STRING_FUNCTIONS = new Set<string>(["startswith", "endswith", "contains"]);
const BINARY_KEYWORDS = new Set<string>(["and", "or", "in", ...COMPARE_OPS]);
const RESERVED = new Set<string>([...BINARY_KEYWORDS, "not", "true", "false", "null", "any", "all"]);
/** Supported value functions and their [min, max] argument counts. */
export const VALUE_FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  tolower: [1, 1], toupper: [1, 1], trim: [1, 1], length: [1, 1], concat: [2, 2], indexof: [2, 2], substring: [2, 3],
  year: [1, 1], month: [1, 1], day: [1, 1], hour: [1, 1], minute: [1, 1], second: [1, 1],
};

type Operand = { value: ValueExpr; lambda?: undefined } | { lambda: FilterExpr; value?: undefined };

class FilterParser {
  private depth = 0;
  private readonly scopes: string[] = [];
  constructor(private readonly s: TokenStream) {}

  parse(): FilterExpr {
    const expr = this.parseOr();
    const t = this.s.peek();
    if (t.type === "eof") return expr;
    if (t.type === "punct" && t.text === ")") throw this.s.error("unexpected ')' without a matching '('", t);
    if (t.type === "ident" && !RESERVED.has(t.text.toLowerCase())) throw this.s.error(`unknown operator '${t.text}'`, t);
    throw this.s.error(`unexpected ${describeToken(t)} after a complete expression (expected 'and', 'or' or the end)`, t);
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_NESTING_DEPTH) throw this.s.error(`expression nesting exceeds the maximum depth of ${MAX_NESTING_DEPTH}`, at);
  }
  private leave(): void {
    this.depth--;
  }

  private parseOr(): FilterExpr {
    return this.parseChain("or", () => this.parseAnd());
  }

  private parseAnd(): FilterExpr {
    return this.parseChain("and", () => this.parseUnary());
  }

  /** `operand (keyword operand)*`, grouped from the left. */
  private parseChain(keyword: "and" | "or", operand: () => FilterExpr): FilterExpr {
    let left = operand();
    while (this.s.isKeyword(keyword)) {
      this.s.next();
      left = { kind: keyword, left, right: operand() };
    }
    return left;
  }

  private parseUnary(): FilterExpr {
    if (this.s.isKeyword("not")) {
      const tok = this.s.next();
      this.enter(tok);
      const expr = this.parseUnary();
      this.leave();
      return { kind: "not", expr };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterExpr {
    const start = this.s.peek();
    if (start.type === "eof") throw this.s.error("expected a boolean expression but reached the end of the expression", start);
    if (start.type === "punct" && start.text === "(") {
      this.s.next();
      this.enter(start);
      const expr = this.parseOr();
      const close = this.s.peek();
      if (close.type === "eof") throw this.s.error(`expected ')' to close the '(' at position ${start.pos} but reached the end of the expression`, close);
      if (!(close.type === "punct" && close.text === ")")) {
        throw this.s.error(`expected ')' or an operator but found ${describeToken(close)}`, close);
      }
      this.s.next();
      this.leave();
      return expr;
    }
    if (start.type === "ident" && STRING_FUNCTIONS.has(start.text.toLowerCase()) && this.s.isPunct("(", 1)) {
      return this.parseBoolSuffix(this.parseStringFunction());
    }
    const operand = this.parseOperand("at the start of an expression");
    if (operand.lambda) return this.parseBoolSuffix(operand.lambda);
    const left = operand.value;
    const t = this.s.peek();
    if (t.type === "ident" && COMPARE_OPS.has(t.text.toLowerCase())) {
      const op = t.text.toLowerCase() as CompareOp;
      this.s.next();
      return { kind: "compare", op, left, right: this.parseValue(`after '${t.text}'`) };
    }
    if (t.type === "ident" && t.text.toLowerCase() === "in") return this.parseInList(left);
    if (left.kind === "literal" && left.type !== "boolean") {
      throw this.s.error(`expected a boolean expression but found ${describeToken(start)} (is an operator missing?)`, start);
    }
    if (left.kind === "call") throw this.s.error(`function '${left.name}' does not return a boolean; compare its result with an operator`, start);
    return { kind: "boolean", value: left };
  }

  /** `f(...) eq true` is `f(...)`, `eq false` / `ne true` is `not f(...)`. */
  private parseBoolSuffix(expr: FilterExpr): FilterExpr {
    const op = this.s.peek();
    const val = this.s.peek(1);
    if (op.type !== "ident" || val.type !== "ident") return expr;
    const o = op.text.toLowerCase();
    const v = val.text.toLowerCase();
    if ((o !== "eq" && o !== "ne") || (v !== "true" && v !== "false")) return expr;
    this.s.next();
    this.s.next();
    return (o === "eq") === (v === "true") ? expr : { kind: "not", expr };
  }

  private parseStringFunction(): FilterExpr {
    const nameTok = this.s.next() as Extract<Token, { type: "ident" }>;
    const name = nameTok.text.toLowerCase() as StringFunctionName;
    const args = this.parseArgs(nameTok, name, 2, 2);
    return { kind: "function", name, args: [args[0]!, args[1]!] };
  }

  private parseArgs(nameTok: Token, name: string, min: number, max: number): ValueExpr[] {
    const open = this.s.next();
    this.enter(open);
    const args: ValueExpr[] = [];
    if (!this.s.isPunct(")")) {
      for (;;) {
        args.push(this.parseValue(`as argument ${args.length + 1} of '${name}'`));
        if (this.s.isPunct(",")) { this.s.next(); continue; }
        this.s.expectPunct(")", `or ',' in the arguments of '${name}'`);
        break;
      }
    } else {
      this.s.next();
    }
    this.leave();
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      throw this.s.error(`function '${name}' takes ${want} argument${max === 1 ? "" : "s"} but was given ${args.length}`, nameTok);
    }
    return args;
  }

  private parseValue(context: string): ValueExpr {
    const at = this.s.peek();
    const operand = this.parseOperand(context);
    if (operand.lambda) throw this.s.error(`a lambda ('any'/'all') cannot be used as a value ${context}`, at);
    return operand.value;
  }

  private parseOperand(context: string): Operand {
    const t = this.s.peek();
    switch (t.type) {
      case "eof": throw this.s.error(`expected a value ${context} but reached the end of the expression`, t);
      case "punct": throw this.s.error(`expected a value ${context} but found '${t.text}'`, t);
      case "string": case "number": case "datetime": case "guid": {
        this.s.next();
        return { value: { kind: "literal", ...literalOf(t)! } };
      }
      case "ident": break;
    }
    const lower = t.text.toLowerCase();
    if (this.s.isPunct("(", 1)) {
      if (STRING_FUNCTIONS.has(lower)) throw this.s.error(`'${t.text}' returns a boolean and cannot be used as a value ${context}`, t);
      if (lower === "any" || lower === "all") throw this.s.error(`'${t.text}' must follow a collection path, e.g. tags/${lower}(t: t eq 'x')`, t);
      const arity = VALUE_FUNCTIONS[lower];
      if (!arity) throw this.s.error(`unknown function '${t.text}'`, t);
      this.s.next();
      return { value: { kind: "call", name: lower, args: this.parseArgs(t, lower, arity[0], arity[1]) } };
    }
    const lit = literalOf(t);
    if (lit && !this.s.isPunct("/", 1)) {
      this.s.next();
      return { value: { kind: "literal", ...lit } };
    }
    if (BINARY_KEYWORDS.has(lower) || lower === "not") throw this.s.error(`expected a value ${context} but found operator '${t.text}'`, t);
    return this.parsePath();
  }

  private parsePath(): Operand {
    const segments = [(this.s.next() as Extract<Token, { type: "ident" }>).text];
    while (this.s.isPunct("/")) {
      const slash = this.s.next();
      const t = this.s.peek();
      if (t.type !== "ident") throw this.s.error(`expected a property name after '/' but found ${describeToken(t)}`, t.type === "eof" ? t : slash);
      const lower = t.text.toLowerCase();
      if ((lower === "any" || lower === "all") && this.s.isPunct("(", 1)) return { lambda: this.parseLambda(segments, lower) };
      if (BINARY_KEYWORDS.has(lower)) throw this.s.error(`expected a property name after '/' but found operator '${t.text}'`, t);
      segments.push(t.text);
      this.s.next();
    }
    return { value: { kind: "property", path: segments } };
  }

  private parseLambda(collection: string[], op: "any" | "all"): FilterExpr {
    this.s.next();
    const open = this.s.next();
    this.enter(open);
    if (this.s.isPunct(")")) {
      if (op === "all") throw this.s.error("'all' requires a predicate, e.g. tags/all(t: t eq 'x')", this.s.peek());
      this.s.next();
      this.leave();
      return { kind: "lambda", op, collection, variable: null, predicate: null };
    }
    const v = this.s.peek();
    if (v.type !== "ident") throw this.s.error(`expected a lambda variable name after '${op}(' but found ${describeToken(v)}`, v);
    if (RESERVED.has(v.text.toLowerCase()) || v.text.startsWith("$")) throw this.s.error(`'${v.text}' cannot be used as a lambda variable name`, v);
    if (this.scopes.includes(v.text)) throw this.s.error(`lambda variable '${v.text}' is already in use by an enclosing lambda`, v);
    this.s.next();
    const colon = this.s.peek();
    if (!(colon.type === "punct" && colon.text === ":")) {
      throw this.s.error(`expected ':' after lambda variable '${v.text}' but found ${describeToken(colon)}`, colon);
    }
    this.s.next();
    if (this.s.isPunct(")")) throw this.s.error(`expected a predicate after '${v.text}:'`, this.s.peek());
    this.scopes.push(v.text);
    const predicate = this.parseOr();
    this.scopes.pop();
    this.s.expectPunct(")", `to close '${op}(' at position ${open.pos}`);
    this.leave();
    return { kind: "lambda", op, collection, variable: v.text, predicate };
  }

  private parseInList(left: ValueExpr): FilterExpr {
    this.s.next();
    this.s.expectPunct("(", "after 'in'");
    if (this.s.isPunct(")")) throw this.s.error("the 'in' list must contain at least one value", this.s.peek());
    const values: Literal[] = [];
    for (;;) {
      const t = this.s.peek();
      const lit = literalOf(t);
      if (!lit) throw this.s.error(`expected a literal value in the 'in' list but found ${describeToken(t)}`, t);
      values.push(lit.value);
      this.s.next();
      if (this.s.isPunct(",")) { this.s.next(); continue; }
      this.s.expectPunct(")", "or ',' in the 'in' list");
      return { kind: "in", left, values };
    }
  }
}

function literalOf(t: Token): Omit<Extract<ValueExpr, { kind: "literal" }>, "kind"> | undefined {
  switch (t.type) {
    case "string": return { value: t.value, type: "string" };
    case "number": return { value: t.value, type: "number" };
    case "datetime": return { value: t.text, type: "datetime" };
    case "guid": return { value: t.text, type: "guid" };
    case "ident": {
      const lower = t.text.toLowerCase();
      if (lower === "true" || lower === "false") return { value: lower === "true", type: "boolean" };
      if (lower === "null") return { value: null, type: "null" };
      return undefined;
    }
    default: return undefined;
  }
}

/** Parses a $filter expression; throws ODataSyntaxError (only) for any malformed input. */
export function parseFilter(text: string): FilterExpr {
  checkInput(text, "$filter");
  return new FilterParser(new TokenStream(text, tokenize(text))).parse();
}
