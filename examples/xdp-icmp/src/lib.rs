//! xdp-icmp: an example wasmhook XDP hook.
//!
//! Drops IPv4 ICMP echo requests (pings) while `policy[0] == 1`, passes everything else, and
//! counts ICMP packets per ICMP type in `counts[type]`. VLAN tags (802.1Q/802.1ad, up to two) are
//! skipped; non-first IPv4 fragments carry no ICMP header and are passed uncounted.
//!
//! Build: `scripts/build-hook examples/xdp-icmp -o target/xdp-icmp.wasm`; the same filter as a
//! native eBPF program is `native/icmp_native.bpf.c` (same maps, same names).
#![cfg_attr(target_arch = "wasm32", no_std)]

use wasmhook_sdk::net::{ethertype, Ipv4, ETH_P_IP, IPPROTO_ICMP};
use wasmhook_sdk::{maps, xdp, Packet, Verdict};

/// ICMP type of an echo request.
pub const ICMP_ECHO: u8 = 8;

maps! {
    /// Map 0, key 0: 1 = drop pings, 0 = allow.
    policy: Array<u32, u32> [1];
    /// Map 1: packets seen per ICMP type (`add` is one in-place `map_add`, exact when CPUs
    /// count at once, like the native filter's `__sync_fetch_and_add`).
    counts: Array<u32, u64> [256];
}

/// The ICMP type of an IPv4 ICMP packet that carries an ICMP header, else `None`.
fn icmp_type(pkt: &Packet) -> Option<u8> {
    let (ty, l3) = ethertype(pkt)?;
    if ty != ETH_P_IP {
        return None;
    }
    let ip = Ipv4::parse(pkt, l3)?;
    if ip.protocol()? != IPPROTO_ICMP || ip.frag_offset()? != 0 {
        return None;
    }
    pkt.u8(ip.payload_off())
}

xdp!(
    fn filter(pkt: &Packet) -> Verdict {
        let Some(t) = icmp_type(pkt) else {
            return Verdict::Pass;
        };
        counts.add(&u32::from(t), 1);
        if t == ICMP_ECHO && policy.lookup(&0) == Some(1) {
            Verdict::Drop
        } else {
            Verdict::Pass
        }
    }
);

wasmhook_sdk::panic_handler!();

#[cfg(test)]
mod tests {
    use super::*;
    use wasmhook_sdk::mock;

    fn frame(vlans: &[u16], proto: u8, frag: u16, icmp: u8) -> Vec<u8> {
        let mut f = vec![0xff; 12];
        for v in vlans {
            f.extend_from_slice(&v.to_be_bytes());
            f.extend_from_slice(&[0, 7]);
        }
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&[0x45, 0, 0, 28, 0, 1]);
        f.extend_from_slice(&frag.to_be_bytes());
        f.extend_from_slice(&[64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(&[icmp, 0, 0, 0, 0, 0, 0, 0]);
        f
    }

    fn run(f: &[u8], drop_pings: Option<u32>) -> (i32, Option<u64>, Option<u64>) {
        mock::reset(f, &[(4, 4), (4, 8)]);
        if let Some(p) = drop_pings {
            policy.set(&0, &p).unwrap();
        }
        let v = xdp(f.len() as i32);
        (v, counts.lookup(&8), counts.lookup(&0))
    }

    const DROP: i32 = Verdict::Drop as i32;
    const PASS: i32 = Verdict::Pass as i32;

    #[test]
    fn pings_dropped_only_when_policy_says_so() {
        assert_eq!(run(&frame(&[], 1, 0, 8), Some(1)), (DROP, Some(1), None));
        assert_eq!(run(&frame(&[], 1, 0, 8), Some(0)), (PASS, Some(1), None));
        assert_eq!(run(&frame(&[], 1, 0, 8), None), (PASS, Some(1), None));
    }

    #[test]
    fn replies_pass_and_are_counted() {
        assert_eq!(run(&frame(&[], 1, 0, 0), Some(1)), (PASS, None, Some(1)));
    }

    #[test]
    fn vlan_tagged_pings_are_seen() {
        assert_eq!(
            run(&frame(&[0x8100], 1, 0, 8), Some(1)),
            (DROP, Some(1), None)
        );
        assert_eq!(
            run(&frame(&[0x88a8, 0x8100], 1, 0, 8), Some(1)),
            (DROP, Some(1), None)
        );
    }

    #[test]
    fn fragments_other_protocols_and_runts_pass() {
        // Non-first fragment (offset 185 * 8): no ICMP header, passed and not counted.
        assert_eq!(run(&frame(&[], 1, 185, 8), Some(1)), (PASS, None, None));
        // First fragment with MF set still has the header.
        assert_eq!(
            run(&frame(&[], 1, 0x2000, 8), Some(1)),
            (DROP, Some(1), None)
        );
        assert_eq!(run(&frame(&[], 17, 0, 8), Some(1)), (PASS, None, None));
        let f = frame(&[], 1, 0, 8);
        assert_eq!(run(&f[..34], Some(1)), (PASS, None, None));
        assert_eq!(run(&f[..10], Some(1)), (PASS, None, None));
    }
}
