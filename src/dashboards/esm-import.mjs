// import() for the CommonJS code beside it: vega and vega-lite are ES modules with a top-level
// await, which require() cannot load, and the project's TypeScript (module: commonjs) compiles an
// import() into a require(). An ES module keeps its import() real; CommonJS can require() this
// file (Node >= 20.19 loads ES modules without a top-level await through require).
export const importEsm = (specifier) => import(specifier);
