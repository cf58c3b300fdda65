// @ts-check
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * Stryker `mutate` entries (`file:start-end`) covering only the named
 * declarations of a source file — the functions, methods and constants that
 * carry a defence — found by parsing the file, so the ranges follow the code
 * when it moves. A name that is not found throws: a renamed defence must be
 * named again here, not silently dropped from the run.
 *
 * Names: a top-level function, class or `const`; `Class.method` (also
 * `Class.#method`, `Class.constructor`, `Class.get name`); `*` for the whole file.
 *
 * @param {string} file - The source file, from the project root.
 * @param {readonly string[]} names - The declarations to mutate.
 * @returns {string[]}
 */
export function defenceRanges(file, names) {
  if (names.includes('*')) return [file];
  const found = declarations(file);
  return names.map((name) => {
    const range = found.get(name);
    if (range === undefined) throw new Error(`stryker.config.mjs: ${file} has no ${name}`);
    return `${file}:${range.lines}`;
  });
}

/**
 * The module-level constants among the named declarations (all of them for
 * `*`): their mutants are "static", evaluated once when the module loads, so
 * Stryker cannot tell which tests cover them and would run every test that
 * imports the module for each. They get a pass of their own with a narrow set
 * of tests (mutation/stryker.static.config.mjs).
 *
 * @param {string} file - The source file, from the project root.
 * @param {readonly string[]} names - As for {@link defenceRanges}.
 * @returns {string[]}
 */
export function staticRanges(file, names) {
  return [...declarations(file)]
    .filter(([name, range]) => range.constant && (names.includes('*') || names.includes(name)))
    .map(([, range]) => `${file}:${range.lines}`);
}

/**
 * @param {string} file
 * @returns {Map<string, { lines: string, constant: boolean }>}
 */
function declarations(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  /** @type {Map<string, ts.Node>} */
  const found = new Map();
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      found.set(statement.name.text, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) found.set(declaration.name.text, statement);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      const className = statement.name.text;
      found.set(className, statement);
      for (const member of statement.members) {
        if (ts.isConstructorDeclaration(member)) {
          found.set(`${className}.constructor`, member);
        } else if (
          member.name &&
          (ts.isIdentifier(member.name) || ts.isPrivateIdentifier(member.name))
        ) {
          const prefix = ts.isGetAccessorDeclaration(member) ? 'get ' : '';
          found.set(`${className}.${prefix}${member.name.text}`, member);
        }
      }
    }
  }
  const line = (/** @type {number} */ position) =>
    source.getLineAndCharacterOfPosition(position).line + 1;
  return new Map(
    [...found].map(([name, node]) => [
      name,
      {
        lines: `${line(node.getStart(source))}-${line(node.getEnd())}`,
        constant: ts.isVariableStatement(node),
      },
    ]),
  );
}
