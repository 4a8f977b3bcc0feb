//! Safe packet access over the `pkt_*` imports. Every read is bounds-checked by the kernel;
//! out-of-range accesses give `None` / `Err(OutOfBounds)`, never a trap.

use crate::sys;

/// A packet range was outside the packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfBounds;

/// The packet an XDP hook runs on.
#[derive(Debug)]
pub struct Packet {
    len: usize,
}

/// A packet offset as the `pkt_*` imports take it. An offset above `i32::MAX` becomes a
/// negative one, which the kernel answers like any offset past the end (-1): so there is no
/// check of our own on the hot path (on wasm32, `usize` is 32 bits and this is a plain cast).
#[inline(always)]
fn off_i32(off: usize) -> i32 {
    #[cfg(target_pointer_width = "32")]
    {
        off as i32
    }
    #[cfg(not(target_pointer_width = "32"))]
    {
        i32::try_from(off).unwrap_or(-1)
    }
}

impl Packet {
    /// The packet of the current run, with the length the entry function received.
    pub fn from_entry(len: i32) -> Self {
        Packet {
            len: usize::try_from(len).unwrap_or(0),
        }
    }

    /// The packet of the current run, asking the kernel for its length.
    pub fn current() -> Self {
        // SAFETY: the import has no preconditions.
        Self::from_entry(unsafe { sys::pkt_len() })
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the packet has no bytes (e.g. outside XDP).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `pkt_u8` as the import answers: the byte, or -1 past the end.
    #[inline(always)]
    fn u8_raw(&self, off: usize) -> i32 {
        // SAFETY: the import has no preconditions.
        unsafe { sys::pkt_u8(off_i32(off)) }
    }

    /// `pkt_u16` as the import answers: the big-endian u16, or -1 past the end.
    #[inline(always)]
    fn u16_raw(&self, off: usize) -> i32 {
        // SAFETY: the import has no preconditions.
        unsafe { sys::pkt_u16(off_i32(off)) }
    }

    /// The byte at `off`.
    pub fn u8(&self, off: usize) -> Option<u8> {
        // SAFETY: the import has no preconditions.
        let v = unsafe { sys::pkt_u8(off_i32(off)) };
        u8::try_from(v).ok()
    }

    /// The big-endian (network order) u16 at `off`.
    pub fn u16(&self, off: usize) -> Option<u16> {
        // SAFETY: the import has no preconditions.
        let v = unsafe { sys::pkt_u16(off_i32(off)) };
        u16::try_from(v).ok()
    }

    /// The big-endian (network order) u32 at `off`.
    pub fn u32(&self, off: usize) -> Option<u32> {
        // SAFETY: the import has no preconditions.
        let v = unsafe { sys::pkt_u32(off_i32(off)) };
        u32::try_from(v).ok()
    }

    /// Copies `dst.len()` bytes starting at `off` into `dst`.
    pub fn read(&self, off: usize, dst: &mut [u8]) -> Result<(), OutOfBounds> {
        let (off, len) = (
            off_i32(off),
            i32::try_from(dst.len()).map_err(|_| OutOfBounds)?,
        );
        // SAFETY: `dst` is `len` writable bytes.
        let rc = unsafe { sys::pkt_read(off, dst.as_mut_ptr(), len) };
        if rc == len {
            Ok(())
        } else {
            Err(OutOfBounds)
        }
    }

    /// `N` bytes starting at `off`.
    pub fn array<const N: usize>(&self, off: usize) -> Option<[u8; N]> {
        let mut a = [0u8; N];
        self.read(off, &mut a).ok()?;
        Some(a)
    }

    /// Overwrites packet bytes at `off` with `src` (the packet does not grow).
    pub fn write(&mut self, off: usize, src: &[u8]) -> Result<(), OutOfBounds> {
        let (off, len) = (
            off_i32(off),
            i32::try_from(src.len()).map_err(|_| OutOfBounds)?,
        );
        // SAFETY: `src` is `len` readable bytes.
        let rc = unsafe { sys::pkt_write(off, src.as_ptr(), len) };
        if rc == len {
            Ok(())
        } else {
            Err(OutOfBounds)
        }
    }
}

/// Common header constants and a parser for the layers XDP hooks look at most.
pub mod net {
    use super::Packet;

    /// EtherType IPv4.
    pub const ETH_P_IP: u16 = 0x0800;
    /// EtherType IPv6.
    pub const ETH_P_IPV6: u16 = 0x86dd;
    /// 802.1Q VLAN tag.
    pub const ETH_P_8021Q: u16 = 0x8100;
    /// 802.1ad (QinQ) service tag.
    pub const ETH_P_8021AD: u16 = 0x88a8;
    /// Ethernet header length.
    pub const ETH_HLEN: usize = 14;
    /// IP protocol number of ICMP.
    pub const IPPROTO_ICMP: u8 = 1;
    /// IP protocol number of TCP.
    pub const IPPROTO_TCP: u8 = 6;
    /// IP protocol number of UDP.
    pub const IPPROTO_UDP: u8 = 17;
    /// Most VLAN tags [`ethertype`] skips.
    pub const MAX_VLAN_TAGS: usize = 2;

    /// The EtherType after up to [`MAX_VLAN_TAGS`] VLAN tags and the offset of the L3 header.
    pub fn ethertype(pkt: &Packet) -> Option<(u16, usize)> {
        // On the import's raw answers: -1 (past the end) is no VLAN type, so it leaves the loop
        // and fails the one conversion at the end, where the caller's own test of the type
        // can absorb it (one check instead of one per read).
        let mut off = 12;
        let mut ty = pkt.u16_raw(off);
        for _ in 0..MAX_VLAN_TAGS {
            if ty != i32::from(ETH_P_8021Q) && ty != i32::from(ETH_P_8021AD) {
                break;
            }
            off += 4;
            ty = pkt.u16_raw(off);
        }
        Some((u16::try_from(ty).ok()?, off + 2))
    }

    /// The IPv4 header at `off`, if it is one. A view: each field is read from the packet
    /// when asked for, so a filter pays only for the fields it looks at.
    #[derive(Clone, Copy, Debug)]
    pub struct Ipv4<'p> {
        pkt: &'p Packet,
        /// Offset of the header in the packet.
        pub off: usize,
        /// Header length in bytes (IHL * 4), at least 20.
        pub header_len: usize,
    }

    impl<'p> Ipv4<'p> {
        /// The IPv4 header at `off`; `None` if too short or not version 4 / IHL < 5 (one
        /// packet read).
        #[inline]
        pub fn parse(pkt: &'p Packet, off: usize) -> Option<Ipv4<'p>> {
            // version 4 in the high nibble and nothing above it: this also refuses -1, the
            // import's answer past the end (one test for both)
            let vihl = pkt.u8_raw(off) as u32;
            let header_len = (vihl & 0x0f) as usize * 4;
            if vihl & !0x0f != 0x40 || header_len < 20 {
                return None;
            }
            Some(Ipv4 {
                pkt,
                off,
                header_len,
            })
        }

        /// Offset of the payload (the L4 header).
        pub fn payload_off(&self) -> usize {
            self.off + self.header_len
        }

        /// Protocol (`IPPROTO_*`).
        #[inline]
        pub fn protocol(&self) -> Option<u8> {
            self.pkt.u8(self.off + 9)
        }

        /// Fragment offset in 8-byte units (0 for unfragmented and first fragments).
        #[inline]
        pub fn frag_offset(&self) -> Option<u16> {
            Some(self.pkt.u16(self.off + 6)? & 0x1fff)
        }

        /// More-fragments flag.
        #[inline]
        pub fn more_fragments(&self) -> Option<bool> {
            Some(self.pkt.u16(self.off + 6)? & 0x2000 != 0)
        }

        /// Source address, host order.
        #[inline]
        pub fn src(&self) -> Option<u32> {
            self.pkt.u32(self.off + 12)
        }

        /// Destination address, host order.
        #[inline]
        pub fn dst(&self) -> Option<u32> {
            self.pkt.u32(self.off + 16)
        }

        /// Total length field.
        #[inline]
        pub fn total_len(&self) -> Option<u16> {
            self.pkt.u16(self.off + 2)
        }

        /// Time to live.
        #[inline]
        pub fn ttl(&self) -> Option<u8> {
            self.pkt.u8(self.off + 8)
        }
    }
}
