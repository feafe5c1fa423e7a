// CommonJS user of the installed package; also reports which engine file was loaded.
const giantstep = require('giantstep');

const config = { d: 32, p: 64, n: 512, nTest: 2000, steps: 2, target: 'T-B', seed: 1 };
giantstep
  .run(config)
  .then((result) => {
    if (typeof result.testError !== 'number' || !Number.isFinite(result.testError)) throw new Error(`cjs: testError ${result.testError}`);
    if (result.config.n !== 512 || result.steps.length !== 2) throw new Error(`cjs: n=${result.config.n}, ${result.steps.length} steps`);
    const engines = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
    console.log(JSON.stringify({ testError: result.testError, n: result.config.n, steps: result.steps.length, engines }));
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
