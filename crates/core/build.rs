//! Links OpenBLAS when a BLAS feature asks for it (the default build links nothing).
use std::path::{Path, PathBuf};

fn find(candidates: &[&str], file: &str, env: &str) -> PathBuf {
    if let Ok(dir) = std::env::var(env) {
        return PathBuf::from(dir);
    }
    candidates.iter().map(PathBuf::from).find(|d| d.join(file).exists()).unwrap_or_else(|| {
        panic!("{file} not found in {candidates:?}: install Debian's libopenblas-pthread-dev and libgfortran-12-dev, or set {env}")
    })
}

fn main() {
    println!("cargo:rerun-if-env-changed=GIANTSTEP_OPENBLAS_DIR");
    println!("cargo:rerun-if-env-changed=GIANTSTEP_GFORTRAN_DIR");
    if std::env::var_os("CARGO_FEATURE_OPENBLAS_STATIC").is_some() {
        let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
        let multiarch = format!("/usr/lib/{arch}-linux-gnu");
        let blas =
            find(&[&format!("{multiarch}/openblas-pthread"), &multiarch], "libopenblas.a", "GIANTSTEP_OPENBLAS_DIR");
        let gcc_root = format!("/usr/lib/gcc/{arch}-linux-gnu");
        let gcc_dirs: Vec<String> = std::fs::read_dir(&gcc_root)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path().display().to_string()).collect())
            .unwrap_or_default();
        let gcc_refs: Vec<&str> = gcc_dirs.iter().map(String::as_str).collect();
        let fortran = find(&gcc_refs, "libgfortran.a", "GIANTSTEP_GFORTRAN_DIR");
        println!("cargo:rustc-link-search=native={}", blas.display());
        println!("cargo:rustc-link-search=native={}", fortran.display());
        println!("cargo:rustc-link-lib=static=openblas");
        println!("cargo:rustc-link-lib=static=gfortran");
        if Path::new(&fortran).join("libquadmath.a").exists() {
            println!("cargo:rustc-link-lib=static=quadmath");
        }
        println!("cargo:rustc-link-lib=dylib=pthread");
        println!("cargo:rustc-link-lib=dylib=m");
    } else if std::env::var_os("CARGO_FEATURE_OPENBLAS_SYSTEM").is_some() {
        println!("cargo:rustc-link-lib=dylib=openblas");
    }
}
