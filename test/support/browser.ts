// The sign-in form driver is part of the package (graph-emulator/testing); tests use it from there.
export { FormBrowser, parseForms, redirectParams, type HtmlForm, type Step } from "../../emulator/src/testing/form-browser.ts";
