//! Typed BPF maps for hooks, and the `maps!` macro that declares them in the `wasmhook.maps`
//! custom section (layout: `kmod-runtime/hook-abi/src/abi/maps.rs`, which parses what this emits).

use core::marker::PhantomData;
use core::mem::{size_of, MaybeUninit};

use crate::sys;

/// Where map calls stage their key and value on wasm32: one area at a fixed address in linear
/// memory rather than the caller's stack. A hook whose only addressed locals were map keys and
/// values then needs no shadow-stack frame (no `__stack_pointer` update on entry and exit), and
/// the addresses it passes are constants. One area serves every call: a hook instance runs on
/// one CPU at a time, a map call returns before the next starts, and each call stages its own
/// key (a lookup writes only the value).
#[cfg(target_arch = "wasm32")]
mod stage {
    use super::Pod;
    use crate::MAX_MAP_ENTRY;

    #[repr(C, align(16))]
    struct Area {
        key: [u8; MAX_MAP_ENTRY],
        value: [u8; MAX_MAP_ENTRY],
    }
    static mut AREA: Area = Area {
        key: [0; MAX_MAP_ENTRY],
        value: [0; MAX_MAP_ENTRY],
    };

    /// The key slot, holding a copy of `key` (at most `MAX_MAP_ENTRY` bytes: `Map::new`).
    #[inline(always)]
    pub(super) fn key<K: Pod>(key: &K) -> *const u8 {
        let p = (&raw mut AREA).cast::<u8>();
        // SAFETY: `K` fits the slot (`Map::new` checks its size); nothing else refers to the
        // area (its users only pass its address to the host, which is done with it on return).
        unsafe { p.cast::<K>().write_unaligned(*key) };
        p
    }

    /// The value slot, for the host to write.
    #[inline(always)]
    pub(super) fn value_slot() -> *mut u8 {
        // (`Area` is `repr(C)`: the value slot follows the key slot)
        (&raw mut AREA).cast::<u8>().wrapping_add(MAX_MAP_ENTRY)
    }

    /// The value slot, holding a copy of `v`.
    #[inline(always)]
    pub(super) fn value<V: Pod>(v: &V) -> *const u8 {
        let p = value_slot();
        // SAFETY: as in `key`.
        unsafe { p.cast::<V>().write_unaligned(*v) };
        p
    }

    /// The value the host wrote into the value slot.
    ///
    /// # Safety
    /// The host wrote `size_of::<V>()` bytes there (`V: Pod` accepts any bytes).
    #[inline(always)]
    pub(super) unsafe fn read_value<V: Pod>() -> V {
        // SAFETY: the slot holds `size_of::<V>()` initialized bytes (the caller's contract).
        unsafe { value_slot().cast::<V>().read_unaligned() }
    }
}

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
    /// `BPF_MAP_TYPE_LPM_TRIE` (ABI v2): longest-prefix match on [`LpmKey`] keys.
    LpmTrie = 11,
    /// `BPF_MAP_TYPE_QUEUE` (ABI v2): FIFO, no keys.
    Queue = 22,
    /// `BPF_MAP_TYPE_STACK` (ABI v2): LIFO, no keys.
    Stack = 23,
    /// `BPF_MAP_TYPE_BLOOM_FILTER` (ABI v2): set membership with false positives, no keys.
    BloomFilter = 30,
    /// `BPF_MAP_TYPE_RINGBUF` (ABI v2): records for user space ([`RingBuf`]); the entry count
    /// is its size in bytes (a power of two, 4096 to 64 MiB).
    RingBuf = 27,
    /// `BPF_MAP_TYPE_DEVMAP` (ABI v2, XDP hooks): interfaces by index for
    /// [`DevMap::redirect`]; user space fills it (`bpftool map update ... value IFINDEX`).
    DevMap = 14,
    /// `BPF_MAP_TYPE_DEVMAP_HASH` (ABI v2, XDP hooks): as [`MapType::DevMap`], any u32 key.
    DevMapHash = 25,
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
        let ringbuf = matches!(map_type, MapType::RingBuf);
        assert!(
            !ringbuf
                || (key_size == 0
                    && value_size == 0
                    && max_entries.is_power_of_two()
                    && max_entries >= 4096
                    && max_entries <= 1 << 26),
            "a ringbuf's size is a power of two from 4096 to 64 MiB"
        );
        let keyless = matches!(
            map_type,
            MapType::Queue | MapType::Stack | MapType::BloomFilter | MapType::RingBuf
        );
        assert!(
            !keyless || key_size == 0,
            "queue, stack and bloom filter maps have no keys"
        );
        assert!(
            keyless || (key_size >= 1 && key_size <= crate::MAX_MAP_ENTRY),
            "map key must be 1 to 256 bytes"
        );
        assert!(
            !matches!(map_type, MapType::LpmTrie) || key_size >= 5,
            "lpm_trie keys are a u32 prefix length and at least one byte of data"
        );
        assert!(
            ringbuf || (value_size >= 1 && value_size <= crate::MAX_MAP_ENTRY),
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
        "a hook can use at most 16 maps"
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

/// A handle to map `index` (0..=15) with keys `K` and values `V`. Made by [`crate::maps!`].
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
        assert!(index < crate::MAX_MAPS as u32, "map index must be 0..=15");
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
        #[cfg(target_arch = "wasm32")]
        {
            let k = stage::key(key);
            // SAFETY: the staged key and the value slot are the map's sizes (`Map::new`
            // keeps both within the area; `wasm2hook check` matches them with the declaration).
            let rc = unsafe { sys::map_lookup(self.index as i32, k, stage::value_slot()) };
            // SAFETY: rc == 0 means the host wrote all bytes of the value slot.
            (rc == 0).then(|| unsafe { stage::read_value::<V>() })
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.lookup_in_frame(key)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn lookup_in_frame(&self, key: &K) -> Option<V> {
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
        #[cfg(target_arch = "wasm32")]
        let rc = {
            let (k, v) = (stage::key(key), stage::value(value));
            // SAFETY: the staged key and value are the map's sizes.
            unsafe { sys::map_update(self.index as i32, k, v, flags as i64) }
        };
        #[cfg(not(target_arch = "wasm32"))]
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

impl<K: Pod, V: Pod> Map<K, V> {
    /// Key size the declaration of a map with this handle has.
    pub const KEY_SIZE: usize = size_of::<K>();
    /// Value size the declaration of a map with this handle has.
    pub const VALUE_SIZE: usize = size_of::<V>();
}

fn rc_to_result(rc: i32) -> Result<(), MapError> {
    if rc == 0 {
        Ok(())
    } else {
        Err(MapError(-rc))
    }
}

/// An lpm_trie key (ABI v2): a prefix length in bits and the data it applies to, most
/// significant bit first, as the kernel's `struct bpf_lpm_trie_key_u8` (the prefix length in
/// the host's byte order, little-endian on Wasm and x86). `LpmKey<[u8; 4]>` for IPv4,
/// `LpmKey<[u8; 16]>` for IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct LpmKey<D> {
    prefixlen: [u8; 4],
    /// The data (address bytes in network order).
    pub data: D,
}

// SAFETY: byte arrays only (alignment 1, so no padding), every bit pattern valid.
unsafe impl<const N: usize> Pod for LpmKey<[u8; N]> {}

impl<const N: usize> LpmKey<[u8; N]> {
    /// The key for the first `prefixlen` bits of `data` (`10.0.0.0/8`: `new(8, [10, 0, 0, 0])`).
    pub const fn new(prefixlen: u32, data: [u8; N]) -> Self {
        LpmKey {
            prefixlen: prefixlen.to_le_bytes(),
            data,
        }
    }
    /// The key for looking `data` up: its full length as the prefix.
    pub const fn exact(data: [u8; N]) -> Self {
        Self::new(N as u32 * 8, data)
    }
    /// The prefix length in bits.
    pub const fn prefixlen(&self) -> u32 {
        u32::from_le_bytes(self.prefixlen)
    }
}

/// A handle to an lpm_trie map (ABI v2) with keys `K` (an [`LpmKey`]) and values `V`. Made by
/// [`crate::maps!`] from `name: LpmTrie<LpmKey<[u8; 4]>, V> [N]`.
#[derive(Debug)]
pub struct LpmTrie<K: Pod, V: Pod>(Map<K, V>);

impl<K: Pod, V: Pod> Clone for LpmTrie<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: Pod, V: Pod> Copy for LpmTrie<K, V> {}

impl<K: Pod, V: Pod> LpmTrie<K, V> {
    /// Key size of the declaration.
    pub const KEY_SIZE: usize = size_of::<K>();
    /// Value size of the declaration.
    pub const VALUE_SIZE: usize = size_of::<V>();

    /// A handle to map `index`.
    pub const fn new(index: u32) -> Self {
        assert!(
            size_of::<K>() >= 5,
            "an lpm_trie key is a u32 prefix length and data"
        );
        LpmTrie(Map::new(index))
    }
    /// The map index passed to the host.
    pub const fn index(&self) -> u32 {
        self.0.index()
    }
    /// The value of the longest stored prefix that matches `key` (usually
    /// [`LpmKey::exact`] of an address).
    pub fn lookup(&self, key: &K) -> Option<V> {
        self.0.lookup(key)
    }
    /// Stores `value` for the prefix `key`.
    pub fn insert(&self, key: &K, value: &V) -> Result<(), MapError> {
        self.0.set(key, value)
    }
    /// Stores `value` for the prefix `key` with BPF update flags.
    pub fn update(&self, key: &K, value: &V, flags: UpdateFlags) -> Result<(), MapError> {
        self.0.update(key, value, flags)
    }
    /// Removes the prefix `key` (exactly that prefix).
    pub fn delete(&self, key: &K) -> Result<(), MapError> {
        self.0.delete(key)
    }
}

macro_rules! keyless {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name<V: Pod> {
            index: u32,
            _v: PhantomData<fn(V) -> V>,
        }

        impl<V: Pod> Clone for $name<V> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<V: Pod> Copy for $name<V> {}

        impl<V: Pod> $name<V> {
            /// Key size of the declaration: none.
            pub const KEY_SIZE: usize = 0;
            /// Value size of the declaration.
            pub const VALUE_SIZE: usize = size_of::<V>();

            /// A handle to map `index`.
            pub const fn new(index: u32) -> Self {
                assert!(
                    index < crate::MAX_MAPS as u32,
                    "map index must be 0..=15"
                );
                assert!(
                    size_of::<V>() >= 1 && size_of::<V>() <= crate::MAX_MAP_ENTRY,
                    "value must be 1 to 256 bytes"
                );
                $name {
                    index,
                    _v: PhantomData,
                }
            }
            /// The map index passed to the host.
            pub const fn index(&self) -> u32 {
                self.index
            }
            fn push_flags(&self, value: &V, flags: i64) -> Result<(), MapError> {
                // SAFETY: `value` is size_of::<V>() readable bytes, the map's value size.
                let rc = unsafe {
                    sys::map_push(self.index as i32, (value as *const V).cast(), flags)
                };
                rc_to_result(rc)
            }
        }
    };
}

keyless!(
    /// A handle to a queue map (ABI v2): FIFO of `V`. Made by [`crate::maps!`] from
    /// `name: Queue<V> [N]`; user space reads it with `bpftool map dequeue`.
    Queue
);
keyless!(
    /// A handle to a stack map (ABI v2): LIFO of `V`. Made by [`crate::maps!`] from
    /// `name: Stack<V> [N]`.
    Stack
);
keyless!(
    /// A handle to a bloom filter map (ABI v2): a set of `V` that may answer "maybe" for a
    /// value never added, never "no" for one that was. Made by [`crate::maps!`] from
    /// `name: BloomFilter<V> [N]`; user space adds with `bpftool map push`.
    BloomFilter
);

macro_rules! queue_like {
    ($name:ident, $what:literal) => {
        impl<V: Pod> $name<V> {
            fn take(&self, pop: bool) -> Option<V> {
                let mut v = MaybeUninit::<V>::uninit();
                // SAFETY: `v` is size_of::<V>() writable bytes, the map's value size.
                let rc = unsafe {
                    if pop {
                        sys::map_pop(self.index as i32, v.as_mut_ptr().cast())
                    } else {
                        sys::map_peek(self.index as i32, v.as_mut_ptr().cast())
                    }
                };
                // SAFETY: rc == 0: the host wrote all of `v`; `V: Pod` accepts any bytes.
                (rc == 0).then(|| unsafe { v.assume_init() })
            }
            #[doc = concat!("Adds `value`; `Err(MapError(7))` (E2BIG) when the ", $what, " is full.")]
            pub fn push(&self, value: &V) -> Result<(), MapError> {
                self.push_flags(value, 0)
            }
            #[doc = concat!("Adds `value`, dropping the oldest value when the ", $what, " is full (`BPF_EXIST`).")]
            pub fn push_overwrite(&self, value: &V) -> Result<(), MapError> {
                self.push_flags(value, 2)
            }
            /// Takes the next value out, if any.
            pub fn pop(&self) -> Option<V> {
                self.take(true)
            }
            /// The next value, left in place.
            pub fn peek(&self) -> Option<V> {
                self.take(false)
            }
        }
    };
}
queue_like!(Queue, "queue");
queue_like!(Stack, "stack");

impl<V: Pod> BloomFilter<V> {
    /// Adds `value`.
    pub fn insert(&self, value: &V) -> Result<(), MapError> {
        self.push_flags(value, 0)
    }
    /// `false` if `value` was certainly never added; `true` if it may have been.
    pub fn contains(&self, value: &V) -> bool {
        let mut v = *value;
        // SAFETY: `v` is size_of::<V>() bytes; a bloom filter's peek only reads them.
        unsafe { sys::map_peek(self.index as i32, (&mut v as *mut V).cast()) == 0 }
    }
}

/// A handle to the hook's devmap (ABI v2, XDP hooks): interfaces that
/// [`DevMap::redirect`] sends frames to, as `bpf_redirect_map` does. Made by [`crate::maps!`]
/// from `name: DevMap<u32, u32> [N]` or `DevMapHash<u32, u32>` (values: an ifindex, or
/// `[u32; 2]` for `struct bpf_devmap_val`); a hook has at most one. User space fills it
/// (`bpftool map update pinned PIN key 0 0 0 0 value IFINDEX 0 0 0`); the hook cannot read or
/// write it, only redirect through it.
#[derive(Debug)]
pub struct DevMap<K: Pod, V: Pod> {
    index: u32,
    _kv: PhantomData<fn(K) -> V>,
}

impl<K: Pod, V: Pod> Clone for DevMap<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: Pod, V: Pod> Copy for DevMap<K, V> {}

impl<K: Pod, V: Pod> DevMap<K, V> {
    /// Key size of the declaration (4).
    pub const KEY_SIZE: usize = size_of::<K>();
    /// Value size of the declaration (4 or 8).
    pub const VALUE_SIZE: usize = size_of::<V>();

    /// A handle to map `index`.
    pub const fn new(index: u32) -> Self {
        assert!(index < crate::MAX_MAPS as u32, "map index must be 0..=15");
        assert!(size_of::<K>() == 4, "devmap keys are u32");
        assert!(
            size_of::<V>() == 4 || size_of::<V>() == 8,
            "devmap values are an ifindex (u32) or struct bpf_devmap_val ([u32; 2])"
        );
        DevMap {
            index,
            _kv: PhantomData,
        }
    }
    /// The map index passed to the host.
    pub const fn index(&self) -> u32 {
        self.index
    }
    /// Sends this frame to the interface in entry `key`: return the verdict it gives from the
    /// entry point. [`Verdict::Redirect`] when the host took the target; then, if entry `key`
    /// turns out to be empty when the trampoline redirects, the frame gets `fallback` instead
    /// ([`Verdict::Aborted`], `Drop`, `Pass` or `Tx`, as `bpf_redirect_map`'s flags).
    /// [`Verdict::Aborted`] when the host refused (a key above 2^21-1, a `Redirect` fallback,
    /// not an XDP hook), as `bpf_redirect_map` answers bad flags.
    pub fn redirect(&self, key: u32, fallback: crate::Verdict) -> crate::Verdict {
        // SAFETY: plain integers.
        let rc = unsafe { sys::redirect_map(self.index as i32, key as i32, fallback as i64) };
        if rc == 0 {
            crate::Verdict::Redirect
        } else {
            crate::Verdict::Aborted
        }
    }
}

/// A handle to the hook's ring buffer map (ABI v2): records of type `E` for user space. Made by
/// [`crate::maps!`] from `name: RingBuf<E> [SIZE]` (SIZE in bytes, a power of two from 4096);
/// a hook has at most one. `wasmload events` prints the records; any ring buffer consumer
/// (libbpf's `ring_buffer__poll`) reads them from the pinned map.
///
/// Records are delivered when the run returns (not when it traps): at most 32 records and
/// 4096 bytes per run, each at most 1024 bytes.
#[derive(Debug)]
pub struct RingBuf<E: Pod> {
    index: u32,
    _e: PhantomData<fn(E) -> E>,
}

impl<E: Pod> Clone for RingBuf<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E: Pod> Copy for RingBuf<E> {}

/// Flags for [`RingBuf::output_flags`] (`BPF_RB_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i64)]
pub enum Wakeup {
    /// The kernel decides (wakes the reader when it has caught up).
    Auto = 0,
    /// Do not wake the reader for this record (`BPF_RB_NO_WAKEUP`).
    No = 1,
    /// Wake the reader (`BPF_RB_FORCE_WAKEUP`).
    Force = 2,
}

impl<E: Pod> RingBuf<E> {
    /// Key size of the declaration: none.
    pub const KEY_SIZE: usize = 0;
    /// Value size of the declaration: none (records have their own length).
    pub const VALUE_SIZE: usize = 0;

    /// A handle to map `index`.
    pub const fn new(index: u32) -> Self {
        assert!(index < crate::MAX_MAPS as u32, "map index must be 0..=15");
        assert!(
            size_of::<E>() >= 1 && size_of::<E>() <= crate::MAX_EVENT,
            "a ring buffer record must be 1 to 1024 bytes"
        );
        RingBuf {
            index,
            _e: PhantomData,
        }
    }
    /// The map index passed to the host.
    pub const fn index(&self) -> u32 {
        self.index
    }
    /// Emits `record`. `Err(MapError(28))` (ENOSPC) when this run has emitted its 32 records
    /// or 4096 bytes.
    pub fn output(&self, record: &E) -> Result<(), MapError> {
        self.output_flags(record, Wakeup::Auto)
    }
    /// Emits `record` with a wakeup policy.
    pub fn output_flags(&self, record: &E, wakeup: Wakeup) -> Result<(), MapError> {
        // SAFETY: `record` is size_of::<E>() readable bytes.
        let rc = unsafe {
            sys::ringbuf_output(
                self.index as i32,
                (record as *const E).cast(),
                size_of::<E>() as i32,
                wakeup as i64,
            )
        };
        rc_to_result(rc)
    }
    /// Emits the first `len` bytes of `record` (a record with a variable-length tail, e.g. a
    /// path cut at its NUL); `len` is clamped to the record's size.
    pub fn output_prefix(&self, record: &E, len: usize) -> Result<(), MapError> {
        let len = len.min(size_of::<E>());
        // SAFETY: `len` <= size_of::<E>() readable bytes.
        let rc = unsafe {
            sys::ringbuf_output(
                self.index as i32,
                (record as *const E).cast(),
                len as i32,
                0,
            )
        };
        rc_to_result(rc)
    }
}

macro_rules! counter {
    ($($t:ty),*) => { $(
        impl<K: Pod> Map<K, $t> {
            /// Adds `delta` to the value for `key` in place, wrapping, and returns the new value:
            /// one `map_add` call, atomic across CPUs like a BPF program's `__sync_fetch_and_add`
            /// on the looked-up value (a per-CPU map adds to this CPU's value). A hash map
            /// without `key` gets `delta` as its new element. 0 if the map refused (an array
            /// index past the end, a full hash map).
            pub fn add(&self, key: &K, delta: $t) -> $t {
                let idx = self.index as i32;
                let delta = delta as u64 as i64;
                #[cfg(target_arch = "wasm32")]
                {
                    let k = stage::key(key);
                    // SAFETY: the staged key and the value slot, both the map's sizes (as in
                    // `lookup`); the host writes the new value into the slot.
                    match unsafe { sys::map_add(idx, k, stage::value_slot(), 0, delta) } {
                        // SAFETY: rc == 0: the host wrote the value slot.
                        0 => unsafe { stage::read_value::<$t>() },
                        _ => 0,
                    }
                }
                #[cfg(not(target_arch = "wasm32"))]
                {
                    let mut v: $t = 0;
                    // SAFETY: `key` and `v` are readable/writable for the map's sizes.
                    let rc = unsafe {
                        sys::map_add(idx, (key as *const K).cast(), (&raw mut v).cast(), 0, delta)
                    };
                    if rc == 0 { v } else { 0 }
                }
            }
        }
    )* };
}
counter!(u32, u64);

impl<K: Pod, const N: usize> Map<K, [u64; N]> {
    /// Adds `delta` to counter `i` of the value for `key` in place, wrapping, and returns its
    /// new value: one `map_add` call, atomic across CPUs like a BPF program's
    /// `__sync_fetch_and_add(&v->field, delta)` (a per-CPU map adds to this CPU's value). A hash
    /// map without `key` gets a zero value with counter `i` = `delta`. 0 if the map refused
    /// (an array index past the end, a full hash map) or `i >= N`.
    pub fn add_at(&self, key: &K, i: usize, delta: u64) -> u64 {
        if i >= N {
            return 0;
        }
        let (idx, field, delta) = (self.index as i32, (i * 8) as i32, delta as i64);
        #[cfg(target_arch = "wasm32")]
        {
            let k = stage::key(key);
            // SAFETY: the staged key, and the value slot for the counter's 8 bytes.
            match unsafe { sys::map_add(idx, k, stage::value_slot(), field, delta) } {
                // SAFETY: rc == 0: the host wrote the counter into the slot.
                0 => unsafe { stage::read_value::<u64>() },
                _ => 0,
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let mut v = 0u64;
            // SAFETY: `key` is readable for the map's key size, `v` writable for 8 bytes.
            let rc = unsafe {
                sys::map_add(
                    idx,
                    (key as *const K).cast(),
                    (&raw mut v).cast(),
                    field,
                    delta,
                )
            };
            if rc == 0 {
                v
            } else {
                0
            }
        }
    }
}

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
/// Map types: `Hash`, `Array`, `PercpuHash`, `PercpuArray`, `LruHash`, `LruPercpuHash` (typed
/// [`Map`] handles), and, ABI v2, `LpmTrie<LpmKey<D>, V>` ([`LpmTrie`]) and the keyless
/// `Queue<V>`, `Stack<V>`, `BloomFilter<V>` ([`Queue`], [`Stack`], [`BloomFilter`]),
/// `RingBuf<E>` ([`RingBuf`]) and, XDP only, `DevMap<u32, V>` / `DevMapHash<u32, V>`
/// ([`DevMap`]). Names,
/// sizes and the count (at most 16) are checked at compile time. Use it once per hook.
///
/// ```
/// use wasmhook_sdk::LpmKey;
/// wasmhook_sdk::maps! {
///     cidrs: LpmTrie<LpmKey<[u8; 4]>, u32> [64];
///     events: Queue<[u8; 8]> [128];
///     seen: BloomFilter<u32> [1024];
/// }
/// assert_eq!(seen.index(), 2);
/// let _ = (cidrs.lookup(&LpmKey::exact([10, 1, 2, 3])), events.pop());
/// ```
/// A queue has no key type:
/// ```compile_fail
/// wasmhook_sdk::maps! { q: Queue<u32, u64> [4]; }
/// # fn main() { let _ = q; }
/// ```
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
/// At most sixteen maps:
/// ```compile_fail
/// wasmhook_sdk::maps! {
///     a: Hash<u32, u8> [1]; b: Hash<u32, u8> [1]; c: Hash<u32, u8> [1]; d: Hash<u32, u8> [1];
///     e: Hash<u32, u8> [1]; f: Hash<u32, u8> [1]; g: Hash<u32, u8> [1]; h: Hash<u32, u8> [1];
///     i: Hash<u32, u8> [1]; j: Hash<u32, u8> [1]; k: Hash<u32, u8> [1]; l: Hash<u32, u8> [1];
///     m: Hash<u32, u8> [1]; n: Hash<u32, u8> [1]; o: Hash<u32, u8> [1]; p: Hash<u32, u8> [1];
///     q: Hash<u32, u8> [1];
/// }
/// # fn main() {}
/// ```
/// Values are at most 256 bytes:
/// ```compile_fail
/// wasmhook_sdk::maps! { big: Hash<u32, [u8; 300]> [1]; }
/// # fn main() { let _ = big; }
/// ```
#[macro_export]
macro_rules! maps {
    ($($(#[$m:meta])* $vis:vis $name:ident : $kind:ident < $($t:ty),+ > [ $n:expr ]);* $(;)?) => {
        const __WASMHOOK_MAP_DECLS: &[$crate::MapDecl] = &[$(
            $crate::MapDecl::new(
                stringify!($name),
                $crate::MapType::$kind,
                <$crate::__map_handle!($kind; $($t),+)>::KEY_SIZE,
                <$crate::__map_handle!($kind; $($t),+)>::VALUE_SIZE,
                $n,
            )
        ),*];

        /// The `wasmhook.maps` custom section (Hook ABI map declarations).
        // Not `#[used]`: on wasm32 that would also keep a copy in the data segment.
        #[cfg_attr(target_arch = "wasm32", unsafe(link_section = "wasmhook.maps"))]
        #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
        static __WASMHOOK_MAPS: [u8; $crate::maps_section_len(__WASMHOOK_MAP_DECLS)] =
            $crate::maps_section(__WASMHOOK_MAP_DECLS);

        $crate::__map_handles!(0u32; $($(#[$m])* $vis $name : $crate::__map_handle!($kind; $($t),+) ;)*);
    };
}

/// The handle type for a map kind in [`maps!`]: [`Map`] for the keyed types, [`LpmTrie`],
/// [`Queue`], [`Stack`], [`BloomFilter`].
#[doc(hidden)]
#[macro_export]
macro_rules! __map_handle {
    (LpmTrie; $k:ty, $v:ty) => { $crate::LpmTrie<$k, $v> };
    (Queue; $v:ty) => { $crate::Queue<$v> };
    (Stack; $v:ty) => { $crate::Stack<$v> };
    (BloomFilter; $v:ty) => { $crate::BloomFilter<$v> };
    (RingBuf; $e:ty) => { $crate::RingBuf<$e> };
    (DevMap; $k:ty, $v:ty) => { $crate::DevMap<$k, $v> };
    (DevMapHash; $k:ty, $v:ty) => { $crate::DevMap<$k, $v> };
    ($kind:ident; $k:ty, $v:ty) => { $crate::Map<$k, $v> };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __map_handles {
    ($idx:expr;) => {};
    ($idx:expr; $(#[$m:meta])* $vis:vis $name:ident : $h:ty ; $($rest:tt)*) => {
        $(#[$m])*
        #[allow(non_upper_case_globals)]
        $vis const $name: $h = <$h>::new($idx);
        $crate::__map_handles!($idx + 1u32; $($rest)*);
    };
}
