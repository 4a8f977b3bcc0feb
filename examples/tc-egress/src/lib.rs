//! tc-egress: a tc egress program as a wasmhook tc hook, ported from the native eBPF program
//! `native/tc_egress_native.bpf.c` (same maps, same names, same results).
//!
//! - `dests`: per-destination accounting, IPv4 destination (network order) ->
//!   `[packets, bytes]`; bytes are the whole packet's (`skb->len`, the entry's `wire_len`).
//! - `marks`: DSCP rules, `[daddr 4, proto, 0, dport 2 (network order)]` -> DSCP (0..63). The
//!   most specific rule wins: `{daddr, proto, dport}`, then `{daddr, proto, 0}`, then
//!   `{daddr, 0, 0}`. The tos byte's DSCP bits are rewritten, its ECN bits kept, and the IPv4
//!   header checksum fixed with `csum_replace16`.
//! - `redirects`: IPv4 destination -> ifindex: the packet leaves by that interface instead
//!   (`redirect` + `TcVerdict::Redirect`, as `bpf_redirect` in the native program).
//!
//! Only IPv4 is counted, marked and redirected (after up to two VLAN tags in the packet);
//! everything else goes on (`TcVerdict::Ok`). Ports are read for TCP and UDP, first fragments
//! only (0 otherwise).
//!
//! Build: `examples/tc-egress/build.sh` (the hook and its native twin).
#![cfg_attr(target_arch = "wasm32", no_std)]

use wasmhook_sdk::net::{ethertype, Ipv4, ETH_P_IP, IPPROTO_TCP, IPPROTO_UDP};
use wasmhook_sdk::{csum_replace16, maps, redirect, tc, Packet, TcVerdict};

/// Index of the packet counter in a `dests` value.
pub const PACKETS: usize = 0;
/// Index of the byte counter in a `dests` value.
pub const BYTES: usize = 1;

maps! {
    /// Destination -> [packets, bytes], counted with `add_at` (exact when CPUs send to the
    /// same destination at once).
    dests: Hash<[u8; 4], [u64; 2]> [1024];
    /// [daddr 4, proto, pad, dport 2] -> DSCP.
    marks: Hash<[u8; 8], u8> [256];
    /// Destination -> ifindex to send the packet out of.
    redirects: Hash<[u8; 4], u32> [64];
}

/// A `marks` key.
pub const fn mark_key(daddr: [u8; 4], proto: u8, dport: u16) -> [u8; 8] {
    let p = dport.to_be_bytes();
    [daddr[0], daddr[1], daddr[2], daddr[3], proto, 0, p[0], p[1]]
}

/// The DSCP of the most specific rule for this packet, if any.
fn mark_for(daddr: [u8; 4], proto: u8, dport: u16) -> Option<u8> {
    marks
        .lookup(&mark_key(daddr, proto, dport))
        .or_else(|| marks.lookup(&mark_key(daddr, proto, 0)))
        .or_else(|| marks.lookup(&mark_key(daddr, 0, 0)))
}

/// The fields the program looks at, read before the packet is written.
struct Fields {
    l3: usize,
    vihl: u8,
    tos: u8,
    daddr: [u8; 4],
    proto: u8,
    dport: u16,
}

fn parse(pkt: &Packet) -> Option<Fields> {
    let (ETH_P_IP, l3) = ethertype(pkt)? else {
        return None;
    };
    let ip = Ipv4::parse(pkt, l3)?;
    // The native program wants the whole 20-byte header in the packet: the destination is its
    // last field.
    let daddr = ip.dst()?.to_be_bytes();
    let proto = ip.protocol()?;
    let l4_ports = (proto == IPPROTO_TCP || proto == IPPROTO_UDP) && ip.frag_offset()? == 0;
    Some(Fields {
        l3,
        vihl: pkt.u8(l3)?,
        tos: pkt.u8(l3 + 1)?,
        daddr,
        proto,
        dport: if l4_ports {
            pkt.u16(ip.payload_off() + 2).unwrap_or(0)
        } else {
            0
        },
    })
}

tc!(
    fn tc_egress(pkt: &mut Packet, wire_len: u32) -> TcVerdict {
        let Some(f) = parse(pkt) else {
            return TcVerdict::Ok;
        };

        // Accounting, in place and atomic across CPUs (the native program's
        // __sync_fetch_and_add). A full map refuses new destinations; that only loses a count.
        dests.add_at(&f.daddr, PACKETS, 1);
        dests.add_at(&f.daddr, BYTES, u64::from(wire_len));

        // DSCP marking: the tos byte's upper six bits, and the header checksum after the
        // change of its 16-bit word (version/IHL, tos).
        if let Some(dscp) = mark_for(f.daddr, f.proto, f.dport) {
            let tos = (dscp & 0x3f) << 2 | (f.tos & 0x03);
            if tos != f.tos {
                let from = u16::from_be_bytes([f.vihl, f.tos]);
                let to = u16::from_be_bytes([f.vihl, tos]);
                if pkt.write(f.l3 + 1, &[tos]).is_err()
                    || csum_replace16(f.l3 + 10, from, to).is_err()
                {
                    return TcVerdict::Shot;
                }
            }
        }

        // Redirect. An ifindex the kernel refuses: the native program's bpf_redirect would
        // have the packet dropped, so the port drops it.
        match redirects.lookup(&f.daddr) {
            Some(ifindex) => match redirect(ifindex, false) {
                Ok(()) => TcVerdict::Redirect,
                Err(_) => TcVerdict::Shot,
            },
            None => TcVerdict::Ok,
        }
    }
);

wasmhook_sdk::panic_handler!();

#[cfg(test)]
mod tests {
    use super::*;
    use wasmhook_sdk::mock;

    const DST: [u8; 4] = [10, 9, 0, 2];
    const OTHER: [u8; 4] = [10, 9, 1, 2];

    /// The ones' complement sum of the 16-bit big-endian words of `b`, folded.
    fn sum16(b: &[u8]) -> u16 {
        let mut s: u32 = b
            .chunks(2)
            .map(|w| u32::from(w[0]) << 8 | u32::from(*w.get(1).unwrap_or(&0)))
            .sum();
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        s as u16
    }

    /// An Ethernet + IPv4 (valid checksum) + 8-byte L4 header frame to `dst`, tos `tos`,
    /// protocol `proto`, destination port `dport`, `payload` bytes after the L4 header.
    fn frame(dst: [u8; 4], tos: u8, proto: u8, dport: u16, payload: usize) -> Vec<u8> {
        let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00];
        let total = (20 + 8 + payload) as u16;
        f.extend_from_slice(&[0x45, tos]);
        f.extend_from_slice(&total.to_be_bytes());
        f.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0, 10, 9, 0, 1]);
        f.extend_from_slice(&dst);
        let c = !sum16(&f[14..34]);
        f[24..26].copy_from_slice(&c.to_be_bytes());
        f.extend_from_slice(&40000u16.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&[0, 8 + payload as u8, 0, 0]);
        f.resize(f.len() + payload, b'a');
        f
    }

    fn setup() {
        mock::reset(&[], &[(4, 16), (8, 1), (4, 4)]);
    }

    /// One run on frame `f` with `wire_len`: the verdict, the packet after the run and the
    /// redirect target the run named.
    fn run(f: &[u8], wire_len: usize) -> (i32, Vec<u8>, Option<(u32, u64)>) {
        mock::with(|e| {
            e.packet = f.to_vec();
            e.redirect = None;
        });
        let v = tc(wire_len as i32);
        mock::with(|e| (v, e.packet.clone(), e.redirect))
    }

    const OK: i32 = TcVerdict::Ok as i32;

    #[test]
    fn counts_packets_and_wire_bytes_per_destination() {
        setup();
        let (a, b) = (frame(DST, 0, 17, 7777, 32), frame(OTHER, 0, 6, 80, 0));
        assert_eq!(run(&a, a.len()).0, OK);
        assert_eq!(run(&a, a.len()).0, OK);
        // The bytes are wire_len (skb->len), not what the hook can read.
        assert_eq!(run(&b, 1500).0, OK);
        assert_eq!(dests.lookup(&DST), Some([2, 2 * a.len() as u64]));
        assert_eq!(dests.lookup(&OTHER), Some([1, 1500]));
    }

    #[test]
    fn marks_dscp_with_a_valid_checksum_most_specific_rule_first() {
        setup();
        marks.set(&mark_key(DST, 17, 7777), &46).unwrap(); // EF
        marks.set(&mark_key(DST, 17, 0), &10).unwrap(); // AF11: other UDP ports
        marks.set(&mark_key(DST, 0, 0), &8).unwrap(); // CS1: anything else to DST
        for (proto, port, ecn, want) in [
            (17u8, 7777u16, 0u8, 0xb8u8),
            (17, 7777, 1, 0xb9), // ECN bits kept
            (17, 7778, 2, 0x2a),
            (6, 7777, 0, 0x20),
        ] {
            let f = frame(DST, ecn, proto, port, 16);
            let (v, p, r) = run(&f, f.len());
            assert_eq!((v, r), (OK, None));
            assert_eq!(p[15], want, "proto {proto} port {port}");
            assert_eq!(sum16(&p[14..34]), 0xffff, "checksum of {:02x?}", &p[14..34]);
            assert_ne!(p[24..26], f[24..26]);
            // Nothing else changed.
            assert_eq!(
                (&p[..15], &p[16..24], &p[26..]),
                (&f[..15], &f[16..24], &f[26..])
            );
        }
        // No rule, or one that gives the tos the packet has: the packet is untouched.
        let f = frame(OTHER, 0, 17, 7777, 16);
        assert_eq!(run(&f, f.len()), (OK, f.clone(), None));
        marks.set(&mark_key(OTHER, 0, 0), &46).unwrap();
        let f = frame(OTHER, 0xb8, 17, 7777, 16);
        assert_eq!(run(&f, f.len()), (OK, f.clone(), None));
    }

    #[test]
    fn redirects_by_destination_after_counting_and_marking() {
        setup();
        redirects.set(&OTHER, &7).unwrap();
        marks.set(&mark_key(OTHER, 0, 0), &46).unwrap();
        let f = frame(OTHER, 0, 17, 9000, 8);
        let (v, p, r) = run(&f, f.len());
        assert_eq!((v, r), (TcVerdict::Redirect as i32, Some((7, 0))));
        assert_eq!((p[15], sum16(&p[14..34])), (0xb8, 0xffff));
        assert_eq!(dests.lookup(&OTHER), Some([1, f.len() as u64]));
        // Other destinations go on; an ifindex redirect() refuses drops the packet.
        let g = frame(DST, 0, 17, 9000, 8);
        assert_eq!(run(&g, g.len()), (OK, g.clone(), None));
        redirects.set(&DST, &0).unwrap();
        assert_eq!(run(&g, g.len()).0, TcVerdict::Shot as i32);
    }

    #[test]
    fn non_ipv4_goes_on_untouched_and_uncounted() {
        setup();
        marks.set(&mark_key(DST, 0, 0), &46).unwrap();
        redirects.set(&DST, &7).unwrap();
        let mut v6 = frame(DST, 0, 17, 7777, 8);
        v6[12..14].copy_from_slice(&[0x86, 0xdd]);
        let mut arp = frame(DST, 0, 17, 7777, 8);
        arp[12..14].copy_from_slice(&[0x08, 0x06]);
        let short = frame(DST, 0, 17, 7777, 8)[..30].to_vec(); // the header is cut
        for f in [v6, arp, short, vec![0u8; 10]] {
            assert_eq!(run(&f, f.len()), (OK, f.clone(), None));
        }
        assert_eq!(dests.lookup(&DST), None);
    }
}
