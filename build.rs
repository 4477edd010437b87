//! Links the `vtl` binary as a position-dependent executable on Linux.
//!
//! A position-independent `vtl` spends about half of a cold start applying
//! 39,000 relocations (most of them in the time-zone tables), which copies
//! 1.2 MB of read-only data into private pages. Linked at a fixed address, the
//! binary starts in 1.2 ms instead of 1.8 ms and peaks 2 MB lower
//! (`docs/performance.md`). The examples are linked alike; the library and the
//! tests are unaffected.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        // The benchmark example's cold mode stands for `vtl render`: link it alike.
        println!("cargo:rustc-link-arg-examples=-no-pie");
    }
}
