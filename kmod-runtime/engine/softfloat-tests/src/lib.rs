//! Host-side harness: compiles the engine's soft-float module standalone so it can be tested
//! against the host's native `f32`/`f64`.

#[path = "../../src/engine/softfloat/mod.rs"]
pub mod softfloat;
