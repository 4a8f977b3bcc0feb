//! xdp-firewall: an xdp-filter-like IPv4 firewall as a wasmhook XDP hook, ported from the
//! native eBPF program `native/firewall_native.bpf.c` (same maps, same names, same results).
//!
//! - `rules`: CIDR rules in an LPM trie, source prefix -> action (1 = drop, 2 = pass); the
//!   longest prefix that covers the packet's source address decides.
//! - `policy[0]`: the action for sources no rule covers (1 = drop, 2 = pass; 0, the initial
//!   value, means pass). With pass, `rules` is a blocklist; with drop, an allowlist.
//! - `sources`: per-source counters in an LRU hash, source address (network order) ->
//!   `[packets, bytes, dropped]`; bytes are frame bytes.
//!
//! Only IPv4 is filtered and counted (after up to two VLAN tags); everything else passes.
//!
//! Build: `examples/xdp-firewall/build.sh` (the hook and its native twin).
#![cfg_attr(target_arch = "wasm32", no_std)]

use wasmhook_sdk::net::{ethertype, Ipv4, ETH_P_IP};
use wasmhook_sdk::{maps, xdp, LpmKey, Packet, Verdict};

/// Rule and policy action: drop (XDP_DROP).
pub const ACTION_DROP: u32 = 1;
/// Rule and policy action: pass (XDP_PASS).
pub const ACTION_PASS: u32 = 2;

/// Index of the packet counter in a `sources` value.
pub const PACKETS: usize = 0;
/// Index of the byte counter in a `sources` value.
pub const BYTES: usize = 1;
/// Index of the dropped-packet counter in a `sources` value.
pub const DROPPED: usize = 2;

maps! {
    /// Source prefix -> action.
    rules: LpmTrie<LpmKey<[u8; 4]>, u32> [1024];
    /// Source address -> [packets, bytes, dropped], counted with `add_at` (exact when CPUs
    /// handle the same source at once).
    sources: LruHash<[u8; 4], [u64; 3]> [4096];
    /// Key 0: the default action.
    policy: Array<u32, u32> [1];
}

/// The action for source address `src` (network order).
fn action(src: [u8; 4]) -> u32 {
    match rules.lookup(&LpmKey::exact(src)) {
        Some(a) => a,
        None => policy.lookup(&0).unwrap_or(0),
    }
}

xdp!(
    fn firewall(pkt: &Packet) -> Verdict {
        let Some((ETH_P_IP, l3)) = ethertype(pkt) else {
            return Verdict::Pass;
        };
        let Some(src) = Ipv4::parse(pkt, l3).and_then(|ip| ip.src()) else {
            return Verdict::Pass;
        };
        let src = src.to_be_bytes();
        let drop = action(src) == ACTION_DROP;
        // In place and atomic across CPUs (the native program's __sync_fetch_and_add). A full
        // LRU map evicts; an error here only loses a count, never the verdict.
        sources.add_at(&src, PACKETS, 1);
        sources.add_at(&src, BYTES, pkt.len() as u64);
        if drop {
            sources.add_at(&src, DROPPED, 1);
        }
        if drop {
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

    fn frame(src: [u8; 4], ethertype: u16) -> Vec<u8> {
        let mut f = vec![0xff; 12];
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(&[0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0]);
        f.extend_from_slice(&src);
        f.extend_from_slice(&[10, 9, 0, 1]);
        f.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0]);
        f
    }

    fn setup() {
        mock::reset(&[], &[(8, 4), (4, 24), (4, 4)]);
    }

    fn run(f: &[u8]) -> i32 {
        mock::with(|e| e.packet = f.to_vec());
        xdp(f.len() as i32)
    }

    // The mock matches keys exactly, so these rules are /32s; longest-prefix matching is the
    // kernel's (and `wasmload test`'s) and is checked in the VM against the native twin.
    #[test]
    fn rules_decide_and_sources_count() {
        setup();
        rules
            .insert(&LpmKey::exact([10, 9, 1, 2]), &ACTION_DROP)
            .unwrap();
        rules
            .insert(&LpmKey::exact([10, 9, 2, 2]), &ACTION_PASS)
            .unwrap();
        policy.set(&0, &ACTION_DROP).unwrap();
        let (a, b) = (frame([10, 9, 1, 2], 0x0800), frame([10, 9, 2, 2], 0x0800));
        assert_eq!(run(&a), Verdict::Drop as i32);
        assert_eq!(run(&a), Verdict::Drop as i32);
        assert_eq!(run(&b), Verdict::Pass as i32);
        let n = a.len() as u64;
        assert_eq!(sources.lookup(&[10, 9, 1, 2]), Some([2, 2 * n, 2]));
        assert_eq!(sources.lookup(&[10, 9, 2, 2]), Some([1, n, 0]));
    }

    #[test]
    fn policy_applies_where_no_rule_matches() {
        setup();
        let f = frame([192, 168, 1, 1], 0x0800);
        assert_eq!(run(&f), Verdict::Pass as i32);
        policy.set(&0, &ACTION_DROP).unwrap();
        assert_eq!(run(&f), Verdict::Drop as i32);
        assert_eq!(
            sources.lookup(&[192, 168, 1, 1]).map(|c| c[DROPPED]),
            Some(1)
        );
    }

    #[test]
    fn non_ipv4_passes_uncounted() {
        setup();
        policy.set(&0, &ACTION_DROP).unwrap();
        assert_eq!(run(&frame([10, 9, 1, 2], 0x86dd)), Verdict::Pass as i32);
        assert_eq!(run(&[0u8; 10]), Verdict::Pass as i32);
        assert_eq!(sources.lookup(&[10, 9, 1, 2]), None);
    }
}
