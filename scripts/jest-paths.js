// Maps the tsconfig path aliases (`@connector-host/<lib>`) for jest, from the one list in tsconfig.base.json.
const { paths } = require('../tsconfig.base.json').compilerOptions;

exports.pathsToModuleNameMapper = () =>
  Object.fromEntries(
    Object.entries(paths).map(([alias, [target]]) => [`^${alias.replace(/[/.-]/g, '\\$&')}$`, `<rootDir>/${target}`]),
  );
