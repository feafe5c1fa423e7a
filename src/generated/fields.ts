// Generated from crates/core by `npm run contract`; do not edit (CI checks it is current).

/** Every config field (kind, range, choices, default, paper symbol, doc), in the order of docs/config.md. */
export const FIELD_TABLE = [
  {
    "default": 512,
    "details": "",
    "doc": "input dimension",
    "kind": "int",
    "max": 4294967296,
    "min": 1,
    "name": "d",
    "symbol": "d"
  },
  {
    "default": 1024,
    "details": "",
    "doc": "width (hidden neurons)",
    "kind": "int",
    "max": 4294967296,
    "min": 1,
    "name": "p",
    "symbol": "p"
  },
  {
    "default": null,
    "details": "Give one of `n`, `kappa` (n = round(d^κ)) or `alpha` with `ell` (n = round(α d^ℓ)); with none, κ = 1.65.",
    "doc": "batch size per step (or give kappa, or alpha with ell)",
    "kind": "int",
    "max": 1000000000000,
    "min": 1,
    "name": "n",
    "symbol": "n"
  },
  {
    "default": null,
    "details": "",
    "doc": "n = round(d^kappa); 1.65 when neither n nor alpha is given",
    "kind": "number",
    "max": 6.0,
    "min": 0.0,
    "name": "kappa",
    "symbol": "κ"
  },
  {
    "default": null,
    "details": "",
    "doc": "n = round(alpha * d^ell)",
    "exclusiveMin": true,
    "kind": "number",
    "max": 1000000000000.0,
    "min": 0.0,
    "name": "alpha",
    "symbol": "α"
  },
  {
    "default": null,
    "details": "Defaults to 1 with `alpha`, and the resolved config stores it (so `etaRule p-d` uses the ℓ that built n).",
    "doc": "exponent with alpha; also the l of etaRule p-d",
    "kind": "number",
    "max": 6.0,
    "min": 0.0,
    "name": "ell",
    "symbol": "ℓ"
  },
  {
    "default": 1,
    "details": "The second layer stays frozen (model.md §4).",
    "doc": "number of giant steps T on the first layer",
    "kind": "int",
    "max": 1000,
    "min": 0,
    "name": "steps",
    "symbol": "T"
  },
  {
    "default": "T-A",
    "details": "See [targets-and-theory.md](targets-and-theory.md).",
    "doc": "preset name (T-A..T-G, staircase-K, leap-2, ...) or an expression over u1..uk",
    "kind": "string",
    "name": "target",
    "symbol": "g*"
  },
  {
    "default": 0.0,
    "details": "y = g*(W*z) + √noise ξ.",
    "doc": "label noise variance",
    "kind": "number",
    "max": 1000000000000.0,
    "min": 0.0,
    "name": "noise",
    "symbol": ""
  },
  {
    "default": "relu",
    "details": "`gelu` is x Φ(x). A name is stored in its canonical spelling (Relu runs as relu).",
    "doc": "relu, tanh, erf, sigmoid, softplus, gelu, He1..He12 (any case), or an expression in x such as x*tanh(x)",
    "kind": "string",
    "name": "activation",
    "symbol": "σ"
  },
  {
    "default": 10.0,
    "details": "",
    "doc": "learning rate, or its coefficient c under etaRule",
    "kind": "number",
    "name": "eta",
    "symbol": "η"
  },
  {
    "choices": [
      "raw",
      "p-d",
      "sqrt-np"
    ],
    "default": "sqrt-np",
    "details": "ℓ from `ell`, else `kappa`, else log n / log d. `sqrt-np` with eta = 10 is the single-step notebook; the multi-step notebook's η = 2p at n = d is `p-d` with eta = 2. With several steps, `p-d` at κ > 1.5 makes the first step saturate but the later steps diverge (measured on Figure 1's network, d = 256, p = 86): for multi-step runs at large κ keep η ∝ p (`raw`, or `p-d` with ell 1).",
    "doc": "raw: eta; p-d: eta*p*d^((l-1)/2); sqrt-np: eta*sqrt(n*p)",
    "kind": "enum",
    "name": "etaRule",
    "symbol": ""
  },
  {
    "default": 1.0,
    "details": "â = argmin Σ (ỹ − ⟨a, σ(Wz)⟩/√p)² + λ‖a‖² (a sum, as the notebooks).",
    "doc": "ridge penalty of the readout",
    "exclusiveMin": true,
    "kind": "number",
    "min": 0.0,
    "name": "lambda",
    "symbol": "λ"
  },
  {
    "default": 100000,
    "details": "",
    "doc": "fresh test samples (0: no test error)",
    "kind": "int",
    "max": 1000000000000,
    "min": 0,
    "name": "nTest",
    "symbol": ""
  },
  {
    "choices": [
      "fresh",
      "reuse"
    ],
    "default": "fresh",
    "details": "",
    "doc": "a fresh batch per step, or one batch reused",
    "kind": "enum",
    "name": "batches",
    "symbol": ""
  },
  {
    "choices": [
      "same",
      "fresh"
    ],
    "default": "same",
    "details": "`same` is the single-step notebook; `fresh` the later scripts.",
    "doc": "fit the readout on the last step's batch or a fresh one",
    "kind": "enum",
    "name": "readoutBatch",
    "symbol": ""
  },
  {
    "choices": [
      "none",
      "train",
      "hermite",
      "notebook"
    ],
    "default": "train",
    "details": "Subtract the labels' mean and linear part before the step and the readout, and add them back in predictions: `train` (A = mean y, B = mean yz on each training batch); `hermite` (the exact C₀* + ⟨C₁*, W*z⟩); `notebook` (train-side for training, but A, B re-estimated **from the test labels** for the test prediction, as the notebook did — a leak, offered for comparison only).",
    "doc": "label pre-processing (docs/model.md §4.4)",
    "kind": "enum",
    "name": "preprocess",
    "symbol": ""
  },
  {
    "default": null,
    "details": "The readout's own sample count, as in the one-step asymptotics of Cui et al. (2024), where the step's batch is n₀ = α₀d (`alpha`) and the readout's n = αd; needs `readoutBatch fresh`.",
    "doc": "readout samples per dimension: n_readout = round(alphaReadout*d) (readoutBatch fresh; default n)",
    "exclusiveMin": true,
    "kind": "number",
    "max": 1000000000000.0,
    "min": 0.0,
    "name": "alphaReadout",
    "symbol": "n_readout/d (α of Cui et al.)"
  },
  {
    "choices": [
      "f64",
      "f32"
    ],
    "default": "f64",
    "details": "`f32` accumulates across chunks in f64.",
    "doc": "working precision of the streamed passes",
    "kind": "enum",
    "name": "precision",
    "symbol": ""
  },
  {
    "default": 0,
    "details": "Batches, test set, noise.",
    "doc": "data seed",
    "kind": "seed",
    "name": "seed",
    "symbol": ""
  },
  {
    "default": null,
    "details": "A number fixes them across seeds (the notebooks); null redraws them per seed (later scripts).",
    "doc": "seed of W*, W0, a0 (null: use seed, redrawn per seed)",
    "kind": "seed",
    "name": "initSeed",
    "nullable": true,
    "symbol": ""
  },
  {
    "choices": [
      "gaussian",
      "sphere"
    ],
    "default": "gaussian",
    "details": "",
    "doc": "first layer init: N(0, I/d) rows or unit sphere",
    "kind": "enum",
    "name": "initW",
    "symbol": "W₀"
  },
  {
    "choices": [
      "gaussian",
      "signs",
      "notebook",
      "ones"
    ],
    "default": "gaussian",
    "details": "`notebook`: the first 20 neurons +1/√p, the next 20 −1/√p, the rest random signs (the multi-step notebook); `ones`: every aᵢ = 1/√p (the one-step asymptotics simulations).",
    "doc": "second layer: N(0,1/p), +-1/sqrt(p), 20 +, 20 -, rest random, or all +1/sqrt(p)",
    "kind": "enum",
    "name": "initA",
    "symbol": "a₀"
  },
  {
    "default": false,
    "details": "Neuron i + p/2 copies wᵢ with −aᵢ (p even).",
    "doc": "paired neurons with opposite a (network output 0 at init)",
    "kind": "bool",
    "name": "symmetric",
    "symbol": ""
  },
  {
    "choices": [
      "full",
      "labels"
    ],
    "default": "full",
    "details": "`labels` drops the network's own output.",
    "doc": "gradient residual y - f, or y alone",
    "kind": "enum",
    "name": "residual",
    "symbol": ""
  },
  {
    "choices": [
      "none",
      "project",
      "spherical"
    ],
    "default": "none",
    "details": "`project`: rows to the unit sphere; `spherical`: tangent step, then project.",
    "doc": "row normalization after each step",
    "kind": "enum",
    "name": "normalize",
    "symbol": ""
  },
  {
    "default": 40,
    "details": "Their `neuronCos`, `updateCos` and `inPlane`.",
    "doc": "neurons whose update cosines are recorded (the first K)",
    "kind": "int",
    "max": 4294967296,
    "min": 0,
    "name": "trackNeurons",
    "symbol": ""
  },
  {
    "default": 0.5,
    "details": "",
    "doc": "|cos| threshold for fracAbove",
    "kind": "number",
    "max": 1.0,
    "min": 0.0,
    "name": "cosThreshold",
    "symbol": ""
  },
  {
    "default": false,
    "details": "Errors for T = 1..steps in one run.",
    "doc": "fit the readout and test after every step",
    "kind": "bool",
    "name": "readoutEveryStep",
    "symbol": ""
  },
  {
    "default": true,
    "details": "",
    "doc": "also fit the random-features baseline (readout on W0)",
    "kind": "bool",
    "name": "baselines",
    "symbol": ""
  },
  {
    "default": 4096,
    "details": "Results do not depend on it beyond rounding.",
    "doc": "rows generated and consumed at once (multiple of 256)",
    "kind": "int",
    "max": 4294967296,
    "min": 256,
    "multipleOf": 256,
    "name": "chunk",
    "symbol": ""
  },
  {
    "choices": [
      "auto",
      "full",
      "projected"
    ],
    "default": "auto",
    "details": "`projected` is exact only with fresh batches everywhere (`batches fresh`, `readoutBatch fresh`) and `preprocess none` or `hermite`; `auto` resolves to `projected` when the run qualifies and a step's pass is predicted to take at most 0.8 of the full sampler's by the cost model measured with `npm run bench:sampler` (docs/performance.md), else `full` — the resolved config records which.",
    "doc": "batches in R^d, or exactly in span(W, W*) (fresh batches only); auto picks",
    "kind": "enum",
    "name": "sampler",
    "symbol": ""
  }
] as const;

/** The kinds of theory request the engine answers, in the order its messages list them. */
export const THEORY_KINDS = ["one-step","drift","overlaps","phase-diagram","error"] as const;

/** Monte Carlo samples of a theory request that gives none. */
export const THEORY_DEFAULT_SAMPLES = 200000;
