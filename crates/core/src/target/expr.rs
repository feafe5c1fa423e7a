//! The target language: expressions over u1..uk, parsed once into a tree that is evaluated a whole
//! chunk at a time (one pass over the chunk per node, no parsing per sample).
use crate::error::{Error, Result};
use crate::hermite;
use ndarray::{Array1, ArrayView2};

/// Longest expression accepted, in characters.
pub const MAX_CHARS: usize = 4096;
/// Deepest nesting of parentheses, function calls and signs (the parser's recursion).
pub const MAX_NESTING: usize = 64;
/// Deepest expression tree (a chain `u1 + u1 + ...` of n terms is n − 1 deep): every algorithm on the
/// tree recurses, so this bounds their stack use (a few hundred bytes a level).
pub const MAX_DEPTH: usize = 256;
/// Most nodes (numbers, variables, operators, calls) in one expression.
pub const MAX_NODES: usize = 1024;
/// Largest |exponent| in `^`.
pub const MAX_EXPONENT: i32 = 64;
/// Most nodes in a symbolic derivative (an activation's σ'); it grows with size × depth.
pub const MAX_DERIVATIVE_NODES: usize = 50_000;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Func {
    He(usize),
    Tanh,
    Erf,
    Relu,
    Sign,
    Abs,
    Sin,
    Cos,
    Exp,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "tanh" => Func::Tanh,
            "erf" => Func::Erf,
            "relu" => Func::Relu,
            "sign" => Func::Sign,
            "abs" => Func::Abs,
            "sin" => Func::Sin,
            "cos" => Func::Cos,
            "exp" => Func::Exp,
            _ => match name.strip_prefix("He").and_then(|k| k.parse::<usize>().ok()) {
                Some(k) if k <= 12 => Func::He(k),
                _ => return None,
            },
        })
    }

    pub fn eval(&self, x: f64) -> f64 {
        match *self {
            Func::He(k) => hermite::he(k, x),
            Func::Tanh => x.tanh(),
            Func::Erf => libm::erf(x),
            Func::Relu => x.max(0.0),
            Func::Sign => {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            Func::Abs => x.abs(),
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Exp => x.exp(),
        }
    }

    /// Smooth functions keep polynomial targets polynomial only for He_k.
    pub fn is_polynomial(&self) -> bool {
        matches!(self, Func::He(_))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(f64),
    /// u_{j+1} (0-based index).
    Var(usize),
    Neg(Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Pow(Box<Expr>, i32),
    Call(Func, Box<Expr>),
}

impl Expr {
    /// Number of nodes of the tree.
    pub fn node_count(&self) -> usize {
        match self {
            Expr::Num(_) | Expr::Var(_) => 1,
            Expr::Neg(a) | Expr::Pow(a, _) | Expr::Call(_, a) => 1 + a.node_count(),
            Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) => {
                1 + a.node_count() + b.node_count()
            }
        }
    }

    /// Depth of the tree (a leaf is 1).
    pub fn depth(&self) -> usize {
        match self {
            Expr::Num(_) | Expr::Var(_) => 1,
            Expr::Neg(a) | Expr::Pow(a, _) | Expr::Call(_, a) => 1 + a.depth(),
            Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) => 1 + a.depth().max(b.depth()),
        }
    }

    /// Number of nodes `derivative` builds, without building it (saturating).
    pub fn derivative_node_count(&self) -> usize {
        use Expr::*;
        let n = |e: &Expr| e.node_count();
        let d = |e: &Expr| e.derivative_node_count();
        match self {
            Num(_) | Var(_) => 1,
            Neg(a) => 1 + d(a),
            Add(x, y) | Sub(x, y) => 1usize.saturating_add(d(x)).saturating_add(d(y)),
            Mul(x, y) => 3usize.saturating_add(d(x)).saturating_add(n(y)).saturating_add(n(x)).saturating_add(d(y)),
            Div(x, y) => 6usize.saturating_add(d(x)).saturating_add(3 * n(y)).saturating_add(n(x)).saturating_add(d(y)),
            Pow(x, _) => 4usize.saturating_add(n(x)).saturating_add(d(x)),
            // The outer derivative holds at most two copies of the argument (erf: exp(−x²)·const).
            Call(_, x) => 7usize.saturating_add(n(x)).saturating_add(d(x)),
        }
    }

    /// `derivative`, refused (naming `field`) when it would exceed MAX_DERIVATIVE_NODES nodes.
    pub fn derivative_checked(&self, var: usize, field: &str) -> Result<Expr> {
        let size = self.derivative_node_count();
        if size > MAX_DERIVATIVE_NODES {
            return Err(Error::invalid(
                field,
                format!("its symbolic derivative would have {size} nodes (limit {MAX_DERIVATIVE_NODES}): write a shorter or less deeply nested expression"),
            ));
        }
        Ok(self.derivative(var))
    }

    /// Number of directions: the highest index used.
    /// The expressions this one divides by: denominators and the bases of negative powers.
    pub fn divisors(&self) -> Vec<&Expr> {
        fn collect<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
            match e {
                Expr::Num(_) | Expr::Var(_) => {}
                Expr::Neg(a) | Expr::Call(_, a) => collect(a, out),
                Expr::Pow(a, exponent) => {
                    if *exponent < 0 {
                        out.push(a);
                    }
                    collect(a, out);
                }
                Expr::Div(a, b) => {
                    out.push(b);
                    collect(a, out);
                    collect(b, out);
                }
                Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) => {
                    collect(a, out);
                    collect(b, out);
                }
            }
        }
        let mut out = Vec::new();
        collect(self, &mut out);
        out
    }

    /// The first pair of consecutive rows of `points` between which a divisor changes sign. The
    /// language's functions are continuous except sign(), which is 0 at its jump, so a divisor that
    /// changes sign is zero in between: a pole that no sample hits, as in 1/(x − 0.3).
    pub fn divisor_sign_change(&self, points: ArrayView2<f64>) -> Option<usize> {
        self.divisors().into_iter().find_map(|divisor| {
            let v = divisor.eval_rows(points);
            (1..v.len()).find(|&i| v[i - 1] * v[i] < 0.0).map(|i| i - 1)
        })
    }

    pub fn dimension(&self) -> usize {
        match self {
            Expr::Num(_) => 0,
            Expr::Var(j) => j + 1,
            Expr::Neg(a) | Expr::Pow(a, _) | Expr::Call(_, a) => a.dimension(),
            Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) => a.dimension().max(b.dimension()),
        }
    }

    pub fn eval_point(&self, u: &[f64]) -> f64 {
        match self {
            Expr::Num(v) => *v,
            Expr::Var(j) => u[*j],
            Expr::Neg(a) => -a.eval_point(u),
            Expr::Add(a, b) => a.eval_point(u) + b.eval_point(u),
            Expr::Sub(a, b) => a.eval_point(u) - b.eval_point(u),
            Expr::Mul(a, b) => a.eval_point(u) * b.eval_point(u),
            Expr::Div(a, b) => a.eval_point(u) / b.eval_point(u),
            Expr::Pow(a, e) => a.eval_point(u).powi(*e),
            Expr::Call(f, a) => f.eval(a.eval_point(u)),
        }
    }

    /// Evaluates a tree in one variable (an activation's x) on each element of `x` into `out`, node by node:
    /// one walk of the tree per block instead of one per element, with the same operations per element as
    /// `eval_point` (so the same bits). `pool` lends buffers for the intermediate results.
    pub fn eval_block(&self, x: &[f64], out: &mut [f64], pool: &mut Vec<Vec<f64>>) {
        let binary = |a: &Expr, b: &Expr, out: &mut [f64], pool: &mut Vec<Vec<f64>>, op: fn(f64, f64) -> f64| {
            a.eval_block(x, out, pool);
            let mut right = pool.pop().unwrap_or_default();
            right.resize(x.len(), 0.0);
            b.eval_block(x, &mut right, pool);
            out.iter_mut().zip(&right).for_each(|(o, r)| *o = op(*o, *r));
            pool.push(right);
        };
        match self {
            Expr::Num(v) => out.fill(*v),
            Expr::Var(_) => out.copy_from_slice(x),
            Expr::Neg(a) => {
                a.eval_block(x, out, pool);
                out.iter_mut().for_each(|o| *o = -*o);
            }
            Expr::Add(a, b) => binary(a, b, out, pool, |a, b| a + b),
            Expr::Sub(a, b) => binary(a, b, out, pool, |a, b| a - b),
            Expr::Mul(a, b) => binary(a, b, out, pool, |a, b| a * b),
            Expr::Div(a, b) => binary(a, b, out, pool, |a, b| a / b),
            Expr::Pow(a, e) => {
                a.eval_block(x, out, pool);
                out.iter_mut().for_each(|o| *o = o.powi(*e));
            }
            Expr::Call(f, a) => {
                a.eval_block(x, out, pool);
                out.iter_mut().for_each(|o| *o = f.eval(*o));
            }
        }
    }

    /// Evaluates on every row of `u` (rows × k).
    pub fn eval_rows(&self, u: ArrayView2<f64>) -> Array1<f64> {
        match self {
            Expr::Num(v) => Array1::from_elem(u.nrows(), *v),
            Expr::Var(j) => u.column(*j).to_owned(),
            Expr::Neg(a) => -a.eval_rows(u),
            Expr::Add(a, b) => a.eval_rows(u) + b.eval_rows(u),
            Expr::Sub(a, b) => a.eval_rows(u) - b.eval_rows(u),
            Expr::Mul(a, b) => a.eval_rows(u) * b.eval_rows(u),
            Expr::Div(a, b) => a.eval_rows(u) / b.eval_rows(u),
            Expr::Pow(a, e) => a.eval_rows(u).mapv_into(|x| x.powi(*e)),
            Expr::Call(f, a) => a.eval_rows(u).mapv_into(|x| f.eval(x)),
        }
    }

    /// ∂/∂u_var, symbolically (no simplification; relu' is the step (sign + 1)/2).
    pub fn derivative(&self, var: usize) -> Expr {
        use Expr::*;
        let b = |e: Expr| Box::new(e);
        match self {
            Num(_) => Num(0.0),
            Var(j) => Num((*j == var) as u8 as f64),
            Neg(a) => Neg(b(a.derivative(var))),
            Add(x, y) => Add(b(x.derivative(var)), b(y.derivative(var))),
            Sub(x, y) => Sub(b(x.derivative(var)), b(y.derivative(var))),
            Mul(x, y) => Add(b(Mul(b(x.derivative(var)), y.clone())), b(Mul(x.clone(), b(y.derivative(var))))),
            Div(x, y) => Div(
                b(Sub(b(Mul(b(x.derivative(var)), y.clone())), b(Mul(x.clone(), b(y.derivative(var)))))),
                b(Pow(y.clone(), 2)),
            ),
            Pow(x, e) => Mul(b(Mul(b(Num(*e as f64)), b(Pow(x.clone(), e - 1)))), b(x.derivative(var))),
            Call(f, x) => {
                let outer = match f {
                    Func::He(0) => Num(0.0),
                    Func::He(k) => Mul(b(Num(*k as f64)), b(Call(Func::He(k - 1), x.clone()))),
                    Func::Tanh => Sub(b(Num(1.0)), b(Pow(b(Call(Func::Tanh, x.clone())), 2))),
                    Func::Erf => {
                        Mul(b(Num(2.0 / std::f64::consts::PI.sqrt())), b(Call(Func::Exp, b(Neg(b(Pow(x.clone(), 2)))))))
                    }
                    Func::Relu => Div(b(Add(b(Call(Func::Sign, x.clone())), b(Num(1.0)))), b(Num(2.0))),
                    Func::Sign => Num(0.0),
                    Func::Abs => Call(Func::Sign, x.clone()),
                    Func::Sin => Call(Func::Cos, x.clone()),
                    Func::Cos => Neg(b(Call(Func::Sin, x.clone()))),
                    Func::Exp => Call(Func::Exp, x.clone()),
                };
                Mul(b(outer), b(x.derivative(var)))
            }
        }
    }

    /// Whether the expression is a polynomial in u (so Gauss–Hermite quadrature of high enough order is
    /// exact) and its degree.
    /// (Saturating: nested He12 or powers cannot overflow.)
    pub fn polynomial_degree(&self) -> Option<usize> {
        Some(match self {
            Expr::Num(_) => 0,
            Expr::Var(_) => 1,
            Expr::Neg(a) => a.polynomial_degree()?,
            Expr::Add(a, b) | Expr::Sub(a, b) => a.polynomial_degree()?.max(b.polynomial_degree()?),
            Expr::Mul(a, b) => a.polynomial_degree()?.saturating_add(b.polynomial_degree()?),
            Expr::Div(a, b) => match **b {
                Expr::Num(_) => a.polynomial_degree()?,
                _ => return None,
            },
            Expr::Pow(a, e) if *e >= 0 => a.polynomial_degree()?.saturating_mul(*e as usize),
            Expr::Pow(..) => return None,
            Expr::Call(Func::He(k), a) => a.polynomial_degree()?.saturating_mul(*k),
            Expr::Call(..) => return None,
        })
    }
}

/// Parses an expression; errors (field `target`) show the expression with a caret under the offending
/// column. Expressions beyond the limits above are refused with a one-line error naming the limit.
pub fn parse(source: &str) -> Result<Expr> {
    parse_with(source, false)
}

/// Parses an expression in one variable x (activations); x is u1. Errors name the field `activation`.
pub fn parse_in_x(source: &str) -> Result<Expr> {
    parse_with(source, true)
}

/// Whether a parse error is a syntax error (with a column), not a refusal by size.
pub fn is_syntax_error(e: &Error) -> bool {
    matches!(e, Error::Invalid { message, .. } if message.starts_with("cannot parse the expression"))
}

fn parse_with(source: &str, x_is_u1: bool) -> Result<Expr> {
    let field = if x_is_u1 { "activation" } else { "target" };
    let length = source.chars().count();
    if length > MAX_CHARS {
        return Err(Error::invalid(field, format!("the expression is {length} characters long (limit {MAX_CHARS})")));
    }
    let mut p =
        Parser { src: source, chars: source.char_indices().collect(), pos: 0, x_is_u1, field, nesting: 0, nodes: 0 };
    let e = p.expr()?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("an operator (+ - * / ^) or the end of the expression"));
    }
    // The source length bounds the depth (at most one level per character), so this recursion is safe.
    let depth = e.depth();
    if depth > MAX_DEPTH {
        return Err(Error::invalid(
            field,
            format!("the expression is {depth} levels deep (limit {MAX_DEPTH}; a sum or product of n terms is n − 1 deep): shorten it"),
        ));
    }
    Ok(e)
}

struct Parser<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
    x_is_u1: bool,
    field: &'static str,
    /// Current nesting of parentheses, calls and signs.
    nesting: usize,
    /// Nodes built so far.
    nodes: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|c| c.1)
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }
    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn error(&self, expected: &str) -> Error {
        let found = match self.peek() {
            Some(c) => format!("{c:?}"),
            None => "the end".to_string(),
        };
        let col = self.pos; // in characters
        let (shown, caret) = window(self.src, col);
        Error::invalid(
            self.field,
            format!(
                "cannot parse the expression: expected {expected} at column {}, found {found}\n  {}\n  {}^",
                col + 1,
                shown,
                " ".repeat(caret)
            ),
        )
    }

    /// What a variable is called in this language.
    fn variable(&self) -> &'static str {
        if self.x_is_u1 {
            "x"
        } else {
            "a direction u1..uk"
        }
    }

    /// Counts one more node.
    fn node(&mut self, e: Expr) -> Result<Expr> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Error::invalid(
                self.field,
                format!("the expression has more than {MAX_NODES} nodes (numbers, variables, operators and calls; limit {MAX_NODES}): shorten it"),
            ));
        }
        Ok(e)
    }

    /// Enters one level of parentheses, call or sign.
    fn enter(&mut self) -> Result<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(Error::invalid(
                self.field,
                format!("the expression nests parentheses, calls and signs more than {MAX_NESTING} deep (limit {MAX_NESTING}) at column {}", self.pos + 1),
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr> {
        let mut left = self.term()?;
        loop {
            if self.eat('+') {
                let right = self.term()?;
                left = self.node(Expr::Add(Box::new(left), Box::new(right)))?;
            } else if self.eat('-') {
                let right = self.term()?;
                left = self.node(Expr::Sub(Box::new(left), Box::new(right)))?;
            } else {
                return Ok(left);
            }
        }
    }

    fn term(&mut self) -> Result<Expr> {
        let mut left = self.unary()?;
        loop {
            if self.eat('*') {
                let right = self.unary()?;
                left = self.node(Expr::Mul(Box::new(left), Box::new(right)))?;
            } else if self.eat('/') {
                let right = self.unary()?;
                left = self.node(Expr::Div(Box::new(left), Box::new(right)))?;
            } else {
                return Ok(left);
            }
        }
    }

    fn unary(&mut self) -> Result<Expr> {
        if self.eat('-') {
            self.enter()?;
            let inner = self.unary()?;
            self.nesting -= 1;
            return self.node(Expr::Neg(Box::new(inner)));
        }
        if self.eat('+') {
            self.enter()?;
            let inner = self.unary();
            self.nesting -= 1;
            return inner;
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr> {
        let base = self.atom()?;
        if !self.eat('^') {
            return Ok(base);
        }
        self.skip_ws();
        let negative = self.eat('-');
        self.skip_ws();
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos || self.peek() == Some('.') {
            return Err(self.error("an integer exponent"));
        }
        let digits: String = self.chars[start..self.pos].iter().map(|c| c.1).collect();
        let e = match digits.parse::<i32>() {
            Ok(e) if e <= MAX_EXPONENT => e,
            _ => {
                self.pos = start;
                return Err(self.error(&format!("an exponent of at most {MAX_EXPONENT}")));
            }
        };
        self.node(Expr::Pow(Box::new(base), if negative { -e } else { e }))
    }

    fn atom(&mut self) -> Result<Expr> {
        self.skip_ws();
        match self.peek() {
            Some('(') => {
                self.enter()?;
                self.pos += 1;
                let e = self.expr()?;
                if !self.eat(')') {
                    return Err(self.error("')'"));
                }
                self.nesting -= 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_ascii_alphabetic() => self.name(),
            _ => Err(self.error(&format!("a number, {}, a function or '('", self.variable()))),
        }
    }

    fn number(&mut self) -> Result<Expr> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.pos += 1;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            } else {
                self.pos = save;
            }
        }
        let text: String = self.chars[start..self.pos].iter().map(|c| c.1).collect();
        let value = text.parse::<f64>().map_err(|_| {
            self.pos = start;
            self.error("a number")
        })?;
        if !value.is_finite() {
            self.pos = start;
            return Err(self.error("a finite number"));
        }
        self.node(Expr::Num(value))
    }

    fn name(&mut self) -> Result<Expr> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().map(|c| c.1).collect();
        if self.x_is_u1 && name == "x" {
            return self.node(Expr::Var(0));
        }
        if let Some(index) = name.strip_prefix('u') {
            return match index.parse::<usize>() {
                Ok(j) if (1..=64).contains(&j) => self.node(Expr::Var(j - 1)),
                _ => {
                    self.pos = start;
                    Err(self.error("a direction u1..u64"))
                }
            };
        }
        let Some(func) = Func::from_name(&name) else {
            self.pos = start;
            return Err(self.error(&format!(
                "{} or a function (He0..He12, tanh, erf, relu, sign, abs, sin, cos, exp)",
                self.variable()
            )));
        };
        if !self.eat('(') {
            return Err(self.error(&format!("'(' after {name}")));
        }
        self.enter()?;
        let arg = self.expr()?;
        if !self.eat(')') {
            return Err(self.error("')'"));
        }
        self.nesting -= 1;
        self.node(Expr::Call(func, Box::new(arg)))
    }
}

/// Characters of the expression shown on each side of an error's column: a 4,000-character input is
/// shown as the part around the error, not echoed whole.
const WINDOW: usize = 40;

/// The expression as shown under an error, and the caret's column in it: one character per column, so
/// the caret lines up, with control and bidirectional-format characters shown as U+FFFD (they could
/// break, recolour or reorder the line), and a long source cut to WINDOW characters each side of `col`.
fn window(src: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> =
        src.chars().map(|c| if c.is_control() || is_bidi_or_invisible(c) { '\u{FFFD}' } else { c }).collect();
    let start = col.saturating_sub(WINDOW);
    let end = (col + WINDOW + 1).min(chars.len());
    let mut shown = String::new();
    let mut caret = col - start;
    if start > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

/// Unicode format characters that reorder or hide text (bidi embeddings, overrides, isolates, marks;
/// zero-width characters): `char::is_control` does not cover them.
fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column_of(src: &str) -> usize {
        let msg = parse(src).unwrap_err().to_string();
        let at = msg.find("at column ").expect(&msg) + 10;
        msg[at..].split(',').next().unwrap().parse().unwrap()
    }

    #[test]
    fn a_long_or_hostile_expression_is_shown_around_its_error_with_the_caret_under_it() {
        let long = format!("{}q", "x".repeat(4000));
        let msg = parse(&long).unwrap_err().to_string();
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines.len(), 3, "{msg}");
        assert!(lines[1].chars().count() < 2 * WINDOW + 8, "{}", lines[1]);
        let bad = "u1 + u2\u{202E} + \u{1b}[31m";
        let msg = parse(bad).unwrap_err().to_string();
        assert!(!msg.contains('\u{202E}') && !msg.contains('\u{1b}'), "{msg}");
        let lines: Vec<&str> = msg.lines().collect();
        let caret = lines[2].chars().count() - 1;
        assert_eq!(lines[1].chars().nth(caret), Some('\u{FFFD}'), "{msg}");
        // Far into a long expression the caret still points at the offending character.
        let src = format!("{}+ )", "u1 + ".repeat(100));
        let msg = parse(&src).unwrap_err().to_string();
        let lines: Vec<&str> = msg.lines().collect();
        assert!(lines[1].starts_with("  …"), "{msg}");
        let caret = lines[2].chars().count() - 1;
        assert_eq!(lines[1].chars().nth(caret), Some(')'), "{msg}");
    }

    #[test]
    fn evaluates_with_precedence() {
        let e = parse("1 + 2*u1^2 - u2/4 + He2(u1) * -u2").unwrap();
        let u = [3.0, 2.0];
        assert_eq!(e.eval_point(&u), 1.0 + 18.0 - 0.5 + 8.0 * -2.0);
        assert_eq!(e.dimension(), 2);
        assert_eq!(e.polynomial_degree(), Some(3));
        assert!(parse("2^3^1").is_err(), "chained powers need parentheses");
        assert_eq!(parse("tanh(u3)").unwrap().polynomial_degree(), None);
        assert_eq!(parse("1.5e-1*u1").unwrap().eval_point(&[2.0]), 0.3);
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(column_of("u1 + "), 6);
        assert_eq!(column_of("u1 + * u2"), 6);
        assert_eq!(column_of("(u1 + u2"), 9);
        assert_eq!(column_of("u1 u2"), 4);
        assert_eq!(column_of("foo(u1)"), 1);
        assert_eq!(column_of("u0 + 1"), 1);
        assert_eq!(column_of("u1^2.5"), 5);
        assert_eq!(column_of("tanh u1"), 6);
        assert_eq!(column_of("He13(u1)"), 1);
        let msg = parse("u1 + * u2").unwrap_err().to_string();
        assert!(msg.contains("u1 + * u2\n       ^"), "{msg}");
    }

    #[test]
    fn random_inputs_never_panic() {
        // A property test with a fixed seed: random strings over the language's alphabet either parse or
        // return an error naming a column inside the string.
        let alphabet: Vec<char> = "u1234()+-*/^. eHtanhrfs0".chars().collect();
        let mut state = 0x2545F4914F6CDD1Du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 16) as usize;
            let s: String =
                (0..len).map(|i| alphabet[((state >> (i * 4 % 60)) as usize + i * 7) % alphabet.len()]).collect();
            match parse(&s) {
                Ok(e) => {
                    let _ = e.eval_point(&vec![0.5; e.dimension()]);
                }
                Err(err) => assert!(err.to_string().contains("column"), "{s}: {err}"),
            }
        }
    }
}
