//! Typed BPF maps for hooks, and the `maps!` macro that declares them in the `wasmhook.maps`
//! custom section (layout: `kmod-runtime/hook-abi/src/abi/maps.rs`, which parses what this emits).

use core::marker::PhantomData;
use core::mem::{size_of, MaybeUninit};

use crate::sys;

/// Plain data that may be a map key or value: `Copy`, no padding, no pointers, and every bit
/// pattern valid (the kernel copies raw bytes in and out).
///
/// # Safety
/// Implement only for types without padding bytes for which any byte pattern is a valid value
/// (e.g. `#[repr(C)]` structs of integers laid out without gaps).
pub unsafe trait Pod: Copy + 'static {}

macro_rules! pod {
    ($($t:ty),*) => { $(
        // SAFETY: integers have no padding and every bit pattern is valid.
        unsafe impl Pod for $t {}
    )* };
}
pod!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);
// SAFETY: an array of `Pod` has no padding between elements and all bit patterns are valid.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// BPF map types a hook may declare (same values as the kernel's `enum bpf_map_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum MapType {
    /// `BPF_MAP_TYPE_HASH`
    Hash = 1,
    /// `BPF_MAP_TYPE_ARRAY` (keys are `u32` indices)
    Array = 2,
    /// `BPF_MAP_TYPE_PERCPU_HASH`: each CPU sees its own values.
    PercpuHash = 5,
    /// `BPF_MAP_TYPE_PERCPU_ARRAY`
    PercpuArray = 6,
    /// `BPF_MAP_TYPE_LRU_HASH`
    LruHash = 9,
    /// `BPF_MAP_TYPE_LRU_PERCPU_HASH`
    LruPercpuHash = 10,
}

/// Flags for [`Map::update`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i64)]
pub enum UpdateFlags {
    /// Create or replace (`BPF_ANY`).
    Any = 0,
    /// Only create (`BPF_NOEXIST`).
    NoExist = 1,
    /// Only replace (`BPF_EXIST`).
    Exist = 2,
}

/// A map operation failed: the negated errno the kernel returned (e.g. 2 = ENOENT, 22 = EINVAL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapError(pub i32);

/// One map declaration, as `maps!` writes it into the custom section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapDecl {
    /// Map name (1..=15 of `[A-Za-z0-9_]`): the loader creates/pins the map under it.
    pub name: &'static str,
    /// Type.
    pub map_type: MapType,
    /// Key size in bytes.
    pub key_size: usize,
    /// Value size in bytes.
    pub value_size: usize,
    /// Capacity.
    pub max_entries: u32,
}

impl MapDecl {
    /// A declaration, checked at compile time when used in a constant: panics (a compile error
    /// in const context) on names or sizes Hook ABI v1 refuses.
    pub const fn new(
        name: &'static str,
        map_type: MapType,
        key_size: usize,
        value_size: usize,
        max_entries: u32,
    ) -> Self {
        let b = name.as_bytes();
        assert!(
            !b.is_empty() && b.len() <= 15,
            "map name must be 1 to 15 bytes"
        );
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            assert!(
                c.is_ascii_alphanumeric() || c == b'_',
                "map name may only use [A-Za-z0-9_]"
            );
            i += 1;
        }
        assert!(
            key_size >= 1 && key_size <= crate::MAX_MAP_ENTRY,
            "map key must be 1 to 256 bytes"
        );
        assert!(
            value_size >= 1 && value_size <= crate::MAX_MAP_ENTRY,
            "map value must be 1 to 256 bytes"
        );
        assert!(max_entries >= 1, "map needs at least one entry");
        assert!(
            !matches!(map_type, MapType::Array | MapType::PercpuArray) || key_size == 4,
            "array maps need 4-byte (u32) keys"
        );
        MapDecl {
            name,
            map_type,
            key_size,
            value_size,
            max_entries,
        }
    }
}

/// Bytes of the encoded `wasmhook.maps` section for `decls` (panics in const context if there
/// are more than [`crate::MAX_MAPS`]).
pub const fn maps_section_len(decls: &[MapDecl]) -> usize {
    assert!(
        decls.len() <= crate::MAX_MAPS,
        "a hook can use at most 3 maps"
    );
    let mut n = 2;
    let mut i = 0;
    while i < decls.len() {
        n += 1 + decls[i].name.len() + 16;
        i += 1;
    }
    n
}

const fn put_u32(out: &mut [u8], pos: usize, v: u32) -> usize {
    let b = v.to_le_bytes();
    out[pos] = b[0];
    out[pos + 1] = b[1];
    out[pos + 2] = b[2];
    out[pos + 3] = b[3];
    pos + 4
}

/// The encoded `wasmhook.maps` section (version 1): `N` must be [`maps_section_len`].
pub const fn maps_section<const N: usize>(decls: &[MapDecl]) -> [u8; N] {
    assert!(N == maps_section_len(decls), "maps_section: wrong length");
    let mut out = [0u8; N];
    out[0] = 1;
    out[1] = decls.len() as u8;
    let mut pos = 2;
    let mut i = 0;
    while i < decls.len() {
        let d = &decls[i];
        let name = d.name.as_bytes();
        out[pos] = name.len() as u8;
        pos += 1;
        let mut j = 0;
        while j < name.len() {
            out[pos] = name[j];
            pos += 1;
            j += 1;
        }
        pos = put_u32(&mut out, pos, d.map_type as u32);
        pos = put_u32(&mut out, pos, d.key_size as u32);
        pos = put_u32(&mut out, pos, d.value_size as u32);
        pos = put_u32(&mut out, pos, d.max_entries);
        i += 1;
    }
    out
}

/// A handle to map `index` (0, 1 or 2) with keys `K` and values `V`. Made by [`crate::maps!`].
#[derive(Debug)]
pub struct Map<K: Pod, V: Pod> {
    index: u32,
    _kv: PhantomData<fn(K) -> V>,
}

impl<K: Pod, V: Pod> Clone for Map<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: Pod, V: Pod> Copy for Map<K, V> {}

impl<K: Pod, V: Pod> Map<K, V> {
    /// A handle to map `index`; the key and value types must have the map's sizes.
    pub const fn new(index: u32) -> Self {
        assert!(
            index < crate::MAX_MAPS as u32,
            "map index must be 0, 1 or 2"
        );
        assert!(
            size_of::<K>() >= 1 && size_of::<K>() <= crate::MAX_MAP_ENTRY,
            "key must be 1 to 256 bytes"
        );
        assert!(
            size_of::<V>() >= 1 && size_of::<V>() <= crate::MAX_MAP_ENTRY,
            "value must be 1 to 256 bytes"
        );
        Map {
            index,
            _kv: PhantomData,
        }
    }

    /// The map index passed to the host.
    pub const fn index(&self) -> u32 {
        self.index
    }

    /// The value for `key`, if present.
    pub fn lookup(&self, key: &K) -> Option<V> {
        let mut v = MaybeUninit::<V>::uninit();
        // SAFETY: `key` is size_of::<K>() readable bytes and `v` size_of::<V>() writable bytes,
        // which are the map's sizes (checked by `wasm2hook check` against the declaration).
        let rc = unsafe {
            sys::map_lookup(
                self.index as i32,
                (key as *const K).cast(),
                v.as_mut_ptr().cast(),
            )
        };
        // SAFETY: rc == 0 means the host wrote all bytes of `v`, and `V: Pod` accepts any bytes.
        (rc == 0).then(|| unsafe { v.assume_init() })
    }

    /// Stores `value` for `key`.
    pub fn update(&self, key: &K, value: &V, flags: UpdateFlags) -> Result<(), MapError> {
        // SAFETY: `key`/`value` are readable for their sizes.
        let rc = unsafe {
            sys::map_update(
                self.index as i32,
                (key as *const K).cast(),
                (value as *const V).cast(),
                flags as i64,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(MapError(-rc))
        }
    }

    /// Stores `value` for `key`, creating or replacing it.
    pub fn set(&self, key: &K, value: &V) -> Result<(), MapError> {
        self.update(key, value, UpdateFlags::Any)
    }

    /// Removes `key` (array maps refuse this with EINVAL, as in BPF).
    pub fn delete(&self, key: &K) -> Result<(), MapError> {
        // SAFETY: `key` is readable for its size.
        let rc = unsafe { sys::map_delete(self.index as i32, (key as *const K).cast()) };
        if rc == 0 {
            Ok(())
        } else {
            Err(MapError(-rc))
        }
    }
}

macro_rules! counter {
    ($($t:ty),*) => { $(
        impl<K: Pod> Map<K, $t> {
            /// Adds `delta` to the value for `key` (missing = 0), wrapping. Not atomic across
            /// CPUs: use a per-CPU map for counters. Returns the new value.
            pub fn add(&self, key: &K, delta: $t) -> $t {
                let v = self.lookup(key).unwrap_or(0).wrapping_add(delta);
                let _ = self.set(key, &v);
                v
            }
        }
    )* };
}
counter!(u32, u64);

/// Declares the hook's maps: typed handles (constants named as written, map 0 first) and the
/// `wasmhook.maps` custom section describing them to the loader.
///
/// ```
/// wasmhook_sdk::maps! {
///     policy: Array<u32, u32> [1];
///     pub counts: PercpuArray<u32, u64> [256];
///     flows: LruHash<[u8; 12], u64> [4096];
/// }
/// assert_eq!(counts.index(), 1);
/// ```
/// Map types: `Hash`, `Array`, `PercpuHash`, `PercpuArray`, `LruHash`, `LruPercpuHash`. Names,
/// sizes and the count (at most 3) are checked at compile time. Use it once per hook.
///
/// Array maps are indexed by `u32`:
/// ```compile_fail
/// wasmhook_sdk::maps! { a: Array<u64, u64> [4]; }
/// # fn main() { let _ = a; }
/// ```
/// Names are at most 15 bytes (BPF object names):
/// ```compile_fail
/// wasmhook_sdk::maps! { a_much_too_long_name: Hash<u32, u64> [4]; }
/// # fn main() { let _ = a_much_too_long_name; }
/// ```
/// At most three maps:
/// ```compile_fail
/// wasmhook_sdk::maps! { a: Hash<u32, u8> [1]; b: Hash<u32, u8> [1]; c: Hash<u32, u8> [1]; d: Hash<u32, u8> [1]; }
/// # fn main() { let _ = (a, b, c, d); }
/// ```
/// Values are at most 256 bytes:
/// ```compile_fail
/// wasmhook_sdk::maps! { big: Hash<u32, [u8; 300]> [1]; }
/// # fn main() { let _ = big; }
/// ```
#[macro_export]
macro_rules! maps {
    ($($(#[$m:meta])* $vis:vis $name:ident : $kind:ident < $k:ty , $v:ty > [ $n:expr ]);* $(;)?) => {
        const __WASMHOOK_MAP_DECLS: &[$crate::MapDecl] = &[$(
            $crate::MapDecl::new(
                stringify!($name),
                $crate::MapType::$kind,
                ::core::mem::size_of::<$k>(),
                ::core::mem::size_of::<$v>(),
                $n,
            )
        ),*];

        /// The `wasmhook.maps` custom section (Hook ABI v1 map declarations).
        // Not `#[used]`: on wasm32 that would also keep a copy in the data segment.
        #[cfg_attr(target_arch = "wasm32", unsafe(link_section = "wasmhook.maps"))]
        #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
        static __WASMHOOK_MAPS: [u8; $crate::maps_section_len(__WASMHOOK_MAP_DECLS)] =
            $crate::maps_section(__WASMHOOK_MAP_DECLS);

        $crate::__map_handles!(0u32; $($(#[$m])* $vis $name : $k , $v ;)*);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __map_handles {
    ($idx:expr;) => {};
    ($idx:expr; $(#[$m:meta])* $vis:vis $name:ident : $k:ty , $v:ty ; $($rest:tt)*) => {
        $(#[$m])*
        #[allow(non_upper_case_globals)]
        $vis const $name: $crate::Map<$k, $v> = $crate::Map::new($idx);
        $crate::__map_handles!($idx + 1u32; $($rest)*);
    };
}
