// SPDX-License-Identifier: GPL-2.0 OR MIT
//! Map declarations: the custom section `wasmhook.maps` in which a hook names the BPF maps it
//! uses (index = position = the `map` argument of `map_lookup`/`map_update`/`map_delete`).
//!
//! Layout (all integers little-endian):
//! ```text
//! u8  version            = 1
//! u8  count              <= MAX_MAPS (16; more than 3 is ABI v2)
//! count times:
//!   u8   name_len        1..=15
//!   [u8] name            ASCII letters, digits, '_'
//!   u32  map_type        a BPF map type: 1 hash, 2 array, 5 percpu_hash, 6 percpu_array,
//!                        9 lru_hash, 10 lru_percpu_hash; ABI v2: 11 lpm_trie, 22 queue,
//!                        23 stack, 27 ringbuf, 30 bloom_filter, 14 devmap, 25 devmap_hash
//!   u32  key_size        1..=MAX_MAP_ENTRY (array, devmap, devmap_hash: 4; lpm_trie: 5.., a
//!                        u32 prefix length and the data; queue, stack, bloom_filter, ringbuf:
//!                        0, no keys)
//!   u32  value_size      1..=MAX_MAP_ENTRY (ringbuf: 0, its records have any length; devmap,
//!                        devmap_hash: 4, an ifindex, or 8, a `struct bpf_devmap_val`)
//!   u32  max_entries     >= 1 (ringbuf: its size in bytes, a power of two from 4096 to
//!                        MAX_RINGBUF; at most one ringbuf and one devmap per hook)
//! ```
//! The loader creates an lpm_trie with `BPF_F_NO_PREALLOC` (the kernel allows no other) and a
//! bloom_filter with the kernel's default of 5 hash functions.
//! The loader creates and pins these maps, or binds existing pinned maps after checking that
//! type and sizes match; `wasm2hook check` validates the section; the SDK's macro emits it.

use super::{MAX_MAPS, MAX_MAP_ENTRY};

/// Name of the custom section.
pub const SECTION: &str = "wasmhook.maps";
/// Version byte of the section layout.
pub const VERSION: u8 = 1;
/// Longest map name (BPF object names are 15 bytes plus NUL).
pub const MAX_NAME: usize = 15;

/// Smallest lpm_trie key: the u32 prefix length and one byte of data.
pub const LPM_MIN_KEY: u32 = 5;

/// Smallest ring buffer (one page).
pub const MIN_RINGBUF: u32 = 4096;
/// Largest ring buffer a hook may declare (64 MiB).
pub const MAX_RINGBUF: u32 = 1 << 26;

/// BPF map types a hook may declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapType {
    /// `BPF_MAP_TYPE_HASH`
    Hash,
    /// `BPF_MAP_TYPE_ARRAY`
    Array,
    /// `BPF_MAP_TYPE_PERCPU_HASH`
    PercpuHash,
    /// `BPF_MAP_TYPE_PERCPU_ARRAY`
    PercpuArray,
    /// `BPF_MAP_TYPE_LRU_HASH`
    LruHash,
    /// `BPF_MAP_TYPE_LRU_PERCPU_HASH`
    LruPercpuHash,
    /// `BPF_MAP_TYPE_LPM_TRIE` (ABI v2): keys are `{ u32 prefixlen; u8 data[] }`.
    LpmTrie,
    /// `BPF_MAP_TYPE_QUEUE` (ABI v2): no keys; `map_push`/`map_pop`/`map_peek`, FIFO.
    Queue,
    /// `BPF_MAP_TYPE_STACK` (ABI v2): no keys; `map_push`/`map_pop`/`map_peek`, LIFO.
    Stack,
    /// `BPF_MAP_TYPE_BLOOM_FILTER` (ABI v2): no keys; `map_push` adds, `map_peek` tests.
    BloomFilter,
    /// `BPF_MAP_TYPE_RINGBUF` (ABI v2): records for user space (`ringbuf_output`); no keys,
    /// no values, `max_entries` is its size in bytes.
    RingBuf,
    /// `BPF_MAP_TYPE_DEVMAP` (ABI v2, XDP hooks): interfaces by index for `redirect_map`;
    /// user space fills it, a hook only redirects through it.
    DevMap,
    /// `BPF_MAP_TYPE_DEVMAP_HASH` (ABI v2, XDP hooks): as [`MapType::DevMap`], keyed by any u32.
    DevMapHash,
}

impl MapType {
    /// The kernel's `enum bpf_map_type` value.
    pub const fn to_u32(self) -> u32 {
        match self {
            MapType::Hash => 1,
            MapType::Array => 2,
            MapType::PercpuHash => 5,
            MapType::PercpuArray => 6,
            MapType::LruHash => 9,
            MapType::LruPercpuHash => 10,
            MapType::LpmTrie => 11,
            MapType::Queue => 22,
            MapType::Stack => 23,
            MapType::BloomFilter => 30,
            MapType::RingBuf => 27,
            MapType::DevMap => 14,
            MapType::DevMapHash => 25,
        }
    }
    /// From the kernel's value.
    pub const fn from_u32(v: u32) -> Option<MapType> {
        Some(match v {
            1 => MapType::Hash,
            2 => MapType::Array,
            5 => MapType::PercpuHash,
            6 => MapType::PercpuArray,
            9 => MapType::LruHash,
            10 => MapType::LruPercpuHash,
            11 => MapType::LpmTrie,
            22 => MapType::Queue,
            23 => MapType::Stack,
            30 => MapType::BloomFilter,
            27 => MapType::RingBuf,
            14 => MapType::DevMap,
            25 => MapType::DevMapHash,
            _ => return None,
        })
    }
    /// bpftool's spelling.
    pub const fn name(self) -> &'static str {
        match self {
            MapType::Hash => "hash",
            MapType::Array => "array",
            MapType::PercpuHash => "percpu_hash",
            MapType::PercpuArray => "percpu_array",
            MapType::LruHash => "lru_hash",
            MapType::LruPercpuHash => "lru_percpu_hash",
            MapType::LpmTrie => "lpm_trie",
            MapType::Queue => "queue",
            MapType::Stack => "stack",
            MapType::BloomFilter => "bloom_filter",
            MapType::RingBuf => "ringbuf",
            MapType::DevMap => "devmap",
            MapType::DevMapHash => "devmap_hash",
        }
    }
    /// Queue, stack and bloom filter maps have no keys (key size 0) and are used with
    /// `map_push`/`map_pop`/`map_peek`, not `map_lookup`/`map_update`/`map_delete`.
    pub const fn is_keyless(self) -> bool {
        matches!(self, MapType::Queue | MapType::Stack | MapType::BloomFilter)
    }
    /// The Hook ABI version that introduced this map type (1 or 2).
    pub const fn since(self) -> u32 {
        match self {
            MapType::LpmTrie
            | MapType::Queue
            | MapType::Stack
            | MapType::BloomFilter
            | MapType::RingBuf
            | MapType::DevMap
            | MapType::DevMapHash => 2,
            _ => 1,
        }
    }
    /// The `map_flags` the loader creates this type with: `BPF_F_NO_PREALLOC` (1) for an
    /// lpm_trie, which the kernel requires; 0 otherwise.
    pub const fn create_flags(self) -> u32 {
        match self {
            MapType::LpmTrie => 1,
            _ => 0,
        }
    }
    /// A ring buffer: written by `ringbuf_output` only, read by user space.
    pub const fn is_ringbuf(self) -> bool {
        matches!(self, MapType::RingBuf)
    }
    /// Array maps need 4-byte keys.
    pub const fn is_array(self) -> bool {
        matches!(self, MapType::Array | MapType::PercpuArray)
    }
    /// A devmap (array or hash): used by `redirect_map` only, never by the keyed map calls;
    /// only XDP hooks may declare one, at most one per hook.
    pub const fn is_devmap(self) -> bool {
        matches!(self, MapType::DevMap | MapType::DevMapHash)
    }
}

/// One declared map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapDecl {
    name: [u8; MAX_NAME],
    name_len: u8,
    /// Map type.
    pub map_type: MapType,
    /// Key size in bytes.
    pub key_size: u32,
    /// Value size in bytes.
    pub value_size: u32,
    /// Capacity.
    pub max_entries: u32,
}

impl MapDecl {
    /// A declaration; `None` if the name or sizes are out of range.
    pub fn new(
        name: &str,
        map_type: MapType,
        key_size: u32,
        value_size: u32,
        max_entries: u32,
    ) -> Option<Self> {
        let b = name.as_bytes();
        if b.is_empty()
            || b.len() > MAX_NAME
            || !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            return None;
        }
        let max = MAX_MAP_ENTRY as u32;
        if matches!(map_type, MapType::RingBuf) {
            let size_ok =
                max_entries.is_power_of_two() && (MIN_RINGBUF..=MAX_RINGBUF).contains(&max_entries);
            if key_size != 0 || value_size != 0 || !size_ok {
                return None;
            }
        }
        let key_ok = if map_type.is_keyless() || matches!(map_type, MapType::RingBuf) {
            key_size == 0
        } else if map_type.is_array() || map_type.is_devmap() {
            key_size == 4
        } else if matches!(map_type, MapType::LpmTrie) {
            // a u32 prefix length and at least one byte of data
            (LPM_MIN_KEY..=max).contains(&key_size)
        } else {
            (1..=max).contains(&key_size)
        };
        let value_ok = if matches!(map_type, MapType::RingBuf) {
            value_size == 0
        } else if map_type.is_devmap() {
            // an ifindex, or struct bpf_devmap_val { u32 ifindex; u32 prog_fd/id }
            value_size == 4 || value_size == 8
        } else {
            (1..=max).contains(&value_size)
        };
        if !key_ok || !value_ok || max_entries == 0 {
            return None;
        }
        let mut n = [0u8; MAX_NAME];
        for (d, s) in n.iter_mut().zip(b) {
            *d = *s;
        }
        Some(MapDecl {
            name: n,
            name_len: b.len() as u8,
            map_type,
            key_size,
            value_size,
            max_entries,
        })
    }

    /// The map's name.
    pub fn name(&self) -> &str {
        let n = self.name.get(..usize::from(self.name_len)).unwrap_or(&[]);
        core::str::from_utf8(n).unwrap_or("")
    }
}

/// Why a `wasmhook.maps` section is not valid. `offset` is relative to the section payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapsError {
    /// Byte offset inside the section payload.
    pub offset: usize,
    /// What is wrong.
    pub msg: &'static str,
}

/// The parsed section: up to [`MAX_MAPS`] declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapDecls {
    maps: [Option<MapDecl>; MAX_MAPS as usize],
    count: usize,
}

impl Default for MapDecls {
    fn default() -> Self {
        Self::new()
    }
}

impl MapDecls {
    /// No maps.
    pub const fn new() -> Self {
        MapDecls {
            maps: [None; MAX_MAPS as usize],
            count: 0,
        }
    }

    /// Number of maps.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Map `i`.
    pub fn get(&self, i: usize) -> Option<&MapDecl> {
        self.maps.get(i).and_then(|m| m.as_ref())
    }

    /// All maps in index order.
    pub fn iter(&self) -> impl Iterator<Item = &MapDecl> {
        self.maps.iter().filter_map(|m| m.as_ref())
    }

    /// Adds a map; `false` if full, the name is taken or it is a second ringbuf or devmap.
    pub fn push(&mut self, m: MapDecl) -> bool {
        let second_ringbuf =
            m.map_type == MapType::RingBuf && self.iter().any(|o| o.map_type == MapType::RingBuf);
        let second_devmap = m.map_type.is_devmap() && self.iter().any(|o| o.map_type.is_devmap());
        if second_ringbuf || second_devmap || self.iter().any(|o| o.name() == m.name()) {
            return false;
        }
        match self.maps.get_mut(self.count) {
            Some(slot) => {
                *slot = Some(m);
                self.count = self.count.saturating_add(1);
                true
            }
            None => false,
        }
    }

    /// Parses a section payload.
    pub fn parse(b: &[u8]) -> Result<Self, MapsError> {
        let mut pos = 0usize;
        let err = |offset: usize, msg: &'static str| MapsError { offset, msg };
        let byte = |pos: &mut usize| -> Result<u8, MapsError> {
            let v = *b.get(*pos).ok_or(err(*pos, "section ends early"))?;
            *pos = pos.saturating_add(1);
            Ok(v)
        };
        let word = |pos: &mut usize| -> Result<u32, MapsError> {
            let end = pos.saturating_add(4);
            let s = b.get(*pos..end).ok_or(err(*pos, "section ends early"))?;
            let mut a = [0u8; 4];
            a.copy_from_slice(s);
            *pos = end;
            Ok(u32::from_le_bytes(a))
        };
        if byte(&mut pos)? != VERSION {
            return Err(err(0, "unknown wasmhook.maps version (want 1)"));
        }
        let count = byte(&mut pos)?;
        if u32::from(count) > MAX_MAPS {
            return Err(err(1, "more than 16 maps declared"));
        }
        let mut out = MapDecls::new();
        for _ in 0..count {
            let start = pos;
            let n = usize::from(byte(&mut pos)?);
            let end = pos.saturating_add(n);
            let name = b.get(pos..end).ok_or(err(pos, "section ends early"))?;
            let name = core::str::from_utf8(name).map_err(|_| err(pos, "map name is not ASCII"))?;
            pos = end;
            let ty_at = pos;
            let ty = word(&mut pos)?;
            let map_type = MapType::from_u32(ty).ok_or(err(ty_at, "unsupported map type"))?;
            let (k, v, e) = (word(&mut pos)?, word(&mut pos)?, word(&mut pos)?);
            let m = MapDecl::new(name, map_type, k, v, e)
                .ok_or(err(start, "bad map declaration (name 1-15 of [A-Za-z0-9_], sizes 1-256, array keys 4 bytes, lpm_trie keys 5-256, queue/stack/bloom_filter keys 0, ringbuf keys and values 0 and a power-of-two size of 4096 to 64 MiB, devmap keys 4 and values 4 or 8, entries >= 1)"))?;
            if m.map_type == MapType::RingBuf && out.iter().any(|o| o.map_type == MapType::RingBuf)
            {
                return Err(err(
                    start,
                    "more than one ringbuf map declared (a hook has one)",
                ));
            }
            if m.map_type.is_devmap() && out.iter().any(|o| o.map_type.is_devmap()) {
                return Err(err(
                    start,
                    "more than one devmap declared (a hook redirects through one)",
                ));
            }
            if !out.push(m) {
                return Err(err(start, "duplicate map name"));
            }
        }
        if pos != b.len() {
            return Err(err(pos, "trailing bytes after the map declarations"));
        }
        Ok(out)
    }

    /// Encodes into `out`; returns the length, or `None` if `out` is too small.
    pub fn encode(&self, out: &mut [u8]) -> Option<usize> {
        let mut pos = 0usize;
        let mut put = |bytes: &[u8]| -> Option<()> {
            let end = pos.checked_add(bytes.len())?;
            out.get_mut(pos..end)?.copy_from_slice(bytes);
            pos = end;
            Some(())
        };
        put(&[VERSION, self.count as u8])?;
        for m in self.iter() {
            put(&[m.name_len])?;
            put(m.name().as_bytes())?;
            put(&m.map_type.to_u32().to_le_bytes())?;
            put(&m.key_size.to_le_bytes())?;
            put(&m.value_size.to_le_bytes())?;
            put(&m.max_entries.to_le_bytes())?;
        }
        Some(pos)
    }
}
