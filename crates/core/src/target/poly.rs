//! Exact multivariate polynomials and their expansion in the Hermite basis: a polynomial target's
//! coefficients g = Σ_α b_α Π_j He_{α_j}(u_j) are computed symbolically, not by quadrature.
use super::expr::{Expr, Func};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// Most monomials any intermediate polynomial of an expansion may hold.
pub const MAX_MONOMIALS: usize = 20_000;
/// Most term operations (products of two monomials, additions, Hermite-basis terms) one expansion may
/// take: about a second at worst.
pub const MAX_WORK: usize = 4_000_000;

/// The work left to one expansion; every operation is charged before it runs, so an expansion that
/// would blow up stops with an error instead of allocating.
#[derive(Default)]
struct Budget {
    work: usize,
}

impl Budget {
    fn charge(&mut self, units: usize) -> Result<()> {
        self.work = self.work.saturating_add(units);
        if self.work > MAX_WORK {
            return Err(too_large());
        }
        Ok(())
    }
}

fn too_large() -> Error {
    Error::invalid(
        "target",
        format!("expanding the polynomial needs more than {MAX_MONOMIALS} monomials or {MAX_WORK} term operations (limits): lower its degree or its number of directions"),
    )
}

fn check_size(p: Poly) -> Result<Poly> {
    if p.terms.len() > MAX_MONOMIALS {
        return Err(too_large());
    }
    Ok(p)
}

/// Exponent vector (length k) → coefficient.
pub type Monomials = BTreeMap<Vec<u32>, f64>;

#[derive(Clone, Debug, PartialEq)]
pub struct Poly {
    pub k: usize,
    pub terms: Monomials,
}

impl Poly {
    pub fn constant(k: usize, c: f64) -> Poly {
        let mut terms = Monomials::new();
        if c != 0.0 {
            terms.insert(vec![0; k], c);
        }
        Poly { k, terms }
    }

    pub fn variable(k: usize, j: usize) -> Poly {
        let mut e = vec![0; k];
        e[j] = 1;
        Poly { k, terms: Monomials::from([(e, 1.0)]) }
    }

    pub fn degree(&self) -> usize {
        self.terms.keys().map(|e| e.iter().sum::<u32>() as usize).max().unwrap_or(0)
    }

    fn add_scaled(&mut self, other: &Poly, s: f64) {
        for (e, c) in &other.terms {
            *self.terms.entry(e.clone()).or_insert(0.0) += s * c;
        }
        self.terms.retain(|_, c| *c != 0.0);
    }

    fn scale(mut self, s: f64) -> Poly {
        self.terms.values_mut().for_each(|c| *c *= s);
        self.terms.retain(|_, c| *c != 0.0);
        self
    }

    fn mul(&self, other: &Poly, budget: &mut Budget) -> Result<Poly> {
        budget.charge(self.terms.len().saturating_mul(other.terms.len()))?;
        let mut out = Poly::constant(self.k, 0.0);
        for (e1, c1) in &self.terms {
            for (e2, c2) in &other.terms {
                let e: Vec<u32> = e1.iter().zip(e2).map(|(a, b)| a + b).collect();
                *out.terms.entry(e).or_insert(0.0) += c1 * c2;
            }
        }
        out.terms.retain(|_, c| *c != 0.0);
        check_size(out)
    }

    fn pow(&self, n: u32, budget: &mut Budget) -> Result<Poly> {
        let mut acc = Poly::constant(self.k, 1.0);
        for _ in 0..n {
            acc = acc.mul(self, budget)?;
        }
        Ok(acc)
    }

    /// He_n(p) by the recurrence He_{m+1} = p·He_m − m·He_{m−1}.
    fn hermite_of(&self, n: usize, budget: &mut Budget) -> Result<Poly> {
        let (mut prev, mut cur) = (Poly::constant(self.k, 1.0), self.clone());
        if n == 0 {
            return Ok(prev);
        }
        for m in 1..n {
            let mut next = cur.mul(self, budget)?;
            budget.charge(prev.terms.len())?;
            next.add_scaled(&prev, -(m as f64));
            prev = cur;
            cur = check_size(next)?;
        }
        Ok(cur)
    }

    /// Converts to the Hermite basis: x^n = Σ_{i ≤ n/2} n! / (2^i i! (n−2i)!) He_{n−2i}(x), coordinate by
    /// coordinate. Returns multi-index α → b_α; refused when the expansion would take more than
    /// MAX_WORK terms.
    pub fn to_hermite(&self) -> Result<Monomials> {
        let work = self.terms.keys().fold(0usize, |sum, e| {
            sum.saturating_add(e.iter().fold(1usize, |p, n| p.saturating_mul(*n as usize / 2 + 1)))
        });
        if work > MAX_WORK {
            return Err(too_large());
        }
        let mut out = Monomials::new();
        for (e, c) in &self.terms {
            // The Hermite expansion of this monomial is the product over coordinates.
            let mut partial: Vec<(Vec<u32>, f64)> = vec![(Vec::with_capacity(self.k), *c)];
            for &n in e {
                let mut next = Vec::new();
                for (alpha, coef) in &partial {
                    for i in 0..=n / 2 {
                        let w = factorial(n) / (2f64.powi(i as i32) * factorial(i) * factorial(n - 2 * i));
                        let mut a = alpha.clone();
                        a.push(n - 2 * i);
                        next.push((a, coef * w));
                    }
                }
                partial = next;
            }
            for (alpha, coef) in partial {
                *out.entry(alpha).or_insert(0.0) += coef;
            }
        }
        out.retain(|_, c| c.abs() > 1e-14);
        Ok(out)
    }
}

fn factorial(n: u32) -> f64 {
    (1..=n).map(|j| j as f64).product()
}

/// The polynomial an expression denotes, or None when it is not a polynomial (tanh, relu, division by
/// a non-constant, ...); refused (field `target`) when the expansion exceeds MAX_MONOMIALS or MAX_WORK.
pub fn to_poly(expr: &Expr, k: usize) -> Result<Option<Poly>> {
    // Only polynomials are expanded: a non-polynomial part anywhere makes the whole None.
    if expr.polynomial_degree().is_none() {
        return Ok(None);
    }
    expand(expr, k, &mut Budget::default())
}

fn expand(expr: &Expr, k: usize, budget: &mut Budget) -> Result<Option<Poly>> {
    macro_rules! sub {
        ($e:expr) => {
            match expand($e, k, budget)? {
                Some(p) => p,
                None => return Ok(None),
            }
        };
    }
    budget.charge(1)?;
    Ok(Some(match expr {
        Expr::Num(v) => Poly::constant(k, *v),
        Expr::Var(j) => Poly::variable(k, *j),
        Expr::Neg(a) => sub!(a).scale(-1.0),
        Expr::Add(a, b) | Expr::Sub(a, b) => {
            let mut p = sub!(a);
            let q = sub!(b);
            budget.charge(q.terms.len())?;
            p.add_scaled(&q, if matches!(expr, Expr::Add(..)) { 1.0 } else { -1.0 });
            check_size(p)?
        }
        Expr::Mul(a, b) => {
            let (p, q) = (sub!(a), sub!(b));
            p.mul(&q, budget)?
        }
        Expr::Div(a, b) => {
            let denominator = sub!(b);
            if denominator.degree() > 0 {
                return Ok(None);
            }
            let c = denominator.terms.values().next().copied().unwrap_or(0.0);
            if c == 0.0 {
                return Ok(None);
            }
            sub!(a).scale(1.0 / c)
        }
        Expr::Pow(a, e) if *e >= 0 && *e <= 24 => sub!(a).pow(*e as u32, budget)?,
        Expr::Pow(..) => return Ok(None),
        Expr::Call(Func::He(n), a) => sub!(a).hermite_of(*n, budget)?,
        Expr::Call(..) => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::expr::parse;

    #[test]
    fn monomials_to_hermite() {
        // x⁴ = He4 + 6 He2 + 3.
        let p = to_poly(&parse("u1^4").unwrap(), 1).unwrap().unwrap();
        let h = p.to_hermite().unwrap();
        assert_eq!(h.get(&vec![4]), Some(&1.0));
        assert_eq!(h.get(&vec![2]), Some(&6.0));
        assert_eq!(h.get(&vec![0]), Some(&3.0));
        // He2(u1)·u2 stays one Hermite term.
        let h = to_poly(&parse("He2(u1)*u2").unwrap(), 2).unwrap().unwrap().to_hermite().unwrap();
        assert_eq!(h.len(), 1);
        assert!((h[&vec![2, 1]] - 1.0).abs() < 1e-12);
        assert!(to_poly(&parse("tanh(u1)").unwrap(), 1).unwrap().is_none());
        assert!(to_poly(&parse("u1/u2").unwrap(), 2).unwrap().is_none());
    }

    #[test]
    fn expansions_beyond_the_budget_are_refused_quickly() {
        // These ran for minutes or aborted on allocation before the budget.
        let start = std::time::Instant::now();
        for src in [
            "He12(He12(u1+u2+u3))",
            "(u1+u2+u3+u4+u5+u6+u7+u8)^12",
            "He12(u1+u2+u3+u4+u5+u6+u7+u8)*He12(u1-u2+u3-u4+u5-u6+u7-u8)",
        ] {
            let expr = parse(src).unwrap();
            let err = to_poly(&expr, expr.dimension()).and_then(|p| p.unwrap().to_hermite()).unwrap_err();
            assert_eq!(err.field(), Some("target"), "{src}");
            assert!(err.to_string().contains("limits"), "{src}: {err}");
        }
        assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
        // Within the budget: (u1 + u2)^12 has 13 monomials.
        assert_eq!(to_poly(&parse("(u1+u2)^12").unwrap(), 2).unwrap().unwrap().terms.len(), 13);
    }
}
